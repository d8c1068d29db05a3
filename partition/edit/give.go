package edit

import (
	"fmt"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/household"
)

// noise is the area below which an overlay piece is numerical noise.
const noise geo.SquareMeters = 1e-4

// give records that piece went from src to dst, two units of one level
// whose geometries the caller has already changed, and carries out what
// follows below them:
//
//   - households and population move with the piece: the layer's points in
//     it, or (with no layer) src's in proportion to the piece's share of
//     src's area, marked estimated — never more than src holds, so that
//     they are conserved exactly;
//   - a child of src wholly inside the piece moves under dst, with a code
//     of dst's space (when dst has children, or is new); when dst has no
//     children of its own it is dropped, as the detail below dst;
//   - a child of src partly inside loses that part, which goes to the child
//     of dst that shares the longest border with it (or, when dst is new, to
//     a new child of dst), and so on down.
func (t *tx) give(src, dst partition.Code, piece orb.MultiPolygon, fresh bool) error {
	a := geo.Area(piece)
	if a <= noise {
		return nil
	}
	t.moveHouseholds(src, dst, piece, a)
	if dst == "" {
		return t.clipChildren(src, piece)
	}
	kids := t.polygonalChildren(src)
	receivers := len(t.polygonalChildren(dst)) > 0 || fresh
	for _, x := range kids {
		if err := t.giveChild(x, dst, piece, fresh, receivers); err != nil {
			return err
		}
	}
	return nil
}

// giveChild carries the part of src's child x inside piece over to dst.
func (t *tx) giveChild(x, dst partition.Code, piece orb.MultiPolygon, fresh, receivers bool) error {
	u, _ := t.unit(x)
	if !u.Geometry.Bound().Intersects(piece.Bound()) {
		return nil
	}
	in, err := geo.Intersection(u.Geometry, piece)
	if err != nil {
		return fmt.Errorf("part of %s that moves: %w", x, err)
	}
	if geo.Area(in) <= noise {
		return nil
	}
	rest, err := geo.Difference(u.Geometry, piece)
	if err != nil {
		return fmt.Errorf("part of %s that stays: %w", x, err)
	}
	if geo.Area(rest) <= noise {
		if !receivers {
			t.moveHouseholds(x, "", in, geo.Area(in))
			t.dropSubtree(x)
			return nil
		}
		return t.reparent(x, dst)
	}
	u.Geometry = rest
	t.put(u)
	if !receivers {
		return t.give(x, "", in, false)
	}
	if fresh {
		c, err := t.nextCode(dst, u.Level)
		if err != nil {
			return err
		}
		nu := partition.Unit{Code: c, Name: u.Name, Level: u.Level, Network: u.Network, Kind: u.Kind, Parent: dst, Geometry: in}
		t.put(nu)
		return t.give(x, c, in, true)
	}
	to := t.bestNeighbour(in, t.polygonalChildren(dst))
	tu, _ := t.unit(to)
	g, err := join(tu.Geometry, in)
	if err != nil {
		return fmt.Errorf("add to %s: %w", to, err)
	}
	tu.Geometry = g
	t.put(tu)
	return t.give(x, to, in, false)
}

// clipChildren takes piece away from src's descendants: the area went to a
// unit that has no children to receive it.
func (t *tx) clipChildren(src partition.Code, piece orb.MultiPolygon) error {
	for _, x := range t.polygonalChildren(src) {
		if err := t.giveChild(x, "", piece, false, false); err != nil {
			return err
		}
	}
	return nil
}

// bestNeighbour is the candidate that shares the longest border with
// piece, or, when none touches it, the one nearest to it.
func (t *tx) bestNeighbour(piece orb.MultiPolygon, candidates []partition.Code) partition.Code {
	var best partition.Code
	var longest geo.Meters
	for _, c := range candidates {
		u := t.s.units[c]
		if !u.Geometry.Bound().Pad(1e-7).Intersects(piece.Bound()) {
			continue
		}
		if l := geo.SharedBorder(piece, u.Geometry); l > longest {
			best, longest = c, l
		}
	}
	if best != "" {
		return best
	}
	center := piece.Bound().Center()
	nearest := -1.0
	for _, c := range candidates {
		d := float64(geo.LocalDistance(center, t.s.units[c].Geometry.Bound().Center()))
		if nearest < 0 || d < nearest {
			best, nearest = c, d
		}
	}
	return best
}

// moveHouseholds moves the households and population of piece (of area a)
// from src to dst ("" for none) and records the Move.
func (t *tx) moveHouseholds(src, dst partition.Code, piece orb.MultiPolygon, a geo.SquareMeters) {
	su, _ := t.unit(src)
	var moved household.Tally
	estimated := t.env.Layer == nil
	if estimated {
		orig, ok := t.was(src)
		if !ok {
			orig = &su
		}
		share := 0.0
		if whole := geo.Area(orig.Geometry); whole > 0 {
			share = float64(a / whole)
		}
		moved = household.Share(orig.Households, orig.Population, share)
	} else {
		moved = t.env.Layer.In(piece)
	}
	moved.Households = min(moved.Households, su.Households)
	moved.Population = min(moved.Population, su.Population)
	su.Households -= moved.Households
	su.Population -= moved.Population
	t.put(su)
	if dst != "" {
		du, _ := t.unit(dst)
		du.Households += moved.Households
		du.Population += moved.Population
		t.put(du)
	}
	if estimated {
		t.estimated[src] = true
		if dst != "" {
			t.estimated[dst] = true
		}
	}
	t.moves = append(t.moves, Move{From: src, To: dst, Level: su.Level, Area: a, Households: moved.Households, Population: moved.Population, Estimated: estimated})
}

// seam is how near a vertex of one piece must lie to another's edge to be
// put on it before a union: pieces that came out of separate overlays meet
// along a border whose vertices lie on each other's edges only to
// rounding (T-junctions), and the overlay would keep them apart by a gap
// of no width.
const seam geo.Meters = 1e-6

// join is the union of parts that share borders: each is first given the
// vertices of the others that lie on its edges (within seam), so that
// their common borders match vertex for vertex.
func join(parts ...orb.MultiPolygon) (orb.MultiPolygon, error) {
	var in []orb.MultiPolygon
	for _, p := range parts {
		if len(p) > 0 {
			in = append(in, p)
		}
	}
	if len(in) < 2 {
		return geo.Union(in...)
	}
	snapped := make([]orb.MultiPolygon, len(in))
	for i, p := range in {
		others := make([]orb.MultiPolygon, 0, len(in)-1)
		for j, q := range in {
			if j != i && q.Bound().Pad(1e-7).Intersects(p.Bound()) {
				others = append(others, q)
			}
		}
		snapped[i] = p
		if g, ok := geo.Snap(p, others, seam).(orb.MultiPolygon); ok && geo.Validate(g) == nil {
			snapped[i] = g
		}
	}
	return geo.Union(snapped...)
}
