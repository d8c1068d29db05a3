package router

import (
	"cmp"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"testing"

	"github.com/paulmach/orb"
	"github.com/peterstace/simplefeatures/rtree"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/internal/routebench"
	"github.com/wangge/wangge/internal/synth"
	"github.com/wangge/wangge/partition"
)

// brute is the oracle: every unit tested one by one (after an R-tree
// prefilter on bounding boxes) with a point in polygon and an on-boundary
// test written separately from geo's, in exact rational arithmetic, and
// the rule of the package documentation written out again: the
// best-ranked unit containing the point by the boundary rule (for none,
// the best-ranked unit whose boundary the point is on), then down to the
// best-ranked child whose boundary the point is on while there is one;
// a gap where that unit has polygonal children of its own network; the
// overlaps, every unit containing the point whose parent is on the chain
// beside a chain unit of its network.
type brute struct {
	units    []partition.Unit
	tree     *rtree.RTree
	class    []int
	depth    []int
	parent   []int   // -1 for none
	children [][]int // polygonal children
}

func newBrute(units []partition.Unit) *brute {
	b := &brute{units: units, class: make([]int, len(units)), depth: make([]int, len(units)), parent: make([]int, len(units)), children: make([][]int, len(units))}
	byCode := map[partition.Code]int{}
	for i, u := range units {
		byCode[u.Code] = i
	}
	var items []rtree.BulkItem
	for i, u := range units {
		b.parent[i] = -1
		if p, ok := byCode[u.Parent]; ok && u.Parent != "" {
			b.parent[i] = p
			if u.Geometry != nil && u.Polygonal() {
				b.children[p] = append(b.children[p], i)
			}
		}
		for p, ok := byCode[u.Parent]; ok && u.Parent != ""; p, ok = byCode[units[p].Parent] {
			b.depth[i]++
			if units[p].Parent == "" {
				break
			}
		}
		switch {
		case u.Network == partition.NetworkSea:
			b.class[i] = 1
		default:
			b.class[i] = 2
		}
		if u.Geometry != nil && u.Polygonal() {
			bd := u.Geometry.Bound()
			items = append(items, rtree.BulkItem{Box: rtree.Box{MinX: bd.Min[0], MinY: bd.Min[1], MaxX: bd.Max[0], MaxY: bd.Max[1]}, RecordID: i})
		}
	}
	for _, u := range units { // land ancestors of sea units rank below the sea
		if u.Network != partition.NetworkSea {
			continue
		}
		for p, ok := byCode[u.Parent]; ok; p, ok = byCode[units[p].Parent] {
			if units[p].Network == partition.NetworkLand {
				b.class[p] = 0
			}
			if units[p].Parent == "" {
				break
			}
		}
	}
	b.tree = rtree.BulkLoad(items)
	return b
}

// bruteAnswer is what the rule says of a point.
type bruteAnswer struct {
	unit     int  // the unit containing the point by the rule, -1 for none
	gap      bool // the point lies in that unit's gap
	overlaps []partition.Code
}

// code is the answer's code, "" for none.
func (b *brute) code(a bruteAnswer) partition.Code {
	if a.unit < 0 {
		return ""
	}
	return b.units[a.unit].Code
}

// answer applies the rule to p.
func (b *brute) answer(p orb.Point) bruteAnswer {
	var in []int
	_ = b.tree.RangeSearch(rtree.Box{MinX: p[0], MinY: p[1], MaxX: p[0], MaxY: p[1]}, func(i int) error {
		if bruteMulti(b.units[i].Geometry, p) {
			in = append(in, i)
		}
		return nil
	})
	best := -1
	for _, i := range in {
		if best < 0 || b.better(i, best) {
			best = i
		}
	}
	cur := best
	if cur < 0 { // nothing claims p: the best-ranked unit whose boundary it is on
		_ = b.tree.RangeSearch(rtree.Box{MinX: p[0], MinY: p[1], MaxX: p[0], MaxY: p[1]}, func(i int) error {
			if bruteOnBoundary(b.units[i].Geometry, p) && (cur < 0 || b.better(i, cur)) {
				cur = i
			}
			return nil
		})
	}
	for cur >= 0 {
		next := b.children[cur]
		on := -1
		for _, c := range next {
			if bruteOnBoundary(b.units[c].Geometry, p) && (on < 0 || b.better(c, on)) {
				on = c
			}
		}
		if on < 0 {
			break
		}
		cur = on
	}
	a := bruteAnswer{unit: cur}
	if cur < 0 {
		return a
	}
	for _, c := range b.children[cur] {
		if b.units[c].Network == b.units[cur].Network {
			a.gap = true
		}
	}
	chain := []int{cur}
	for k := b.parent[cur]; k >= 0; k = b.parent[k] {
		chain = append([]int{k}, chain...)
	}
	for _, i := range in {
		d := b.depth[i]
		if d >= len(chain) || chain[d] == i || b.units[i].Network != b.units[chain[d]].Network {
			continue
		}
		if (d == 0 && b.parent[i] < 0) || (d > 0 && b.parent[i] == chain[d-1]) {
			a.overlaps = append(a.overlaps, b.units[i].Code)
		}
	}
	slices.Sort(a.overlaps)
	return a
}

