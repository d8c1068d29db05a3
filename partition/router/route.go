package router

import (
	"cmp"
	"math"
	"slices"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/index"
	"github.com/wangge/wangge/partition"
)

// probe is how far beyond the nearest boundary point the neighbour is
// looked for.
const probe geo.Meters = 0.5

// Result is the answer for one point, with its evidence.
type Result struct {
	ix *Index
	// Point is the point routed, lon/lat on CGCS2000.
	Point orb.Point
	// Resolved is false when no unit contains the point or lies within the
	// tolerance of it.
	Resolved bool
	// Approximate is true when the unit answered does not contain the
	// point but is the nearest one within the tolerance: of every unit, for
	// a point outside them all; of those below the unit with the gap (Gap),
	// for a point in a gap.
	Approximate bool
	// Distance is, for an exact answer, the distance from the point to the
	// nearest boundary of its unit; otherwise the distance from the point to
	// the nearest unit (the one answered, or named as Nearest).
	Distance geo.Meters
	// NearBoundary is true when an exact answer lies within the margin of
	// its unit's boundary; Neighbor is then the unit across it, if any.
	NearBoundary bool

	unit, neighbor, nearest int32
	gap                     int32   // the unit in whose gap the point lies, -1 for none
	overlaps                []int32 // overlapping siblings that also contain the point, best ranked first
}

// Unit is the deepest unit containing the point (or nearest to it, when
// approximate); nil when unresolved.
func (r *Result) Unit() *partition.Unit { return r.ix.unitAt(r.unit) }

// Chain is the unit and its ancestors, root first; nil when unresolved.
func (r *Result) Chain() []*partition.Unit {
	if r.unit < 0 {
		return nil
	}
	return r.ix.chainOf(r.unit)
}

// Neighbor is the unit on the other side of the nearest boundary, when the
// point is near it and there is one.
func (r *Result) Neighbor() *partition.Unit { return r.ix.unitAt(r.neighbor) }

// Nearest is, for an unresolved point, the nearest unit.
func (r *Result) Nearest() *partition.Unit { return r.ix.unitAt(r.nearest) }

// Gap is, for a point inside a unit but inside none of the children meant
// to cover it, that unit (the answer is then its nearest child, within the
// tolerance, or the unit itself); nil otherwise.
func (r *Result) Gap() *partition.Unit { return r.ix.unitAt(r.gap) }

// Overlaps are the other units that contain the point beside a unit of
// the answer's chain: its overlapping siblings, best ranked first.
func (r *Result) Overlaps() []*partition.Unit {
	out := make([]*partition.Unit, len(r.overlaps))
	for i, u := range r.overlaps {
		out[i] = r.ix.unitAt(u)
	}
	return out
}

// Version is the version that answered.
func (r *Result) Version() partition.Version { return r.ix.version }

func (ix *Index) unitAt(i int32) *partition.Unit {
	if i < 0 {
		return nil
	}
	return &ix.units[i].unit
}

// Locate returns the code of the deepest unit containing p (lon/lat on
// CGCS2000) by the rule of the package documentation, without evidence:
// the fast path. In a gap it is the unit with the gap, where Route answers
// with its nearest child.
func (ix *Index) Locate(p orb.Point) (partition.Code, bool) {
	if ix.raster == nil {
		return "", false
	}
	s := ix.raster.Locate(p)
	if s >= 0 && !ix.shapeKids[s] {
		return ix.shapeCode[s], true
	}
	if u, _ := ix.settle(p, s); u >= 0 {
		return ix.units[u].unit.Code, true
	}
	return "", false
}

// locate is the unit whose shape the raster finds at p by the boundary
// rule alone, -1 for none: for probe points beside a boundary.
func (ix *Index) locate(p orb.Point) int32 {
	if ix.raster == nil {
		return -1
	}
	if s := ix.raster.Locate(p); s >= 0 {
		return ix.shapeUnit[s]
	}
	return -1
}

// locateShape returns the shape that the raster finds at p by the
// boundary rule, -1 for none.
func (ix *Index) locateShape(p orb.Point) int32 {
	if ix.raster == nil {
		return -1
	}
	return ix.raster.Locate(p)
}

