package geo

import (
	"cmp"
	"slices"

	"github.com/paulmach/orb"
	"github.com/peterstace/simplefeatures/rtree"
)

// Snap moves what was drawn on a map onto the boundaries of to, so that an
// edit of a tiling meets the existing units exactly. g is an
// orb.LineString, orb.Polygon or orb.MultiPolygon and the result has the
// same type; any other geometry (and a negative tol) is returned unchanged.
// Distances are on the ground, in the plane tangent at the latitude of the
// point being moved or inserted (MetersPerDegree); "within tol" includes tol.
//
//  1. Each vertex of g within tol of a vertex of to moves onto the nearest
//     such vertex (exactly: the result holds the target's coordinates);
//  2. otherwise, a vertex within tol of an edge of to moves onto the
//     nearest point of the nearest edge (on that edge to rounding, about
//     1e-15°: not exactly on it by Orient);
//  3. then every vertex of to within tol of a segment of the snapped g,
//     whose foot falls strictly inside the segment and which is not
//     already a vertex of g, is inserted into that segment in order along
//     it (a vertex near two segments goes into the nearer only), so that a
//     line drawn along a border follows it vertex by vertex.
//
// Consecutive duplicate vertices are dropped and rings are kept closed.
// Snap does not repair: a ring narrower than tol may collapse (to fewer
// than 4 positions), touch itself or cross a neighbouring ring, so the
// caller checks the result with CheckMultiPolygon and Validate before using
// it. A line may come out with a single vertex when all of it snaps to one
// point.
//
// Only the edges of to whose boxes come within 2·tol of a segment of g are
// indexed: an R-tree of the boxes of g's segments, cut into pieces of at
// most 500 m, filters them in one pass (by runs of 32 edges first), so the
// cost is linear in the size of to with a small constant, plus
// O(k log k) for the k edges near g.
func Snap(g orb.Geometry, to []orb.MultiPolygon, tol Meters) orb.Geometry {
	if tol < 0 {
		return g
	}
	switch g := g.(type) {
	case orb.LineString:
		s := newSnapper([][]orb.Point{g}, to, tol)
		return orb.LineString(s.path(g, false))
	case orb.Polygon:
		s := newSnapper(polygonPaths(nil, g), to, tol)
		return s.polygon(g)
	case orb.MultiPolygon:
		var paths [][]orb.Point
		for _, p := range g {
			paths = polygonPaths(paths, p)
		}
		s := newSnapper(paths, to, tol)
		out := make(orb.MultiPolygon, len(g))
		for i, p := range g {
			out[i] = s.polygon(p)
		}
		return out
	}
	return g
}

func polygonPaths(dst [][]orb.Point, p orb.Polygon) [][]orb.Point {
	for _, r := range p {
		dst = append(dst, r)
	}
	return dst
}

// snapper holds the edges of the targets near what is being snapped.
type snapper struct {
	tol float64
	idx *segIndex
}

// newSnapper indexes the edges of to that come within 2·tol of a segment of
// paths: a vertex moves by at most tol, so a target vertex within tol of a
// snapped segment is within 2·tol of the drawn one.
func newSnapper(paths [][]orb.Point, to []orb.MultiPolygon, tol Meters) *snapper {
	var items []rtree.BulkItem
	var ext rtree.Box
	add := func(b rtree.Box) {
		if len(items) == 0 {
			ext = b
		}
		ext = unionBox(ext, b)
		items = append(items, rtree.BulkItem{Box: b, RecordID: len(items)})
	}
	for _, path := range paths {
		if len(path) == 1 {
			add(growBox(pointBox(path[0]), 2*tol))
		}
		for k := 0; k+1 < len(path); k++ {
			pieceBoxes(path[k], path[k+1], 2*tol, add)
		}
	}
	queries := rtree.BulkLoad(items)
	keep := func(b rtree.Box) bool {
		if !boxesOverlap(ext, b) {
			return false
		}
		hit := false
		_ = queries.RangeSearch(b, func(int) error { hit = true; return rtree.Stop })
		return hit
	}
	var segs []seg
	for _, mp := range to {
		segs = appendSegs(segs, mp, keep)
	}
	return &snapper{tol: float64(tol), idx: newSegIndex(segs)}
}

func (s *snapper) polygon(p orb.Polygon) orb.Polygon {
	out := make(orb.Polygon, len(p))
	for j, r := range p {
		out[j] = orb.Ring(s.path(r, true))
	}
	return out
}

