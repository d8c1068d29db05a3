package balance

import (
	"context"
	"math"
	"sort"

	"github.com/paulmach/orb"
)

// Vertex kinds: a parent (or region) vertex is never dropped from a child's
// ring; a crossing or lattice vertex is dropped where nothing else meets it.
// A region vertex that is not one of the parent's (rebalancing: where a
// current border met the outline) is an outline vertex, dropped like a
// crossing where it is no longer a junction on the outline.
const (
	vertRegion uint8 = iota
	vertCross
	vertLattice
	vertOutline
)

// graph is the planar graph of the regions' rings and the lattice segments
// inside them. Half-edges have their region's interior on their left; a
// ring half-edge's twin is the neighbouring region's (or -1 on the outline),
// a lattice half-edge's twin is its reverse.
type graph struct {
	lat  lattice
	pts  []orb.Point
	kind []uint8
	ids  map[orb.Point]int32

	from, to []int32
	twin     []int32
	isLat    []bool // a lattice segment (else a ring edge)
	region   []int32
	ang      []float64

	outStart []int32 // CSR: outgoing half-edges of vertex v, by angle
	outList  []int32
}

func (g *graph) vertex(p orb.Point, k uint8) int32 {
	if id, ok := g.ids[p]; ok {
		return id
	}
	id := int32(len(g.pts))
	g.ids[p] = id
	g.pts = append(g.pts, p)
	g.kind = append(g.kind, k)
	return id
}

func (g *graph) halfEdge(a, b, region, twin int32) int32 {
	h := int32(len(g.from))
	g.from = append(g.from, a)
	g.to = append(g.to, b)
	g.twin = append(g.twin, twin)
	g.isLat = append(g.isLat, twin >= 0)
	g.region = append(g.region, region)
	return h
}

// lineCrossings are the crossings of one region's rings with one lattice
// line.
type lineCrossings map[int][]crossing

// buildGraph cuts each region (valid, rings oriented) by the lattice.
func buildGraph(ctx context.Context, regions []orb.MultiPolygon, lat lattice) (*graph, error) {
	g := &graph{lat: lat, ids: map[orb.Point]int32{}}
	var buf []nodePt
	for r, mp := range regions {
		vert, horiz := lineCrossings{}, lineCrossings{}
		for _, poly := range mp {
			for _, ring := range poly {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
				var err error
				if buf, err = g.addRing(ring, int32(r), vert, horiz, buf); err != nil {
					return nil, err
				}
			}
		}
		if err := g.addLattice(ctx, int32(r), vert, horiz); err != nil {
			return nil, err
		}
	}
	g.matchRingTwins()
	g.sortOutgoing()
	return g, nil
}

// addRing adds the noded ring's half-edges and records its crossings.
func (g *graph) addRing(ring orb.Ring, r int32, vert, horiz lineCrossings, buf []nodePt) ([]nodePt, error) {
	n := len(ring)
	if n > 1 && ring[0] == ring[n-1] {
		n--
	}
	prev := int32(-1)
	first := int32(-1)
	for k := 0; k < n; k++ {
		a, b := ring[k], ring[(k+1)%n]
		if a == b {
			continue
		}
		if isLatticeX(&g.lat, a[0]) || isLatticeY(&g.lat, a[1]) {
			return buf, errDegenerate
		}
		va := g.vertex(a, vertRegion)
		if first < 0 {
			first = va
		}
		if prev >= 0 && prev != va {
			g.halfEdge(prev, va, r, -1)
		}
		prev = va
		var err error
		if buf, err = g.lat.nodeEdge(a, b, buf); err != nil {
			return buf, err
		}
		for _, np := range buf {
			v := g.vertex(np.pt, vertCross)
			g.halfEdge(prev, v, r, -1)
			prev = v
			if np.vertical {
				vert[np.line] = append(vert[np.line], crossing{c: np.pt[1], vid: v})
			} else {
				horiz[np.line] = append(horiz[np.line], crossing{c: np.pt[0], vid: v})
			}
		}
	}
	if prev >= 0 && first >= 0 && prev != first {
		g.halfEdge(prev, first, r, -1)
	}
	return buf, nil
}

