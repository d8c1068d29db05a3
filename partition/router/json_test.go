package router

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/wangge/wangge/geo"
)

// TestAppendCentimetres: the hand-written formatting gives exactly what
// strconv gives for the distance rounded to the centimetre.
func TestAppendCentimetres(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	ds := []geo.Meters{0, 0.004, 0.005, 0.05, 0.1, 0.3, 1, 12.3, 12.05, 12.345, 99.995, 1e6 + 0.07, 123456789.01}
	for range 100_000 {
		ds = append(ds, geo.Meters(math.Pow(10, -3+10*rng.Float64())))
	}
	for _, d := range ds {
		want := strconv.AppendFloat(nil, math.Round(float64(d)*100)/100, 'f', -1, 64)
		if got := appendCentimetres(nil, d); string(got) != string(want) {
			t.Fatalf("appendCentimetres(%v) = %s, want %s", d, got, want)
		}
	}
}
