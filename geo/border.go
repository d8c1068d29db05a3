package geo

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/peterstace/simplefeatures/rtree"
)

// borderTol is how far apart two edges may be, on the ground, and still
// count as the same border, and how long a shared stretch must be to count.
// An edge split by the overlay (at a crossing computed in floating point)
// or a vertex snapped onto an edge is off its line by about 1e-9 m, so
// exact collinearity would miss borders that are shared in fact; two edges
// closer than a micrometre are one border for any purpose of a tiling.
const borderTol Meters = 1e-6

// SharedBorder is the ground length of the boundary that a and b share:
// the linear part of boundary(a) ∩ boundary(b), each stretch measured as
// the geodesic between its ends (as Length measures a segment). Where a
// and b only touch at points, or are apart, it is 0. An edge of a and one
// of b share the stretch along which they overlap once the shorter is
// projected onto the longer, provided both ends of the shorter lie within
// borderTol (1 µm) of the longer's line; stretches shorter than 1 µm do not
// count, so a touch at a point is not a border even after rounding.
//
// a and b must be valid (a multipolygon whose parts share an edge would
// count that edge twice); only the edges of each within reach of the
// other's bounding box are looked at.
func SharedBorder(a, b orb.MultiPolygon) Meters {
	sum, _ := sharedBorder(a, b, false)
	return sum
}

// Touches reports whether a and b share a border of positive length:
// SharedBorder(a, b) > 0, but it returns at the first shared stretch and
// answers false at once when the bounding boxes are more than borderTol
// apart.
func Touches(a, b orb.MultiPolygon) bool {
	_, found := sharedBorder(a, b, true)
	return found
}

// sharedBorder sums the shared stretches, stopping at the first one when
// first is set.
func sharedBorder(a, b orb.MultiPolygon, first bool) (Meters, bool) {
	if len(a) == 0 || len(b) == 0 {
		return 0, false
	}
	ba, bb := growBox(boundBox(a.Bound()), borderTol), growBox(boundBox(b.Bound()), borderTol)
	if !boxesOverlap(ba, bb) {
		return 0, false
	}
	within := func(box rtree.Box) func(rtree.Box) bool {
		return func(s rtree.Box) bool { return boxesOverlap(box, s) }
	}
	idx := newSegIndex(appendSegs(nil, b, within(ba)))
	var sum Meters
	found := false
	for _, s := range appendSegs(nil, a, within(bb)) {
		idx.search(growBox(segmentBox(s.a, s.b), borderTol), func(_ int, o seg) bool {
			if d := overlap(s, o); d > borderTol {
				sum += d
				found = true
			}
			return !(first && found)
		})
		if first && found {
			break
		}
	}
	return sum, found
}

func boundBox(b orb.Bound) rtree.Box {
	return rtree.Box{MinX: b.Min[0], MinY: b.Min[1], MaxX: b.Max[0], MaxY: b.Max[1]}
}

// overlap is the geodesic length of the stretch along which segments s and
// o run together (see SharedBorder), 0 if they do not.
func overlap(s, o seg) Meters {
	f := frameAt((s.a[1] + s.b[1] + o.a[1] + o.b[1]) / 4)
	long, short := s, o
	if f.dist(o.a, o.b) > f.dist(s.a, s.b) {
		long, short = o, s
	}
	if long.a == long.b {
		return 0
	}
	ta, tb := f.param(short.a, long.a, long.b), f.param(short.b, long.a, long.b)
	if f.dist(short.a, pointAt(long.a, long.b, ta)) > float64(borderTol) ||
		f.dist(short.b, pointAt(long.a, long.b, tb)) > float64(borderTol) {
		return 0
	}
	t0, t1 := math.Max(0, math.Min(ta, tb)), math.Min(1, math.Max(ta, tb))
	if t1 <= t0 {
		return 0
	}
	return Distance(pointAt(long.a, long.b, t0), pointAt(long.a, long.b, t1))
}
