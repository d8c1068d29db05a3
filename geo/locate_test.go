package geo

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
)

// TestOnEdge: OnEdge against exact rational arithmetic on segment ends,
// midpoints (which floats put on or a rounding off the line), points a
// few ulps off them, and degenerate segments.
func TestOnEdge(t *testing.T) {
	rat := func(f float64) *big.Rat { return new(big.Rat).SetFloat64(f) }
	oracle := func(a, b, p orb.Point) bool {
		if p[0] < min(a[0], b[0]) || p[0] > max(a[0], b[0]) || p[1] < min(a[1], b[1]) || p[1] > max(a[1], b[1]) {
			return false
		}
		l := new(big.Rat).Mul(new(big.Rat).Sub(rat(b[0]), rat(a[0])), new(big.Rat).Sub(rat(p[1]), rat(a[1])))
		r := new(big.Rat).Mul(new(big.Rat).Sub(rat(b[1]), rat(a[1])), new(big.Rat).Sub(rat(p[0]), rat(a[0])))
		return l.Cmp(r) == 0
	}
	rng := rand.New(rand.NewPCG(1, 2))
	on, off := 0, 0
	for range 20000 {
		a := orb.Point{121 + rng.Float64(), 30 + rng.Float64()}
		b := orb.Point{a[0] + 0.01*(rng.Float64()-0.5), a[1] + 0.01*(rng.Float64()-0.5)}
		switch rng.IntN(4) {
		case 0:
			b[1] = a[1] // horizontal
		case 1:
			b[0] = a[0] // vertical
		}
		tt := rng.Float64()
		for _, p := range []orb.Point{a, b, {a[0] + tt*(b[0]-a[0]), a[1] + tt*(b[1]-a[1])}, {(a[0] + b[0]) / 2, (a[1] + b[1]) / 2},
			{math.Nextafter(a[0], 200), a[1]}, {a[0], math.Nextafter(a[1], 0)}} {
			want := oracle(a, b, p)
			if got := OnEdge(a, b, p); got != want {
				t.Fatalf("OnEdge(%v, %v, %v) = %v, want %v", a, b, p, got, want)
			}
			if want {
				on++
			} else {
				off++
			}
		}
	}
	if !OnEdge(orb.Point{1, 1}, orb.Point{1, 1}, orb.Point{1, 1}) || OnEdge(orb.Point{1, 1}, orb.Point{1, 1}, orb.Point{1, 2}) {
		t.Error("a degenerate segment is its one point")
	}
	t.Logf("%d points on their segment, %d off it", on, off)
}
