// Package gpkg is the embedded partition.Store: one GeoPackage file, read
// and written with the pure-Go SQLite of modernc.org/sqlite, the zero-setup
// default. QGIS and GDAL open the same file as a normal GeoPackage 1.3.
//
// The file holds the feature table units (geometry column geom, MULTIPOLYGON
// in EPSG:4490, NULL for membership units, with an R-tree spatial index kept
// by the standard triggers), the feature view units_current (the latest
// version, for GIS users), and the attribute tables vessels and versions.
// staff and props are JSON text, marked as such in gpkg_data_columns. The
// household layers are the attribute tables household_layers and households
// (lon and lat as plain columns); drafts and their logs (drafts, draft_ops)
// are tables of the store's own, not registered in gpkg_contents.
//
// Units and vessels are kept as rows valid over a range of versions: a row is
// visible at version V when valid_from <= V and (valid_to IS NULL or
// valid_to > V). Publishing a version inserts a versions row, ends the
// current rows of what it changes or retires and inserts the new rows with
// prepared statements, in one BEGIN IMMEDIATE transaction on the store's
// single writer connection. The file is in WAL mode: readers resolve the
// version and read its rows in one read transaction, never wait for a
// publish, and see a version whole or not at all.
//
// Geometries are GeoPackage binary (package geo/gpkgwkb): a header with
// srs_id 4490 and the envelope, then WKB, so coordinates round trip bit for
// bit with vertex order and ring orientation as given. The store registers
// the SQL functions the R-tree triggers call (ST_IsEmpty, ST_MinX …) on a
// sqlite.Driver of its own, never on the process-wide one.
//
// The schema lives in embedded SQL migrations (migrations/*.sql), applied by
// Open, each in a transaction, and recorded in wangge_migrations.
package gpkg
