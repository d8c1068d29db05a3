package balance

import (
	"math"
	"math/rand/v2"
	"os"
	"sort"
	"testing"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/crs"
	"github.com/wangge/wangge/internal/shareddata"
	"github.com/wangge/wangge/partition"
)

// shengsi returns the county's land converted to CGCS2000, as a parent of
// grids (a community code: the test divides the whole county at once).
func shengsi(t testing.TB) partition.Unit {
	t.Helper()
	shengsiFile := shareddata.Boundary(t, "330922_shengsi.geojson") // the real county outline (DataV, GCJ-02), 49 islands
	f, err := os.Open(shengsiFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d, err := partition.DecodeFeatureCollection(f, partition.DecodeOptions{Transform: crs.Transform(crs.GCJ02, crs.CGCS2000)})
	if err != nil || len(d.Units) == 0 {
		t.Fatalf("decode %s: %v", shengsiFile, err)
	}
	u := d.Units[0]
	u.Code, u.Level, u.Parent = "330922100001", partition.LevelCommunity, ""
	return u
}

// islandHouseholds puts about n households in villages on the parent's
// larger islands (and a few on small ones), weights 1–3.
func islandHouseholds(u partition.Unit, n int, seed uint64) []Household {
	rng := rand.New(rand.NewPCG(seed, 11))
	b := u.Geometry.Bound()
	kx, ky := geo.MetersPerDegree(b.Center()[1])
	inside := func(p orb.Point) bool {
		for _, pg := range u.Geometry {
			if pg.Bound().Contains(p) && geo.PolygonContains(pg, p) {
				return true
			}
		}
		return false
	}
	var centres []orb.Point
	for len(centres) < 40 {
		p := orb.Point{b.Min[0] + rng.Float64()*(b.Max[0]-b.Min[0]), b.Min[1] + rng.Float64()*(b.Max[1]-b.Min[1])}
		if inside(p) {
			centres = append(centres, p)
		}
	}
	var out []Household
	for total := 0; total < n; {
		c := centres[rng.IntN(len(centres))]
		spread := 150 + 250*rng.Float64()
		p := orb.Point{c[0] + rng.NormFloat64()*spread/kx, c[1] + rng.NormFloat64()*spread/ky}
		if !inside(p) {
			continue
		}
		w := 1 + rng.IntN(3)
		out = append(out, Household{Point: p, Weight: w})
		total += w
	}
	return out
}

// moved counts the households whose child changed from current to
// proposal, children being matched one to one by the households they share
// (greedily, most shared first): the fewest moves the proposal can be said
// to make.
func moved(current, proposal []partition.Unit, hh []Household) int {
	locate := func(us []partition.Unit, p orb.Point) int {
		for i := range us {
			if us[i].Geometry.Bound().Contains(p) && geo.MultiPolygonContains(us[i].Geometry, p) {
				return i
			}
		}
		return -1
	}
	shared := map[[2]int]int{}
	total := 0
	for _, h := range hh {
		a, b := locate(current, h.Point), locate(proposal, h.Point)
		shared[[2]int{a, b}] += h.Weight
		total += h.Weight
	}
	type pair struct {
		k [2]int
		n int
	}
	var ps []pair
	for k, n := range shared {
		ps = append(ps, pair{k, n})
	}
	sort.Slice(ps, func(i, j int) bool {
		return ps[i].n > ps[j].n || ps[i].n == ps[j].n && (ps[i].k[0] < ps[j].k[0] || ps[i].k[0] == ps[j].k[0] && ps[i].k[1] < ps[j].k[1])
	})
	usedA, usedB := map[int]bool{}, map[int]bool{}
	kept := 0
	for _, p := range ps {
		if !usedA[p.k[0]] && !usedB[p.k[1]] {
			usedA[p.k[0]], usedB[p.k[1]] = true, true
			kept += p.n
		}
	}
	return total - kept
}

func TestRebalanceMovesFewer(t *testing.T) {
	cases := []struct {
		name   string
		parent func(testing.TB) partition.Unit
		hh     func(partition.Unit) ([]Household, []Household)
	}{
		{"generated", func(testing.TB) partition.Unit { return testCommunity(1500, true) }, func(u partition.Unit) ([]Household, []Household) {
			old := clustered(u, 5000, 1)
			return old, append(append([]Household(nil), old...), clustered(u, 900, 9)...)
		}},
		{"shengsi", shengsi, func(u partition.Unit) ([]Household, []Household) {
			old := islandHouseholds(u, 25000, 1)
			return old, append(append([]Household(nil), old...), islandHouseholds(u, 3000, 4)...)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			u := tc.parent(t)
			old, grown := tc.hh(u)
			o := Options{Min: 300, Max: 500, Level: partition.LevelGrid, Seed: 1}
			cur := mustDivide(t, u, old, o)
			checkTiles(t, u, cur.Children)
			res, moves, err := Rebalance(t.Context(), u, cur.Children, grown, o)
			if err != nil {
				t.Fatalf("Rebalance: %v", err)
			}
			checkTiles(t, u, res.Children)
			scratch := mustDivide(t, u, grown, o)
			reported := 0
			var area geo.SquareMeters
			for _, m := range moves {
				reported += m.Households
				area += m.Area
			}
			byRebalance, byScratch := moved(cur.Children, res.Children, grown), moved(cur.Children, scratch.Children, grown)
			total := weight(grown)
			t.Logf("%d households (%d new); current %d children; rebalanced %d children, %d/%d within range, %d moves of %d households (%.2f km²), %d by matching; from scratch %d/%d within range, %d households moved (%.0f%%)",
				total, total-weight(old), len(cur.Children), len(res.Children), res.Report.WithinRange, res.Report.Feasible, len(moves), reported, float64(area)/1e6,
				byRebalance, scratch.Report.WithinRange, scratch.Report.Feasible, byScratch, 100*float64(byScratch)/float64(total))
			if got := res.Report.ShareWithinRange(); got < 1 {
				t.Errorf("rebalanced: share within range where feasible %.3f, want 1", got)
			}
			if reported > byScratch/4 {
				t.Errorf("rebalancing moved %d households, from scratch %d: want at most a quarter", reported, byScratch)
			}
			if math.Abs(float64(byRebalance-reported)) > float64(reported)/2+10 {
				t.Errorf("moves report %d households, matching finds %d", reported, byRebalance)
			}
		})
	}
}

func TestRebalanceKeepsUntouchedChildren(t *testing.T) {
	u := testCommunity(1500, false)
	hh := clustered(u, 4000, 2)
	o := Options{Min: 300, Max: 500, Level: partition.LevelGrid, Seed: 1}
	cur := mustDivide(t, u, hh, o)
	res, moves, err := Rebalance(t.Context(), u, cur.Children, hh, o)
	if err != nil {
		t.Fatal(err)
	}
	if len(moves) != 0 {
		t.Errorf("nothing changed, yet %d moves: %+v", len(moves), moves)
	}
	checkTiles(t, u, res.Children)
	for i := range cur.Children {
		a, b := cur.Children[i], res.Children[i]
		if a.Code != b.Code || a.Households != b.Households || geo.Area(a.Geometry) != geo.Area(b.Geometry) {
			t.Errorf("child %s: %d households %.1f m² became %s: %d households %.1f m²", a.Code, a.Households, float64(geo.Area(a.Geometry)), b.Code, b.Households, float64(geo.Area(b.Geometry)))
		}
	}
}

func TestRebalanceRefusesGaps(t *testing.T) {
	u := testCommunity(1500, false)
	hh := clustered(u, 4000, 2)
	o := Options{Min: 300, Max: 500, Level: partition.LevelGrid}
	cur := mustDivide(t, u, hh, o)
	_, _, err := Rebalance(t.Context(), u, cur.Children[1:], hh, o)
	if partition.KindOf(err) != partition.Invalid {
		t.Fatalf("with a child missing: got %v, want an invalid error", err)
	}
}
