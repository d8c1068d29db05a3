package geo

import (
	"testing"

	"github.com/paulmach/orb"
)

func TestValidateAndMakeValid(t *testing.T) {
	sq := func(x, y, d float64) orb.Ring {
		return orb.Ring{{x, y}, {x + d, y}, {x + d, y + d}, {x, y + d}, {x, y}}
	}
	tests := []struct {
		name    string
		mp      orb.MultiPolygon
		valid   bool
		at      orb.Point
		planarA float64 // planar area of the repaired shape, square degrees
		reason  string
	}{
		{"square", orb.MultiPolygon{{sq(0, 0, 1)}}, true, orb.Point{}, 1, ""},
		{"bow-tie", orb.MultiPolygon{{{{0, 0}, {2, 2}, {2, 0}, {0, 2}, {0, 0}}}}, false, orb.Point{1, 1}, 2, "ring self-intersects"},
		{"parts share an edge", orb.MultiPolygon{{sq(0, 0, 1)}, {sq(1, 0, 1)}}, false, orb.Point{1, 0}, 2, "parts overlap or touch along a line"},
		{"parts overlap", orb.MultiPolygon{{sq(0, 0, 1)}, {sq(0.5, 0, 1)}}, false, orb.Point{0.5, 0}, 1.5, "parts overlap or touch along a line"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			bad := Validate(tc.mp)
			if (bad == nil) != tc.valid {
				t.Fatalf("got invalidity %v, want valid=%v", bad, tc.valid)
			}
			if bad != nil && (bad.At != tc.at || bad.Reason != tc.reason) {
				t.Errorf("got %q at %v, want %q at %v (simplefeatures' location read by reflection)", bad.Reason, bad.At, tc.reason, tc.at)
			}
			fixed, err := MakeValid(tc.mp)
			if err != nil {
				t.Fatal(err)
			}
			if Validate(fixed) != nil {
				t.Errorf("repaired shape is still invalid: %v", Validate(fixed))
			}
			var a float64
			for _, p := range fixed {
				a += planarSignedArea(OrientRings(orb.MultiPolygon{p})[0][0])
			}
			if a < tc.planarA-1e-12 || a > tc.planarA+1e-12 {
				t.Errorf("repaired area %g, want %g", a, tc.planarA)
			}
		})
	}
}