// path snaps the vertices of pts (a closed ring when closed: its last
// position repeats the first) and inserts the target vertices along it.
func (s *snapper) path(pts []orb.Point, closed bool) []orb.Point {
	if len(pts) == 0 {
		return pts
	}
	n := len(pts)
	if closed && n > 1 && pts[0] == pts[n-1] {
		n--
	}
	out := make([]orb.Point, 0, n+1)
	for _, p := range pts[:n] {
		out = appendNew(out, s.vertex(p))
	}
	if closed && len(out) > 1 && out[len(out)-1] == out[0] {
		out = out[:len(out)-1]
	}
	out = s.insert(out, closed)
	if closed {
		out = append(out, out[0])
	}
	return out
}

// vertex is where p goes by rules 1 and 2 of Snap.
func (s *snapper) vertex(p orb.Point) orb.Point {
	f := frameAt(p[1])
	var toVertex, toEdge orb.Point
	dv, de := s.tol, s.tol
	hasVertex, hasEdge := false, false
	s.idx.search(growBox(pointBox(p), Meters(s.tol)), func(_ int, sg seg) bool {
		for _, v := range [2]orb.Point{sg.a, sg.b} {
			if d := f.dist(p, v); d < dv || (d == dv && !hasVertex) {
				toVertex, dv, hasVertex = v, d, true
			}
		}
		if q, d := f.foot(p, sg.a, sg.b); d < de || (d == de && !hasEdge) {
			toEdge, de, hasEdge = q, d, true
		}
		return true
	})
	switch {
	case hasVertex:
		return toVertex
	case hasEdge:
		return toEdge
	}
	return p
}

// insertion is a target vertex to insert into segment i at parameter t,
// d metres from it.
type insertion struct {
	p    orb.Point
	i    int
	t, d float64
}

// insert applies rule 3 of Snap to the snapped vertices pts (a ring without
// its closing position when closed).
func (s *snapper) insert(pts []orb.Point, closed bool) []orb.Point {
	nseg := len(pts) - 1
	if closed && len(pts) > 2 {
		nseg = len(pts)
	}
	if nseg < 1 {
		return pts
	}
	have := make(map[orb.Point]bool, len(pts))
	for _, p := range pts {
		have[p] = true
	}
	best := map[orb.Point]insertion{}
	for i := range nseg {
		a, b := pts[i], pts[(i+1)%len(pts)]
		pieceBoxes(a, b, Meters(s.tol), func(box rtree.Box) {
			s.idx.search(box, func(_ int, sg seg) bool {
				for _, v := range [2]orb.Point{sg.a, sg.b} {
					s.consider(best, have, v, i, a, b)
				}
				return true
			})
		})
	}
	return splice(pts, best)
}

// consider records v as an insertion into segment i (a–b) when it is
// within tol of the segment's interior and nearer than where it was
// recorded before.
func (s *snapper) consider(best map[orb.Point]insertion, have map[orb.Point]bool, v orb.Point, i int, a, b orb.Point) {
	if have[v] {
		return
	}
	f := frameAt(v[1])
	t := f.param(v, a, b)
	if t <= 0 || t >= 1 {
		return
	}
	d := f.dist(v, pointAt(a, b, t))
	if d > s.tol {
		return
	}
	if cur, ok := best[v]; ok && cur.d <= d {
		return
	}
	best[v] = insertion{p: v, i: i, t: t, d: d}
}

// splice rebuilds pts with the insertions, in order along each segment.
func splice(pts []orb.Point, best map[orb.Point]insertion) []orb.Point {
	if len(best) == 0 {
		return pts
	}
	ins := make([]insertion, 0, len(best))
	for _, v := range best {
		ins = append(ins, v)
	}
	slices.SortFunc(ins, func(x, y insertion) int {
		return cmp.Or(cmp.Compare(x.i, y.i), cmp.Compare(x.t, y.t),
			cmp.Compare(x.p[0], y.p[0]), cmp.Compare(x.p[1], y.p[1]))
	})
	out := make([]orb.Point, 0, len(pts)+len(ins))
	k := 0
	for i, p := range pts {
		out = appendNew(out, p)
		for ; k < len(ins) && ins[k].i == i; k++ {
			out = appendNew(out, ins[k].p)
		}
	}
	return out
}
