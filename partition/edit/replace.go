package edit

import (
	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/partition"
)

// replace makes Area the whole of Unit, keeping the tiling: what the area
// adds to the unit is taken from its siblings (as reassign takes it), and
// each part of the unit the area leaves out goes to the sibling that shares
// the longest border with that part (as delete gives it). Attributes given
// with it (Name, Kind, Staff, Props) change in the same operation.
//
// The area may not reach outside the unit's parent, where it would overlap
// units of other families: that is refused as an untiled error whose
// problem is the outside finding, with its area. A part left out that
// touches no sibling (it would become a gap) is refused too.
func (t *tx) replace(op *Op) error {
	u, err := t.member("unit", op.Unit, true)
	if err != nil {
		return err
	}
	r, err := t.drawnArea(op, &u)
	if err != nil {
		return err
	}
	if err := t.inParent("area", &u, r); err != nil {
		return err
	}
	gain, err := geo.Difference(r, u.Geometry)
	if err != nil {
		return wrap("the area "+string(u.Code)+" gains", err)
	}
	if geo.Area(gain) > noise {
		if err := t.take(&u, r, false); err != nil {
			return err
		}
	}
	if err := t.giveUp(u.Code, r); err != nil {
		return err
	}
	if op.Name != nil || op.Kind != nil || op.Staff != nil || op.Props != nil {
		return t.attributes(op)
	}
	return nil
}

// drawnArea is Op.Area snapped to u, its siblings and its parent.
func (t *tx) drawnArea(op *Op, u *partition.Unit) (orb.MultiPolygon, error) {
	r, err := op.area(t.env)
	if err != nil {
		return nil, err
	}
	tol, err := op.tolerance(t.env)
	if err != nil {
		return nil, err
	}
	codes := append(t.siblings(u), u.Parent)
	if u.Code != "" {
		codes = append(codes, u.Code)
	}
	if snapped, ok := t.snap(r, tol, codes...).(orb.MultiPolygon); ok && geo.Validate(snapped) == nil {
		r = snapped
	}
	return r, nil
}

// inParent refuses an area of u that reaches outside u's parent by more
// than a sliver: there it would overlap the units of other families.
func (t *tx) inParent(field string, u *partition.Unit, r orb.MultiPolygon) error {
	p, ok := t.s.units[u.Parent]
	if !ok || len(p.Geometry) == 0 {
		return nil
	}
	out, err := geo.Difference(r, p.Geometry)
	if err != nil {
		return wrap("the area outside "+string(u.Parent), err)
	}
	a := geo.Area(out)
	if a <= t.env.sliver() {
		return nil
	}
	who := string(u.Code)
	if who == "" {
		who = "the new unit"
	}
	return &partition.Error{Kind: partition.Untiled, Message: "the operation is refused: the area would not tile " + string(u.Parent),
		Problems: []partition.Problem{{Index: -1, Code: string(u.Code), Field: field, Rule: partition.RuleOutside,
			Codes: []partition.Code{u.Parent}, Area: a,
			Message: who + " would reach outside its parent " + string(u.Parent) + ", over units that are not its siblings: draw it inside " + string(u.Parent)}}}
}

// take gives u the parts of r its siblings hold: each sibling loses what it
// held of r, with its households and children (fresh: u is new, and takes
// its siblings' children's parts as children of its own).
func (t *tx) take(u *partition.Unit, r orb.MultiPolygon, fresh bool) error {
	rb := r.Bound()
	for _, c := range t.siblings(u) {
		s, _ := t.unit(c)
		if !s.Geometry.Bound().Intersects(rb) {
			continue
		}
		piece, err := geo.Intersection(s.Geometry, r)
		if err != nil {
			return wrap("area taken from "+string(c), err)
		}
		if geo.Area(piece) <= noise {
			continue
		}
		rest, err := geo.Difference(s.Geometry, r)
		if err != nil {
			return wrap("take the area from "+string(c), err)
		}
		b, _ := t.unit(u.Code)
		if b.Geometry, err = join(b.Geometry, piece); err != nil {
			return wrap("add the area to "+string(u.Code), err)
		}
		t.put(b)
		if geo.Area(rest) <= t.env.sliver() {
			if err := t.noMembers("area", c); err != nil {
				return err
			}
			if b.Geometry, err = join(b.Geometry, rest); err != nil {
				return wrap("add the rest of "+string(c), err)
			}
			t.put(b)
			if err := t.give(c, u.Code, s.Geometry, fresh); err != nil {
				return err
			}
			t.carryRest(c, u.Code)
			t.dropSubtree(c)
			continue
		}
		s.Geometry = rest
		t.put(s)
		if err := t.give(c, u.Code, piece, fresh); err != nil {
			return err
		}
	}
	return nil
}