// settle finishes the rule from s, the shape that the boundary rule finds
// at p (-1 for none). With none, nothing claims p, and the start is the
// highest-ranked unit whose boundary p is on, if any; from s's unit or
// that one it moves down to the highest-ranked child whose boundary p is
// on, as long as there is one. It returns the unit (-1 for none) and
// whether p lies in that unit's gap: the unit has polygonal children of
// its own network, meant to cover it, and none of them holds p.
//
// No child of s's unit contains p by the boundary rule (a child ranks
// above its parent, so it would have been found instead), so a child that
// holds p has p on its boundary; and every unit whose boundary p is on
// crosses p's cell, so the cell's candidates hold it
// (index.Raster.Candidates): no shape covering the cell wholly hides it,
// for such a shape would contain p and rank above it.
func (ix *Index) settle(p orb.Point, s int32) (unit int32, gap bool) {
	cur := int32(-1)
	if s >= 0 {
		cur = ix.shapeUnit[s]
		if !ix.shapeKids[s] {
			return cur, false
		}
	}
	list, under := ix.raster.Candidates(p)
	best := func(accept func(v int32) bool) int32 {
		next := int32(-1)
		consider := func(id int32) {
			v := ix.shapeUnit[id]
			if accept(v) && (next < 0 || ix.rank[v] > ix.rank[next]) && ix.shapes.OnBoundary(id, p) {
				next = v
			}
		}
		for _, id := range list {
			consider(id)
		}
		if under >= 0 {
			consider(under)
		}
		return next
	}
	if cur < 0 {
		if cur = best(func(int32) bool { return true }); cur < 0 {
			return -1, false
		}
	}
	for ix.kids[cur]&hasShapes != 0 {
		next := best(func(v int32) bool { return ix.units[v].parent == cur })
		if next < 0 {
			return cur, ix.kids[cur]&tiled != 0
		}
		cur = next
	}
	return cur, false
}

// Route resolves p (lon/lat on CGCS2000, finite) with its evidence.
func (ix *Index) Route(p orb.Point) Result {
	r, q, m, ok := ix.route(p, ix.locateShape(p))
	if ok {
		r.neighbor = ix.across(r.unit, p, q, m)
	}
	return r
}

// route resolves p, located in shape s by the boundary rule (-1 for none),
// with its evidence but for the neighbour: when ok, the point is near its
// unit's boundary q and the neighbour is the unit across q (see across).
func (ix *Index) route(p orb.Point, s int32) (r Result, q orb.Point, m index.Metric, ok bool) {
	r = Result{ix: ix, Point: p, unit: -1, neighbor: -1, nearest: -1, gap: -1}
	m = metric(p)
	u, gap := int32(-1), false
	if s >= 0 && !ix.shapeKids[s] {
		u = ix.shapeUnit[s]
	} else if ix.raster != nil {
		u, gap = ix.settle(p, s)
	}
	if u >= 0 {
		r.overlaps = ix.overlapsAt(p, s, u)
	}
	switch {
	case u >= 0 && !gap:
		r.unit, r.Resolved = u, true
		q, _, _ = ix.shapes.NearestBoundary(ix.units[u].shape, p, m, math.Inf(1))
		r.Distance = ix.boundaryDistance(p, q)
		if r.Distance < ix.opts.Margin {
			r.NearBoundary = true
			return r, q, m, true
		}
		return r, q, m, false
	case gap:
		r.gap, r.Resolved = u, true
		below := func(v int32) bool { return ix.below(v, u) }
		if v, q, ok := ix.nearestUnit(p, m, float64(ix.opts.Tolerance), below); ok {
			r.unit, r.Approximate, r.Distance = v, true, geo.Distance(p, q)
			return r, q, m, false
		}
		r.unit = u
		if v, q, ok := ix.farthestSearch(p, m, below); ok {
			r.nearest, r.Distance = ix.refineNearest(p, m, v, q, below)
		}
		return r, q, m, false
	}
	v, q, ok := ix.nearestUnit(p, m, float64(ix.opts.Tolerance), nil)
	if ok {
		r.unit, r.Resolved, r.Approximate, r.Distance = v, true, true, geo.Distance(p, q)
		return r, q, m, false
	}
	if v, q, ok = ix.farthestSearch(p, m, nil); ok {
		r.nearest, r.Distance = ix.refineNearest(p, m, v, q, nil)
	}
	return r, q, m, false
}

