package gpkg

import (
	"context"

	"github.com/wangge/wangge/partition"
)

// Versions lists the published versions, oldest first.
func (s *Store) Versions(ctx context.Context) ([]partition.Version, error) {
	return s.sqlstore.Versions(ctx)
}

// Resolve returns the version at selects: by number (which wins when both
// are set), by time (the last version published at or before it), or the
// latest. It returns a not_found *partition.Error when there is none.
func (s *Store) Resolve(ctx context.Context, at partition.AsOf) (partition.Version, error) {
	return s.sqlstore.Resolve(ctx, at)
}

// Units calls fn for each unit q selects, in code order, streaming the rows.
// The latest version of an empty store has no units; a version that does not
// exist is a not_found error. It returns fn's first error unchanged.
func (s *Store) Units(ctx context.Context, q partition.Query, fn func(partition.Unit) error) error {
	return s.sqlstore.Units(ctx, q, fn)
}

// Unit returns the unit with that code in the version at selects; a
// not_found *partition.Error when the version or the unit does not exist.
func (s *Store) Unit(ctx context.Context, code partition.Code, at partition.AsOf) (partition.Unit, error) {
	return s.sqlstore.Unit(ctx, code, at)
}

// Vessels calls fn for each vessel q selects, in id order, streaming the
// rows. It returns fn's first error unchanged.
func (s *Store) Vessels(ctx context.Context, q partition.VesselQuery, fn func(partition.Vessel) error) error {
	return s.sqlstore.Vessels(ctx, q, fn)
}

// Vessel returns the vessel with that id in the version at selects; a
// not_found *partition.Error when the version or the vessel does not exist.
func (s *Store) Vessel(ctx context.Context, id string, at partition.AsOf) (partition.Vessel, error) {
	return s.sqlstore.Vessel(ctx, id, at)
}
