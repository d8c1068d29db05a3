package partition

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
)

// CheckUnit checks one unit's own fields: code format for its level, known
// level, network and kind and that they agree, counts not negative, staff
// roles, and a valid polygonal geometry for polygonal kinds (none for
// membership kinds). It returns every problem found.
func CheckUnit(u *Unit, lim geo.Limits) []Problem {
	return checkUnit(u, lim, geo.CheckMultiPolygon)
}

// CheckUnitStructure is CheckUnit with a geometry that need only be
// readable (geo.CheckStructure): what the tiling check takes, so that it can
// report an invalid polygon as a finding with its location.
func CheckUnitStructure(u *Unit, lim geo.Limits) []Problem {
	return checkUnit(u, lim, geo.CheckStructure)
}

func checkUnit(u *Unit, lim geo.Limits, checkGeometry func(orb.MultiPolygon, geo.Limits) error) []Problem {
	var ps []Problem
	add := func(field, format string, args ...any) {
		ps = append(ps, Problem{Index: -1, Code: string(u.Code), Field: field, Message: fmt.Sprintf(format, args...)})
	}
	if !u.Level.Valid() {
		add("level", "unknown level %q", u.Level)
	} else if err := u.Code.CheckFormat(u.Level); err != nil {
		add("code", "%v", err)
	}
	if _, err := ParseKind(string(u.Kind)); err != nil {
		add("kind", "%v", err)
	} else if u.Network != u.Kind.Network() {
		add("network", "a %s unit belongs to the %s network, not %q", u.Kind, u.Kind.Network(), u.Network)
	}
	switch u.Kind {
	case KindFormation:
		if u.Level != LevelMicrogrid {
			add("level", "a formation unit is a microgrid, not a %s", u.Level)
		}
	case KindTransport, KindFishing, KindAquaculture:
		if u.Level != LevelGrid {
			add("level", "a %s unit is a grid, not a %s", u.Kind, u.Level)
		}
	}
	if u.Name == "" {
		add("name", "name is empty")
	}
	if u.Households < 0 || u.Population < 0 {
		add("households", "households and population must not be negative")
	}
	if u.Props != nil {
		if _, err := json.Marshal(u.Props); err != nil {
			add("properties", "free properties are not JSON: %v", err)
		}
	}
	for i, s := range u.Staff {
		if !roles[s.Role] {
			add(fmt.Sprintf("staff[%d].role", i), "unknown role %q (want grid_leader, full_time, part_time, instructor or police)", s.Role)
		}
	}
	switch {
	case u.Kind.Membership() && u.Geometry != nil:
		add("geometry", "a %s unit is a group of vessels and has no polygon", u.Kind)
	case !u.Kind.Membership() && u.Geometry == nil:
		add("geometry", "a %s unit needs a Polygon or MultiPolygon", u.Kind)
	case u.Geometry != nil:
		if err := checkGeometry(u.Geometry, lim); err != nil {
			add("geometry", "%v", err)
		}
	}
	return ps
}

// CheckVessel checks one vessel's own fields.
func CheckVessel(v *Vessel) []Problem {
	var ps []Problem
	add := func(field, format string, args ...any) {
		ps = append(ps, Problem{Index: -1, Code: v.ID, Field: field, Message: fmt.Sprintf(format, args...)})
	}
	if v.ID == "" {
		add("id", "vessel id is empty")
	}
	if v.Type != VesselFishing && v.Type != VesselTransport {
		add("type", "unknown vessel type %q (want fishing or transport)", v.Type)
	}
	if v.Crew < 0 {
		add("crew", "crew must not be negative")
	}
	if v.Unit == "" {
		add("unit", "vessel has no membership unit")
	}
	return ps
}

// CheckChangeset checks a changeset against the latest version: each unit's
// own fields, duplicate codes, that each parent exists (in the changeset or
// the store) at a shallower level and that the code starts with the parent's
// significant prefix, that a retired unit leaves no children or vessels
// behind, and that each vessel's unit is a membership unit of the matching
// kind. Problems carry the index of the unit or vessel in the changeset. It
// returns nil or an *Error of kind Invalid listing every problem.
func CheckChangeset(ctx context.Context, cs *Changeset, look Lookup, lim geo.Limits) error {
	if cs.Empty() {
		return Errorf(Invalid, "nothing to publish: the changeset is empty")
	}
	c := checker{ctx: ctx, look: look, cs: cs, units: map[Code]*Unit{}, deleted: map[Code]bool{}}
	for _, code := range cs.DeleteUnits {
		c.deleted[code] = true
	}
	for i, u := range cs.Units {
		if c.deleted[u.Code] {
			c.add(i, Problem{Code: string(u.Code), Field: "code", Message: "the same code is both written and retired"})
		}
	}
	for i := range cs.Units {
		u := &cs.Units[i]
		for _, p := range CheckUnit(u, lim) {
			c.add(i, p)
		}
		if _, dup := c.units[u.Code]; dup {
			c.add(i, Problem{Code: string(u.Code), Field: "code", Message: "duplicate code in the input"})
		}
		c.units[u.Code] = u
	}
	if err := c.checkParents(); err != nil {
		return err
	}
	if err := c.checkDeletes(); err != nil {
		return err
	}
	if err := c.checkVessels(); err != nil {
		return err
	}
	if len(c.problems) > 0 {
		return &Error{Kind: Invalid, Message: fmt.Sprintf("%d problems in the input, nothing was written", len(c.problems)), Problems: c.problems}
	}
	return nil
}