// refineNearest makes sure of the nearest unit beyond the tolerance,
// found as v at q in the plane of p's latitude, whose scale drifts with
// the distance: every unit that keep accepts within 2% (and a metre) of
// that distance in that plane is a candidate, and their edges that the
// plane of the latitude midway to q puts within 0.5% (and a metre) of
// each one's nearest are measured on the ellipsoid, first at their nearest
// point in that plane (their foot), then, for those whose foot is about as
// near as the nearest foot, by a search along the edge (geodesicNearest).
// The nearest unit (the higher ranked on a tie) and its distance are the
// answer.
func (ix *Index) refineNearest(p orb.Point, m index.Metric, v int32, q orb.Point, keep func(int32) bool) (int32, geo.Meters) {
	if d := geo.Distance(p, q); d < ix.opts.Tolerance {
		return v, d
	}
	cands := []int32{v}
	radius := 1.02*math.Sqrt(m.Dist2(p, q)) + 1
	box := orb.Bound{Min: orb.Point{p[0] - radius/m.Kx, p[1] - radius/m.Ky}, Max: orb.Point{p[0] + radius/m.Kx, p[1] + radius/m.Ky}}
	ix.raster.Near(box, func(s int32) bool {
		if u := ix.shapeUnit[s]; !slices.Contains(cands, u) && (keep == nil || keep(u)) {
			if _, _, ok := ix.shapes.NearestBoundary(s, p, m, radius*radius); ok {
				cands = append(cands, u)
			}
		}
		return true
	})
	mid := metric(orb.Point{0, (p[1] + q[1]) / 2})
	type edge struct {
		a, b, foot orb.Point  // the edge and its nearest point in the plane mid
		d          geo.Meters // the foot's distance on the ellipsoid
	}
	var edges []edge
	least := geo.Meters(math.Inf(1))
	for _, u := range cands {
		s := ix.units[u].shape
		_, d2, ok := ix.shapes.NearestBoundary(s, p, mid, math.Inf(1))
		if !ok {
			continue
		}
		limit := 1.005*math.Sqrt(d2) + 1
		ix.shapes.EdgesWithin(s, p, mid, limit*limit, func(a, b orb.Point) {
			f := mid.Closest(a, b, p)
			d := geo.Distance(p, f)
			edges = append(edges, edge{a, b, f, d})
			least = min(least, d)
		})
	}
	// A foot is off the edge's geodesic nearest point by at most the
	// bracket, which changes the distance by its square over twice the
	// distance: only the edges whose foot is that near the nearest foot can
	// hold the nearest point. Edges of one line with one foot farther
	// than geodesicNearest's bracket from their ends (a boundary shared
	// along a chain, cut into edges differently by each unit) hold the same
	// nearest point: one search serves them all.
	best := geo.Meters(math.Inf(1))
	var at orb.Point
	searched := map[[4]float64]bool{}
	reach := bracket(least)
	slack := geo.Meters(reach*reach/(2*float64(least))) + 0.01
	for _, e := range edges {
		if e.d > least+slack {
			continue
		}
		f := e.foot
		dx, dy := e.b[0]-e.a[0], e.b[1]-e.a[1]
		if l := math.Hypot(dx, dy); l > 0 {
			dx, dy = dx/l, dy/l
		}
		if dx < 0 || (dx == 0 && dy < 0) {
			dx, dy = -dx, -dy
		}
		key := [4]float64{math.Round(f[0] * 1e10), math.Round(f[1] * 1e10), math.Round(dx * 1e9), math.Round(dy * 1e9)}
		if inside := float64(mid.Dist2(f, e.a)) > reach*reach && float64(mid.Dist2(f, e.b)) > reach*reach; inside {
			if searched[key] {
				continue
			}
			searched[key] = true
		}
		if x, d := geodesicNearest(p, e.a, e.b, mid, e.foot, e.d); d < best {
			best, at = d, x
		}
	}
	// The answer is the best-ranked candidate whose boundary passes within
	// a millimetre of that point.
	bu := int32(-1)
	for _, u := range cands {
		if _, _, ok := ix.shapes.NearestBoundary(ix.units[u].shape, at, mid, 1e-6); ok && (bu < 0 || ix.rank[u] > ix.rank[bu]) {
			bu = u
		}
	}
	if bu < 0 {
		bu = v
	}
	return bu, best
}

