package index

import (
	"math"
	"slices"
	"testing"

	"github.com/paulmach/orb"
)

// The fixture, in degrees (y up):
//
//	2 +-------+-------+
//	  |   A   |   B   |      A = [0,1]×[0,2] with a hole H = [0.25,0.75]×[0.5,1.5]
//	  |  +-+  |       |      B = [1,2]×[0,2]
//	  |  |H|  |   C   |      C = [1.5,1.9]×[0.1,0.5], painted after B: it wins where they overlap
//	  |  +-+  |  +-+  |
//	0 +-------+--+-+--+
//	  0       1       2
func fixture(t *testing.T) (*Raster, []int32) {
	t.Helper()
	sq := func(x0, y0, x1, y1 float64) orb.Ring {
		return orb.Ring{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}
	}
	var s Shapes
	a := s.Add(orb.MultiPolygon{{sq(0, 0, 1, 2), sq(0.25, 0.5, 0.75, 1.5)}})
	b := s.Add(orb.MultiPolygon{{sq(1, 0, 2, 2)}})
	c := s.Add(orb.MultiPolygon{{sq(1.5, 0.1, 1.9, 0.5)}})
	r, err := Build(&s, []int32{a, b, c}, Options{Cells: 64})
	if err != nil {
		t.Fatal(err)
	}
	return r, []int32{a, b, c}
}

func TestLocate(t *testing.T) {
	r, id := fixture(t)
	a, b, c := id[0], id[1], id[2]
	tests := []struct {
		name string
		p    orb.Point
		want int32
	}{
		{"inside A", orb.Point{0.1, 0.1}, a},
		{"in the hole", orb.Point{0.5, 1}, -1},
		{"on the hole's west edge: east of it is the hole", orb.Point{0.25, 1}, -1},
		{"on the hole's east edge: east of it is A", orb.Point{0.75, 1}, a},
		{"on the shared edge A|B: the east side", orb.Point{1, 1}, b},
		{"on the shared vertex at the bottom", orb.Point{1, 0}, b},
		{"on A's bottom edge: north of it is A", orb.Point{0.5, 0}, a},
		{"on the top outline: outside", orb.Point{0.5, 2}, -1},
		{"on the east outline: outside", orb.Point{2, 1}, -1},
		{"inside C over B", orb.Point{1.7, 0.3}, c},
		{"B beside C", orb.Point{1.7, 0.7}, b},
		{"on C's west edge", orb.Point{1.5, 0.3}, c},
		{"on C's east edge: east of it is B", orb.Point{1.9, 0.3}, b},
		{"west of everything", orb.Point{-0.5, 1}, -1},
		{"NaN", orb.Point{math.NaN(), 1}, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := r.Locate(tt.p); got != tt.want {
				t.Errorf("Locate(%v) = %d, want %d", tt.p, got, tt.want)
			}
		})
	}
}

func TestNearestBoundary(t *testing.T) {
	r, id := fixture(t)
	m := Metric{Kx: 1, Ky: 1} // degrees as metres: plain planar distances
	tests := []struct {
		name  string
		shape int32
		p     orb.Point
		limit float64
		wantQ orb.Point
		wantD float64
		ok    bool
	}{
		{"to A's west edge", id[0], orb.Point{0.1, 0.2}, math.Inf(1), orb.Point{0, 0.2}, 0.1, true},
		{"to the hole", id[0], orb.Point{0.5, 0.45}, math.Inf(1), orb.Point{0.5, 0.5}, 0.05, true},
		{"to a corner from outside", id[1], orb.Point{2.3, 2.4}, math.Inf(1), orb.Point{2, 2}, 0.5, true},
		{"beyond the limit", id[2], orb.Point{0.5, 1}, 0.5, orb.Point{}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, d2, ok := r.Shapes().NearestBoundary(tt.shape, tt.p, m, tt.limit*tt.limit)
			if ok != tt.ok {
				t.Fatalf("ok = %v, want %v", ok, tt.ok)
			}
			if !ok {
				return
			}
			if math.Abs(q[0]-tt.wantQ[0]) > 1e-12 || math.Abs(q[1]-tt.wantQ[1]) > 1e-12 || math.Abs(math.Sqrt(d2)-tt.wantD) > 1e-12 {
				t.Errorf("got %v at %g, want %v at %g", q, math.Sqrt(d2), tt.wantQ, tt.wantD)
			}
		})
	}
}

