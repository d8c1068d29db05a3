package partition

import (
	"context"
	"io"
	"slices"
	"strings"

	"github.com/paulmach/orb"
)

// Export walks what an export of one version holds — every unit, or a
// root and its descendants, then the vessels of the membership units
// exported — with constant memory: units stream from the store in code
// order, which is parents-first. The root of a subtree keeps its parent, so
// that an edited export publishes back into place (a changeset whose units
// name a parent it does not hold is checked against the stored parent);
// DetachRoot drops it, for a file that must be a division of its own (a
// GeoPackage export is a store, whose every parent must be in it).
//
// A descendant of the root has a code that starts with the root's
// significant prefix (CheckChangeset enforces it), but not every code with
// that prefix is a descendant (a unit may hang from an ancestor of the
// root). In code order every unit between an ancestor and its descendant
// shares the ancestor's prefix, so a stack of the exported ancestors of the
// current unit — at most one per level — tells whether a unit's parent was
// exported. Only the codes of exported membership units are kept, to select
// the vessels.
type Export struct {
	Store Store
	At    AsOf // the version; pin it (AsOf{Version: n}) so that units and vessels agree
	Root  Code // "" exports everything
	// DetachRoot exports the root without its parent.
	DetachRoot bool

	members map[Code]bool
	units   int
	vessels int
}

// Units calls fn for each exported unit in code order. A root that does not
// exist in the version is a not_found error.
func (x *Export) Units(ctx context.Context, fn func(Unit) error) error {
	q := Query{AsOf: x.At}
	if x.Root == "" {
		return x.Store.Units(ctx, q, func(u Unit) error { x.units++; return fn(u) })
	}
	if _, err := x.Store.Unit(ctx, x.Root, x.At); err != nil {
		return err
	}
	q.Prefix = x.Root.Significant()
	x.members = map[Code]bool{}
	var stack []Code // exported ancestors of the current unit, the root first
	return x.Store.Units(ctx, q, func(u Unit) error {
		for len(stack) > 0 && !strings.HasPrefix(string(u.Code), stack[len(stack)-1].Significant()) {
			stack = stack[:len(stack)-1]
		}
		switch {
		case u.Code == x.Root:
			if x.DetachRoot {
				u.Parent = ""
			}
		case !slices.Contains(stack, u.Parent):
			return nil
		}
		stack = append(stack, u.Code)
		if u.Kind.Membership() {
			x.members[u.Code] = true
		}
		x.units++
		return fn(u)
	})
}

// Vessels calls fn for each vessel of an exported membership unit, in id
// order; call it after Units.
func (x *Export) Vessels(ctx context.Context, fn func(Vessel) error) error {
	return x.Store.Vessels(ctx, VesselQuery{AsOf: x.At}, func(v Vessel) error {
		if x.members != nil && !x.members[v.Unit] {
			return nil
		}
		x.vessels++
		return fn(v)
	})
}

// Counts returns the number of units and vessels exported so far.
func (x *Export) Counts() (units, vessels int) { return x.units, x.vessels }

// WriteGeoJSON streams the export as one FeatureCollection, the vessels in
// its `vessels` member, with constant memory. transform, when not nil,
// converts each geometry for output.
func (x *Export) WriteGeoJSON(ctx context.Context, w io.Writer, transform func(orb.Geometry) orb.Geometry) error {
	cw := NewCollectionWriter(w, nil)
	if err := x.Units(ctx, func(u Unit) error { return cw.Unit(&u, transform) }); err != nil {
		return err
	}
	if err := x.Vessels(ctx, func(v Vessel) error { return cw.Vessel(&v) }); err != nil {
		return err
	}
	return cw.Close()
}