// newtonNearest is geodesicNearest's fast path: the squared distance along
// the edge is a parabola of curvature 2·length² to within (d/R)², so
// Newton steps from the foot t0 (the slope by central differences) reach
// its minimum in two or three; the point is kept only when its
// neighbours target away (those on the segment) are no nearer, else ok is
// false and the search is done by sections.
func newtonNearest(at func(float64) (orb.Point, geo.Meters), t0, length, target float64) (orb.Point, geo.Meters, bool) {
	f := func(t float64) float64 {
		_, d := at(t)
		return float64(d) * float64(d)
	}
	t, h := t0, target/2
	for range 4 {
		slope := (f(min(1, t+h)) - f(max(0, t-h))) / (min(1, t+h) - max(0, t-h))
		step := slope / (2 * length * length)
		t = min(1, max(0, t-step))
		if math.Abs(step) < target/4 {
			break
		}
	}
	q, d := at(t)
	for _, e := range [...]float64{t - target, t + target} {
		if e < 0 || e > 1 {
			continue
		}
		if _, de := at(e); de < d {
			return q, d, false
		}
	}
	return q, d, true
}

// bracket is the half-width of geodesicNearest's first search, in metres,
// for a point d away: twice d²/R, and a metre. A geodesic leaving p at
// right angles to an edge bends towards the pole, so the nearest point on
// the ellipsoid lies off the plane's by up to d²·tan φ/2R (335 m at 86 km
// and 30°N): the bracket holds it to 60° of latitude.
func bracket(d geo.Meters) float64 {
	const r = 6.37e6
	return 2*float64(d)*float64(d)/r + 1
}

// geodesicNearest is the point of the straight lon/lat segment a–b
// nearest to p on the ellipsoid, searched from c, the nearest point in the
// plane m (the foot), at distance d0 on the ellipsoid, both as the caller
// measured them: Newton steps (newtonNearest), else a golden-section
// search in a bracket around the foot (see bracket), or the whole segment
// when the minimum is at the bracket's end, narrowed until the point is
// within √(2·d·10⁻⁴ m) of the minimum: the distance then errs by under a
// tenth of a millimetre.
func geodesicNearest(p, a, b orb.Point, m index.Metric, c orb.Point, d0 geo.Meters) (orb.Point, geo.Meters) {
	at := func(t float64) (orb.Point, geo.Meters) {
		x := orb.Point{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])}
		return x, geo.Distance(p, x)
	}
	dx, dy := (b[0]-a[0])*m.Kx, (b[1]-a[1])*m.Ky
	length := math.Hypot(dx, dy)
	if !(length > 0) {
		return at(0)
	}
	t0 := ((c[0]-a[0])*m.Kx*dx + (c[1]-a[1])*m.Ky*dy) / (length * length)
	target := math.Sqrt(2*float64(d0)*1e-4) / length // the bracket's width to reach, in t
	if q, d, ok := newtonNearest(at, t0, length, target); ok {
		return q, d
	}
	for _, w := range [...]float64{bracket(d0) / length, 1} {
		lo, hi := max(0, t0-w), min(1, t0+w)
		const phi = 0.6180339887498949
		x1, x2 := hi-phi*(hi-lo), lo+phi*(hi-lo)
		_, f1 := at(x1)
		_, f2 := at(x2)
		for k := 0; hi-lo > target && k < 80; k++ {
			if f1 < f2 {
				hi, x2, f2 = x2, x1, f1
				x1 = hi - phi*(hi-lo)
				_, f1 = at(x1)
			} else {
				lo, x1, f1 = x1, x2, f2
				x2 = lo + phi*(hi-lo)
				_, f2 = at(x2)
			}
		}
		if w < 1 && ((lo == max(0, t0-w) && lo > 0) || (hi == min(1, t0+w) && hi < 1)) {
			continue // the minimum is at the bracket's end: search the whole segment
		}
		q, d := at((lo + hi) / 2)
		for _, e := range [...]float64{0, 1} {
			if x, de := at(e); de < d {
				q, d = x, de
			}
		}
		return q, d
	}
	panic("unreachable")
}

