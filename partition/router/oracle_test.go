package router

import (
	"cmp"
	"fmt"
	"math/big"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"

	"github.com/paulmach/orb"
	"github.com/peterstace/simplefeatures/rtree"

	"github.com/wangge/wangge/internal/routebench"
	"github.com/wangge/wangge/internal/synth"
	"github.com/wangge/wangge/partition"
)

// brute is the oracle: every unit tested one by one (after an R-tree
// prefilter on bounding boxes) with a point in polygon written separately
// from geo's, in exact rational arithmetic, and the ranking rule of the
// package documentation written out again.
type brute struct {
	units []partition.Unit
	tree  *rtree.RTree
	class []int
	depth []int
}

func newBrute(units []partition.Unit) *brute {
	b := &brute{units: units, class: make([]int, len(units)), depth: make([]int, len(units))}
	byCode := map[partition.Code]int{}
	for i, u := range units {
		byCode[u.Code] = i
	}
	var items []rtree.BulkItem
	for i, u := range units {
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
	for i, u := range units { // land ancestors of sea units rank below the sea
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
		_ = i
	}
	b.tree = rtree.BulkLoad(items)
	return b
}

// locate returns the code of the best-ranked unit containing p, "" for none.
func (b *brute) locate(p orb.Point) partition.Code {
	best := -1
	_ = b.tree.RangeSearch(rtree.Box{MinX: p[0], MinY: p[1], MaxX: p[0], MaxY: p[1]}, func(i int) error {
		if !bruteMulti(b.units[i].Geometry, p) {
			return nil
		}
		if best < 0 || b.better(i, best) {
			best = i
		}
		return nil
	})
	if best < 0 {
		return ""
	}
	return b.units[best].Code
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
		rat := func(f float64) *big.Rat { return new(big.Rat).SetFloat64(f) }
		cross := new(big.Rat).Sub(
			new(big.Rat).Mul(new(big.Rat).Sub(rat(c[0]), rat(a[0])), new(big.Rat).Sub(rat(p[1]), rat(a[1]))),
			new(big.Rat).Mul(new(big.Rat).Sub(rat(c[1]), rat(a[1])), new(big.Rat).Sub(rat(p[0]), rat(a[0]))))
		if cross.Sign() > 0 {
			in = !in
		}
	}
	return in
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

// agree checks that the index and the oracle give the same unit for every
// point (Locate, in parallel), and that the batch path (RouteBatch: a
// Sorter's order over all of them, on every core) answers each exactly as
// Route does.
func agree(t *testing.T, ix *Index, b *brute, pts []orb.Point) {
	t.Helper()
	var s Sorter
	routed := make([]Result, len(pts))
	ix.RouteBatch(pts, routed, &s)
	workers := runtime.GOMAXPROCS(0)
	var mu sync.Mutex
	var bad []string
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(pts); i += workers {
				got, _ := ix.Locate(pts[i])
				want := b.locate(pts[i])
				if got != want {
					mu.Lock()
					bad = append(bad, fmt.Sprintf("point %d %v: got %q, want %q", i, pts[i], got, want))
					mu.Unlock()
				}
				if r := ix.Route(pts[i]); routed[i] != r {
					mu.Lock()
					bad = append(bad, fmt.Sprintf("point %d %v: the batch answered %+v, Route %+v", i, pts[i], routed[i], r))
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	if len(bad) > 0 {
		t.Errorf("%d disagreements over %d points (with the brute-force oracle or between the batch and Route); first: %v", len(bad), len(pts), bad[:min(len(bad), 10)])
	}
}
