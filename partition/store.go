package partition

import (
	"context"
	"strings"

	"github.com/paulmach/orb"
)

// Query selects units of one published version. Zero fields do not filter.
// Results come in ascending code order, or descending with Reverse.
type Query struct {
	AsOf    AsOf
	Level   Level
	Network Network
	Kind    Kind
	Parent  Code       // direct children of this unit
	Roots   bool       // only units without a parent
	Prefix  string     // codes starting with this string
	BBox    *orb.Bound // units whose bounding box intersects this one (membership units never match)
	After   Code       // cursor: codes strictly greater than this
	Before  Code       // cursor: codes strictly less than this
	Reverse bool       // descending code order (with Before and Limit: the page before a code)
	Limit   int        // at most this many, the first in the order asked; 0 = no limit
	// NoGeometry asks the store not to load geometries (Unit.Geometry stays nil).
	NoGeometry bool
}

// VesselQuery selects vessels of one published version in ascending id order.
type VesselQuery struct {
	AsOf  AsOf
	Unit  Code
	After string
	Limit int
}

// Store keeps units and vessels, version by version. Publish is atomic: a
// reader sees a version whole or not at all. Both implementations
// (store/postgis and store/gpkg) pass the storetest contract suite.
type Store interface {
	// Publish checks the changeset against the latest version (CheckChangeset)
	// and applies it as a new version, in one transaction.
	Publish(ctx context.Context, cs Changeset) (Version, error)
	// Versions lists the published versions, oldest first.
	Versions(ctx context.Context) ([]Version, error)
	// Resolve returns the version an AsOf selects; a not_found Error when none.
	Resolve(ctx context.Context, at AsOf) (Version, error)
	// Units calls fn for each unit that q selects, in code order, stopping at
	// the first error fn returns. It holds no more than one unit in memory.
	Units(ctx context.Context, q Query, fn func(Unit) error) error
	// Unit returns one unit; a not_found Error when it does not exist then.
	Unit(ctx context.Context, code Code, at AsOf) (Unit, error)
	// Vessels calls fn for each vessel that q selects, in id order.
	Vessels(ctx context.Context, q VesselQuery, fn func(Vessel) error) error
	// Vessel returns one vessel; a not_found Error when it does not exist then.
	Vessel(ctx context.Context, id string, at AsOf) (Vessel, error)
	Close() error
}

// Lookup is the view of the latest version that CheckChangeset needs; stores
// implement it inside their publish transaction.
type Lookup interface {
	// LookupUnit returns the current unit (geometry may be omitted).
	LookupUnit(ctx context.Context, code Code) (Unit, bool, error)
	// ChildCodes returns the codes of the current children of a unit.
	ChildCodes(ctx context.Context, code Code) ([]Code, error)
	// VesselIDs returns the ids of current vessels of a membership unit.
	VesselIDs(ctx context.Context, code Code) ([]string, error)
}

// Matches reports whether q's filters select u (AsOf, the order, Limit and
// NoGeometry aside): what a store's query selects, for units held in
// memory (a draft's).
func (q *Query) Matches(u *Unit) bool {
	switch {
	case q.Level != "" && u.Level != q.Level,
		q.Network != "" && u.Network != q.Network,
		q.Kind != "" && u.Kind != q.Kind,
		q.Parent != "" && u.Parent != q.Parent,
		q.Roots && u.Parent != "",
		q.Prefix != "" && !strings.HasPrefix(string(u.Code), q.Prefix),
		q.After != "" && u.Code <= q.After,
		q.Before != "" && u.Code >= q.Before:
		return false
	}
	if q.BBox != nil {
		return len(u.Geometry) > 0 && u.Geometry.Bound().Intersects(*q.BBox)
	}
	return true
}
