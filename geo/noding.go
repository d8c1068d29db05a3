package geo

import (
	"sort"

	"github.com/paulmach/orb"
	"github.com/peterstace/simplefeatures/rtree"
)

// segTurn is the sign of the turn a→b→c: > 0 counter-clockwise, < 0
// clockwise, 0 collinear (in floating point, not exactly).
func segTurn(a, b, c orb.Point) float64 {
	return (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0])
}

// segCovers reports whether p, collinear with a–b, lies within its box.
func segCovers(p, a, b orb.Point) bool {
	return min(a[0], b[0]) <= p[0] && p[0] <= max(a[0], b[0]) && min(a[1], b[1]) <= p[1] && p[1] <= max(a[1], b[1])
}

// segmentMeets returns the points where segments a–b and c–d meet: the
// crossing point of a proper crossing, else the endpoints of either that lie
// on the other (a touch, or both ends of a collinear overlap).
func segmentMeets(a, b, c, d orb.Point) []orb.Point {
	o1, o2 := segTurn(a, b, c), segTurn(a, b, d)
	o3, o4 := segTurn(c, d, a), segTurn(c, d, b)
	if ((o1 > 0 && o2 < 0) || (o1 < 0 && o2 > 0)) && ((o3 > 0 && o4 < 0) || (o3 < 0 && o4 > 0)) {
		t := o3 / (o3 - o4)
		return []orb.Point{{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])}}
	}
	var pts []orb.Point
	if o1 == 0 && segCovers(c, a, b) {
		pts = append(pts, c)
	}
	if o2 == 0 && segCovers(d, a, b) {
		pts = append(pts, d)
	}
	if o3 == 0 && segCovers(a, c, d) {
		pts = append(pts, a)
	}
	if o4 == 0 && segCovers(b, c, d) {
		pts = append(pts, b)
	}
	return pts
}

func segmentBox(a, b orb.Point) rtree.Box {
	return rtree.Box{MinX: min(a[0], b[0]), MinY: min(a[1], b[1]), MaxX: max(a[0], b[0]), MaxY: max(a[1], b[1])}
}

// ringCuts finds where the closed ring r meets itself other than where
// consecutive segments share their vertex. It returns, per segment, the
// points to insert into it, and the meeting points in the order found.
func ringCuts(r orb.Ring, firstOnly bool) (map[int][]orb.Point, []orb.Point) {
	n := len(r) - 1 // segments; r is closed
	if n < 3 {
		return nil, nil
	}
	boxes := make([]rtree.Box, n)
	items := make([]rtree.BulkItem, n)
	for i := range n {
		boxes[i] = segmentBox(r[i], r[i+1])
		items[i] = rtree.BulkItem{Box: boxes[i], RecordID: i}
	}
	tree := rtree.BulkLoad(items) // reorders items
	cuts := map[int][]orb.Point{}
	var found []orb.Point
	for i := range n {
		a, b := r[i], r[i+1]
		_ = tree.RangeSearch(boxes[i], func(j int) error {
			if j <= i {
				return nil
			}
			for _, p := range segmentMeets(a, b, r[j], r[j+1]) {
				adjacent := (j == i+1 && p == b) || (i == 0 && j == n-1 && p == a)
				if adjacent {
					continue
				}
				found = append(found, p)
				cuts[i] = append(cuts[i], p)
				cuts[j] = append(cuts[j], p)
			}
			if firstOnly && len(found) > 0 {
				return rtree.Stop
			}
			return nil
		})
		if firstOnly && len(found) > 0 {
			break
		}
	}
	return cuts, found
}

// ringSelfIntersections returns the points where ring r meets itself.
func ringSelfIntersections(r orb.Ring, firstOnly bool) []orb.Point {
	_, found := ringCuts(r, firstOnly)
	return found
}

// simpleLoops nodes r at every point where it meets itself and cuts it into
// loops that do not: walking the noded ring, each return to a vertex already
// on the path closes a loop.
func simpleLoops(r orb.Ring) []orb.Ring {
	if len(r) > 0 && r[0] != r[len(r)-1] {
		r = append(append(orb.Ring{}, r...), r[0])
	}
	cuts, _ := ringCuts(r, false)
	noded := make([]orb.Point, 0, len(r)+2*len(cuts))
	for i := 0; i+1 < len(r); i++ {
		a := r[i]
		noded = appendNew(noded, a)
		pts := cuts[i]
		sort.Slice(pts, func(x, y int) bool { return segDist2(a, pts[x]) < segDist2(a, pts[y]) })
		for _, p := range pts {
			noded = appendNew(noded, p)
		}
	}
	var loops []orb.Ring
	var path []orb.Point
	at := map[orb.Point]int{}
	for _, p := range append(noded, noded[0]) {
		if k, ok := at[p]; ok {
			loop := append(append(orb.Ring{}, path[k:]...), p)
			if len(loop) >= 4 {
				loops = append(loops, loop)
			}
			for _, q := range path[k+1:] {
				delete(at, q)
			}
			path = path[:k+1]
			continue
		}
		at[p] = len(path)
		path = append(path, p)
	}
	return loops
}

func appendNew(ps []orb.Point, p orb.Point) []orb.Point {
	if len(ps) > 0 && ps[len(ps)-1] == p {
		return ps
	}
	return append(ps, p)
}

func segDist2(a, b orb.Point) float64 {
	dx, dy := a[0]-b[0], a[1]-b[1]
	return dx*dx + dy*dy
}
