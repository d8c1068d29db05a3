package index

import "github.com/paulmach/orb"

// Metric measures the ground near a point in the local planar
// approximation: metres per degree of longitude (Kx) and of latitude (Ky),
// from geo.MetersPerDegree at the point's latitude.
type Metric struct{ Kx, Ky float64 }

// Dist2 is the squared planar distance between a and b, in square metres.
func (m Metric) Dist2(a, b orb.Point) float64 {
	dx, dy := (a[0]-b[0])*m.Kx, (a[1]-b[1])*m.Ky
	return dx*dx + dy*dy
}

// boundDist2 is the squared planar distance from p to the box b (0 inside).
func (m Metric) boundDist2(b orb.Bound, p orb.Point) float64 {
	dx := max(b.Min[0]-p[0], 0, p[0]-b.Max[0]) * m.Kx
	dy := max(b.Min[1]-p[1], 0, p[1]-b.Max[1]) * m.Ky
	return dx*dx + dy*dy
}

// NearestBoundary returns the point of shape id's boundary (every ring)
// nearest to p and its squared planar distance under m, if that is less
// than limit2; ok is false when the boundary is no nearer than limit2.
func (s *Shapes) NearestBoundary(id int32, p orb.Point, m Metric, limit2 float64) (q orb.Point, d2 float64, ok bool) {
	sh := &s.shapes[id]
	if m.boundDist2(sh.bound, p) >= limit2 {
		return q, 0, false
	}
	best := limit2
	for _, pt := range s.parts[sh.part0:sh.part1] {
		for _, rg := range s.rings[pt.ring0:pt.ring1] {
			ci := rg.chunk
			for i := rg.start; i < rg.end-1; i, ci = i+chunkEdges, ci+1 {
				if m.boundDist2(s.chunks[ci], p) >= best {
					continue
				}
				j := min(i+chunkEdges, rg.end-1)
				for k := i; k < j; k++ {
					if c, dd := m.closest(s.pts[k], s.pts[k+1], p); dd < best {
						best, q, ok = dd, c, true
					}
				}
			}
		}
	}
	return q, best, ok
}

// closest returns the point of segment a–b nearest to p and its squared
// planar distance.
func (m Metric) closest(a, b, p orb.Point) (orb.Point, float64) {
	ux, uy := (a[0]-p[0])*m.Kx, (a[1]-p[1])*m.Ky
	vx, vy := (b[0]-a[0])*m.Kx, (b[1]-a[1])*m.Ky
	t := 0.0
	if l2 := vx*vx + vy*vy; l2 > 0 {
		t = min(max(-(ux*vx+uy*vy)/l2, 0), 1)
	}
	dx, dy := ux+t*vx, uy+t*vy
	q := orb.Point{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])}
	if t == 1 {
		q = b
	}
	return q, dx*dx + dy*dy
}
