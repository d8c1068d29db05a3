package index

import (
	"math"

	"github.com/paulmach/orb"
)

// Metric measures the ground near a point in the local planar
// approximation: metres per degree of longitude (Kx) and of latitude (Ky),
// from geo.MetersPerDegree at the point's latitude.
type Metric struct{ Kx, Ky float64 }

// Dist2 is the squared planar distance between a and b, in square metres.
func (m Metric) Dist2(a, b orb.Point) float64 {
	dx, dy := (a[0]-b[0])*m.Kx, (a[1]-b[1])*m.Ky
	return dx*dx + dy*dy
}

// NearestBoundary returns the point of shape id's boundary (every ring)
// nearest to p and its squared planar distance under m, if that is less
// than limit2; ok is false when the boundary is no nearer than limit2.
// Each vertex is moved into p's local frame once, the squared distance to
// an edge needs no division unless p projects inside it, and the nearest
// point itself is computed only for the winning edge.
func (s *Shapes) NearestBoundary(id int32, p orb.Point, m Metric, limit2 float64) (q orb.Point, d2 float64, ok bool) {
	a, b, d2, ok := s.NearestEdge(id, p, m, limit2)
	if !ok {
		return q, d2, false
	}
	return m.closest(a, b, p), d2, true
}

// NearestEdge is NearestBoundary's edge: the ends a, b of the edge of
// shape id nearest to p, and its squared planar distance under m, if that
// is less than limit2.
func (s *Shapes) NearestEdge(id int32, p orb.Point, m Metric, limit2 float64) (a, b orb.Point, d2 float64, ok bool) {
	sh := &s.shapes[id]
	if m.boundDist2(sh.bound, p) >= limit2 {
		return a, b, 0, false
	}
	best, bk := limit2, int32(-1)
	if rg := sh.only; rg.end > 0 && chunkCount(rg) <= nearChunks {
		best, bk = s.nearestInRing(rg, p, m, best)
	} else {
		for _, pt := range s.parts[sh.part0:sh.part1] {
			for _, rg := range s.rings[pt.ring0:pt.ring1] {
				ci := rg.chunk
				for i := rg.start; i < rg.end-1; i, ci = i+chunkEdges, ci+1 {
					if m.boundDist2(s.chunks[ci], p) >= best {
						continue
					}
					j := min(i+chunkEdges, rg.end-1)
					if k, dd := m.nearestEdge(s.pts[i:j+1], p, best); k >= 0 {
						best, bk = dd, i+int32(k)
					}
				}
			}
		}
	}
	if bk < 0 {
		return a, b, best, false
	}
	return s.pts[bk], s.pts[bk+1], best, true
}

// EdgesWithin calls fn with the ends of every edge of shape id whose
// squared planar distance to p under m is less than limit2.
func (s *Shapes) EdgesWithin(id int32, p orb.Point, m Metric, limit2 float64, fn func(a, b orb.Point)) {
	s.edgesIn(id, func(c orb.Bound) bool { return m.boundDist2(c, p) < limit2 }, func(a, b orb.Point) bool {
		if _, dd := m.nearestEdge([]orb.Point{a, b}, p, limit2); dd < limit2 {
			fn(a, b)
		}
		return true
	})
}

// edgesIn calls fn with the ends of every edge of shape id in the chunks
// that keep accepts, until fn returns false. The slow paths' walk: the
// hot ones (Contains, NearestBoundary) unroll it.
func (s *Shapes) edgesIn(id int32, keep func(chunk orb.Bound) bool, fn func(a, b orb.Point) bool) {
	sh := &s.shapes[id]
	for _, pt := range s.parts[sh.part0:sh.part1] {
		for _, rg := range s.rings[pt.ring0:pt.ring1] {
			ci := rg.chunk
			for i := rg.start; i < rg.end-1; i, ci = i+chunkEdges, ci+1 {
				if !keep(s.chunks[ci]) {
					continue
				}
				for k := i; k < min(i+chunkEdges, rg.end-1); k++ {
					if !fn(s.pts[k], s.pts[k+1]) {
						return
					}
				}
			}
		}
	}
}