// locate returns the code of the unit containing p by the rule, "" for none.
func (b *brute) locate(p orb.Point) partition.Code { return b.code(b.answer(p)) }

// nearestBelow is the distance from p to the nearest boundary of a unit
// under u through a child of u's network (the units meant to cover it),
// and the units at that distance within slack: on the ellipsoid, the
// minimum of geo.Distance along each edge (a ternary search over the
// straight lon/lat segment) for the edges that a planar measure puts
// within 2% of the nearest.
func (b *brute) nearestBelow(p orb.Point, u int, slack float64) (float64, []partition.Code) {
	kx, ky := geo.MetersPerDegree(p[1])
	planar := func(a, e orb.Point) float64 {
		ax, ay := (a[0]-p[0])*kx, (a[1]-p[1])*ky
		dx, dy := (e[0]-p[0])*kx-ax, (e[1]-p[1])*ky-ay
		t := 0.0
		if l := dx*dx + dy*dy; l > 0 {
			t = min(1, max(0, -(ax*dx+ay*dy)/l))
		}
		return math.Hypot(ax+t*dx, ay+t*dy)
	}
	geodesic := func(a, e orb.Point) float64 {
		at := func(t float64) float64 {
			return float64(geo.Distance(p, orb.Point{a[0] + t*(e[0]-a[0]), a[1] + t*(e[1]-a[1])}))
		}
		lo, hi := 0.0, 1.0
		for range 100 {
			m1, m2 := lo+(hi-lo)/3, hi-(hi-lo)/3
			if at(m1) < at(m2) {
				hi = m2
			} else {
				lo = m1
			}
		}
		return min(at(0), at(1), at((lo+hi)/2))
	}
	var under []int
	var walk func(k int)
	walk = func(k int) {
		for _, c := range b.children[k] {
			if k != u || b.units[c].Network == b.units[u].Network {
				under = append(under, c)
				walk(c)
			}
		}
	}
	walk(u)
	edges := func(i int, fn func(a, e orb.Point)) {
		for _, pg := range b.units[i].Geometry {
			for _, r := range pg {
				for j := range r {
					fn(r[j], r[(j+1)%len(r)])
				}
			}
		}
	}
	boxDist := func(i int) float64 { // planar distance to the unit's box, a lower bound
		bd := b.units[i].Geometry.Bound()
		dx := max(bd.Min[0]-p[0], p[0]-bd.Max[0], 0) * kx
		dy := max(bd.Min[1]-p[1], p[1]-bd.Max[1], 0) * ky
		return math.Hypot(dx, dy)
	}
	best := math.Inf(1)
	for _, i := range under {
		if boxDist(i) < best {
			edges(i, func(a, e orb.Point) { best = min(best, planar(a, e)) })
		}
	}
	dist := make([]float64, len(under))
	for k, i := range under {
		dist[k] = math.Inf(1)
		if boxDist(i) > 1.02*best+1 {
			continue
		}
		edges(i, func(a, e orb.Point) {
			if planar(a, e) <= 1.02*best+1 {
				dist[k] = min(dist[k], geodesic(a, e))
			}
		})
	}
	d := slices.Min(dist)
	var at []partition.Code
	for k, i := range under {
		if dist[k] <= d+slack {
			at = append(at, b.units[i].Code)
		}
	}
	return d, at
}

func (b *brute) better(i, j int) bool {
	if c := cmp.Compare(b.class[i], b.class[j]); c != 0 {
		return c > 0
	}
	if c := cmp.Compare(b.depth[i], b.depth[j]); c != 0 {
		return c > 0
	}
	return b.units[i].Code < b.units[j].Code
}