// addLattice adds, for one region, the lattice segments inside it: along
// each line, crossings alternate between entering and leaving.
func (g *graph) addLattice(ctx context.Context, r int32, vert, horiz lineCrossings) error {
	for _, side := range [2]struct {
		lines    lineCrossings
		vertical bool
	}{{vert, true}, {horiz, false}} {
		keys := make([]int, 0, len(side.lines))
		for k := range side.lines {
			keys = append(keys, k)
		}
		sort.Ints(keys)
		for _, line := range keys {
			if err := ctx.Err(); err != nil {
				return err
			}
			cs := side.lines[line]
			if len(cs)%2 != 0 {
				return errDegenerate
			}
			sort.Slice(cs, func(i, j int) bool { return cs[i].c < cs[j].c })
			for k := 0; k+1 < len(cs); k += 2 {
				if err := g.addRun(r, line, side.vertical, cs[k], cs[k+1]); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// addRun adds the lattice segments of one inside interval of a line.
func (g *graph) addRun(r int32, line int, vertical bool, lo, hi crossing) error {
	l := &g.lat
	along, origin, step := l.y, l.y0, l.dy
	if !vertical {
		along, origin, step = l.x, l.x0, l.dx
	}
	k0, k1, err := linesBetween(along, origin, step, lo.c, hi.c)
	if err != nil {
		return err
	}
	prev := lo.vid
	for k := k0; k <= k1; k++ {
		p := orb.Point{l.x(line), along(k)}
		if !vertical {
			p = orb.Point{along(k), l.y(line)}
		}
		v := g.vertex(p, vertLattice)
		g.pair(prev, v, r)
		prev = v
	}
	g.pair(prev, hi.vid, r)
	return nil
}

func (g *graph) pair(a, b, r int32) {
	h := int32(len(g.from))
	g.halfEdge(a, b, r, h+1)
	g.halfEdge(b, a, r, h)
}

// matchRingTwins pairs ring half-edges of neighbouring regions that walk the
// same segment in opposite directions.
func (g *graph) matchRingTwins() {
	byEnds := map[[2]int32]int32{}
	for h := range g.from {
		if g.twin[h] < 0 {
			byEnds[[2]int32{g.from[h], g.to[h]}] = int32(h)
		}
	}
	for h := range g.from {
		if g.twin[h] >= 0 {
			continue
		}
		if t, ok := byEnds[[2]int32{g.to[h], g.from[h]}]; ok && g.region[t] != g.region[h] {
			g.twin[h], g.twin[t] = t, int32(h)
		}
	}
}

// sortOutgoing builds the per-vertex lists of outgoing half-edges sorted by
// angle, counter-clockwise.
func (g *graph) sortOutgoing() {
	n := len(g.pts)
	g.ang = make([]float64, len(g.from))
	g.outStart = make([]int32, n+1)
	for h := range g.from {
		g.ang[h] = g.angle(g.from[h], g.to[h])
		g.outStart[g.from[h]+1]++
	}
	for v := 0; v < n; v++ {
		g.outStart[v+1] += g.outStart[v]
	}
	g.outList = make([]int32, len(g.from))
	fill := append([]int32(nil), g.outStart[:n]...)
	for h := range g.from {
		v := g.from[h]
		g.outList[fill[v]] = int32(h)
		fill[v]++
	}
	for v := 0; v < n; v++ {
		out := g.outList[g.outStart[v]:g.outStart[v+1]]
		sort.Slice(out, func(i, j int) bool { return g.ang[out[i]] < g.ang[out[j]] })
	}
}

func (g *graph) angle(a, b int32) float64 {
	p, q := g.pts[a], g.pts[b]
	return math.Atan2(q[1]-p[1], q[0]-p[0])
}

// next is the half-edge that follows h around the face on its left, among
// those that use accepts: the first outgoing half-edge at h's end clockwise
// from the direction back along h. -1 when there is none.
func (g *graph) next(h int32, use func(int32) bool) int32 {
	v, back := g.to[h], g.from[h]
	out := g.outList[g.outStart[v]:g.outStart[v+1]]
	rev := g.angle(v, back)
	idx := sort.Search(len(out), func(i int) bool { return g.ang[out[i]] >= rev })
	n := len(out)
	for k := 1; k <= n; k++ {
		c := out[((idx-k)%n+n)%n]
		if g.to[c] == back || !use(c) {
			continue
		}
		return c
	}
	for _, c := range out { // a dead end: go back
		if g.to[c] == back && use(c) {
			return c
		}
	}
	return -1
}

// cycles walks every accepted half-edge into the cycles of the faces on
// their left. faceOf receives each half-edge's cycle index (-1 when not
// accepted).
func (g *graph) cycles(ctx context.Context, use func(int32) bool) ([][]int32, []int32, error) {
	faceOf := make([]int32, len(g.from))
	for i := range faceOf {
		faceOf[i] = -1
	}
	var out [][]int32
	for h0 := range g.from {
		if faceOf[h0] >= 0 || !use(int32(h0)) {
			continue
		}
		if len(out)%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, nil, err
			}
		}
		id := int32(len(out))
		var cyc []int32
		for h := int32(h0); h >= 0 && faceOf[h] < 0; h = g.next(h, use) {
			faceOf[h] = id
			cyc = append(cyc, h)
		}
		out = append(out, cyc)
	}
	return out, faceOf, nil
}

// ring is the closed ring of a cycle's vertices.
func (g *graph) ring(cyc []int32) orb.Ring {
	r := make(orb.Ring, 0, len(cyc)+1)
	for _, h := range cyc {
		r = append(r, g.pts[g.from[h]])
	}
	return append(r, r[0])
}

// signedArea is the shoelace area of a ring in square degrees, positive
// counter-clockwise.
func signedArea(r orb.Ring) float64 {
	var s float64
	x0, y0 := r[0][0], r[0][1]
	for i := 1; i+1 < len(r); i++ {
		s += (r[i][0]-x0)*(r[i+1][1]-y0) - (r[i+1][0]-x0)*(r[i][1]-y0)
	}
	return s / 2
}
