-- Drafts, their logs and the household layers.
--
-- household_layers and households are attribute tables of the GeoPackage
-- (GDAL and QGIS list them; a point's lon and lat are plain columns, CGCS2000
-- like the units); drafts and draft_ops are the store's own working state,
-- not registered in gpkg_contents, as wangge_migrations is not. Times are
-- text as in versions: UTC, RFC 3339 with exactly 9 fraction digits.

CREATE TABLE household_layers (
    number      INTEGER PRIMARY KEY NOT NULL CHECK (number > 0),
    imported_at TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    -- The latest version when the layer was imported; NULL when none was.
    version     INTEGER REFERENCES versions (number),
    points      INTEGER NOT NULL CHECK (points >= 0),
    households  INTEGER NOT NULL CHECK (households >= 0),
    population  INTEGER NOT NULL CHECK (population >= 0)
);

-- One row per point, seq its position in the import. fid is the integer
-- key GeoPackage asks of an attribute table; (layer, seq) is the key the
-- store uses.
CREATE TABLE households (
    fid        INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    layer      INTEGER NOT NULL REFERENCES household_layers (number),
    seq        INTEGER NOT NULL CHECK (seq >= 0),
    lon        DOUBLE NOT NULL,
    lat        DOUBLE NOT NULL,
    households INTEGER NOT NULL CHECK (households >= 0),
    population INTEGER NOT NULL CHECK (population >= 0),
    address    TEXT NOT NULL DEFAULT ''
);

CREATE UNIQUE INDEX households_layer_seq ON households (layer, seq);
-- A bounding-box query of one layer: a range of lon, then lat.
CREATE INDEX households_position ON households (layer, lon, lat);

CREATE TABLE drafts (
    id         TEXT PRIMARY KEY NOT NULL,
    root       TEXT NOT NULL,
    base       INTEGER NOT NULL REFERENCES versions (number),
    note       TEXT NOT NULL DEFAULT '',
    layer      INTEGER REFERENCES household_layers (number), -- NULL: none
    head       INTEGER NOT NULL DEFAULT 0,
    ops        INTEGER NOT NULL DEFAULT 0,
    revision   INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    published  INTEGER REFERENCES versions (number), -- NULL while open
    CHECK (0 <= head AND head <= ops)
);

CREATE INDEX drafts_created ON drafts (created_at, id);

-- The log: op and change are JSON text, kept byte for byte as given.
CREATE TABLE draft_ops (
    draft  TEXT NOT NULL REFERENCES drafts (id) ON DELETE CASCADE,
    seq    INTEGER NOT NULL CHECK (seq >= 0),
    at     TEXT NOT NULL,
    op     TEXT NOT NULL,
    change TEXT NOT NULL,
    PRIMARY KEY (draft, seq)
);

INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES
('household_layers', 'attributes', 'household_layers', 'Imports of the household layer', NULL),
('households', 'attributes', 'households', 'The points of every household layer: lon and lat on CGCS2000 (EPSG:4490)', NULL);

-- GeoPackage asks that last_change follow the changes of a table: an
-- import inserts its layer row and its points in one transaction.
CREATE TRIGGER household_layers_last_change AFTER INSERT ON household_layers
BEGIN
  UPDATE gpkg_contents SET last_change = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
  WHERE table_name IN ('household_layers', 'households');
END;