// below reports whether unit v lies under u through a child of u's own
// network: one of the units meant to cover u, or their descendants.
func (ix *Index) below(v, u int32) bool {
	ev, du := &ix.units[v], ix.units[u].depth
	return ev.depth > du && ev.chain[du] == u && ix.units[ev.chain[du+1]].unit.Network == ix.units[u].unit.Network
}

// overlapsAt lists the units that contain p by the boundary rule beside a
// unit of u's chain: other children of the same parent (or other units
// without a parent), of the same network as that chain unit. Those are
// overlapping siblings, which the tiling check reports and which the rank
// decided between. s is the shape the boundary rule found at p.
//
// Every shape containing p is in p's cell but for those hidden by their own
// descendants (index.Options.Parent), so a sibling containing p is found
// from whichever of its descendants the cell still holds. The candidates
// before s, and s, need no test: Locate found that none of them before s
// contains p, and s is u's or one of its ancestors'.
func (ix *Index) overlapsAt(p orb.Point, s, u int32) []int32 {
	if s < 0 {
		return nil // nothing contains p by the boundary rule
	}
	list, under := ix.raster.Candidates(p)
	if list == nil {
		return nil // a cell wholly inside s holds nothing else
	}
	chain := ix.units[u].chain
	var out []int32
	passed := false
	check := func(id int32) {
		if !passed {
			passed = id == s
			return
		}
		a := ix.branch(ix.shapeUnit[id], chain)
		if a < 0 || slices.Contains(out, a) {
			return
		}
		if sa := ix.units[a].shape; sa >= 0 && ix.shapes.Contains(sa, p) {
			out = append(out, a)
		}
	}
	for _, id := range list {
		check(id)
	}
	if under >= 0 {
		check(under)
	}
	slices.SortFunc(out, func(a, b int32) int { return cmp.Compare(ix.rank[b], ix.rank[a]) })
	return out
}

// branch climbs from unit v to the unit whose parent is on chain but which
// is not itself (a sibling of the chain's unit at its depth, of that unit's
// network); -1 when v's branch joins the chain otherwise (v on the chain,
// or below its last unit) or the network differs.
func (ix *Index) branch(v int32, chain []int32) int32 {
	for x := v; x >= 0; x = ix.units[x].parent {
		e := &ix.units[x]
		d := int(e.depth)
		if d < len(chain) && chain[d] == x {
			return -1
		}
		if d >= len(chain) || (d > 0 && chain[d-1] != e.parent) {
			continue
		}
		if e.unit.Network != ix.units[chain[d]].unit.Network {
			return -1
		}
		return x
	}
	return -1
}

// boundaryDistance is the distance from p to its unit's nearest boundary
// point q: geo.LocalDistance, which errs by at most
// geo.LocalDistanceError (under 0.01 mm at 1 km), and the exact geodesic
// distance when that error could put the point on the wrong side of the
// margin, so near_boundary is decided exactly.
func (ix *Index) boundaryDistance(p, q orb.Point) geo.Meters {
	d := geo.LocalDistance(p, q)
	if diff := d - ix.opts.Margin; diff <= geo.LocalDistanceError(d) && -diff <= geo.LocalDistanceError(d) {
		return geo.Distance(p, q)
	}
	return d
}

func metric(p orb.Point) index.Metric {
	kx, ky := geo.MetersPerDegree(p[1])
	return index.Metric{Kx: kx, Ky: ky}
}

