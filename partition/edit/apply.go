package edit

import (
	"context"
	"errors"
	"fmt"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/partition"
)

// Apply carries out op on s, all or nothing: on success s is changed and
// the Change says how; on error s is as it was. A request that cannot keep
// the tiling, or names what is not there, is an Invalid (or NotFound,
// Conflict) *partition.Error naming the field.
func Apply(ctx context.Context, s *State, op Op, env Env) (Change, error) {
	t := begin(s, &env)
	err := t.run(ctx, &op)
	if err == nil && op.Op != OpAttributes {
		err = t.sweep()
	}
	if err == nil {
		err = t.valid()
	}
	if err != nil {
		t.rollback()
		return Change{}, err
	}
	if len(t.order) == 0 {
		return Change{}, invalid("op", "%s changes nothing", op.Op)
	}
	return t.change(op.Op), nil
}

func (t *tx) run(ctx context.Context, op *Op) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	switch op.Op {
	case OpReassign:
		return t.reassign(op)
	case OpSplit:
		if op.Line != nil {
			return t.splitLine(op)
		}
		return t.splitCount(ctx, op)
	case OpMerge:
		return t.merge(op)
	case OpMoveBorder:
		return t.moveBorder(op)
	case OpDelete:
		return t.delete(op)
	case OpCreate:
		return t.create(ctx, op)
	case OpAttributes:
		return t.attributes(op)
	case OpReplace:
		return t.replace(op)
	case OpAdd:
		return t.add(op)
	case "":
		return invalid("op", "missing: want one of reassign, split, merge, move_border, delete, create, attributes, replace, add")
	}
	return invalid("op", "unknown operation %q: want one of reassign, split, merge, move_border, delete, create, attributes, replace, add", op.Op)
}

// member returns the unit of code c for field, refusing one outside the
// subtree; shaped asks for a polygonal unit below the root (whose area can
// change: the root's own outline is the draft's frame).
func (t *tx) member(field string, c partition.Code, shaped bool) (partition.Unit, error) {
	if c == "" {
		return partition.Unit{}, invalid(field, "missing: want a unit code")
	}
	u, ok := t.unit(c)
	if !ok {
		return u, invalid(field, "unit %s is not in the draft's subtree of %s", c, t.s.root)
	}
	if shaped {
		if c == t.s.root {
			return u, invalid(field, "%s is the draft's root: its outline cannot change in this draft (start a draft on its parent)", c)
		}
		if !u.Polygonal() || len(u.Geometry) == 0 {
			return u, invalid(field, "%s is a %s unit, which has no area", c, u.Kind)
		}
	}
	return u, nil
}

// siblings returns the polygonal siblings of u in its network, u excluded.
func (t *tx) siblings(u *partition.Unit) []partition.Code {
	var out []partition.Code
	for _, c := range t.polygonalChildren(u.Parent) {
		if c != u.Code && t.s.units[c].Network == u.Network {
			out = append(out, c)
		}
	}
	return out
}

// snap snaps a drawn geometry to the units of codes.
func (t *tx) snap(g orb.Geometry, tol geo.Meters, codes ...partition.Code) orb.Geometry {
	if tol <= 0 {
		return g
	}
	b := g.Bound().Pad(1e-4)
	var to []orb.MultiPolygon
	for _, c := range codes {
		if u := t.s.units[c]; u != nil && u.Geometry.Bound().Intersects(b) {
			to = append(to, u.Geometry)
		}
	}
	return geo.Snap(g, to, tol)
}

// noMembers refuses to remove a unit that has membership children
// (formations, transport groups), whose vessels name it.
func (t *tx) noMembers(field string, c partition.Code) error {
	for _, k := range t.s.children[c] {
		if !t.s.units[k].Polygonal() {
			return invalid(field, "%s has the %s unit %s under it: move its vessels first", c, t.s.units[k].Kind, k)
		}
	}
	return nil
}

// carryRest moves what households src still holds to dst, as part of the
// Move between them: src is about to be removed whole.
func (t *tx) carryRest(src, dst partition.Code) {
	su, _ := t.unit(src)
	if su.Households == 0 && su.Population == 0 {
		return
	}
	du, _ := t.unit(dst)
	du.Households += su.Households
	du.Population += su.Population
	t.put(du)
	for i := len(t.moves) - 1; i >= 0; i-- {
		if m := &t.moves[i]; m.From == src && m.To == dst {
			m.Households += su.Households
			m.Population += su.Population
			su.Households, su.Population = 0, 0
			break
		}
	}
	if su.Households != 0 || su.Population != 0 {
		t.moves = append(t.moves, Move{From: src, To: dst, Level: su.Level, Households: su.Households, Population: su.Population, Estimated: t.env.Layer == nil})
	}
	su.Households, su.Population = 0, 0
	t.put(su)
}

// splitError turns geo.SplitByLine's refusals into the operation's.
func splitError(c partition.Code, err error) error {
	switch {
	case errors.Is(err, geo.ErrLineEndsInside):
		return invalid("line", "an end of the line lies inside %s: draw it across, from outside to outside (or onto the boundary)", c)
	case errors.Is(err, geo.ErrNoCut):
		return invalid("line", "the line does not cut %s in two: it misses it, or only touches or follows its boundary", c)
	case errors.Is(err, geo.ErrLineNotSimple):
		return invalid("line", "the line crosses itself: draw a simple line")
	case errors.Is(err, geo.ErrExtensionCrosses):
		return invalid("line", "the line's ends, carried on straight, would cut %s again: end the line farther outside", c)
	}
	var pe *partition.Error
	if errors.As(err, &pe) {
		return err
	}
	return invalid("line", "cannot cut %s along it: %v", c, err)
}

// parts returns the polygons of mp as one-part multipolygons.
func parts(mp orb.MultiPolygon) []orb.MultiPolygon {
	out := make([]orb.MultiPolygon, len(mp))
	for i, p := range mp {
		out[i] = orb.MultiPolygon{p}
	}
	return out
}

func wrap(what string, err error) error { return fmt.Errorf("%s: %w", what, err) }

// valid makes sure the operation leaves no unit invalid that was valid:
// parts that came out apart along a border of no width are joined; what
// stays invalid refuses the operation.
func (t *tx) valid() error {
	for _, c := range t.order {
		u, ok := t.s.units[c]
		if !ok || !u.Polygonal() || len(u.Geometry) == 0 || geo.Validate(u.Geometry) == nil {
			continue
		}
		if was := t.before[c]; was != nil && geo.Validate(was.Geometry) != nil {
			continue // invalid before: the check reports it
		}
		fixed, err := join(parts(u.Geometry)...)
		if err == nil && geo.Validate(fixed) == nil {
			nu := *u
			nu.Geometry = fixed
			t.put(nu)
			continue
		}
		return partition.Errorf(partition.Conflict, "the operation would leave %s an invalid polygon (%s), which could not be repaired: draw it a little differently", c, geo.Validate(u.Geometry))
	}
	return nil
}
