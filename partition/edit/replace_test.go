package edit

import (
	"context"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/partition"
)

// TestReplaceAndAdd replaces a unit's area (it grows into a sibling,
// shrinks and gives to one, or both at once) and adds a new unit carved out
// of its siblings; each keeps the tiling and the households, and undoes
// exactly. The fixture is drawn in edit_test.go:
//
//	y=2 +-----+-----+-----+-----+
//	    | a1  | a2  | b1  | b2  |
//	y=0 +-----+-----+-----+-----+
//	    0     1     2     3     4
func TestReplaceAndAdd(t *testing.T) {
	name := "新格"
	area := func(x0, y0, x1, y1 float64) float64 { return float64(geo.Area(box(x0, y0, x1, y1))) }
	tests := []struct {
		name  string
		op    Op
		check func(t *testing.T, s *State)
	}{
		{"A grows into B", Op{Op: OpReplace, Unit: cA, Area: polygon(box(0, 0, 3, 2))}, func(t *testing.T, s *State) {
			areaIs(t, s, cA, area(0, 0, 3, 2))
			areaIs(t, s, cB, area(3, 0, 4, 2))
			if _, ok := s.Unit(cB1); ok {
				t.Error("b1, inside what A took, is still under B")
			}
		}},
		{"A shrinks, B takes the rest", Op{Op: OpReplace, Unit: cA, Area: polygon(box(0, 0, 1, 2))}, func(t *testing.T, s *State) {
			areaIs(t, s, cA, area(0, 0, 1, 2))
			areaIs(t, s, cB, area(1, 0, 4, 2))
		}},
		{"A gives a strip and takes a strip, renamed", Op{Op: OpReplace, Unit: cA, Area: polygon(orb.MultiPolygon{orbPoly(pt(0, 0), pt(2, 0), pt(2, 0.5), pt(2.5, 0.5), pt(2.5, 1), pt(1.5, 1), pt(1.5, 1.5), pt(2, 1.5), pt(2, 2), pt(0, 2))}), Name: &name}, func(t *testing.T, s *State) {
			areaIs(t, s, cA, area(0, 0, 2, 2))
			areaIs(t, s, cB, area(2, 0, 4, 2))
			if u, _ := s.Unit(cA); u.Name != name {
				t.Errorf("A is named %q, want %q", u.Name, name)
			}
		}},
		{"add a grid across A and B", Op{Op: OpAdd, Unit: cC, Area: polygon(box(1.5, 0, 2.5, 2)), Name: &name}, func(t *testing.T, s *State) {
			nu := partition.Code("330922100001003")
			areaIs(t, s, nu, area(1.5, 0, 2.5, 2))
			areaIs(t, s, cA, area(0, 0, 1.5, 2))
			if u, _ := s.Unit(nu); u.Name != name || u.Level != partition.LevelGrid || len(s.Children(nu)) != 2 {
				t.Errorf("the new grid is %+v with %d children, want %s, a grid, with the parts of a2 and b1", u, len(s.Children(nu)), name)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := fixture(t)
			before := s.Units()
			ch, err := Apply(context.Background(), s, tt.op, Env{Layer: layer()})
			if err != nil {
				t.Fatal(err)
			}
			checkTiling(t, s, 40)
			tt.check(t, s)
			s.Revert(&ch)
			if !reflect.DeepEqual(s.Units(), before) {
				t.Error("revert does not give back the state before")
			}
		})
	}
}

// TestReplaceRefusals: an area over another family is untiled (with the
// outside finding and its area), a shrink that leaves a part no sibling
// touches is invalid, and neither changes the state.
func TestReplaceRefusals(t *testing.T) {
	tests := []struct {
		name string
		op   Op
		kind partition.ErrorKind
		rule partition.Rule
		want string
	}{
		{"outside the community", Op{Op: OpReplace, Unit: cA, Area: polygon(box(0, -1, 2, 2))}, partition.Untiled, partition.RuleOutside, "outside its parent"},
		{"a hole no sibling touches", Op{Op: OpReplace, Unit: cA1, Area: &geojson.Geometry{Type: "Polygon", Coordinates: withHole()}}, partition.Invalid, "", "touches none of its siblings"},
		{"add outside", Op{Op: OpAdd, Unit: cC, Area: polygon(box(3, 1, 5, 3))}, partition.Untiled, partition.RuleOutside, "outside its parent"},
		{"add at the parent's level", Op{Op: OpAdd, Unit: cC, Level: partition.LevelCommunity, Area: polygon(box(1, 0, 2, 1))}, partition.Invalid, "", "level"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := fixture(t)
			before := s.Units()
			_, err := Apply(context.Background(), s, tt.op, Env{Layer: layer()})
			var pe *partition.Error
			if !errors.As(err, &pe) || pe.Kind != tt.kind || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want a %s error saying %q", err, tt.kind, tt.want)
			}
			if tt.rule != "" && (len(pe.Problems) != 1 || pe.Problems[0].Rule != tt.rule || pe.Problems[0].Area <= 0) {
				t.Errorf("problems %+v, want one %s finding with its area", pe.Problems, tt.rule)
			}
			if !reflect.DeepEqual(s.Units(), before) {
				t.Error("a refused operation changed the state")
			}
		})
	}
}

func orbPoly(ps ...orb.Point) orb.Polygon {
	r := append(orb.Ring(ps), ps[0])
	return orb.Polygon{r}
}

// withHole is a1 with a hole in its middle, which only a1 touches.
func withHole() orb.Polygon {
	outer := box(0, 0, 1, 2)[0][0]
	hole := box(0.25, 0.5, 0.75, 1.5)[0][0]
	for i, j := 0, len(hole)-1; i < j; i, j = i+1, j-1 {
		hole[i], hole[j] = hole[j], hole[i]
	}
	return orb.Polygon{outer, hole}
}

func areaIs(t *testing.T, s *State, c partition.Code, want float64) {
	t.Helper()
	u, ok := s.Unit(c)
	if !ok {
		t.Fatalf("%s is gone", c)
	}
	if got := float64(geo.Area(u.Geometry)); math.Abs(got-want) > 1e-3*want {
		t.Errorf("%s has %.1f m², want %.1f", c, got, want)
	}
}