type checker struct {
	ctx      context.Context
	look     Lookup
	cs       *Changeset
	units    map[Code]*Unit
	deleted  map[Code]bool
	problems []Problem
}

func (c *checker) add(i int, p Problem) {
	p.Index = i
	c.problems = append(c.problems, p)
}

// addVessel records a problem of the i-th vessel; Index stays for features.
func (c *checker) addVessel(i int, p Problem) {
	p.Index = -1
	p.Field = fmt.Sprintf("vessels[%d].%s", i, p.Field)
	c.problems = append(c.problems, p)
}

// addDelete records a problem of the i-th retired code.
func (c *checker) addDelete(i int, p Problem) {
	p.Index = -1
	p.Field = fmt.Sprintf("delete[%d]", i)
	c.problems = append(c.problems, p)
}

// find returns the unit as it will be after the changeset.
func (c *checker) find(code Code) (Unit, bool, error) {
	if u, ok := c.units[code]; ok {
		return *u, true, nil
	}
	if c.deleted[code] {
		return Unit{}, false, nil
	}
	return c.look.LookupUnit(c.ctx, code)
}

func (c *checker) checkParents() error {
	for i := range c.cs.Units {
		u := &c.cs.Units[i]
		if u.Parent == "" {
			continue
		}
		p, ok, err := c.find(u.Parent)
		if err != nil {
			return fmt.Errorf("look up parent %s of %s: %w", u.Parent, u.Code, err)
		}
		switch {
		case !ok:
			c.add(i, Problem{Code: string(u.Code), Field: "parent", Message: fmt.Sprintf("parent %s does not exist", u.Parent)})
		case p.Level.Depth() >= u.Level.Depth():
			c.add(i, Problem{Code: string(u.Code), Field: "level", Message: fmt.Sprintf("a %s cannot be the child of %s, a %s", u.Level, p.Code, p.Level)})
		case !u.Code.HasParent(p.Code):
			c.add(i, Problem{Code: string(u.Code), Field: "code", Message: fmt.Sprintf("code does not start with its parent's prefix %s", p.Code.Significant())})
		case u.Kind == KindFormation && p.Kind != KindFishing:
			c.add(i, Problem{Code: string(u.Code), Field: "parent", Message: fmt.Sprintf("a formation belongs to a fishing grid, not to %s (%s)", p.Code, p.Kind)})
		case p.Kind.Membership():
			c.add(i, Problem{Code: string(u.Code), Field: "parent", Message: fmt.Sprintf("parent %s is a %s unit and has no children", p.Code, p.Kind)})
		}
	}
	return nil
}

func (c *checker) checkDeletes() error {
	for i, code := range c.cs.DeleteUnits {
		if _, ok, err := c.look.LookupUnit(c.ctx, code); err != nil {
			return fmt.Errorf("look up %s: %w", code, err)
		} else if !ok {
			c.addDelete(i, Problem{Code: string(code), Message: "cannot retire a unit that does not exist"})
			continue
		}
		kids, err := c.look.ChildCodes(c.ctx, code)
		if err != nil {
			return fmt.Errorf("children of %s: %w", code, err)
		}
		for _, k := range kids {
			if !c.deleted[k] {
				if u, ok := c.units[k]; !ok || u.Parent == code {
					c.addDelete(i, Problem{Code: string(code), Message: fmt.Sprintf("cannot retire a unit that keeps its child %s", k)})
					break
				}
			}
		}
	}
	return nil
}

func (c *checker) checkVessels() error {
	ids := map[string]bool{}
	for _, id := range c.cs.DeleteVessels {
		ids[id] = true
	}
	for i := range c.cs.Vessels {
		v := &c.cs.Vessels[i]
		for _, p := range CheckVessel(v) {
			c.addVessel(i, p)
		}
		if ids[v.ID] {
			c.addVessel(i, Problem{Code: v.ID, Field: "id", Message: "duplicate vessel id in the input"})
		}
		ids[v.ID] = true
		if v.Unit == "" {
			continue
		}
		u, ok, err := c.find(v.Unit)
		if err != nil {
			return fmt.Errorf("look up unit %s of vessel %s: %w", v.Unit, v.ID, err)
		}
		want := KindFormation
		if v.Type == VesselTransport {
			want = KindTransport
		}
		switch {
		case !ok:
			c.addVessel(i, Problem{Code: v.ID, Field: "unit", Message: fmt.Sprintf("unit %s does not exist", v.Unit)})
		case u.Kind != want:
			c.addVessel(i, Problem{Code: v.ID, Field: "unit", Message: fmt.Sprintf("a %s vessel belongs to a %s unit, and %s is %s", v.Type, want, u.Code, u.Kind)})
		}
	}
	return c.checkOrphanVessels()
}

// checkOrphanVessels refuses to retire a membership unit that still has vessels.
func (c *checker) checkOrphanVessels() error {
	moved := map[string]bool{}
	for _, v := range c.cs.Vessels {
		moved[v.ID] = true
	}
	for _, id := range c.cs.DeleteVessels {
		moved[id] = true
	}
	for i, code := range c.cs.DeleteUnits {
		ids, err := c.look.VesselIDs(c.ctx, code)
		if err != nil {
			return fmt.Errorf("vessels of %s: %w", code, err)
		}
		for _, id := range ids {
			if !moved[id] {
				c.addDelete(i, Problem{Code: string(code), Message: fmt.Sprintf("cannot retire a unit that keeps vessel %s", id)})
				break
			}
		}
	}
	return nil
}
