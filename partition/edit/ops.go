package edit

import (
	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/partition"
)

// reassign gives Area to To: each sibling of To (within its parent and
// network) loses what it held of the area, and To gains it.
func (t *tx) reassign(op *Op) error {
	b, err := t.member("to", op.To, true)
	if err != nil {
		return err
	}
	r, err := op.area(t.env)
	if err != nil {
		return err
	}
	tol, err := op.tolerance(t.env)
	if err != nil {
		return err
	}
	sibs := t.siblings(&b)
	if snapped, ok := t.snap(r, tol, append(sibs, b.Code)...).(orb.MultiPolygon); ok {
		if bad := geo.Validate(snapped); bad == nil {
			r = snapped
		}
	}
	rb := r.Bound()
	type loss struct {
		code  partition.Code
		piece orb.MultiPolygon
	}
	var losses []loss
	var gained []orb.MultiPolygon
	for _, c := range sibs {
		s := t.s.units[c]
		if !s.Geometry.Bound().Intersects(rb) {
			continue
		}
		piece, err := geo.Intersection(s.Geometry, r)
		if err != nil {
			return wrap("area taken from "+string(c), err)
		}
		if geo.Area(piece) > noise {
			losses = append(losses, loss{c, piece})
			gained = append(gained, piece)
		}
	}
	if len(losses) == 0 {
		return invalid("area", "it holds nothing of %s's siblings: it lies inside %s or outside its parent %s", b.Code, b.Code, b.Parent)
	}
	// B's own share of the area joins the union too: where the area's
	// edges cross the border, the pieces' corners are rounded, and a piece
	// may meet B at a vertex only although the area overlaps B.
	own, err := geo.Intersection(b.Geometry, r)
	if err != nil {
		return wrap("the area in "+string(b.Code), err)
	}
	g, err := join(append([]orb.MultiPolygon{b.Geometry, own}, gained...)...)
	if err != nil {
		return wrap("add the area to "+string(b.Code), err)
	}
	if len(g) > len(b.Geometry) {
		return invalid("area", "it does not touch %s (not all of it shares a border with it): %s would gain a detached part", b.Code, b.Code)
	}
	b.Geometry = g
	t.put(b)
	for _, l := range losses {
		s, _ := t.unit(l.code)
		rest, err := geo.Difference(s.Geometry, r)
		if err != nil {
			return wrap("take the area from "+string(l.code), err)
		}
		if geo.Area(rest) <= t.env.sliver() {
			// All but a sliver is taken: the unit goes whole, the sliver
			// with it.
			if err := t.noMembers("area", l.code); err != nil {
				return err
			}
			nb, _ := t.unit(b.Code)
			if nb.Geometry, err = join(nb.Geometry, rest); err != nil {
				return wrap("add the rest of "+string(l.code), err)
			}
			t.put(nb)
			if err := t.give(l.code, b.Code, s.Geometry, false); err != nil {
				return err
			}
			t.carryRest(l.code, b.Code)
			t.dropSubtree(l.code)
			continue
		}
		s.Geometry = rest
		t.put(s)
		if err := t.give(l.code, b.Code, l.piece, false); err != nil {
			return err
		}
	}
	return nil
}

// splitLine cuts Unit along Line: the larger side keeps the unit's code,
// the other becomes a new sibling (named after it, Name when given).
func (t *tx) splitLine(op *Op) error {
	u, err := t.member("unit", op.Unit, true)
	if err != nil {
		return err
	}
	line, err := t.drawnLine(op, u.Code)
	if err != nil {
		return err
	}
	left, right, err := geo.SplitByLine(u.Geometry, line)
	if err != nil {
		return splitError(u.Code, err)
	}
	keep, other := left, right
	if geo.Area(right) > geo.Area(left) {
		keep, other = right, left
	}
	return t.carve(u, keep, []orb.MultiPolygon{other}, op.Name)
}

// carve keeps keep as u's area and makes a new sibling of each of pieces,
// with its share of u's households and children.
func (t *tx) carve(u partition.Unit, keep orb.MultiPolygon, pieces []orb.MultiPolygon, name *string) error {
	u.Geometry = keep
	t.put(u)
	for _, piece := range pieces {
		c, err := t.nextCode(u.Parent, u.Level)
		if err != nil {
			return err
		}
		nu := partition.Unit{Code: c, Name: u.Name + "（分）", Level: u.Level, Network: u.Network, Kind: u.Kind, Parent: u.Parent, Geometry: piece}
		if name != nil && *name != "" {
			nu.Name = *name
		}
		t.put(nu)
		if err := t.give(u.Code, c, piece, true); err != nil {
			return err
		}
	}
	return nil
}