func bruteMulti(mp orb.MultiPolygon, p orb.Point) bool {
	for _, pg := range mp {
		in := false
		for _, r := range pg {
			if bruteRing(r, p) {
				in = !in
			}
		}
		if in {
			return true
		}
	}
	return false
}

func rat(f float64) *big.Rat { return new(big.Rat).SetFloat64(f) }

// bruteCross is the exact cross product (c-a)×(p-a).
func bruteCross(a, c, p orb.Point) int {
	return new(big.Rat).Sub(
		new(big.Rat).Mul(new(big.Rat).Sub(rat(c[0]), rat(a[0])), new(big.Rat).Sub(rat(p[1]), rat(a[1]))),
		new(big.Rat).Mul(new(big.Rat).Sub(rat(c[1]), rat(a[1])), new(big.Rat).Sub(rat(p[0]), rat(a[0])))).Sign()
}

// bruteRing: even-odd count of edges with one end at or below p's latitude
// and the other above, p strictly left of the edge walked upwards.
func bruteRing(r orb.Ring, p orb.Point) bool {
	in := false
	for i := range r {
		a, c := r[i], r[(i+1)%len(r)]
		if (a[1] > p[1]) == (c[1] > p[1]) {
			continue
		}
		if a[1] > c[1] {
			a, c = c, a
		}
		if p[0] < min(a[0], c[0]) { // clearly west of the edge
			in = !in
			continue
		}
		if p[0] > max(a[0], c[0]) {
			continue
		}
		if bruteCross(a, c, p) > 0 {
			in = !in
		}
	}
	return in
}

// bruteOnBoundary: p within an edge's box and exactly on its line.
func bruteOnBoundary(mp orb.MultiPolygon, p orb.Point) bool {
	for _, pg := range mp {
		for _, r := range pg {
			for i := range r {
				a, c := r[i], r[(i+1)%len(r)]
				if p[0] < min(a[0], c[0]) || p[0] > max(a[0], c[0]) || p[1] < min(a[1], c[1]) || p[1] > max(a[1], c[1]) {
					continue
				}
				if bruteCross(a, c, p) == 0 {
					return true
				}
			}
		}
	}
	return false
}

// synthUnits turns a synth tiling into a root, its blocks and their cells.
func synthUnits(o synth.Options) []partition.Unit { return routebench.Units(o) }

// testPoints draws n points: a third uniform over the extent (and a little
// beyond), a third exactly on vertices, a third on edges (a float point
// between two consecutive vertices, which may lie a rounding off the edge).
func testPoints(units []partition.Unit, n int, seed uint64) []orb.Point {
	rng := rand.New(rand.NewPCG(seed, 7))
	var ext orb.Bound
	var polys []orb.Ring
	for i, u := range units {
		if u.Geometry == nil {
			continue
		}
		if i == 0 || ext.IsZero() {
			ext = u.Geometry.Bound()
		}
		ext = ext.Union(u.Geometry.Bound())
		for _, pg := range u.Geometry {
			polys = append(polys, pg...)
		}
	}
	w, h := ext.Max[0]-ext.Min[0], ext.Max[1]-ext.Min[1]
	pts := make([]orb.Point, n)
	for i := range pts {
		r := polys[rng.IntN(len(polys))]
		k := rng.IntN(len(r) - 1)
		switch i % 3 {
		case 0:
			pts[i] = orb.Point{ext.Min[0] - 0.01*w + 1.02*w*rng.Float64(), ext.Min[1] - 0.01*h + 1.02*h*rng.Float64()}
		case 1:
			pts[i] = r[k]
		case 2:
			a, b, t := r[k], r[k+1], rng.Float64()
			if rng.IntN(4) == 0 {
				t = 0.5
			}
			pts[i] = orb.Point{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])}
		}
	}
	return pts
}