// giveUp takes from unit c what lies outside r: each part goes to the
// sibling that shares the longest border with it.
func (t *tx) giveUp(c partition.Code, r orb.MultiPolygon) error {
	u, _ := t.unit(c)
	lost, err := geo.Difference(u.Geometry, r)
	if err != nil {
		return wrap("the area "+string(c)+" gives up", err)
	}
	if geo.Area(lost) <= noise {
		return nil
	}
	sibs := t.siblings(&u)
	for i, p := range parts(lost) {
		if geo.Area(p) <= noise {
			continue
		}
		to := partition.Code("")
		var longest geo.Meters
		for _, s := range sibs {
			if l := geo.SharedBorder(p, t.s.units[s].Geometry); l > longest {
				to, longest = s, l
			}
		}
		if to == "" {
			return invalid("area", "part %d of what %s gives up (%.0f m²) touches none of its siblings: it would be left a gap in %s", i+1, c, float64(geo.Area(p)), u.Parent)
		}
		n, _ := t.unit(to)
		if n.Geometry, err = join(n.Geometry, p); err != nil {
			return wrap("give part of "+string(c)+" to "+string(to), err)
		}
		t.put(n)
		cur, _ := t.unit(c)
		if cur.Geometry, err = geo.Difference(cur.Geometry, p); err != nil {
			return wrap("take part of "+string(c), err)
		}
		t.put(cur)
		if err := t.give(c, to, p, false); err != nil {
			return err
		}
	}
	return nil
}

// add makes a new child of Unit at Level (the parent's children's level, or
// the one below the parent's), named Name, of Kind (comprehensive on land),
// with Staff and Props, whose area is Area: its siblings lose what they
// held of it, with their households and the children inside it. The area
// may not reach outside the parent.
func (t *tx) add(op *Op) error {
	p, err := t.member("unit", op.Unit, false)
	if err != nil {
		return err
	}
	if !p.Polygonal() || len(p.Geometry) == 0 {
		return invalid("unit", "%s is a %s unit, which has no area to divide", p.Code, p.Kind)
	}
	nu, err := t.newChild(op, &p)
	if err != nil {
		return err
	}
	r, err := t.drawnArea(op, &nu)
	if err != nil {
		return err
	}
	if err := t.inParent("area", &nu, r); err != nil {
		return err
	}
	in, err := geo.Intersection(r, p.Geometry)
	if err != nil {
		return wrap("the area in "+string(p.Code), err)
	}
	if geo.Area(in) <= t.env.sliver() {
		return invalid("area", "it lies outside %s: draw the new unit inside its parent", p.Code)
	}
	t.put(nu)
	if err := t.take(&nu, in, true); err != nil {
		return err
	}
	b, _ := t.unit(nu.Code)
	if b.Geometry, err = join(b.Geometry, in); err != nil { // a gap it fills is its too
		return wrap("the new unit's area", err)
	}
	if ps := partition.CheckUnitStructure(&b, t.env.limits()); len(ps) > 0 {
		return &partition.Error{Kind: partition.Invalid, Message: "the operation is refused: the new unit: " + ps[0].Message, Problems: ps}
	}
	t.put(b)
	return nil
}

// newChild is the unit add makes under p, without its area yet.
func (t *tx) newChild(op *Op, p *partition.Unit) (partition.Unit, error) {
	level := op.Level
	if level == "" {
		if kids := t.polygonalChildren(p.Code); len(kids) > 0 {
			level = t.s.units[kids[0]].Level
		} else if d := p.Level.Depth(); d >= 0 && d+1 < len(partition.Levels()) {
			level = partition.Levels()[d+1]
		}
	}
	if !level.Valid() || level.Depth() <= p.Level.Depth() {
		return partition.Unit{}, invalid("level", "want a level below %s's (%s), got %q", p.Code, p.Level, level)
	}
	code, err := t.nextCode(p.Code, level)
	if err != nil {
		return partition.Unit{}, err
	}
	nu := partition.Unit{Code: code, Level: level, Network: p.Network, Kind: partition.KindComprehensive, Parent: p.Code, Name: p.Name + "（新）"}
	if p.Network == partition.NetworkSea {
		nu.Kind = partition.KindFishing
	}
	if op.Kind != nil {
		k, err := partition.ParseKind(string(*op.Kind))
		if err != nil {
			return nu, invalid("kind", "%v", err)
		}
		if k.Membership() {
			return nu, invalid("kind", "a %s unit has no area: it cannot be drawn", k)
		}
		nu.Kind, nu.Network = k, k.Network()
	}
	if op.Name != nil {
		if *op.Name == "" || len(*op.Name) > 200 {
			return nu, invalid("name", "want 1–200 bytes of UTF-8")
		}
		nu.Name = *op.Name
	}
	if op.Staff != nil {
		nu.Staff = append([]partition.Staff(nil), *op.Staff...)
	}
	for k, v := range op.Props {
		if v == nil {
			continue
		}
		if nu.Props == nil {
			nu.Props = map[string]any{}
		}
		nu.Props[k] = v
	}
	return nu, nil
}
