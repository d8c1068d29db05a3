package index

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/paulmach/orb"
)

// TestSortKeys: the radix sort gives what a stable sort by the upper half
// gives, on keys with few and with many distinct upper halves.
func TestSortKeys(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct {
		n    int
		mask uint64
	}{{0, 0}, {1, 0}, {2, 1}, {1000, 0}, {1000, 3}, {5000, 0xFF}, {5000, 0xFF00FF00}, {100_000, math.MaxUint32}} {
		keys := make([]uint64, tc.n)
		for i := range keys {
			keys[i] = (rng.Uint64()&tc.mask)<<32 | uint64(i)
		}
		want := slices.Clone(keys)
		slices.SortStableFunc(want, func(a, b uint64) int {
			switch {
			case a>>32 < b>>32:
				return -1
			case a>>32 > b>>32:
				return 1
			}
			return 0
		})
		got := SortKeys(keys, make([]uint64, tc.n))
		if !slices.Equal(got, want) {
			t.Fatalf("n=%d mask=%#x: radix sort differs from a stable sort", tc.n, tc.mask)
		}
	}
}

// TestZOrder: keys interleave the steps of the two axes (x in the even
// bits), clamp outside the bound and give NaN the minimum.
func TestZOrder(t *testing.T) {
	z := NewZOrder(orb.Bound{Min: orb.Point{100, 20}, Max: orb.Point{101, 21}})
	step := 1.0 / 65536
	for _, tc := range []struct {
		p    orb.Point
		want uint32
	}{
		{orb.Point{100, 20}, 0},
		{orb.Point{100 + 1.5*step, 20}, 1},
		{orb.Point{100, 20 + 1.5*step}, 2},
		{orb.Point{100 + 3.5*step, 20 + 3.5*step}, 15},
		{orb.Point{99, 19}, 0},
		{orb.Point{102, 22}, math.MaxUint32},
		{orb.Point{101, 20}, 0x55555555},
		{orb.Point{math.NaN(), 22}, 0xAAAAAAAA},
	} {
		if got := z.Key(tc.p); got != tc.want {
			t.Errorf("Key(%v) = %#x, want %#x", tc.p, got, tc.want)
		}
	}
	// Brute force: the key's bits, taken apart again, are the two steps.
	rng := rand.New(rand.NewPCG(3, 4))
	for range 10_000 {
		p := orb.Point{100 + rng.Float64(), 20 + rng.Float64()}
		k := z.Key(p)
		var x, y uint32
		for b := range 16 {
			x |= (k >> (2 * b) & 1) << b
			y |= (k >> (2*b + 1) & 1) << b
		}
		if x != uint32((p[0]-100)*65536) || y != uint32((p[1]-20)*65536) {
			t.Fatalf("Key(%v) = %#x: steps %d, %d", p, k, x, y)
		}
	}
}
