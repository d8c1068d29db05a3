package edit

import (
	"context"
	"math"
	"reflect"
	"testing"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/partition"
)

// TestOperations applies each operation to the fixture and checks the
// tiling, the conservation of households and what the operation promises.
func TestOperations(t *testing.T) {
	name := "东片"
	tests := []struct {
		name  string
		op    Op
		check func(t *testing.T, s *State, ch *Change)
	}{
		{"merge grids", Op{Op: OpMerge, Units: []partition.Code{cA, cB}}, func(t *testing.T, s *State, ch *Change) {
			if _, ok := s.Unit(cB); ok {
				t.Error("B is still there")
			}
			if got := len(s.Children(cA)); got != 4 {
				t.Errorf("A has %d micro-grids, want 4 (B's moved under it)", got)
			}
			if hh(t, s, cA) != 40 {
				t.Errorf("A holds %d households, want 40", hh(t, s, cA))
			}
			if len(ch.Recoded) != 2 {
				t.Errorf("recoded %v, want b1 and b2 under A", ch.Recoded)
			}
		}},
		{"split a grid along a micro-grid border", Op{Op: OpSplit, Unit: cA, Line: line(pt(1, -1), pt(1, 3)), Name: &name}, func(t *testing.T, s *State, ch *Change) {
			kids := s.Children(cC)
			if len(kids) != 3 {
				t.Fatalf("C has %d grids, want 3", len(kids))
			}
			nu, _ := s.Unit("330922100001003")
			if nu == nil || nu.Name != name {
				t.Fatalf("the new grid is %+v, want 330922100001003 named %s", nu, name)
			}
			if got := len(s.Children(nu.Code)) + len(s.Children(cA)); got != 2 {
				t.Errorf("the two halves hold %d micro-grids, want 2 (one each, moved whole)", got)
			}
			if a, b := hh(t, s, cA), hh(t, s, nu.Code); a != 10 || b != 10 {
				t.Errorf("halves hold %d and %d households, want 10 and 10", a, b)
			}
		}},
		{"split a grid across its micro-grids", Op{Op: OpSplit, Unit: cA, Line: line(pt(-1, 0.5), pt(3, 0.5))}, func(t *testing.T, s *State, ch *Change) {
			nu := partition.Code("330922100001003")
			if got := len(s.Children(nu)); got != 2 {
				t.Errorf("the new grid has %d micro-grids, want 2 (the parts of a1 and a2)", got)
			}
			if got := hh(t, s, nu); got != 4 {
				t.Errorf("the new grid holds %d households, want 4 (the points below y=0.5)", got)
			}
		}},
		{"move the border of two grids", Op{Op: OpMoveBorder, Units: []partition.Code{cA, cB}, Line: line(pt(2, 0), pt(2.5, 1), pt(2, 2))}, func(t *testing.T, s *State, ch *Change) {
			a, _ := s.Unit(cA)
			want := geo.Area(box(0, 0, 2, 2)) + geo.Area(box(0, 0, 0.5, 2))/2
			if got := geo.Area(a.Geometry); math.Abs(float64(got-want)) > 0.001*float64(want) {
				t.Errorf("A has %.1f m², want %.1f (its border bulged into B)", got, want)
			}
			if got := len(s.Children(cA)); got != 2 {
				t.Errorf("A has %d micro-grids, want 2 (a2 took the bulge)", got)
			}
		}},
		{"delete a micro-grid", Op{Op: OpDelete, Unit: cA2, Neighbors: []partition.Code{cA1}}, func(t *testing.T, s *State, ch *Change) {
			if hh(t, s, cA1) != 20 {
				t.Errorf("a1 holds %d households, want 20", hh(t, s, cA1))
			}
		}},
		{"rename", Op{Op: OpAttributes, Unit: cA, Name: &name, Props: map[string]any{"note": "x"}}, func(t *testing.T, s *State, ch *Change) {
			u, _ := s.Unit(cA)
			if u.Name != name || u.Props["note"] != "x" {
				t.Errorf("A is %q %v", u.Name, u.Props)
			}
		}},
		{"create micro-grids with the partitioner", Op{Op: OpCreate, Unit: cA, Count: 2}, func(t *testing.T, s *State, ch *Change) {
			if got := len(s.Children(cA)); got != 2 {
				t.Errorf("A has %d children, want 2", got)
			}
			n := 0
			for _, c := range s.Children(cA) {
				n += hh(t, s, c)
			}
			if n != 20 {
				t.Errorf("A's new micro-grids hold %d households, want its 20", n)
			}
		}},
		{"split a micro-grid in two siblings with the partitioner", Op{Op: OpSplit, Unit: cB2, Count: 2}, func(t *testing.T, s *State, ch *Change) {
			if got := len(s.Children(cB)); got != 3 {
				t.Errorf("B has %d micro-grids, want 3", got)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := fixture(t)
			if tt.op.Op == OpCreate {
				s = gridsOnly(t)
			}
			before := s.Units()
			ch, err := Apply(context.Background(), s, tt.op, Env{Layer: layer()})
			if err != nil {
				t.Fatal(err)
			}
			checkTiling(t, s, 40)
			tt.check(t, s, &ch)
			s.Revert(&ch)
			if !reflect.DeepEqual(s.Units(), before) {
				t.Error("revert does not give back the state before")
			}
		})
	}
}

// gridsOnly is the fixture without its micro-grids.
func gridsOnly(t *testing.T) *State {
	var us []partition.Unit
	for _, u := range fixture(t).Units() {
		if u.Level != partition.LevelMicrogrid {
			us = append(us, u)
		}
	}
	s, err := NewState(cC, us)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
