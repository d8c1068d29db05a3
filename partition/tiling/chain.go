package tiling

import (
	"sort"

	"github.com/paulmach/orb"
	"github.com/peterstace/simplefeatures/rtree"
	"github.com/wangge/wangge/internal/unionfind"
)

// edgeKey is an undirected edge, its endpoints in lexicographic order.
type edgeKey struct{ a, b orb.Point }

func less(p, q orb.Point) bool { return p[0] < q[0] || (p[0] == q[0] && p[1] < q[1]) }

// boundaryCount adds sign for each directed edge of mp's rings into m: +sign
// for an edge walked from its lesser endpoint, −sign the other way.
func boundaryCount(m map[edgeKey]int32, mp orb.MultiPolygon, sign int32) {
	for _, p := range mp {
		for _, r := range p {
			for k := 0; k+1 < len(r); k++ {
				a, b := r[k], r[k+1]
				switch {
				case a == b:
				case less(a, b):
					m[edgeKey{a, b}] += sign
				default:
					m[edgeKey{b, a}] -= sign
				}
			}
		}
	}
}

// netBoundary returns the edges whose counts do not cancel: children count
// +1, the parent −1 (see the package doc).
func netBoundary(parent orb.MultiPolygon, shapes []*shape) []edgeKey {
	n := 0
	for _, s := range shapes {
		for _, p := range s.mp {
			for _, r := range p {
				n += len(r)
			}
		}
	}
	m := make(map[edgeKey]int32, n/2+1)
	boundaryCount(m, parent, -1)
	for _, s := range shapes {
		boundaryCount(m, s.mp, 1)
	}
	var net []edgeKey
	for e, c := range m {
		if c != 0 {
			net = append(net, e)
		}
	}
	return net
}

// boxMargin widens each cluster's box (degrees, about 0.1 m) so that its
// edges stay clear of the defects inside.
const boxMargin = 1e-6

// clusterBoxes groups the net edges into connected clusters (edges sharing
// an endpoint), takes each cluster's bounding box widened by boxMargin, and
// merges boxes that intersect until none do. Every defect lies inside
// exactly one of the returned boxes.
func clusterBoxes(net []edgeKey) []orb.Bound {
	uf := unionfind.New(len(net))
	at := make(map[orb.Point]int, 2*len(net))
	for i, e := range net {
		for _, p := range [2]orb.Point{e.a, e.b} {
			if j, ok := at[p]; ok {
				uf.Union(i, j)
			} else {
				at[p] = i
			}
		}
	}
	byRoot := map[int]int{}
	var boxes []orb.Bound
	for i, e := range net {
		r := uf.Find(i)
		k, ok := byRoot[r]
		if !ok {
			k = len(boxes)
			byRoot[r] = k
			boxes = append(boxes, orb.Bound{Min: e.a, Max: e.a})
		}
		boxes[k] = boxes[k].Extend(e.a).Extend(e.b)
	}
	for i := range boxes {
		boxes[i] = boxes[i].Pad(boxMargin)
	}
	return mergeBoxes(boxes)
}

// mergeBoxes replaces boxes that intersect by their common bounding box,
// repeatedly, until no two intersect.
func mergeBoxes(boxes []orb.Bound) []orb.Bound {
	for {
		items := make([]rtree.BulkItem, len(boxes))
		for i, b := range boxes {
			items[i] = rtree.BulkItem{Box: toBox(b), RecordID: i}
		}
		tree := rtree.BulkLoad(items)
		uf := unionfind.New(len(boxes))
		merged := false
		for i, b := range boxes {
			_ = tree.RangeSearch(toBox(b), func(j int) error {
				if j != i && uf.Find(i) != uf.Find(j) {
					uf.Union(i, j)
					merged = true
				}
				return nil
			})
		}
		if !merged {
			// a deterministic order, so that pieces come out in one order
			sort.Slice(boxes, func(i, j int) bool {
				a, b := boxes[i], boxes[j]
				if a.Min[0] != b.Min[0] {
					return a.Min[0] < b.Min[0]
				}
				return a.Min[1] < b.Min[1]
			})
			return boxes
		}
		byRoot := map[int]int{}
		var out []orb.Bound
		for i, b := range boxes {
			r := uf.Find(i)
			if k, ok := byRoot[r]; ok {
				out[k] = out[k].Union(b)
				continue
			}
			byRoot[r] = len(out)
			out = append(out, b)
		}
		boxes = out
	}
}

func toBox(b orb.Bound) rtree.Box {
	return rtree.Box{MinX: b.Min[0], MinY: b.Min[1], MaxX: b.Max[0], MaxY: b.Max[1]}
}