// across returns the unit just beyond boundary point q seen from p (or,
// when p is on the boundary, the first unit other than u found a probe's
// length west, south, east or north of it); -1 when there is none.
func (ix *Index) across(u int32, p, q orb.Point, m index.Metric) int32 {
	if pr, ok := probeBeyond(p, q, m); ok {
		return ix.otherAt(u, pr)
	}
	sx, sy := float64(probe)/m.Kx, float64(probe)/m.Ky
	for _, d := range [...]orb.Point{{-sx, 0}, {0, -sy}, {sx, 0}, {0, sy}} {
		if v := ix.otherAt(u, orb.Point{q[0] + d[0], q[1] + d[1]}); v >= 0 {
			return v
		}
	}
	return -1
}

// probeBeyond is the point a probe's length beyond boundary point q on the
// line from p; ok is false when p is on the boundary (within a millimetre
// of q), where the line has no direction.
func probeBeyond(p, q orb.Point, m index.Metric) (orb.Point, bool) {
	dx, dy := (q[0]-p[0])*m.Kx, (q[1]-p[1])*m.Ky
	d := math.Hypot(dx, dy)
	if !(d > 1e-3) {
		return orb.Point{}, false
	}
	k := float64(probe) / d
	return orb.Point{q[0] + dx*k/m.Kx, q[1] + dy*k/m.Ky}, true
}

// otherAt is the unit at pr when it is neither u nor one of its
// ancestors (a gap or the outline beyond u's boundary), else -1.
func (ix *Index) otherAt(u int32, pr orb.Point) int32 {
	if v := ix.locate(pr); v >= 0 && !ix.ancestorOf(v, u) {
		return v
	}
	return -1
}

// ancestorOf reports whether unit a is u or one of its ancestors.
func (ix *Index) ancestorOf(a, u int32) bool {
	d := int(ix.units[a].depth)
	return d < len(ix.units[u].chain) && ix.units[u].chain[d] == a
}

// nearestUnit finds the unit whose boundary is nearest to p within radius
// metres, among those keep accepts (nil: all): on a tie, the higher ranked
// (so the deepest unit of an outline shared along a chain).
func (ix *Index) nearestUnit(p orb.Point, m index.Metric, radius float64, keep func(int32) bool) (int32, orb.Point, bool) {
	if ix.raster == nil {
		return -1, orb.Point{}, false
	}
	box := orb.Bound{Min: orb.Point{p[0] - radius/m.Kx, p[1] - radius/m.Ky}, Max: orb.Point{p[0] + radius/m.Kx, p[1] + radius/m.Ky}}
	best, bu, bq := radius*radius, int32(-1), orb.Point{}
	seen := map[int32]bool{}
	ix.raster.Near(box, func(s int32) bool {
		if seen[s] {
			return true
		}
		seen[s] = true
		u := ix.shapeUnit[s]
		if keep != nil && !keep(u) {
			return true
		}
		q, d2, ok := ix.shapes.NearestBoundary(s, p, m, math.Nextafter(best, math.Inf(1)))
		if ok && (d2 < best || bu < 0 || ix.rank[u] > ix.rank[bu]) {
			best, bu, bq = d2, u, q
		}
		return true
	})
	return bu, bq, bu >= 0
}

// farthestSearch finds the nearest unit that keep accepts (nil: any) at any
// distance, doubling the search radius until one turns up or the search
// covers the whole index.
func (ix *Index) farthestSearch(p orb.Point, m index.Metric, keep func(int32) bool) (int32, orb.Point, bool) {
	if ix.raster == nil {
		return -1, orb.Point{}, false
	}
	ext := ix.raster.Extent()
	for radius := 4 * float64(ix.opts.Tolerance); ; radius *= 2 {
		if u, q, ok := ix.nearestUnit(p, m, radius, keep); ok {
			return u, q, true
		}
		if p[0]-radius/m.Kx <= ext.Min[0] && p[0]+radius/m.Kx >= ext.Max[0] &&
			p[1]-radius/m.Ky <= ext.Min[1] && p[1]+radius/m.Ky >= ext.Max[1] {
			return -1, orb.Point{}, false
		}
	}
}
