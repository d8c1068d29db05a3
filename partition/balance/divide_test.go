package balance

import (
	"reflect"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/tiling"
)

// checkTiles asserts zero findings of the tiling check at its default
// tolerances, and at tolerance 0 nothing but slivers under 0.01 m². Long
// straight parent edges (Shengsi's reclaimed land) are no exception: where a
// border between two children meets such an edge, the pieces are flat in the
// lon/lat plane and the check does not count them (tiling's flat).
func checkTiles(t *testing.T, parent partition.Unit, children []partition.Unit) {
	t.Helper()
	res, err := tiling.Check(&parent, children, tiling.DefaultOptions())
	if err != nil {
		t.Fatalf("tiling check: %v", err)
	}
	for _, f := range res.Findings {
		t.Errorf("finding at default tolerances: %s %s", f.Rule, f.Message)
	}
	zero := tiling.DefaultOptions()
	zero.AreaTolerance = 0
	res, err = tiling.Check(&parent, children, zero)
	if err != nil {
		t.Fatalf("tiling check: %v", err)
	}
	for _, f := range res.Findings {
		if !f.Sliver || f.Area >= 0.01 {
			t.Errorf("finding at tolerance 0: %s %s", f.Rule, f.Message)
		}
	}
}

func TestDivideTilesContiguous(t *testing.T) {
	cases := []struct {
		name     string
		parent   partition.Unit
		hh       int
		min, max int
		level    partition.Level
		method   string
	}{
		{"grids/grow", testCommunity(1500, true), 4000, 300, 500, partition.LevelGrid, MethodGrow},
		{"grids/bisect", testCommunity(1500, true), 4000, 300, 500, partition.LevelGrid, MethodBisect},
		{"grids/best", testCommunity(1500, true), 6000, 300, 500, partition.LevelGrid, MethodBest},
		{"microgrids/best", microParent(), 1500, 50, 80, partition.LevelMicrogrid, MethodBest},
		{"microgrids/zaozhuang", microParent(), 1500, 100, 250, partition.LevelMicrogrid, MethodBest},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			hh := clustered(tc.parent, tc.hh, 1)
			res := mustDivide(t, tc.parent, hh, Options{Min: tc.min, Max: tc.max, Level: tc.level, Method: tc.method, Seed: 1})
			checkTiles(t, tc.parent, res.Children)
			r := res.Report
			if got := r.ShareWithinRange(); got < 1 {
				t.Errorf("share within range where feasible = %.3f, want 1", got)
			}
			sum := 0
			for i, c := range res.Children {
				cr := r.Children[i]
				sum += c.Households
				if c.Parent != tc.parent.Code || !c.Code.HasParent(tc.parent.Code) || c.Code.CheckFormat(tc.level) != nil {
					t.Errorf("child %s: parent %s, code format %v", c.Code, c.Parent, c.Code.CheckFormat(tc.level))
				}
				if cr.Parts != 1 && !strings.Contains(cr.Note, "island") {
					t.Errorf("child %s has %d parts and no island note", c.Code, cr.Parts)
				}
				if cr.PolsbyPopper <= 0.1 || cr.PolsbyPopper > 1 {
					t.Errorf("child %s: Polsby–Popper %.3f", c.Code, cr.PolsbyPopper)
				}
			}
			if want := weight(hh); sum != want {
				t.Errorf("children hold %d households, want %d", sum, want)
			}
			t.Logf("%d children, %d/%d within range, PP mean %.3f min %.3f, cell %.0f m, %d atoms, %v",
				len(res.Children), r.WithinRange, r.Feasible, r.MeanPP, r.MinPP, float64(r.Cell), r.Atoms, r.Elapsed)
		})
	}
}

// microParent is a grid-level parent (15-digit code) of about 400 m.
func microParent() partition.Unit {
	u := testCommunity(450, false)
	u.Code, u.Level, u.Name = "330922100001001", partition.LevelGrid, "测试网格"
	return u
}

func weight(hh []Household) int {
	n := 0
	for _, h := range hh {
		n += h.Weight
	}
	return n
}

