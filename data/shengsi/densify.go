package main

import (
	"math"
	"sort"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/partition"
)

// onEdge is how far (degrees, about 0.1 mm) a vertex may lie from an edge
// and count as on it: cut vertices are computed on the edge, so they lie
// within rounding error of it.
const onEdge = 1e-9

// addEdgeVertices returns mp with every vertex of the units that lies on
// one of its edges, and is not already one of its vertices, inserted into
// that edge, and how many were inserted.
//
// Why: a cut that ends on a coastline edge puts a vertex on it, for the two
// pieces of the cut and, when it is a later cut inside one piece, for that
// piece's children only. The parent then has a straight edge where its
// children have a vertex a rounding error off it: in the lon/lat plane the
// children still tile the parent, but the tiling check measures areas on
// the ellipsoid, along geodesics, and a long coastline edge bends by
// millimetres between a geodesic and the lon/lat line: slivers of a few m².
// Generating once more from the county with those vertices in place gives
// every unit along that coast the same vertices.
func addEdgeVertices(mp orb.MultiPolygon, units []partition.Unit) (orb.MultiPolygon, int) {
	have := map[orb.Point]bool{}
	for _, p := range mp {
		for _, r := range p {
			for _, v := range r {
				have[v] = true
			}
		}
	}
	var cand []orb.Point
	for i := range units {
		for _, p := range units[i].Geometry {
			for _, r := range p {
				for _, v := range r {
					if !have[v] {
						have[v] = true
						cand = append(cand, v)
					}
				}
			}
		}
	}
	n := 0
	out := make(orb.MultiPolygon, len(mp))
	for i, p := range mp {
		out[i] = make(orb.Polygon, len(p))
		for j, r := range p {
			var added int
			out[i][j], added = insertOnRing(r, cand)
			n += added
		}
	}
	return out, n
}

func insertOnRing(r orb.Ring, cand []orb.Point) (orb.Ring, int) {
	out := make(orb.Ring, 0, len(r))
	n := 0
	for k := 0; k+1 < len(r); k++ {
		a, b := r[k], r[k+1]
		out = append(out, a)
		type at struct {
			t float64
			p orb.Point
		}
		var on []at
		for _, c := range cand {
			if t, ok := onSegment(a, b, c); ok {
				on = append(on, at{t, c})
			}
		}
		sort.Slice(on, func(x, y int) bool { return on[x].t < on[y].t })
		for _, x := range on {
			out = append(out, x.p)
		}
		n += len(on)
	}
	return append(out, r[len(r)-1]), n
}

// onSegment reports whether c lies on the segment a–b, strictly between its
// ends, and where (0 < t < 1).
func onSegment(a, b, c orb.Point) (float64, bool) {
	if c[0] < math.Min(a[0], b[0])-onEdge || c[0] > math.Max(a[0], b[0])+onEdge ||
		c[1] < math.Min(a[1], b[1])-onEdge || c[1] > math.Max(a[1], b[1])+onEdge {
		return 0, false
	}
	dx, dy := b[0]-a[0], b[1]-a[1]
	l2 := dx*dx + dy*dy
	if l2 == 0 {
		return 0, false
	}
	t := ((c[0]-a[0])*dx + (c[1]-a[1])*dy) / l2
	cross := math.Abs((c[0]-a[0])*dy-(c[1]-a[1])*dx) / math.Sqrt(l2)
	return t, cross <= onEdge && t > 0 && t < 1
}
