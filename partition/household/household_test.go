package household

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/partition"
)

// star is a random star-shaped ring of n vertices around c, radii up to r,
// each vertex snapped to a lattice of 1/64 so that points land on edges and
// vertices.
func star(rng *rand.Rand, c orb.Point, r float64, n int) orb.Ring {
	ring := make(orb.Ring, 0, n+1)
	for k := range n {
		a := 2 * math.Pi * (float64(k) + 0.5*rng.Float64()) / float64(n)
		d := r * (0.3 + 0.7*rng.Float64())
		ring = append(ring, orb.Point{snap(c[0] + d*math.Cos(a)), snap(c[1] + d*math.Sin(a))})
	}
	return append(ring, ring[0])
}

func snap(x float64) float64 { return math.Round(x*64) / 64 }

// randomShape is a multipolygon of 1–3 stars, the first maybe with a hole.
func randomShape(rng *rand.Rand) orb.MultiPolygon {
	var mp orb.MultiPolygon
	for k := range 1 + rng.IntN(3) {
		c := orb.Point{snap(rng.Float64() * 10), snap(rng.Float64() * 10)}
		pg := orb.Polygon{star(rng, c, 1+2*rng.Float64(), 5+rng.IntN(12))}
		if k == 0 && rng.IntN(2) == 0 {
			pg = append(pg, orb.Ring{{c[0] - 0.125, c[1] - 0.125}, {c[0] + 0.125, c[1] - 0.125}, {c[0] + 0.125, c[1] + 0.125}, {c[0] - 0.125, c[1] + 0.125}, {c[0] - 0.125, c[1] - 0.125}})
		}
		mp = append(mp, pg)
	}
	return mp
}

// randomPoints: uniform points, lattice points (on many edges and
// vertices) and points sharing a few longitudes, each with households.
func randomPoints(rng *rand.Rand, n int) []partition.HouseholdPoint {
	out := make([]partition.HouseholdPoint, n)
	for i := range out {
		var p orb.Point
		switch i % 3 {
		case 0:
			p = orb.Point{-1 + 12*rng.Float64(), -1 + 12*rng.Float64()}
		case 1:
			p = orb.Point{snap(-1 + 12*rng.Float64()), snap(-1 + 12*rng.Float64())}
		default:
			p = orb.Point{float64(rng.IntN(11)), -1 + 12*rng.Float64()}
		}
		h := rng.IntN(4)
		out[i] = partition.HouseholdPoint{Point: p, Households: h, Population: h * rng.IntN(5)}
	}
	return out
}

// brute is the tally of every point in mp by the boundary rule, and the
// points in longitude order (stable, as New sorts them).
func brute(pts []partition.HouseholdPoint, mp orb.MultiPolygon) (Tally, []partition.HouseholdPoint) {
	var t Tally
	var in []partition.HouseholdPoint
	for _, p := range pts {
		if geo.MultiPolygonContains(mp, p.Point) {
			t = t.Add(Tally{1, p.Households, p.Population})
			in = append(in, p)
		}
	}
	slices.SortStableFunc(in, func(a, b partition.HouseholdPoint) int {
		switch {
		case a.Point[0] < b.Point[0]:
			return -1
		case a.Point[0] > b.Point[0]:
			return 1
		}
		return 0
	})
	return t, in
}

// TestInBruteForce: In and Within against every point tested in turn, on
// random polygons; and, for the points off every edge, the plain even-odd
// test of orb's planar package agrees.
func TestInBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	pts := randomPoints(rng, 6000)
	l := New(pts)
	if l.Len() != len(pts) {
		t.Fatalf("Len %d, want %d", l.Len(), len(pts))
	}
	for k := range 200 {
		mp := randomShape(rng)
		want, wantIn := brute(pts, mp)
		if got := l.In(mp); got != want {
			t.Fatalf("shape %d: got %+v, want %+v", k, got, want)
		}
		if got := l.Within(mp); !slices.Equal(got, wantIn) {
			t.Fatalf("shape %d: Within got %d points, want %d", k, len(got), len(wantIn))
		}
		for _, p := range pts {
			if !onBoundary(mp, p.Point) && planar.MultiPolygonContains(mp, p.Point) != geo.MultiPolygonContains(mp, p.Point) {
				t.Fatalf("shape %d: %v off every edge: planar and geo disagree", k, p.Point)
			}
		}
	}
}