func TestDivideDeterministic(t *testing.T) {
	u := testCommunity(1500, true)
	hh := clustered(u, 4000, 2)
	o := Options{Min: 300, Max: 500, Level: partition.LevelGrid, Seed: 7}
	a, b := mustDivide(t, u, hh, o), mustDivide(t, u, hh, o)
	if !reflect.DeepEqual(a.Children, b.Children) {
		t.Fatal("two divisions with the same seed differ")
	}
	o.Seed = 8
	c := mustDivide(t, u, hh, o)
	checkTiles(t, u, c.Children)
	t.Logf("seed 8 gives the same division as seed 7: %v", reflect.DeepEqual(a.Children, c.Children))
}

func TestFeasibilityReport(t *testing.T) {
	u := testCommunity(1500, true)
	cases := []struct {
		name     string
		hh       []Household
		join     bool
		wantNote string
		children int
	}{
		{"small island of its own", append(clustered(u, 3000, 3), onIsland(u, 12)...), false, "island with 12 households, below the minimum 300", -1},
		{"small island joined", append(clustered(u, 3000, 3), onIsland(u, 12)...), true, "includes 1 island(s) without a child of their own (12 households)", -1},
		// 551 households: one child would be 51 over, two 25 under each; the
		// count that strays least wins
		{"band cannot be met", clustered(u, 550, 4), false, "551 households cannot be split into children of 300–500", 2},
		// every island below the minimum and joined: the largest island is
		// the one child, and its note counts its households
		{"all islands below the minimum", append(clustered(u, 120, 5), onIsland(u, 12)...), true, "households, below the minimum 300", 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := mustDivide(t, u, tc.hh, Options{Min: 300, Max: 500, Level: partition.LevelGrid, JoinSmallIslands: tc.join})
			checkTiles(t, u, res.Children)
			found := false
			for _, c := range res.Report.Children {
				if strings.Contains(c.Note, tc.wantNote) {
					found = true
					if strings.Contains(tc.wantNote, "below") || strings.Contains(tc.wantNote, "cannot") {
						if c.WithinRange || c.Feasible {
							t.Errorf("%s: within range %v, feasible %v; want false, false", c.Code, c.WithinRange, c.Feasible)
						}
					}
				}
			}
			if !found {
				t.Errorf("no child has the note %q; report: %+v", tc.wantNote, res.Report.Children)
			}
			if tc.children > 0 && len(res.Children) != tc.children {
				t.Errorf("got %d children, want %d", len(res.Children), tc.children)
			}
			if r := res.Report; r.Feasible > 0 && r.ShareWithinRange() < 1 {
				t.Errorf("share within range where feasible %.3f, want 1", r.ShareWithinRange())
			}
		})
	}
}

func TestDivideRefusesBadInput(t *testing.T) {
	u := testCommunity(500, false)
	hh := clustered(u, 500, 1)
	cases := []struct {
		name   string
		parent partition.Unit
		hh     []Household
		o      Options
		want   string
	}{
		{"reversed band", u, hh, Options{Min: 500, Max: 300, Level: partition.LevelGrid}, "min ≤ max"},
		{"level", u, hh, Options{Min: 300, Max: 500, Level: partition.LevelMicrogrid}, "microgrid cannot be a child"},
		{"weight", u, []Household{{Point: orb.Point{122.45, 30.72}}}, Options{Min: 300, Max: 500, Level: partition.LevelGrid}, "weight 0"},
		{"no polygon", partition.Unit{Code: u.Code}, hh, Options{Min: 300, Max: 500, Level: partition.LevelGrid}, "no polygon"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Divide(t.Context(), tc.parent, tc.hh, tc.o)
			if err == nil || partition.KindOf(err) != partition.Invalid || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an invalid error naming %q", err, tc.want)
			}
		})
	}
}

