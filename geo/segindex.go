package geo

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/peterstace/simplefeatures/rtree"
)

// seg is one segment a–b of a ring or a line.
type seg struct{ a, b orb.Point }

// segIndex is an R-tree over segments, for the searches of Snap,
// SplitByLine and SharedBorder.
type segIndex struct {
	segs []seg
	tree *rtree.RTree
}

func newSegIndex(segs []seg) *segIndex {
	items := make([]rtree.BulkItem, len(segs))
	for i, s := range segs {
		items[i] = rtree.BulkItem{Box: segmentBox(s.a, s.b), RecordID: i}
	}
	return &segIndex{segs: segs, tree: rtree.BulkLoad(items)}
}

// search calls fn with every segment whose box meets b, and its index,
// until fn returns false. (simplefeatures v0.59's RangeSearch ends only the
// loop over one node on rtree.Stop and goes on with the rest of the tree,
// so the callback must not be trusted to stop it: stopped does.)
func (x *segIndex) search(b rtree.Box, fn func(i int, s seg) bool) {
	stopped := false
	_ = x.tree.RangeSearch(b, func(i int) error {
		if stopped || !fn(i, x.segs[i]) {
			stopped = true
			return rtree.Stop
		}
		return nil
	})
}

// near reports whether a segment lies within tol of p (ground distance in
// the plane of p's latitude).
func (x *segIndex) near(p orb.Point, tol Meters) bool {
	f := frameAt(p[1])
	found := false
	x.search(growBox(pointBox(p), tol), func(_ int, s seg) bool {
		_, d := f.foot(p, s.a, s.b)
		found = d <= float64(tol)
		return !found
	})
	return found
}

// appendSegs appends the segments of every ring of mp whose box passes keep
// (all of them when keep is nil). keep must pass a box whenever it passes a
// box inside it: runs of segChunk segments are tested by their common box
// first, and skipped together when it fails.
func appendSegs(dst []seg, mp orb.MultiPolygon, keep func(rtree.Box) bool) []seg {
	for _, p := range mp {
		for _, r := range p {
			for start := 0; start+1 < len(r); start += segChunk {
				end := min(start+segChunk, len(r)-1)
				if keep != nil && !keep(pointsBox(r[start:end+1])) {
					continue
				}
				for k := start; k < end; k++ {
					if keep == nil || keep(segmentBox(r[k], r[k+1])) {
						dst = append(dst, seg{r[k], r[k+1]})
					}
				}
			}
		}
	}
	return dst
}

// segChunk is how many consecutive segments appendSegs tests as one box.
const segChunk = 32

func pointsBox(pts []orb.Point) rtree.Box {
	b := pointBox(pts[0])
	for _, p := range pts[1:] {
		b.MinX, b.MinY = min(b.MinX, p[0]), min(b.MinY, p[1])
		b.MaxX, b.MaxY = max(b.MaxX, p[0]), max(b.MaxY, p[1])
	}
	return b
}

func pointBox(p orb.Point) rtree.Box {
	return rtree.Box{MinX: p[0], MinY: p[1], MaxX: p[0], MaxY: p[1]}
}

func boxesOverlap(a, b rtree.Box) bool {
	return a.MinX <= b.MaxX && b.MinX <= a.MaxX && a.MinY <= b.MaxY && b.MinY <= a.MaxY
}

func unionBox(a, b rtree.Box) rtree.Box {
	return rtree.Box{MinX: min(a.MinX, b.MinX), MinY: min(a.MinY, b.MinY), MaxX: max(a.MaxX, b.MaxX), MaxY: max(a.MaxY, b.MaxY)}
}

// growBox widens b by at least d on the ground on every side: d is turned
// into degrees where a degree is shortest within b (longitude at the
// latitude farthest from the equator, latitude at the equator), with a
// margin of 1%.
func growBox(b rtree.Box, d Meters) rtree.Box {
	far := max(math.Abs(b.MinY), math.Abs(b.MaxY))
	kx, _ := MetersPerDegree(min(far, 89))
	_, ky := MetersPerDegree(0)
	dx, dy := 1.01*float64(d)/kx, 1.01*float64(d)/ky
	return rtree.Box{MinX: b.MinX - dx, MinY: b.MinY - dy, MaxX: b.MaxX + dx, MaxY: b.MaxY + dy}
}

// pieceLen is the longest piece of a segment that pieceBoxes gives one box
// to: a long diagonal segment's box holds far more than the strip along
// it, and the cost of a search is in what its box holds.
const pieceLen Meters = 500

// pieceBoxes calls fn with the boxes, widened by d, of the pieces that
// a–b is cut into, each no longer than pieceLen or 4·d if that is more.
// Together they cover every point within d of the segment.
func pieceBoxes(a, b orb.Point, d Meters, fn func(rtree.Box)) {
	n := math.Ceil(frameAt(a[1]).dist(a, b) / float64(max(pieceLen, 4*d)))
	n = max(1, min(n, 1e6))
	for k := 0.0; k < n; k++ {
		fn(growBox(segmentBox(pointAt(a, b, k/n), pointAt(a, b, (k+1)/n)), d))
	}
}

// frame measures lon/lat differences as metres on the plane tangent to the
// ground at one latitude (see MetersPerDegree).
type frame struct{ kx, ky float64 }

func frameAt(lat float64) frame {
	kx, ky := MetersPerDegree(lat)
	return frame{kx, ky}
}

func (f frame) dist(p, q orb.Point) float64 {
	return math.Hypot((q[0]-p[0])*f.kx, (q[1]-p[1])*f.ky)
}

// param is where the foot of p on the line through a and b lies, as the
// parameter t of a + t·(b−a) (not clamped; 0 when a = b).
func (f frame) param(p, a, b orb.Point) float64 {
	ux, uy := (b[0]-a[0])*f.kx, (b[1]-a[1])*f.ky
	uu := ux*ux + uy*uy
	if uu == 0 {
		return 0
	}
	return ((p[0]-a[0])*f.kx*ux + (p[1]-a[1])*f.ky*uy) / uu
}

// foot returns the point of segment a–b nearest p and its distance in
// metres. The ends are returned exactly; a point between them is on the
// segment to rounding.
func (f frame) foot(p, a, b orb.Point) (orb.Point, float64) {
	q := pointAt(a, b, math.Max(0, math.Min(1, f.param(p, a, b))))
	return q, f.dist(p, q)
}

// pointAt is a + t·(b−a), exactly a at t = 0 and exactly b at t = 1.
func pointAt(a, b orb.Point, t float64) orb.Point {
	switch t {
	case 0:
		return a
	case 1:
		return b
	}
	return orb.Point{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])}
}