func onBoundary(mp orb.MultiPolygon, p orb.Point) bool {
	for _, pg := range mp {
		for _, r := range pg {
			for i := 1; i < len(r); i++ {
				if geo.OnEdge(r[i-1], r[i], p) {
					return true
				}
			}
		}
	}
	return false
}

// TestTilingCountsOnce: the cells of a tiling (squares, some cut along a
// diagonal into triangles) together hold every point that the outline
// holds, once: points on shared edges and vertices included.
func TestTilingCountsOnce(t *testing.T) {
	const n = 4
	var tiles []orb.MultiPolygon
	for i := range n {
		for j := range n {
			x, y := 100+float64(i), 30+float64(j)
			sw, se, ne, nw := orb.Point{x, y}, orb.Point{x + 1, y}, orb.Point{x + 1, y + 1}, orb.Point{x, y + 1}
			if (i+j)%2 == 0 {
				tiles = append(tiles, orb.MultiPolygon{{{sw, se, ne, sw}}}, orb.MultiPolygon{{{sw, ne, nw, sw}}})
			} else {
				tiles = append(tiles, orb.MultiPolygon{{{sw, se, ne, nw, sw}}})
			}
		}
	}
	outline := orb.MultiPolygon{{{{100, 30}, {100 + n, 30}, {100 + n, 30 + n}, {100, 30 + n}, {100, 30}}}}
	var pts []partition.HouseholdPoint
	for i := 0; i <= 4*n; i++ { // every quarter degree: on edges, vertices, diagonals
		for j := 0; j <= 4*n; j++ {
			pts = append(pts, partition.HouseholdPoint{Point: orb.Point{100 + float64(i)/4, 30 + float64(j)/4}, Households: 1, Population: 2})
		}
	}
	l := New(pts)
	seen := map[orb.Point]int{}
	var sum Tally
	for _, tile := range tiles {
		sum = sum.Add(l.In(tile))
		for _, p := range l.Within(tile) {
			seen[p.Point]++
		}
	}
	if want := l.In(outline); sum != want {
		t.Errorf("tiles hold %+v together, the outline %+v", sum, want)
	}
	for _, p := range pts {
		x, y := p.Point[0], p.Point[1]
		interior := x > 100 && x < 100+n && y > 30 && y < 30+n
		if interior && seen[p.Point] != 1 {
			t.Errorf("%v inside the outline is in %d tiles, want 1", p.Point, seen[p.Point])
		}
	}
}

// TestShare: rounded to the nearest whole number, halves away from zero,
// clamped to 0..1, never more than the unit holds.
func TestShare(t *testing.T) {
	for _, tc := range []struct {
		h, p  int
		share float64
		want  Tally
	}{
		{100, 300, 0.5, Tally{Households: 50, Population: 150}},
		{7, 3, 0.5, Tally{Households: 4, Population: 2}},       // 3.5 → 4, 1.5 → 2
		{10, 10, 0.04, Tally{Households: 0, Population: 0}},    // 0.4 → 0
		{10, 10, 0.06, Tally{Households: 1, Population: 1}},    // 0.6 → 1
		{3, 9, 1.0 / 3, Tally{Households: 1, Population: 3}},   //
		{5, 5, 0.9999999, Tally{Households: 5, Population: 5}}, //
		{5, 5, 1.5, Tally{Households: 5, Population: 5}},       // clamped
		{5, 5, -0.2, Tally{}},                                  // clamped
		{5, 5, math.NaN(), Tally{}},                            // no area: nothing
		{0, 0, 0.7, Tally{}},
	} {
		if got := Share(tc.h, tc.p, tc.share); got != tc.want {
			t.Errorf("Share(%d, %d, %g): got %+v, want %+v", tc.h, tc.p, tc.share, got, tc.want)
		}
	}
}

// TestNilLayer: a nil layer holds nothing.
func TestNilLayer(t *testing.T) {
	var l *Layer
	mp := orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}}
	if got := l.In(mp); got != (Tally{}) || len(l.Within(mp)) != 0 {
		t.Errorf("got %+v, want nothing", got)
	}
}
