package edit

import (
	"maps"
	"slices"
	"unicode/utf8"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/partition"
)

// delete removes Unit; each of its parts goes to the named neighbour that
// shares the longest border with it, with its households and children.
func (t *tx) delete(op *Op) error {
	d, err := t.member("unit", op.Unit, true)
	if err != nil {
		return err
	}
	if len(op.Neighbors) == 0 {
		return invalid("neighbors", "missing: name the siblings of %s that take its area", d.Code)
	}
	if err := t.noMembers("unit", d.Code); err != nil {
		return err
	}
	var ns []partition.Code
	for _, c := range op.Neighbors {
		n, err := t.member("neighbors", c, true)
		if err != nil {
			return err
		}
		if c == d.Code || n.Parent != d.Parent || n.Network != d.Network {
			return invalid("neighbors", "%s is not a sibling of %s in its network", c, d.Code)
		}
		if slices.Contains(ns, c) {
			return invalid("neighbors", "%s is named twice", c)
		}
		ns = append(ns, c)
	}
	given := map[partition.Code][]orb.MultiPolygon{}
	for i, p := range parts(d.Geometry) {
		to := partition.Code("")
		var longest geo.Meters
		for _, c := range ns {
			if l := geo.SharedBorder(p, t.s.units[c].Geometry); l > longest {
				to, longest = c, l
			}
		}
		if to == "" {
			return invalid("neighbors", "part %d of %s shares no border with any of %v", i+1, d.Code, ns)
		}
		given[to] = append(given[to], p)
	}
	var first partition.Code
	for _, c := range ns {
		ps := given[c]
		if len(ps) == 0 {
			continue
		}
		if first == "" {
			first = c
		}
		n, _ := t.unit(c)
		g, err := join(append([]orb.MultiPolygon{n.Geometry}, ps...)...)
		if err != nil {
			return wrap("give "+string(d.Code)+" to "+string(c), err)
		}
		n.Geometry = g
		t.put(n)
		piece, err := join(ps...)
		if err != nil {
			return wrap("give "+string(d.Code)+" to "+string(c), err)
		}
		if err := t.give(d.Code, c, piece, false); err != nil {
			return err
		}
	}
	t.carryRest(d.Code, first)
	t.dropSubtree(d.Code)
	return nil
}

// attributes changes Name, Kind, Staff and Props of Unit.
func (t *tx) attributes(op *Op) error {
	u, err := t.member("unit", op.Unit, false)
	if err != nil {
		return err
	}
	if op.Name == nil && op.Kind == nil && op.Staff == nil && op.Props == nil {
		return invalid("op", "attributes: name none of name, kind, staff, props")
	}
	if op.Name != nil {
		if *op.Name == "" || len(*op.Name) > 200 || !utf8.ValidString(*op.Name) {
			return invalid("name", "want 1–200 bytes of UTF-8")
		}
		u.Name = *op.Name
	}
	if op.Kind != nil {
		k, err := partition.ParseKind(string(*op.Kind))
		if err != nil {
			return invalid("kind", "%v", err)
		}
		if k.Membership() != u.Kind.Membership() || k.Network() != u.Network {
			return invalid("kind", "%s cannot become %s: a kind keeps its network and whether it has an area", u.Kind, k)
		}
		u.Kind = k
	}
	if op.Staff != nil {
		u.Staff = slices.Clone(*op.Staff)
	}
	if op.Props != nil {
		props := maps.Clone(u.Props)
		if props == nil {
			props = map[string]any{}
		}
		for k, v := range op.Props {
			if v == nil {
				delete(props, k)
			} else {
				props[k] = v
			}
		}
		if len(props) == 0 {
			props = nil
		}
		u.Props = props
	}
	if ps := partition.CheckUnitStructure(&u, t.env.limits()); len(ps) > 0 {
		return &partition.Error{Kind: partition.Invalid, Message: "operation: attributes of " + string(u.Code) + ": " + ps[0].Message, Problems: ps}
	}
	t.put(u)
	return nil
}

// sweep leaves no sliver: every part of a unit the operation touched that
// is a sliver (of the Env's sliver area or less) goes to the sibling that
// shares the longest border with it, and a unit that is a sliver whole is
// merged into that sibling, at every level.
func (t *tx) sweep() error {
	for _, c := range append([]partition.Code(nil), t.order...) {
		u, ok := t.s.units[c]
		if !ok || !u.Polygonal() || len(u.Geometry) == 0 || c == t.s.root {
			continue
		}
		if geo.Area(u.Geometry) <= t.env.sliver() {
			if err := t.absorb(c); err != nil {
				return err
			}
			continue
		}
		if len(u.Geometry) < 2 {
			continue
		}
		for _, p := range parts(u.Geometry) {
			if geo.Area(p) <= t.env.sliver() {
				if err := t.giveSliver(c, p); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// absorb merges the sliver unit c into the sibling that shares the longest
// border with it (none touching: it stays, for the check to report).
func (t *tx) absorb(c partition.Code) error {
	u, _ := t.unit(c)
	to := t.bestNeighbour(u.Geometry, t.siblings(&u))
	if to == "" || geo.SharedBorder(u.Geometry, t.s.units[to].Geometry) == 0 || t.noMembers("unit", c) != nil {
		return nil
	}
	n, _ := t.unit(to)
	g, err := join(n.Geometry, u.Geometry)
	if err != nil {
		return wrap("sliver "+string(c), err)
	}
	n.Geometry = g
	t.put(n)
	if err := t.give(c, to, u.Geometry, false); err != nil {
		return err
	}
	t.carryRest(c, to)
	t.dropSubtree(c)
	return nil
}

func (t *tx) giveSliver(c partition.Code, p orb.MultiPolygon) error {
	u, _ := t.unit(c)
	to := t.bestNeighbour(p, t.siblings(&u))
	if to == "" || geo.SharedBorder(p, t.s.units[to].Geometry) == 0 {
		return nil
	}
	rest, err := geo.Difference(u.Geometry, p)
	if err != nil {
		return wrap("sliver of "+string(c), err)
	}
	n, _ := t.unit(to)
	g, err := join(n.Geometry, p)
	if err != nil {
		return wrap("sliver of "+string(c), err)
	}
	u.Geometry, n.Geometry = rest, g
	t.put(u)
	t.put(n)
	return t.give(c, to, p, false)
}