// agree checks that the index and the oracle agree on every point: Locate
// gives the oracle's unit (in parallel), Route its gap and overlaps and,
// for a point in a gap, the nearest unit under the gap's unit (within a
// millimetre of the oracle's distance) when within the tolerance, else
// that unit; and that the batch path (RouteBatch: a Sorter's order over all
// of them, on every core) answers each exactly as Route does.
func agree(t *testing.T, ix *Index, b *brute, pts []orb.Point) {
	t.Helper()
	var s Sorter
	routed := make([]Result, len(pts))
	ix.RouteBatch(pts, routed, &s)
	workers := runtime.GOMAXPROCS(0)
	var mu sync.Mutex
	var bad []string
	gaps := 0
	fail := func(format string, args ...any) {
		mu.Lock()
		bad = append(bad, fmt.Sprintf(format, args...))
		mu.Unlock()
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(pts); i += workers {
				p := pts[i]
				want := b.answer(p)
				if got, _ := ix.Locate(p); got != b.code(want) {
					fail("point %d %v: Locate got %q, want %q", i, p, got, b.code(want))
				}
				r := ix.Route(p)
				if !sameResult(routed[i], r) {
					fail("point %d %v: the batch answered %+v, Route %+v", i, p, routed[i], r)
				}
				if msg := b.check(ix, &r, want, i%50 == 0); msg != "" {
					fail("point %d %v: %s", i, p, msg)
				}
				if want.gap {
					mu.Lock()
					gaps++
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	if len(bad) > 0 {
		t.Errorf("%d disagreements over %d points (with the brute-force oracle or between the batch and Route); first: %v", len(bad), len(pts), bad[:min(len(bad), 10)])
	}
	t.Logf("%d points agree, %d of them in a gap", len(pts), gaps)
}

// check compares Route's answer r with the oracle's: "" when they agree.
// The distances of points in a gap farther than a kilometre from every
// unit below it (sea far off a county's coast, say) are measured only when
// far is set: the brute-force geodesic search costs milliseconds there.
func (b *brute) check(ix *Index, r *Result, want bruteAnswer, far bool) string {
	var overlaps []partition.Code
	for _, u := range r.Overlaps() {
		overlaps = append(overlaps, u.Code)
	}
	slices.Sort(overlaps)
	if !slices.Equal(overlaps, want.overlaps) {
		return fmt.Sprintf("overlaps %v, want %v", overlaps, want.overlaps)
	}
	code := func(u *partition.Unit) partition.Code {
		if u == nil {
			return ""
		}
		return u.Code
	}
	if !want.gap {
		if r.Gap() != nil {
			return fmt.Sprintf("gap in %s, want none", r.Gap().Code)
		}
		if want.unit >= 0 && (code(r.Unit()) != b.code(want) || r.Approximate) {
			return fmt.Sprintf("Route %s (approximate %v), want %s exactly", code(r.Unit()), r.Approximate, b.code(want))
		}
		return ""
	}
	if code(r.Gap()) != b.code(want) || !r.Resolved {
		return fmt.Sprintf("gap in %q (resolved %v), want a gap in %s", code(r.Gap()), r.Resolved, b.code(want))
	}
	if r.Distance > 1000 && !far {
		if r.Approximate || code(r.Unit()) != b.code(want) || r.Nearest() == nil {
			return fmt.Sprintf("in the gap of %s, %.0f m from the nearest unit below it: Route %s approximate %v nearest %v", b.code(want), r.Distance, code(r.Unit()), r.Approximate, r.Nearest())
		}
		return ""
	}
	d, at := b.nearestBelow(r.Point, want.unit, 1e-3)
	tol := float64(ix.opts.Tolerance)
	if math.Abs(d-tol) < 1e-3 {
		return "" // on the tolerance, to the millimetre: either answer is right
	}
	if math.Abs(float64(r.Distance)-d) > 1e-3 {
		return fmt.Sprintf("distance %.4f m to the nearest unit below %s, want %.4f", r.Distance, b.code(want), d)
	}
	if d < tol {
		if !r.Approximate || !slices.Contains(at, code(r.Unit())) {
			return fmt.Sprintf("in the gap of %s %.3f m from %v: Route %s approximate %v", b.code(want), d, at, code(r.Unit()), r.Approximate)
		}
		return ""
	}
	if r.Approximate || code(r.Unit()) != b.code(want) || !slices.Contains(at, code(r.Nearest())) {
		return fmt.Sprintf("in the gap of %s, %.1f m from %v: Route %s approximate %v nearest %s", b.code(want), d, at, code(r.Unit()), r.Approximate, code(r.Nearest()))
	}
	return ""
}

// sameResult reports whether two answers are the same in every member.
func sameResult(a, b Result) bool {
	return a.ix == b.ix && a.Point == b.Point && a.Resolved == b.Resolved && a.Approximate == b.Approximate &&
		a.Distance == b.Distance && a.NearBoundary == b.NearBoundary && a.unit == b.unit && a.neighbor == b.neighbor &&
		a.nearest == b.nearest && a.gap == b.gap && slices.Equal(a.overlaps, b.overlaps)
}