func TestNear(t *testing.T) {
	r, id := fixture(t)
	seen := map[int32]bool{}
	r.Near(orb.Bound{Min: orb.Point{1.6, 0.2}, Max: orb.Point{1.8, 0.4}}, func(s int32) bool { seen[s] = true; return true })
	if !seen[id[2]] || seen[id[0]] {
		t.Errorf("Near around C found %v, want C (%d) and not A (%d)", seen, id[2], id[0])
	}
	if nx, ny, bnd := r.Cells(); nx*ny < 32 || bnd == 0 || bnd >= nx*ny {
		t.Errorf("Cells() = %d×%d with %d boundary cells", nx, ny, bnd)
	}
}

func TestOnBoundary(t *testing.T) {
	r, id := fixture(t)
	a, b := id[0], id[1]
	tests := []struct {
		name  string
		shape int32
		p     orb.Point
		want  bool
	}{
		{"A's east edge", a, orb.Point{1, 1}, true},
		{"A's north-east corner", a, orb.Point{1, 2}, true},
		{"the hole's edge", a, orb.Point{0.5, 1.5}, true},
		{"inside A", a, orb.Point{0.1, 0.1}, false},
		{"in the hole", a, orb.Point{0.5, 1}, false},
		{"a rounding off the edge", a, orb.Point{math.Nextafter(1, 2), 1}, false},
		{"B's west edge is A's east edge", b, orb.Point{1, 0.3}, true},
		{"far away", b, orb.Point{5, 5}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := r.Shapes().OnBoundary(tt.shape, tt.p); got != tt.want {
				t.Errorf("OnBoundary(%d, %v) = %v, want %v", tt.shape, tt.p, got, tt.want)
			}
		})
	}
}

// TestParentKeepsSiblings: with Options.Parent, a shape that covers a cell
// wholly hides only its ancestors there: an overlapping sibling painted
// before it stays among the cell's candidates, while Locate answers as
// without the tree at every point.
func TestParentKeepsSiblings(t *testing.T) {
	sq := func(x0, y0, x1, y1 float64) orb.MultiPolygon {
		return orb.MultiPolygon{{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}}
	}
	var s Shapes
	p := s.Add(sq(0, 0, 4, 4))   // the parent
	x := s.Add(sq(0, 0, 2.5, 4)) // two children overlapping on [1.5, 2.5]
	y := s.Add(sq(1.5, 0, 4, 4))
	k := s.Add(sq(2, 2, 3, 3)) // y's child, inside the overlap in part
	order := []int32{p, x, y, k}
	flat, err := Build(&s, order, Options{Cells: 4096})
	if err != nil {
		t.Fatal(err)
	}
	tree, err := Build(&s, order, Options{Cells: 4096, Parent: []int32{-1, p, p, y}})
	if err != nil {
		t.Fatal(err)
	}
	holds := func(r *Raster, pt orb.Point, id int32) bool {
		list, under := r.Candidates(pt)
		return slices.Contains(list, id) || under == id
	}
	in := orb.Point{2, 1} // in x and y, wholly inside both in its cell
	if holds(flat, in, x) || !holds(flat, in, y) {
		t.Errorf("without the tree the cell at %v should hold y alone", in)
	}
	if !holds(tree, in, x) || !holds(tree, in, y) || holds(tree, in, p) {
		t.Errorf("with the tree the cell at %v should hold x and y and not their parent", in)
	}
	if !holds(tree, orb.Point{2.2, 2.5}, x) {
		t.Errorf("x should survive k's cell too")
	}
	for i := range 200 {
		for j := range 200 {
			pt := orb.Point{-0.1 + 4.2*float64(i)/199, -0.1 + 4.2*float64(j)/199}
			if a, b := flat.Locate(pt), tree.Locate(pt); a != b {
				t.Fatalf("Locate(%v): %d without the tree, %d with it", pt, a, b)
			}
		}
	}
	if _, err := Build(&s, order, Options{Parent: []int32{-1}}); err == nil {
		t.Error("a Parent of the wrong length was accepted")
	}
}
