package gpkg

import (
	"context"
	"fmt"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo/gpkgwkb"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/store/internal/sqlstore"
)

// Publish checks cs against the latest version and applies it as a new
// version, in one BEGIN IMMEDIATE transaction on the writer connection, so
// that publishers (of this and any other process) take turns while readers
// go on. Errors of CheckChangeset are returned unchanged.
func (s *Store) Publish(ctx context.Context, cs partition.Changeset) (partition.Version, error) {
	return s.sqlstore.Publish(ctx, cs)
}

// extent is the union of the envelopes of the geometries a publish writes.
type extent struct {
	bound orb.Bound
	ok    bool
}

// addGeometry grows e by the envelope in the header of a GeoPackage binary
// geometry, if it has one.
func (e *extent) addGeometry(g []byte) {
	h, err := gpkgwkb.ParseHeader(g)
	if err != nil || !h.HasEnvelope {
		return
	}
	if !e.ok {
		e.bound, e.ok = h.Envelope, true
		return
	}
	e.bound = e.bound.Union(h.Envelope)
}

// touchContents keeps the last_change of gpkg_contents current, as
// GeoPackage asks: that of versions, and of the tables of units and of
// vessels when the publish changed them.
func touchContents(ctx context.Context, t sqlstore.Tx, units, vessels bool) error {
	tables := []string{"versions"}
	if units {
		tables = append(tables, "units", "units_current")
	}
	if vessels {
		tables = append(tables, "vessels")
	}
	err := t.Exec(ctx, `UPDATE gpkg_contents SET last_change = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
		WHERE table_name IN (SELECT value FROM json_each(?))`, jsonArray(tables))
	if err != nil {
		return fmt.Errorf("update gpkg_contents: %w", err)
	}
	return nil
}

// growExtent grows the extent of the feature table units (the only one) in
// gpkg_contents by ext. Rows are never deleted, so the extent of units only
// grows; units_current gets the same, which may exceed the latest version's
// after a retirement, as the extent may.
func growExtent(ctx context.Context, t sqlstore.Tx, ext extent) error {
	if !ext.ok {
		return nil
	}
	err := t.Exec(ctx, `UPDATE gpkg_contents SET
		min_x = min(coalesce(min_x, ?1), ?1), min_y = min(coalesce(min_y, ?2), ?2),
		max_x = max(coalesce(max_x, ?3), ?3), max_y = max(coalesce(max_y, ?4), ?4)
		WHERE table_name IN ('units', 'units_current')`, ext.bound.Min[0], ext.bound.Min[1], ext.bound.Max[0], ext.bound.Max[1])
	if err != nil {
		return fmt.Errorf("update gpkg_contents extent: %w", err)
	}
	return nil
}