// sides counts, per child, the households west and east of a north–south
// line at lon, ignoring those within margin metres of it.
func sides(children []partition.Unit, hh []Household, lon float64, margin geo.Meters) map[partition.Code][2]int {
	kx, _ := geo.MetersPerDegree(30.72)
	out := map[partition.Code][2]int{}
	for _, h := range hh {
		d := (h.Point[0] - lon) * kx
		if d < float64(margin) && d > -float64(margin) {
			continue
		}
		for _, c := range children {
			if geo.MultiPolygonContains(c.Geometry, h.Point) {
				s := out[c.Code]
				if d < 0 {
					s[0] += h.Weight
				} else {
					s[1] += h.Weight
				}
				out[c.Code] = s
				break
			}
		}
	}
	return out
}

func TestBarriers(t *testing.T) {
	u := testCommunity(1500, false)
	hh := clustered(u, 5000, 5)
	b := u.Geometry.Bound()
	// a river from north to south, slightly slanted, through the middle
	lon := b.Center()[0] + 0.0013
	river := orb.LineString{{lon, b.Max[1] + 0.01}, {lon + 1e-7, b.Min[1] - 0.01}}
	o := Options{Min: 300, Max: 500, Level: partition.LevelGrid, Seed: 1}
	free := mustDivide(t, u, hh, o)
	o.Barriers = []orb.LineString{river}
	res := mustDivide(t, u, hh, o)
	checkTiles(t, u, res.Children)
	margin := 1.5 * res.Report.Cell // a child follows the river to within one cell
	count := func(r Result) int {
		n := 0
		for code, s := range sides(r.Children, hh, lon, margin) {
			if s[0] > 0 && s[1] > 0 {
				n++
				t.Logf("%s straddles the river: %d west, %d east", code, s[0], s[1])
			}
		}
		return n
	}
	if n := count(res); n > 0 {
		t.Errorf("%d children straddle the river, want 0", n)
	}
	if n := count(free); n == 0 {
		t.Errorf("without the barrier no child straddles the river: the test shows nothing")
	}
	if r := res.Report; r.ShareWithinRange() < 1 {
		t.Errorf("with the barrier, share within range %.3f, want 1", r.ShareWithinRange())
	}
}

// TestNoSliverChild: a building of 450 households at the tip of a spit of
// land 2 m wide is the best child of the band on its own (450 of 300–500),
// but a child of a few m² is a sliver: it grows to one lattice cell.
func TestNoSliverChild(t *testing.T) {
	c := orb.Point{122.45, 30.72}
	kx, ky := geo.MetersPerDegree(c[1])
	m := func(x, y float64) orb.Point { return orb.Point{c[0] + x/kx, c[1] + y/ky} }
	// a 400 m square with a spit 2 m wide running 31 m east from its east side
	ring := orb.Ring{m(0, 0), m(400, 0), m(400, 200), m(431, 200), m(431, 202), m(400, 202), m(400, 400), m(0, 400), m(0, 0)}
	parent := partition.Unit{Code: "330922100001", Name: "测试社区", Level: partition.LevelCommunity, Network: partition.NetworkLand,
		Kind: partition.KindComprehensive, Geometry: orb.MultiPolygon{{ring}}}
	hh := []Household{{Point: m(430, 201), Weight: 450}}
	for i := range 450 {
		hh = append(hh, Household{Point: m(10+float64(i%30)*12.5, 10+float64(i/30)*24), Weight: 1})
	}
	res, err := Divide(t.Context(), parent, hh, Options{Min: 300, Max: 500, Level: partition.LevelGrid, Cell: 20, Method: MethodBisect})
	if err != nil {
		t.Fatal(err)
	}
	checkTiles(t, parent, res.Children)
	cell := float64(res.Report.Cell)
	for _, u := range res.Children {
		if a := float64(geo.Area(u.Geometry)); a < cell*cell {
			t.Errorf("%s: %.1f m² with %d households, a sliver below one %.0f m cell", u.Code, a, u.Households, cell)
		}
	}
	if len(res.Children) != 2 {
		t.Errorf("%d children, want 2 (900 households, 300–500)", len(res.Children))
	}
}
