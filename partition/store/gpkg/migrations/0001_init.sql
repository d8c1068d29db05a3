-- A GeoPackage 1.3 (https://www.geopackage.org/spec130/) that QGIS and GDAL
-- open as they open any other: the required tables and SRS rows, the
-- features table `units` with an R-tree spatial index, the feature view
-- `units_current`, and the attribute tables `vessels` and `versions`.
--
-- A row of units or vessels is visible at version V when
-- valid_from <= V AND (valid_to IS NULL OR valid_to > V).
-- Codes and ids compare byte by byte (SQLite's BINARY collation), as Go
-- compares strings. Column types are those GeoPackage allows (table 1).

PRAGMA application_id = 1196444487; -- 0x47504B47, 'GPKG'
PRAGMA user_version = 10300;        -- GeoPackage 1.3.0; GDAL 3.6 warns on 1.4

CREATE TABLE gpkg_spatial_ref_sys (
    srs_name                 TEXT NOT NULL,
    srs_id                   INTEGER NOT NULL PRIMARY KEY,
    organization             TEXT NOT NULL,
    organization_coordsys_id INTEGER NOT NULL,
    definition               TEXT NOT NULL,
    description              TEXT
);

INSERT INTO gpkg_spatial_ref_sys VALUES
('Undefined Cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined Cartesian coordinate reference system'),
('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system'),
('WGS 84 geodetic', 4326, 'EPSG', 4326,
 'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]',
 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid'),
('China Geodetic Coordinate System 2000', 4490, 'EPSG', 4490,
 'GEOGCS["China Geodetic Coordinate System 2000",DATUM["China_2000",SPHEROID["CGCS2000",6378137,298.257222101,AUTHORITY["EPSG","1024"]],AUTHORITY["EPSG","1043"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4490"]]',
 'longitude/latitude coordinates in decimal degrees on CGCS2000');

CREATE TABLE gpkg_contents (
    table_name  TEXT NOT NULL PRIMARY KEY,
    data_type   TEXT NOT NULL,
    identifier  TEXT UNIQUE,
    description TEXT DEFAULT '',
    last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    min_x       DOUBLE,
    min_y       DOUBLE,
    max_x       DOUBLE,
    max_y       DOUBLE,
    srs_id      INTEGER,
    CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id)
);

CREATE TABLE gpkg_geometry_columns (
    table_name         TEXT NOT NULL,
    column_name        TEXT NOT NULL,
    geometry_type_name TEXT NOT NULL,
    srs_id             INTEGER NOT NULL,
    z                  TINYINT NOT NULL,
    m                  TINYINT NOT NULL,
    CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
    CONSTRAINT uk_gc_table_name UNIQUE (table_name),
    CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents (table_name),
    CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id)
);

CREATE TABLE gpkg_extensions (
    table_name     TEXT,
    column_name    TEXT,
    extension_name TEXT NOT NULL,
    definition     TEXT NOT NULL,
    scope          TEXT NOT NULL,
    CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name)
);

-- The schema extension, only to mark staff and props as JSON for GDAL and
-- QGIS (field subtype JSON).
CREATE TABLE gpkg_data_columns (
    table_name      TEXT NOT NULL,
    column_name     TEXT NOT NULL,
    name            TEXT UNIQUE,
    title           TEXT,
    description     TEXT,
    mime_type       TEXT,
    constraint_name TEXT,
    CONSTRAINT pk_gdc PRIMARY KEY (table_name, column_name),
    CONSTRAINT gdc_tn UNIQUE (table_name, name)
);

CREATE TABLE gpkg_data_column_constraints (
    constraint_name  TEXT NOT NULL,
    constraint_type  TEXT NOT NULL,
    value            TEXT,
    min              NUMERIC,
    min_is_inclusive BOOLEAN,
    max              NUMERIC,
    max_is_inclusive BOOLEAN,
    description      TEXT,
    CONSTRAINT gdcc_ntv UNIQUE (constraint_name, constraint_type, value)
);

CREATE TABLE versions (
    number       INTEGER PRIMARY KEY NOT NULL CHECK (number > 0),
    -- UTC, RFC 3339 with exactly 9 fraction digits, so that text order is
    -- time order; microsecond precision, as PostgreSQL's.
    published_at TEXT NOT NULL UNIQUE,
    note         TEXT NOT NULL DEFAULT ''
);

CREATE TABLE units (
    fid        INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    -- NULL for membership units (formation, transport), which have no area.
    geom       MULTIPOLYGON,
    code       TEXT NOT NULL,
    name       TEXT NOT NULL,
    level      TEXT NOT NULL,
    network    TEXT NOT NULL,
    kind       TEXT NOT NULL,
    parent     TEXT,
    households INTEGER NOT NULL DEFAULT 0,
    population INTEGER NOT NULL DEFAULT 0,
    staff      TEXT, -- JSON list of {role, name, phone}; NULL when empty
    props      TEXT, -- JSON object; NULL when empty
    valid_from INTEGER NOT NULL REFERENCES versions (number),
    valid_to   INTEGER REFERENCES versions (number),
    CHECK (valid_to IS NULL OR valid_to > valid_from),
    CHECK ((geom IS NULL) = (kind IN ('formation', 'transport')))
);

