package diff

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/household"
)

// locate is the brute force: the code of the unit that holds p by geo's
// boundary rule, "" when none does, failing when two do.
func locate(t *testing.T, units []partition.Unit, p orb.Point) partition.Code {
	t.Helper()
	var got partition.Code
	for _, u := range units {
		if geo.MultiPolygonContains(u.Geometry, p) {
			if got != "" {
				t.Fatalf("%v is in %s and %s", p, got, u.Code)
			}
			got = u.Code
		}
	}
	return got
}

// latticePoints: n uniform points over rows×cols cells and a little
// beyond, every cell corner and the midpoint of every cell edge, each with
// 1–5 households of 1–4 people.
func latticePoints(rng *rand.Rand, rows, cols, n int) []partition.HouseholdPoint {
	var pts []orb.Point
	for range n {
		pts = append(pts, orb.Point{originLon - step + float64(cols+2)*step*rng.Float64(), originLat + step - float64(rows+2)*step*rng.Float64()})
	}
	for r := 0; r <= rows; r++ {
		for c := 0; c <= cols; c++ {
			nw := cell(r, c)[0][3] // the lattice node at row r, column c
			x1 := cell(r, c)[0][1][0]
			y0 := cell(r, c)[0][0][1]
			pts = append(pts, nw, orb.Point{(nw[0] + x1) / 2, nw[1]}, orb.Point{nw[0], (nw[1] + y0) / 2})
		}
	}
	out := make([]partition.HouseholdPoint, len(pts))
	for i, p := range pts {
		h := 1 + rng.IntN(5)
		out[i] = partition.HouseholdPoint{Point: p, Households: h, Population: h * (1 + rng.IntN(4))}
	}
	return out
}

// TestCompareLayer: with a layer, each piece holds exactly the points that
// the brute force finds in its From unit before and its To unit after,
// points on the cells' edges and corners included, and none is counted
// twice.
func TestCompareLayer(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	for _, tc := range []struct{ from, to []string }{
		{[]string{"AAABBB", "AAABBB", "CCCDDD"}, []string{"AAAABB", "ACCBBB", "CCDDDD"}},
		{[]string{"AAB.", "ACBB", "CCBB"}, []string{"ABBB", ".CBB", "CA.B"}},
		{[]string{"AABB", "AABB"}, []string{"AAAA", "AAAA"}},
	} {
		from, to := drawn(t, nil, tc.from...), drawn(t, nil, tc.to...)
		pts := latticePoints(rng, len(tc.from), len(tc.from[0]), 2000)
		want := map[pair]household.Tally{}
		for _, p := range pts {
			a, b := locate(t, from, p.Point), locate(t, to, p.Point)
			if a != b {
				want[pair{a, b}] = want[pair{a, b}].Add(household.Tally{Points: 1, Households: p.Households, Population: p.Population})
			}
		}
		opts := DefaultOptions()
		opts.Layer = household.New(pts)
		r := compare(t, from, to, opts)
		got := map[pair]household.Tally{}
		for _, p := range r.Pieces {
			if p.Estimated {
				t.Errorf("%v: piece %s→%s estimated with a layer", tc.to, p.From, p.To)
			}
			got[pair{p.From, p.To}] = household.Tally{Households: p.Households, Population: p.Population}
		}
		for k, w := range want {
			w.Points = 0
			if got[k] != w {
				t.Errorf("%v: piece %q→%q: got %+v, want %+v", tc.to, k.from, k.to, got[k], w)
			}
		}
		for k, g := range got {
			if _, ok := want[k]; !ok && g != (household.Tally{}) {
				t.Errorf("%v: piece %q→%q: got %+v, want no households", tc.to, k.from, k.to, g)
			}
		}
	}
}

// TestCompareEstimate: without a layer a piece holds its source unit's
// households and population in the proportion of its area, rounded; a
// piece from nobody holds none. All are estimated.
func TestCompareEstimate(t *testing.T) {
	hh := map[partition.Code][2]int{"A": {90, 301}, "B": {7, 20}}
	from := drawn(t, hh, "AAAB.", "AAAB.", "AAAB.")
	to := drawn(t, hh, "ACCBB", "AAABB", "AAABB")
	// A→C is 2 of A's 9 cells in the top row; B→"" none; ""→B the column
	// of 3 cells east.
	share := float64((cellArea(0, 1) + cellArea(0, 2)) / geo.Area(from[0].Geometry))
	wantC := [2]int{int(math.Round(90 * share)), int(math.Round(301 * share))}
	if wantC != [2]int{20, 67} { // 2/9 of 90 is 20, of 301 is 66.9
		t.Fatalf("fixture: share %.6f gives %v", share, wantC)
	}
	r := compare(t, from, to, DefaultOptions())
	if got := pairs(r.Pieces); len(got) != 2 || got[0] != (pair{"", "B"}) || got[1] != (pair{"A", "C"}) {
		t.Fatalf("got pieces %v, want \"\"→B and A→C", got)
	}
	for _, p := range r.Pieces {
		want := [2]int{0, 0}
		if p.From == "A" {
			want = wantC
		}
		if got := [2]int{p.Households, p.Population}; got != want || !p.Estimated {
			t.Errorf("piece %q→%q: got %v estimated %v, want %v estimated", p.From, p.To, got, p.Estimated, want)
		}
	}
	if l := r.Summary.Levels; len(l) != 1 || l[0].Households != wantC[0] || l[0].Population != wantC[1] {
		t.Errorf("got summary levels %+v, want %v households and population", l, wantC)
	}
}
