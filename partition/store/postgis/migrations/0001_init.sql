-- Versions, units and vessels. A row is visible at version V when
-- valid_from <= V AND (valid_to IS NULL OR valid_to > V).
-- Codes and vessel ids use the "C" collation so that the database orders
-- them byte by byte, as Go compares strings.

CREATE TABLE versions (
    number       bigint PRIMARY KEY CHECK (number > 0),
    published_at timestamptz NOT NULL UNIQUE,
    note         text
);

CREATE TABLE units (
    id         bigserial PRIMARY KEY,
    code       text COLLATE "C" NOT NULL,
    name       text NOT NULL,
    level      text NOT NULL,
    network    text NOT NULL,
    kind       text NOT NULL,
    parent     text COLLATE "C",
    households integer NOT NULL DEFAULT 0,
    population integer NOT NULL DEFAULT 0,
    staff      jsonb,
    props      jsonb,
    -- NULL for membership units (formation, transport), which have no area.
    geom       geometry(MultiPolygon, 4490),
    valid_from bigint NOT NULL REFERENCES versions (number),
    valid_to   bigint REFERENCES versions (number),
    UNIQUE (code, valid_from),
    CHECK (valid_to IS NULL OR valid_to > valid_from),
    CHECK ((geom IS NULL) = (kind IN ('formation', 'transport')))
);

CREATE UNIQUE INDEX units_current_code ON units (code) WHERE valid_to IS NULL;
CREATE INDEX units_parent ON units (parent);
CREATE INDEX units_level ON units (level);
CREATE INDEX units_geom ON units USING gist (geom);

CREATE TABLE vessels (
    id         text COLLATE "C" NOT NULL,
    name       text NOT NULL,
    type       text NOT NULL,
    crew       integer NOT NULL DEFAULT 0,
    unit       text COLLATE "C" NOT NULL,
    valid_from bigint NOT NULL REFERENCES versions (number),
    valid_to   bigint REFERENCES versions (number),
    PRIMARY KEY (id, valid_from),
    CHECK (valid_to IS NULL OR valid_to > valid_from)
);

CREATE UNIQUE INDEX vessels_current_id ON vessels (id) WHERE valid_to IS NULL;
CREATE INDEX vessels_unit ON vessels (unit);

-- The latest version of every unit, for GIS tools (QGIS, GeoServer).
CREATE VIEW units_current AS
SELECT id, code, name, level, network, kind, parent, households, population,
       staff, props, geom, valid_from
FROM units
WHERE valid_to IS NULL;
