package geo

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
)

// TestLocalDistanceError: LocalDistance stays within LocalDistanceError of
// the geodesic Distance for 200,000 random pairs from 1 cm to 100 km apart,
// in every direction, at latitudes up to ±60°.
func TestLocalDistanceError(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	worst := 0.0 // largest |error| / bound
	for i := range 200_000 {
		lat := -60 + 120*rng.Float64()
		d := math.Pow(10, -2+7*rng.Float64()) // 1 cm … 100 km
		az := 2 * math.Pi * rng.Float64()
		kx, ky := MetersPerDegree(lat)
		a := orb.Point{100 + 20*rng.Float64(), lat}
		b := orb.Point{a[0] + d*math.Sin(az)/kx, lat + d*math.Cos(az)/ky}
		if b[1] > 60 || b[1] < -60 {
			continue
		}
		want := Distance(a, b)
		got := LocalDistance(a, b)
		bound := LocalDistanceError(want)
		if e := math.Abs(float64(got - want)); e > float64(bound) {
			t.Fatalf("pair %d %v–%v: LocalDistance %.6f m, Distance %.6f m: error %.3g m over the bound %.3g m", i, a, b, got, want, e, bound)
		} else {
			worst = max(worst, e/float64(bound))
		}
	}
	t.Logf("worst error: %.2f of the bound", worst)
	for _, tc := range []struct {
		d, max Meters
	}{{1000, 1e-5}, {10_000, 0.01}, {100_000, 7}} {
		if got := LocalDistanceError(tc.d); got > tc.max {
			t.Errorf("LocalDistanceError(%v) = %v, documented under %v", tc.d, got, tc.max)
		}
	}
}
