package index

import (
	"math"
	"slices"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
)

// chunkEdges is how many consecutive edges of a ring share one bounding box.
const chunkEdges = 16

type ring struct {
	start, end int32 // vertices pts[start:end], closed (first == last)
	chunk      int32 // first chunk of the ring in Shapes.chunks
}

type part struct{ ring0, ring1 int32 }

type shape struct {
	bound        orb.Bound
	part0, part1 int32
	only         ring // the ring of a shape of one part with one ring (the common case); end = 0 otherwise
}

// Shapes holds multipolygons in flat arrays. It is immutable once built and
// safe for concurrent use.
type Shapes struct {
	pts    []orb.Point
	chunks []orb.Bound
	rings  []ring
	parts  []part
	shapes []shape
}

// Add appends mp and returns its id (0, 1, 2, … in the order of adding).
// Open rings are closed; rings with fewer than 3 distinct positions are
// kept but contain nothing.
func (s *Shapes) Add(mp orb.MultiPolygon) int32 {
	id := int32(len(s.shapes))
	sh := shape{part0: int32(len(s.parts)), bound: orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}}
	for _, pg := range mp {
		pt := part{ring0: int32(len(s.rings))}
		for _, r := range pg {
			if len(r) == 0 {
				continue
			}
			s.addRing(r)
			for _, c := range s.chunks[s.rings[len(s.rings)-1].chunk:] {
				sh.bound = sh.bound.Union(c)
			}
		}
		pt.ring1 = int32(len(s.rings))
		s.parts = append(s.parts, pt)
	}
	sh.part1 = int32(len(s.parts))
	if sh.part1-sh.part0 == 1 && s.parts[sh.part0].ring1-s.parts[sh.part0].ring0 == 1 {
		sh.only = s.rings[s.parts[sh.part0].ring0]
	}
	s.shapes = append(s.shapes, sh)
	return id
}

func (s *Shapes) addRing(r orb.Ring) {
	rg := ring{start: int32(len(s.pts)), chunk: int32(len(s.chunks))}
	s.pts = append(s.pts, r...)
	if r[0] != r[len(r)-1] {
		s.pts = append(s.pts, r[0])
	}
	rg.end = int32(len(s.pts))
	for i := rg.start; i < rg.end-1; i += chunkEdges {
		j := min(i+chunkEdges, rg.end-1)
		b := orb.Bound{Min: s.pts[i], Max: s.pts[i]}
		for _, p := range s.pts[i+1 : j+1] {
			b = b.Extend(p)
		}
		s.chunks = append(s.chunks, b)
	}
	if rg.end-rg.start < 2 { // a single point: one empty chunk keeps the layout uniform
		s.chunks = append(s.chunks, orb.Bound{Min: r[0], Max: r[0]})
	}
	s.rings = append(s.rings, rg)
}

// Grow makes room for about that many more shapes, rings and vertices, so
// that adding them does not copy the arrays again and again.
func (s *Shapes) Grow(shapes, rings, vertices int) {
	s.pts = slices.Grow(s.pts, vertices+rings)
	s.chunks = slices.Grow(s.chunks, vertices/chunkEdges+2*rings)
	s.rings = slices.Grow(s.rings, rings)
	s.parts = slices.Grow(s.parts, rings)
	s.shapes = slices.Grow(s.shapes, shapes)
}

// Len is the number of shapes.
func (s *Shapes) Len() int { return len(s.shapes) }

// Bound is the bounding box of shape id.
func (s *Shapes) Bound(id int32) orb.Bound { return s.shapes[id].bound }

// Vertices is the number of positions stored, rings closed.
func (s *Shapes) Vertices() int { return len(s.pts) }

// Bytes is the memory the arrays hold.
func (s *Shapes) Bytes() int {
	return cap(s.pts)*16 + cap(s.chunks)*32 + cap(s.rings)*12 + cap(s.parts)*8 + cap(s.shapes)*56
}

// Contains reports whether p lies in shape id by the boundary rule of
// package geo (see geo.Crosses).
func (s *Shapes) Contains(id int32, p orb.Point) bool {
	sh := &s.shapes[id]
	b := sh.bound
	if p[0] < b.Min[0] || p[0] >= b.Max[0] || p[1] < b.Min[1] || p[1] >= b.Max[1] {
		return false // the rule never puts a point on the east or north extreme inside
	}
	if sh.only.end > 0 {
		return s.ringCrossings(sh.only, p)&1 == 1
	}
	for _, pt := range s.parts[sh.part0:sh.part1] {
		in := false
		for _, rg := range s.rings[pt.ring0:pt.ring1] {
			if s.ringCrossings(rg, p)&1 == 1 {
				in = !in
			}
		}
		if in {
			return true
		}
	}
	return false
}

// ringCrossings counts the ring's edges that the eastward ray from p
// crosses, skipping chunks that cannot hold one.
func (s *Shapes) ringCrossings(rg ring, p orb.Point) int {
	n := 0
	ci := rg.chunk
	for i := rg.start; i < rg.end-1; i, ci = i+chunkEdges, ci+1 {
		c := &s.chunks[ci]
		if c.Max[1] <= p[1] || c.Min[1] > p[1] || c.Max[0] < p[0] {
			continue
		}
		j := min(i+chunkEdges, rg.end-1)
		if c.Min[0] > p[0] { // wholly east: every straddling edge is crossed
			for k := i; k < j; k++ {
				if (s.pts[k][1] <= p[1]) != (s.pts[k+1][1] <= p[1]) {
					n++
				}
			}
			continue
		}
		for k := i; k < j; k++ {
			if geo.Crosses(s.pts[k], s.pts[k+1], p) {
				n++
			}
		}
	}
	return n
}

// OnBoundary reports whether p lies exactly on an edge of shape id (any
// ring), skipping chunks whose box does not hold p.
func (s *Shapes) OnBoundary(id int32, p orb.Point) bool {
	if !s.shapes[id].bound.Contains(p) {
		return false
	}
	on := false
	s.edgesIn(id, func(c orb.Bound) bool { return c.Contains(p) }, func(a, b orb.Point) bool {
		on = geo.OnEdge(a, b, p)
		return !on
	})
	return on
}
