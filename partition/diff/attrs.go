package diff

import (
	"fmt"
	"reflect"
	"slices"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/partition"
)

// attributes returns the attribute changes of the units in both states, by
// code, then in the order of Fields.
func (c *comparer) attributes() ([]AttributeChange, error) {
	var codes []partition.Code
	for _, u := range c.before.units {
		if _, ok := c.after.byCode[u.Code]; ok {
			codes = append(codes, u.Code)
		}
	}
	slices.Sort(codes)
	out := []AttributeChange{}
	for _, code := range codes {
		i, j := c.before.byCode[code], c.after.byCode[code]
		out = append(out, fieldChanges(c.before.units[i], c.after.units[j])...)
		ch, ok, err := c.geometryChange(i, j)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, ch)
		}
	}
	return out, nil
}

// fieldChanges returns the changes of a's fields other than the geometry.
func fieldChanges(a, b *partition.Unit) []AttributeChange {
	var out []AttributeChange
	add := func(field string, from, to any, same bool) {
		if !same {
			out = append(out, AttributeChange{Code: a.Code, Field: field, From: from, To: to})
		}
	}
	add(FieldName, a.Name, b.Name, a.Name == b.Name)
	add(FieldLevel, a.Level, b.Level, a.Level == b.Level)
	add(FieldKind, a.Kind, b.Kind, a.Kind == b.Kind)
	add(FieldNetwork, a.Network, b.Network, a.Network == b.Network)
	add(FieldParent, a.Parent, b.Parent, a.Parent == b.Parent)
	add(FieldHouseholds, a.Households, b.Households, a.Households == b.Households)
	add(FieldPopulation, a.Population, b.Population, a.Population == b.Population)
	add(FieldStaff, staff(a.Staff), staff(b.Staff), slices.Equal(a.Staff, b.Staff))
	add(FieldProps, props(a.Props), props(b.Props), sameProps(a.Props, b.Props))
	return out
}

// staff is s, never nil (an empty roster encodes as []).
func staff(s []partition.Staff) []partition.Staff {
	if s == nil {
		return []partition.Staff{}
	}
	return s
}

// props is m, never nil (no properties encode as {}).
func props(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

// sameProps compares free properties, no properties and an empty map
// being the same.
func sameProps(a, b map[string]any) bool {
	if len(a) == 0 && len(b) == 0 {
		return true
	}
	return reflect.DeepEqual(a, b)
}

// geometryChange reports a change of geometry between unit i of the earlier
// state and unit j of the later one when the area of their symmetric
// difference exceeds the tolerance, with the areas before and after.
// Membership units, which have no geometry, never have one.
func (c *comparer) geometryChange(i, j int) (AttributeChange, bool, error) {
	ua, ub := c.before.units[i], c.after.units[j]
	if orb.Equal(ua.Geometry, ub.Geometry) {
		return AttributeChange{}, false, nil
	}
	if err := c.checkContext(); err != nil {
		return AttributeChange{}, false, err
	}
	a, b, err := c.shapePair(i, j)
	if err != nil {
		return AttributeChange{}, false, err
	}
	ch := AttributeChange{Code: ua.Code, Field: FieldGeometry, From: a.area, To: b.area}
	if len(a.mp) == 0 || len(b.mp) == 0 {
		return ch, a.area+b.area > c.opts.AreaTolerance, nil
	}
	x, err := geo.SymmetricDifference(a.mp, b.mp)
	if err != nil {
		return AttributeChange{}, false, fmt.Errorf("compare: geometry of %s: %w", ua.Code, err)
	}
	return ch, geo.Area(x) > c.opts.AreaTolerance, nil
}

// shapePair returns the shapes of unit i of the earlier state and unit j of
// the later one; a unit with no geometry has an empty shape.
func (c *comparer) shapePair(i, j int) (*shape, *shape, error) {
	get := func(s *state, k int) (*shape, error) {
		if len(s.units[k].Geometry) == 0 {
			return &shape{}, nil
		}
		return s.shape(k)
	}
	a, err := get(c.before, i)
	if err != nil {
		return nil, nil, err
	}
	b, err := get(c.after, j)
	return a, b, err
}
