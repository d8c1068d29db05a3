// Package postgis is the production partition.Store: PostgreSQL with
// PostGIS, shared by every service replica.
//
// Units and vessels are kept as rows valid over a range of versions: a row is
// visible at version V when valid_from <= V and (valid_to IS NULL or
// valid_to > V). Publishing a version inserts a versions row, ends the
// current rows of what it changes or retires and inserts the new rows with
// COPY, in one transaction that holds an exclusive lock on the versions
// table, then notifies listeners (see Store.Listen). Readers resolve the
// version and read its rows in one read-only REPEATABLE READ transaction, so
// they see a version whole or not at all.
//
// Geometries are MultiPolygons with SRID 4490 (CGCS2000 lon/lat), exchanged
// with the server as binary EWKB through go-geom: coordinates round trip bit
// for bit, with vertex order and ring orientation as given. The geometry
// codec is registered on each connection by hand (the geometry type's OID
// varies by database), as pgx has no PostGIS support of its own.
//
// The schema lives in embedded SQL migrations (migrations/*.sql), applied by
// Open, each in a transaction, recorded in schema_migrations and guarded by
// an advisory lock so that replicas starting together apply each once. The
// view units_current shows the latest version to GIS tools. Drafts, their
// logs (op and change as text, byte for byte) and the household layers are
// written in the same locked transactions as publishes.
package postgis
