package edit

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/household"
	"github.com/wangge/wangge/partition/tiling"
)

// The fixture, in units of 0.001° (about 100 m) from (122, 30):
//
//	y=2 +-----+-----+-----+-----+
//	    | a1  | a2  | b1  | b2  |     community C = [0,4]×[0,2]
//	    |     |     |     |     |     grid A = [0,2]×[0,2], B = [2,4]×[0,2]
//	y=0 +-----+-----+-----+-----+     micro-grids a1 a2 b1 b2, 1 wide
//	    0     1     2     3     4
const (
	cC  = partition.Code("330922100001")
	cA  = partition.Code("330922100001001")
	cB  = partition.Code("330922100001002")
	cA1 = partition.Code("330922100001001001")
	cA2 = partition.Code("330922100001001002")
	cB1 = partition.Code("330922100001002001")
	cB2 = partition.Code("330922100001002002")
)

func pt(x, y float64) orb.Point { return orb.Point{122 + x/1000, 30 + y/1000} }

func box(x0, y0, x1, y1 float64) orb.MultiPolygon {
	return orb.MultiPolygon{{{pt(x0, y0), pt(x1, y0), pt(x1, y1), pt(x0, y1), pt(x0, y0)}}}
}

func fixture(t *testing.T) *State {
	t.Helper()
	u := func(c partition.Code, l partition.Level, parent partition.Code, hh int, g orb.MultiPolygon) partition.Unit {
		return partition.Unit{Code: c, Name: string(c), Level: l, Network: partition.NetworkLand, Kind: partition.KindComprehensive, Parent: parent, Households: hh, Population: 3 * hh, Geometry: g}
	}
	units := []partition.Unit{
		u(cC, partition.LevelCommunity, "330922100000", 40, box(0, 0, 4, 2)),
		u(cA, partition.LevelGrid, cC, 20, box(0, 0, 2, 2)),
		u(cB, partition.LevelGrid, cC, 20, box(2, 0, 4, 2)),
		u(cA1, partition.LevelMicrogrid, cA, 10, box(0, 0, 1, 2)),
		u(cA2, partition.LevelMicrogrid, cA, 10, box(1, 0, 2, 2)),
		u(cB1, partition.LevelMicrogrid, cB, 10, box(2, 0, 3, 2)),
		u(cB2, partition.LevelMicrogrid, cB, 10, box(3, 0, 4, 2)),
	}
	s, err := NewState(cC, units)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// layer puts 10 points of 1 household (3 people) in each micro-grid, on a
// 2×5 lattice strictly inside it.
func layer() *household.Layer {
	var pts []partition.HouseholdPoint
	for m := 0; m < 4; m++ {
		for i := 0; i < 2; i++ {
			for j := 0; j < 5; j++ {
				pts = append(pts, partition.HouseholdPoint{Point: pt(float64(m)+0.25+0.5*float64(i), 0.2+0.4*float64(j)), Households: 1, Population: 3})
			}
		}
	}
	return household.New(pts)
}

func polygon(g orb.MultiPolygon) *geojson.Geometry { return geojson.NewGeometry(g[0]) }

func line(ps ...orb.Point) *geojson.Geometry { return geojson.NewGeometry(orb.LineString(ps)) }

// checkTiling asserts that every family of s tiles, that the community's
// area and households are what they were, and that each parent's
// children hold what it holds.
func checkTiling(t *testing.T, s *State, households int) {
	t.Helper()
	for _, u := range s.Units() {
		if len(s.Children(u.Code)) == 0 {
			continue
		}
		p, kids := s.Family(u.Code)
		res, err := tiling.Check(p, kids, tiling.DefaultOptions())
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range res.Findings {
			if f.Severity == partition.SeverityError {
				t.Errorf("family %s: %s %v: %s (%.3f m²)", u.Code, f.Rule, f.Codes, f.Message, f.Area)
			}
		}
		var sum geo.SquareMeters
		hh := 0
		for _, k := range kids {
			sum += geo.Area(k.Geometry)
			hh += k.Households
		}
		if d := math.Abs(float64(sum - geo.Area(p.Geometry))); d > 0.01 {
			t.Errorf("family %s: children's area %.4f m², parent's %.4f m²", u.Code, sum, geo.Area(p.Geometry))
		}
		if p.Code != cC && hh != p.Households {
			t.Errorf("family %s: children hold %d households, the parent %d", u.Code, hh, p.Households)
		}
	}
	root, _ := s.Unit(cC)
	if want := geo.Area(box(0, 0, 4, 2)); math.Abs(float64(geo.Area(root.Geometry)-want)) > 0.01 {
		t.Errorf("community area %.3f, want %.3f", geo.Area(root.Geometry), want)
	}
	total := 0
	for _, c := range s.Children(cC) {
		u, _ := s.Unit(c)
		total += u.Households
	}
	if total != households {
		t.Errorf("grids hold %d households, want %d", total, households)
	}
}

func hh(t *testing.T, s *State, c partition.Code) int {
	t.Helper()
	u, ok := s.Unit(c)
	if !ok {
		t.Fatalf("unit %s is gone", c)
	}
	return u.Households
}

func TestReassignMovesChildrenAndHouseholds(t *testing.T) {
	for _, withLayer := range []bool{true, false} {
		t.Run(map[bool]string{true: "layer", false: "estimated"}[withLayer], func(t *testing.T) {
			s := fixture(t)
			env := Env{}
			if withLayer {
				env.Layer = layer()
			}
			before := s.Units()
			// The east half of a2 goes to B; drawn 0.3 m off the borders
			// (0.3 m is about 0.0000031°), which snapping puts right.
			off := 0.0000031 * 1000
			op := Op{Op: OpReassign, To: cB, Area: polygon(box(1.5, -off, 2+off, 2+off))}
			ch, err := Apply(context.Background(), s, op, env)
			if err != nil {
				t.Fatal(err)
			}
			checkTiling(t, s, 40)
			if got := hh(t, s, cA) + hh(t, s, cB); got != 40 {
				t.Errorf("A+B hold %d households, want 40", got)
			}
			if got, want := hh(t, s, cA), 15; got != want {
				t.Errorf("A holds %d households, want %d (the points of the east half of a2 moved)", got, want)
			}
			if got := hh(t, s, cB1); got != 15 {
				t.Errorf("b1 holds %d households, want 15: a2's piece goes to the micro-grid of B it borders", got)
			}
			a := geo.Area(box(1.5, 0, 2, 2))
			var moved geo.SquareMeters
			for _, m := range ch.Moves {
				if m.From == cA && m.To == cB {
					moved += m.Area
					if m.Estimated != !withLayer {
						t.Errorf("move estimated %v, want %v", m.Estimated, !withLayer)
					}
				}
			}
			if math.Abs(float64(moved-a)) > 0.01*float64(a) {
				t.Errorf("A→B moved %.1f m², want %.1f", moved, a)
			}
			s.Revert(&ch)
			if !reflect.DeepEqual(s.Units(), before) {
				t.Error("revert does not give back the state before")
			}
			s.Apply(&ch)
			checkTiling(t, s, 40)
		})
	}
}

func TestRefusals(t *testing.T) {
	bow := &geojson.Geometry{Coordinates: orb.Polygon{{pt(0, 0), pt(1, 1), pt(1, 0), pt(0, 1), pt(0, 0)}}}
	tests := []struct {
		name  string
		op    Op
		field string
		want  string
	}{
		{"unknown op", Op{Op: "paint"}, "op", "unknown operation"},
		{"reassign not touching", Op{Op: OpReassign, To: cB, Area: polygon(box(0.2, 0.2, 0.6, 0.6))}, "area", "does not touch"},
		{"reassign inside the unit", Op{Op: OpReassign, To: cB, Area: polygon(box(2.5, 0.5, 3, 1))}, "area", "holds nothing"},
		{"reassign bow-tie", Op{Op: OpReassign, To: cB, Area: bow}, "area", "not simple"},
		{"reassign outside the subtree", Op{Op: OpReassign, To: "330922100002001", Area: polygon(box(1, 0, 2, 1))}, "to", "not in the draft's subtree"},
		{"reassign to the root", Op{Op: OpReassign, To: cC, Area: polygon(box(1, 0, 2, 1))}, "to", "root"},
		{"split line ends inside", Op{Op: OpSplit, Unit: cA, Line: line(pt(1, -1), pt(1, 1))}, "line", "inside"},
		{"split line touches a border", Op{Op: OpSplit, Unit: cA, Line: line(pt(2, -1), pt(2, 3))}, "line", "does not cut"},
		{"split line misses", Op{Op: OpSplit, Unit: cA, Line: line(pt(3, -1), pt(3, 3))}, "line", "does not cut"},
		{"merge not touching", Op{Op: OpMerge, Units: []partition.Code{cA1, cB1}}, "units", "not siblings"},
		{"merge apart", Op{Op: OpMerge, Units: []partition.Code{cB1, cB2, cB1}}, "units", "twice"},
		{"merge one", Op{Op: OpMerge, Units: []partition.Code{cB1}}, "units", "at least 2"},
		{"move border not siblings", Op{Op: OpMoveBorder, Units: []partition.Code{cA2, cB1}, Line: line(pt(2, -1), pt(2, 3))}, "units", "not siblings"},
		{"delete without neighbours", Op{Op: OpDelete, Unit: cA2}, "neighbors", "missing"},
		{"delete to a stranger", Op{Op: OpDelete, Unit: cA1, Neighbors: []partition.Code{cB1}}, "neighbors", "not a sibling"},
		{"attributes empty name", Op{Op: OpAttributes, Unit: cA, Name: new(string)}, "name", "UTF-8"},
		{"create without a layer", Op{Op: OpCreate, Unit: cA1, Count: 2}, "", "household layer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := fixture(t)
			before, _ := json.Marshal(s.Units())
			_, err := Apply(context.Background(), s, tt.op, Env{})
			if err == nil {
				t.Fatal("accepted")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q, want it to say %q", err, tt.want)
			}
			var pe *partition.Error
			if tt.field != "" {
				if !errors.As(err, &pe) || len(pe.Problems) == 0 || pe.Problems[0].Field != tt.field {
					t.Errorf("error %v does not name the field %s", err, tt.field)
				}
			}
			after, _ := json.Marshal(s.Units())
			if string(before) != string(after) {
				t.Error("a refused operation changed the state")
			}
		})
	}
}