-- At most one current row per code. Not a UNIQUE partial index: GDAL takes
-- a one-column unique index, partial or not, for a UNIQUE code field, and
-- code repeats across versions. A trigger guards the invariant instead,
-- against any client.
CREATE UNIQUE INDEX units_code_version ON units (code, valid_from);
CREATE INDEX units_current_code ON units (code) WHERE valid_to IS NULL;
CREATE INDEX units_parent ON units (parent, code);
CREATE INDEX units_level ON units (level, code);

CREATE TRIGGER units_one_current BEFORE INSERT ON units
WHEN NEW.valid_to IS NULL AND EXISTS (SELECT 1 FROM units WHERE code = NEW.code AND valid_to IS NULL)
BEGIN
  SELECT RAISE(ABORT, 'units: a current row of this code exists');
END;

CREATE TABLE vessels (
    fid        INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    id         TEXT NOT NULL,
    name       TEXT NOT NULL,
    type       TEXT NOT NULL,
    crew       INTEGER NOT NULL DEFAULT 0,
    unit       TEXT NOT NULL,
    valid_from INTEGER NOT NULL REFERENCES versions (number),
    valid_to   INTEGER REFERENCES versions (number),
    CHECK (valid_to IS NULL OR valid_to > valid_from)
);

CREATE UNIQUE INDEX vessels_id_version ON vessels (id, valid_from);
CREATE INDEX vessels_current_id ON vessels (id) WHERE valid_to IS NULL;
CREATE INDEX vessels_unit ON vessels (unit, id);

CREATE TRIGGER vessels_one_current BEFORE INSERT ON vessels
WHEN NEW.valid_to IS NULL AND EXISTS (SELECT 1 FROM vessels WHERE id = NEW.id AND valid_to IS NULL)
BEGIN
  SELECT RAISE(ABORT, 'vessels: a current row of this id exists');
END;

-- The latest version of every unit, a second feature layer for GIS tools.
CREATE VIEW units_current AS
SELECT fid, geom, code, name, level, network, kind, parent, households,
       population, staff, props, valid_from
FROM units
WHERE valid_to IS NULL;

INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES
('units', 'features', 'units', 'Every version of every unit; a row is valid from version valid_from up to, not including, valid_to', 4490),
('units_current', 'features', 'units_current', 'The units of the latest version', 4490),
('vessels', 'attributes', 'vessels', 'Every version of the vessel registry', NULL),
('versions', 'attributes', 'versions', 'Published versions', NULL);

INSERT INTO gpkg_geometry_columns VALUES
('units', 'geom', 'MULTIPOLYGON', 4490, 0, 0),
('units_current', 'geom', 'MULTIPOLYGON', 4490, 0, 0);

INSERT INTO gpkg_data_columns (table_name, column_name, mime_type) VALUES
('units', 'staff', 'application/json'),
('units', 'props', 'application/json'),
('units_current', 'staff', 'application/json'),
('units_current', 'props', 'application/json');

INSERT INTO gpkg_extensions VALUES
('gpkg_data_columns', NULL, 'gpkg_schema', 'http://www.geopackage.org/spec130/#extension_schema', 'read-write'),
('gpkg_data_column_constraints', NULL, 'gpkg_schema', 'http://www.geopackage.org/spec130/#extension_schema', 'read-write'),
('units', 'geom', 'gpkg_rtree_index', 'http://www.geopackage.org/spec130/#extension_rtree', 'write-only');

-- The R-tree spatial index and the triggers of the extension, as GDAL writes
-- them for GeoPackage 1.3. ST_IsEmpty and ST_MinX … ST_MaxY are registered by
-- the store on its connections (GDAL and QGIS bring their own).
CREATE VIRTUAL TABLE rtree_units_geom USING rtree(id, minx, maxx, miny, maxy);

CREATE TRIGGER rtree_units_geom_insert AFTER INSERT ON units
WHEN (new.geom NOT NULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
  INSERT OR REPLACE INTO rtree_units_geom VALUES (
    NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom));
END;

CREATE TRIGGER rtree_units_geom_update1 AFTER UPDATE OF geom ON units
WHEN OLD.fid = NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
  INSERT OR REPLACE INTO rtree_units_geom VALUES (
    NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom));
END;

CREATE TRIGGER rtree_units_geom_update2 AFTER UPDATE OF geom ON units
WHEN OLD.fid = NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN
  DELETE FROM rtree_units_geom WHERE id = OLD.fid;
END;

CREATE TRIGGER rtree_units_geom_update3 AFTER UPDATE ON units
WHEN OLD.fid != NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
  DELETE FROM rtree_units_geom WHERE id = OLD.fid;
  INSERT OR REPLACE INTO rtree_units_geom VALUES (
    NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom));
END;

CREATE TRIGGER rtree_units_geom_update4 AFTER UPDATE ON units
WHEN OLD.fid != NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN
  DELETE FROM rtree_units_geom WHERE id IN (OLD.fid, NEW.fid);
END;

CREATE TRIGGER rtree_units_geom_delete AFTER DELETE ON units
WHEN old.geom NOT NULL
BEGIN
  DELETE FROM rtree_units_geom WHERE id = OLD.fid;
END;