// nearChunks bounds the chunks of a ring that nearestInRing orders by
// distance (rings of up to 128 edges).
const nearChunks = 8

// nearestInRing is NearestBoundary's search of one ring of at most
// nearChunks chunks: the chunks nearest to p first, so that the best
// distance falls early and prunes the others. Among edges equally near it
// keeps the first in ring order, as a scan in ring order does.
func (s *Shapes) nearestInRing(rg ring, p orb.Point, m Metric, best float64) (float64, int32) {
	var dist [nearChunks]float64
	n := chunkCount(rg)
	for c := range n {
		dist[c] = m.boundDist2(s.chunks[rg.chunk+c], p)
	}
	bk := int32(-1)
	for {
		c := int32(-1) // the nearest chunk not yet searched
		for k := range n {
			if dist[k] >= 0 && (c < 0 || dist[k] < dist[c]) {
				c = k
			}
		}
		if c < 0 {
			return best, bk
		}
		i := rg.start + c*chunkEdges
		thr := best // an equal distance wins only from earlier in the ring
		if bk >= 0 && i < bk {
			thr = math.Nextafter(best, math.Inf(1))
		}
		d := dist[c]
		if d >= thr && (bk < 0 || d > best) {
			return best, bk // every chunk left is as far: none can win
		}
		dist[c] = -1
		if d >= thr {
			continue
		}
		j := min(i+chunkEdges, rg.end-1)
		if k, dd := m.nearestEdge(s.pts[i:j+1], p, thr); k >= 0 {
			best, bk = dd, i+int32(k)
		}
	}
}

// nearestEdge returns the index in pts of the first vertex of the edge of
// the polyline pts nearest to p, and its squared planar distance, when that
// is less than best; -1 otherwise.
func (m Metric) nearestEdge(pts []orb.Point, p orb.Point, best float64) (int, float64) {
	k := -1
	ax, ay := (pts[0][0]-p[0])*m.Kx, (pts[0][1]-p[1])*m.Ky
	for i := 1; i < len(pts); i++ {
		bx, by := (pts[i][0]-p[0])*m.Kx, (pts[i][1]-p[1])*m.Ky
		vx, vy := bx-ax, by-ay
		var dd float64
		switch dot := -(ax*vx + ay*vy); { // p − a along the edge, times its length
		case dot <= 0:
			dd = ax*ax + ay*ay
		case dot >= vx*vx+vy*vy:
			dd = bx*bx + by*by
		default:
			c := ax*vy - ay*vx
			dd = c * c / (vx*vx + vy*vy)
		}
		if dd < best {
			best, k = dd, i-1
		}
		ax, ay = bx, by
	}
	return k, best
}

// boundDist2 is the squared planar distance from p to the box b (0 inside).
func (m Metric) boundDist2(b orb.Bound, p orb.Point) float64 {
	var dx, dy float64
	if d := b.Min[0] - p[0]; d > 0 {
		dx = d
	} else if d := p[0] - b.Max[0]; d > 0 {
		dx = d
	}
	if d := b.Min[1] - p[1]; d > 0 {
		dy = d
	} else if d := p[1] - b.Max[1]; d > 0 {
		dy = d
	}
	dx, dy = dx*m.Kx, dy*m.Ky
	return dx*dx + dy*dy
}

// Closest returns the point of segment a–b nearest to p in the plane m.
func (m Metric) Closest(a, b, p orb.Point) orb.Point { return m.closest(a, b, p) }

// closest returns the point of segment a–b nearest to p.
func (m Metric) closest(a, b, p orb.Point) orb.Point {
	ux, uy := (a[0]-p[0])*m.Kx, (a[1]-p[1])*m.Ky
	vx, vy := (b[0]-a[0])*m.Kx, (b[1]-a[1])*m.Ky
	l2 := vx*vx + vy*vy
	dot := -(ux*vx + uy*vy)
	switch {
	case dot <= 0 || l2 == 0:
		return a
	case dot >= l2:
		return b
	}
	t := dot / l2
	return orb.Point{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])}
}
