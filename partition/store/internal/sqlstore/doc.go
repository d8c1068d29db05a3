// Package sqlstore is the partition.Store logic that the two SQL stores
// (PostGIS and GeoPackage) share, written once against a narrow Driver: the
// version-range model, the statements that read versions, units and
// vessels, the Lookup of a publish, and the publish itself (begin a
// version, retire the current rows of what changes, insert the new rows,
// date the version); and the partition.DraftStore: drafts with their logs
// of operations (written under optimistic concurrency by revision, each
// write one Driver.Write transaction) and household layers.
//
// Units and vessels are rows valid over a range of versions: a row is
// visible at version V when valid_from <= V and (valid_to IS NULL or
// valid_to > V); the current rows are those with valid_to NULL.
//
// What differs between the stores is theirs: the transactions and their
// isolation, the clock that dates a version and the work after a publish
// (a Driver); the placeholders, the bounding-box condition, the encoding of
// geometries and times (a Dialect); and bulk inserts (Tx.Insert: COPY, or a
// prepared statement). Schemas and migrations stay with each store.
package sqlstore
