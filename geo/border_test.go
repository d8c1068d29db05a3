package geo

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
)

func TestSharedBorder(t *testing.T) {
	// x1 is the first float east of u's x = 1 (120.01°): a vertex that an
	// overlay computed off the line x = 1 by rounding.
	x1 := math.Nextafter(120.01, 121)
	cut := orb.MultiPolygon{{{{x1, 30.004}, u(2, 0.4), u(2, 1), u(1, 1), {x1, 30.004}}}}
	mm := 0.001 / 96_000.0 // about a millimetre of longitude at 30°N, in degrees
	tests := []struct {
		name string
		a, b orb.MultiPolygon
		want Meters
	}{
		{"whole edge", uSquare, orb.MultiPolygon{{uRing(1, 0, 2, 0, 2, 1, 1, 1)}}, Distance(u(1, 0), u(1, 1))},
		{"half an edge", uSquare, orb.MultiPolygon{{uRing(1, 0.5, 2, 0.5, 2, 1.5, 1, 1.5)}}, Distance(u(1, 0.5), u(1, 1))},
		{"edge split at a vertex off the line by rounding", uSquare, cut, Distance(u(1, 0.4), u(1, 1))},
		{"two edges, an L around a corner", uL, orb.MultiPolygon{{uRing(1, 1, 2, 1, 2, 2, 1, 2)}}, Distance(u(1, 1), u(2, 1)) + Distance(u(1, 1), u(1, 2))},
		{"corner only", uSquare, orb.MultiPolygon{{uRing(1, 1, 2, 1, 2, 2, 1, 2)}}, 0},
		{"a millimetre apart", uSquare, orb.MultiPolygon{{{{120.01 + mm, 30}, u(2, 0), u(2, 1), {120.01 + mm, 30.01}, {120.01 + mm, 30}}}}, 0},
		{"apart", uSquare, orb.MultiPolygon{{uRing(3, 0, 4, 0, 4, 1, 3, 1)}}, 0},
		{"hole and its filling", uHoled, orb.MultiPolygon{{uRing(1, 1, 2, 1, 2, 2, 1, 2)}}, Perimeter(orb.MultiPolygon{{uRing(1, 1, 2, 1, 2, 2, 1, 2)}})},
		{"empty", uSquare, nil, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, order := range [2][2]orb.MultiPolygon{{tc.a, tc.b}, {tc.b, tc.a}} {
				got := SharedBorder(order[0], order[1])
				if math.Abs(float64(got-tc.want)) > 1e-6 {
					t.Errorf("got %.7f m, want %.7f m", got, tc.want)
				}
				if touch := Touches(order[0], order[1]); touch != (tc.want > 0) {
					t.Errorf("Touches: got %v, want %v", touch, tc.want > 0)
				}
			}
		})
	}
}

// TestSharedBorderOfSplit: the two sides of a split share the cut, and each
// shares with a neighbour of the polygon the part of their border on its
// side.
func TestSharedBorderOfSplit(t *testing.T) {
	left, right, err := SplitByLine(uSquare, uLine(-1, 0.3, 2, 0.7))
	if err != nil {
		t.Fatal(err)
	}
	east := orb.MultiPolygon{{uRing(1, 0, 2, 0, 2, 1, 1, 1)}}
	y0, y1 := 0.3+0.4/3, 0.3+0.8/3 // where the line crosses x = 0 and x = 1
	for _, tc := range []struct {
		name string
		a, b orb.MultiPolygon
		want Meters
	}{
		{"left and right share the cut", left, right, Distance(u(0, y0), u(1, y1))},
		{"left and the east neighbour", left, east, Distance(u(1, y1), u(1, 1))},
		{"right and the east neighbour", right, east, Distance(u(1, 0), u(1, y1))},
	} {
		if got := SharedBorder(tc.a, tc.b); math.Abs(float64(got-tc.want)) > 1e-6 {
			t.Errorf("%s: got %.7f m, want %.7f m", tc.name, got, tc.want)
		}
	}
}
