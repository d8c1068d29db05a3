package index

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
)

// scanNearest is NearestBoundary's search as a plain scan of every edge in
// ring order, keeping the first of equally near edges: what the ordered
// search must agree with.
func scanNearest(s *Shapes, id int32, p orb.Point, m Metric, limit2 float64) (orb.Point, float64, bool) {
	sh := &s.shapes[id]
	best, bk := limit2, int32(-1)
	for _, pt := range s.parts[sh.part0:sh.part1] {
		for _, rg := range s.rings[pt.ring0:pt.ring1] {
			if k, dd := m.nearestEdge(s.pts[rg.start:rg.end], p, best); k >= 0 {
				best, bk = dd, rg.start+int32(k)
			}
		}
	}
	if bk < 0 {
		return orb.Point{}, best, false
	}
	return m.closest(s.pts[bk], s.pts[bk+1], p), best, true
}

// TestNearestBoundaryOrder: searching the nearest chunks first finds the
// same boundary point as a scan in ring order, ties included (vertices and
// points on a coarse lattice, so that many edges are equally near).
func TestNearestBoundaryOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	var s Shapes
	for range 300 {
		n := 3 + rng.IntN(120)
		r := make(orb.Ring, n)
		for i := range r { // a star-shaped ring around (5, 5) on a lattice of 0.25
			a := 2 * math.Pi * float64(i) / float64(n)
			d := 1 + 3*rng.Float64()
			r[i] = orb.Point{math.Round((5+d*math.Cos(a))*4) / 4, math.Round((5+d*math.Sin(a))*4) / 4}
		}
		s.Add(orb.MultiPolygon{{r}})
	}
	m := Metric{Kx: 1, Ky: 1}
	for id := range int32(s.Len()) {
		for range 200 {
			p := orb.Point{float64(rng.IntN(41)) / 4, float64(rng.IntN(41)) / 4}
			for _, limit := range []float64{math.Inf(1), 1, 4} {
				q1, d1, ok1 := s.NearestBoundary(id, p, m, limit)
				q2, d2, ok2 := scanNearest(&s, id, p, m, limit)
				if ok1 != ok2 || (ok1 && (q1 != q2 || d1 != d2)) {
					t.Fatalf("shape %d, %v, limit %v: got %v %v %v, want %v %v %v", id, p, limit, q1, d1, ok1, q2, d2, ok2)
				}
			}
		}
	}
}
