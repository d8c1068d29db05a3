package balance

import (
	"context"
	"fmt"
	"math"
	"sort"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/wangge/wangge/geo"
)

// atom is one face of the graph: the piece of one lattice cell inside one
// region.
type atom struct {
	poly   orb.Polygon
	region int32 // the region (the parent, or a current child) it lies in
	area   geo.SquareMeters
	xy     [2]float64 // centroid in local metres
	rep    orb.Point  // a point inside the atom
	w      int        // households
	cell   int64
}

// atomSet is the atoms with their adjacency: atoms are adjacent when they
// share an edge (not a barrier crossing); border is the shared length.
type atomSet struct {
	g      *graph
	atoms  []atom
	heAtom []int32 // atom on the left of each half-edge
	adj    [][]int32
	border [][]float64 // metres, parallel to adj
	byCell map[int64][]int32
	hhAtom []int32   // atom of each household, -1 outside the parent
	origin orb.Point // of the local metres
	kx, ky float64
}

func (s *atomSet) local(p orb.Point) [2]float64 {
	return [2]float64{(p[0] - s.origin[0]) * s.kx, (p[1] - s.origin[1]) * s.ky}
}

// buildAtoms turns the graph's faces into atoms.
func buildAtoms(ctx context.Context, g *graph, origin orb.Point) (*atomSet, error) {
	cycles, faceOf, err := g.cycles(ctx, func(int32) bool { return true })
	if err != nil {
		return nil, err
	}
	s := &atomSet{g: g, origin: origin, byCell: map[int64][]int32{}}
	s.kx, s.ky = geo.MetersPerDegree(origin[1])
	faceAtom := make([]int32, len(cycles))
	var holes []int
	for f, cyc := range cycles {
		r := g.ring(cyc)
		if signedArea(r) < 0 {
			holes = append(holes, f)
			faceAtom[f] = -1
			continue
		}
		faceAtom[f] = int32(len(s.atoms))
		b := r.Bound()
		i, j := g.lat.cellOf(b.Center())
		a := atom{poly: orb.Polygon{r}, region: g.region[cyc[0]], cell: g.lat.cellKey(i, j)}
		s.byCell[a.cell] = append(s.byCell[a.cell], faceAtom[f])
		s.atoms = append(s.atoms, a)
	}
	for _, f := range holes {
		r := g.ring(cycles[f])
		a, err := s.holeOwner(r, g.region[cycles[f][0]])
		if err != nil {
			return nil, err
		}
		faceAtom[f] = a
		s.atoms[a].poly = append(s.atoms[a].poly, r)
	}
	for k := range s.atoms {
		s.finish(&s.atoms[k])
	}
	s.heAtom = make([]int32, len(g.from))
	for h, f := range faceOf {
		s.heAtom[h] = faceAtom[f]
	}
	s.adjacency()
	return s, nil
}

// holeOwner finds the atom of region r whose shell contains the hole ring.
func (s *atomSet) holeOwner(hole orb.Ring, r int32) (int32, error) {
	i, j := s.g.lat.cellOf(hole.Bound().Center())
	for di := -1; di <= 1; di++ {
		for dj := -1; dj <= 1; dj++ {
			for _, a := range s.byCell[s.g.lat.cellKey(i+di, j+dj)] {
				at := &s.atoms[a]
				if at.region == r && at.poly[0].Bound().Intersects(hole.Bound()) && geo.RingContains(at.poly[0], hole[0]) {
					return a, nil
				}
			}
		}
	}
	return 0, fmt.Errorf("no atom contains the hole at (%.7f, %.7f)", hole[0][0], hole[0][1])
}

func (s *atomSet) finish(a *atom) {
	a.area = geo.Area(a.poly)
	c, _ := planar.CentroidArea(a.poly)
	if !geo.PolygonContains(a.poly, c) {
		c = labelPoint(a.poly)
	}
	a.rep = c
	a.xy = s.local(c)
}

// labelPoint is a point inside p: the middle of the widest span of p on the
// horizontal line through the middle of its bounding box.
func labelPoint(p orb.Polygon) orb.Point {
	b := p.Bound()
	y := (b.Min[1] + b.Max[1]) / 2
	var xs []float64
	for _, r := range p {
		for k := 0; k+1 < len(r); k++ {
			a, c := r[k], r[k+1]
			if (a[1] <= y) != (c[1] <= y) {
				xs = append(xs, a[0]+(y-a[1])*(c[0]-a[0])/(c[1]-a[1]))
			}
		}
	}
	sort.Float64s(xs)
	best, bx := -1.0, b.Center()[0]
	for k := 0; k+1 < len(xs); k += 2 {
		if w := xs[k+1] - xs[k]; w > best {
			best, bx = w, (xs[k]+xs[k+1])/2
		}
	}
	return orb.Point{bx, y}
}

// adjacency links atoms that share an edge, with the shared length.
func (s *atomSet) adjacency() {
	type link struct {
		a, b int32
		m    float64
	}
	var ls []link
	g := s.g
	for h := range g.from {
		t := g.twin[h]
		if t < 0 || int32(h) > t {
			continue
		}
		a, b := s.heAtom[h], s.heAtom[t]
		if a < 0 || b < 0 || a == b {
			continue
		}
		if a > b {
			a, b = b, a
		}
		p, q := s.local(g.pts[g.from[h]]), s.local(g.pts[g.to[h]])
		ls = append(ls, link{a, b, math.Hypot(q[0]-p[0], q[1]-p[1])})
	}
	sort.Slice(ls, func(i, j int) bool { return ls[i].a < ls[j].a || ls[i].a == ls[j].a && ls[i].b < ls[j].b })
	s.adj = make([][]int32, len(s.atoms))
	s.border = make([][]float64, len(s.atoms))
	for k := 0; k < len(ls); {
		l := ls[k]
		m := 0.0
		for ; k < len(ls) && ls[k].a == l.a && ls[k].b == l.b; k++ {
			m += ls[k].m
		}
		s.adj[l.a] = append(s.adj[l.a], l.b)
		s.border[l.a] = append(s.border[l.a], m)
		s.adj[l.b] = append(s.adj[l.b], l.a)
		s.border[l.b] = append(s.border[l.b], m)
	}
}