// merge joins adjacent siblings into one: Into (or the first) keeps its
// code and takes the others' area, households and children.
func (t *tx) merge(op *Op) error {
	if len(op.Units) < 2 {
		return invalid("units", "want at least 2 units to merge, got %d", len(op.Units))
	}
	into := op.Into
	if into == "" {
		into = op.Units[0]
	}
	var us []partition.Unit
	seen := map[partition.Code]bool{}
	found := false
	for _, c := range op.Units {
		if seen[c] {
			return invalid("units", "%s is named twice", c)
		}
		seen[c] = true
		u, err := t.member("units", c, true)
		if err != nil {
			return err
		}
		if len(us) > 0 && (u.Parent != us[0].Parent || u.Network != us[0].Network || u.Level != us[0].Level) {
			return invalid("units", "%s and %s are not siblings of one network: only siblings merge", us[0].Code, c)
		}
		found = found || c == into
		us = append(us, u)
	}
	if !found {
		return invalid("into", "%s is not one of the units merged", into)
	}
	if err := connected(us); err != nil {
		return err
	}
	gs := make([]orb.MultiPolygon, len(us))
	for i := range us {
		gs[i] = us[i].Geometry
	}
	g, err := join(gs...)
	if err != nil {
		return wrap("merge", err)
	}
	keep, _ := t.unit(into)
	keep.Geometry = g
	t.put(keep)
	for _, u := range us {
		if u.Code == into {
			continue
		}
		if err := t.noMembers("units", u.Code); err != nil {
			return err
		}
		if err := t.give(u.Code, into, u.Geometry, false); err != nil {
			return err
		}
		t.carryRest(u.Code, into)
		t.dropSubtree(u.Code)
	}
	return nil
}

// connected refuses units that do not form one block sharing borders.
func connected(us []partition.Unit) error {
	reached := map[int]bool{0: true}
	queue := []int{0}
	for len(queue) > 0 {
		i := queue[0]
		queue = queue[1:]
		for j := range us {
			if !reached[j] && geo.Touches(us[i].Geometry, us[j].Geometry) {
				reached[j] = true
				queue = append(queue, j)
			}
		}
	}
	for j := range us {
		if !reached[j] {
			return invalid("units", "%s shares no border with the others: only adjacent units merge", us[j].Code)
		}
	}
	return nil
}

// moveBorder replaces the border between two siblings by Line: their
// union is cut along it, and each keeps the side that holds more of it.
func (t *tx) moveBorder(op *Op) error {
	if len(op.Units) != 2 || op.Units[0] == op.Units[1] {
		return invalid("units", "want the 2 units whose border moves, got %v", op.Units)
	}
	a, err := t.member("units", op.Units[0], true)
	if err != nil {
		return err
	}
	b, err := t.member("units", op.Units[1], true)
	if err != nil {
		return err
	}
	if a.Parent != b.Parent || a.Network != b.Network {
		return invalid("units", "%s and %s are not siblings of one network", a.Code, b.Code)
	}
	if !geo.Touches(a.Geometry, b.Geometry) {
		return invalid("units", "%s and %s share no border", a.Code, b.Code)
	}
	line, err := t.drawnLine(op, a.Code, b.Code)
	if err != nil {
		return err
	}
	both, err := join(a.Geometry, b.Geometry)
	if err != nil {
		return wrap("border", err)
	}
	left, right, err := geo.SplitByLine(both, line)
	if err != nil {
		return splitError(a.Code+" and "+b.Code, err)
	}
	na, nb, err := sides(a.Geometry, left, right)
	if err != nil {
		return err
	}
	return t.exchange(a, b, na, nb)
}

// sides gives a the side of the cut that holds more of it.
func sides(a, left, right orb.MultiPolygon) (na, nb orb.MultiPolygon, err error) {
	l, err := geo.Intersection(a, left)
	if err != nil {
		return nil, nil, wrap("border", err)
	}
	r, err := geo.Intersection(a, right)
	if err != nil {
		return nil, nil, wrap("border", err)
	}
	if geo.Area(l) >= geo.Area(r) {
		return left, right, nil
	}
	return right, left, nil
}

// exchange gives a and b their new areas na and nb (of the same union) and
// moves what changed hands both ways.
func (t *tx) exchange(a, b partition.Unit, na, nb orb.MultiPolygon) error {
	if geo.Area(na) <= t.env.sliver() || geo.Area(nb) <= t.env.sliver() {
		return invalid("line", "the new border leaves %s or %s with no area: merge them instead", a.Code, b.Code)
	}
	ab, err := geo.Intersection(a.Geometry, nb)
	if err != nil {
		return wrap("border", err)
	}
	ba, err := geo.Intersection(b.Geometry, na)
	if err != nil {
		return wrap("border", err)
	}
	if geo.Area(ab) <= noise && geo.Area(ba) <= noise {
		return invalid("line", "the line is the border %s and %s already share: nothing moves", a.Code, b.Code)
	}
	a.Geometry, b.Geometry = na, nb
	t.put(a)
	t.put(b)
	if err := t.give(a.Code, b.Code, ab, false); err != nil {
		return err
	}
	if err := t.give(b.Code, a.Code, ba, false); err != nil {
		return err
	}
	return nil
}

// drawnLine is Op.Line snapped to the units of codes.
func (t *tx) drawnLine(op *Op, codes ...partition.Code) (orb.LineString, error) {
	line, err := op.line(t.env)
	if err != nil {
		return nil, err
	}
	tol, err := op.tolerance(t.env)
	if err != nil {
		return nil, err
	}
	if snapped, ok := t.snap(line, tol, codes...).(orb.LineString); ok && len(snapped) >= 2 {
		line = snapped
	}
	return line, nil
}
