package balance

import (
	"context"
	"fmt"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
)

// outline traces each child's rings on the graph: the half-edges whose
// other side is another child or outside. Vertices where nothing else
// meets are dropped when that leaves the ring where it was: a lattice
// vertex in a straight run, a crossing between two pieces of one ring edge
// (so that the children follow the parent's own edges). The decision is
// the vertex's, so neighbours drop the same vertices.
func (gr *grouping) outline(ctx context.Context) ([]orb.MultiPolygon, error) {
	s := gr.d.s
	g := s.g
	childOf := func(h int32) int32 { return gr.child[s.heAtom[h]] }
	use := func(h int32) bool {
		t := g.twin[h]
		return t < 0 || childOf(t) != childOf(h)
	}
	deg := make([]uint8, len(g.pts))
	for h := range g.from {
		t := g.twin[h]
		if use(int32(h)) && (t < 0 || !use(t) || int32(h) < t) {
			deg[g.from[h]]++
			deg[g.to[h]]++
		}
	}
	cycles, _, err := g.cycles(ctx, use)
	if err != nil {
		return nil, err
	}
	shells := make([]orb.MultiPolygon, len(gr.w))
	var holes [][]orb.Ring
	holes = make([][]orb.Ring, len(gr.w))
	for _, cyc := range cycles {
		c := childOf(cyc[0])
		r := gr.traceRing(cyc, deg)
		if len(r) < 4 {
			continue
		}
		if signedArea(r) > 0 {
			shells[c] = append(shells[c], orb.Polygon{r})
		} else {
			holes[c] = append(holes[c], r)
		}
	}
	for c := range shells {
		for _, h := range holes[c] {
			if err := addHole(shells[c], h); err != nil {
				return nil, fmt.Errorf("child %d: %w", c, err)
			}
		}
	}
	return shells, nil
}

// traceRing is the closed ring of a cycle without its droppable vertices.
func (gr *grouping) traceRing(cyc []int32, deg []uint8) orb.Ring {
	g := gr.d.s.g
	r := make(orb.Ring, 0, len(cyc)+1)
	n := len(cyc)
	for i, h := range cyc {
		v := g.from[h]
		prev := cyc[(i-1+n)%n] // the half-edge arriving at v
		if deg[v] == 2 && g.kind[v] != vertRegion && droppable(g, prev, h) {
			continue
		}
		r = append(r, g.pts[v])
	}
	if len(r) == 0 {
		return r
	}
	return append(r, r[0])
}

// droppable: the vertex between half-edges in and out lies on one straight
// edge: two lattice segments of one line, or two pieces of one ring edge.
func droppable(g *graph, in, out int32) bool {
	if g.isLat[in] != g.isLat[out] {
		return false
	}
	v := g.from[out]
	if !g.isLat[in] {
		return g.kind[v] == vertCross || g.kind[v] == vertOutline && g.twin[in] < 0 && g.twin[out] < 0
	}
	p, q, r := g.pts[g.from[in]], g.pts[v], g.pts[g.to[out]]
	return p[0] == q[0] && q[0] == r[0] || p[1] == q[1] && q[1] == r[1]
}

// addHole puts a hole into the shell that contains it.
func addHole(mp orb.MultiPolygon, hole orb.Ring) error {
	if len(mp) == 1 {
		mp[0] = append(mp[0], hole)
		return nil
	}
	inside := labelPoint(orb.Polygon{hole})
	for i := range mp {
		if mp[i][0].Bound().Intersects(hole.Bound()) && geo.RingContains(mp[i][0], inside) {
			mp[i] = append(mp[i], hole)
			return nil
		}
	}
	return fmt.Errorf("no shell contains the hole at (%.7f, %.7f)", hole[0][0], hole[0][1])
}
