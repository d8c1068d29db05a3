package geo

import (
	"errors"
	"math"
	"testing"

	"github.com/paulmach/orb"
)

// u is the point (x, y) of a grid of 0.01° cells at 120°E, 30°N: the
// shapes of the split tests are drawn in these units.
func u(x, y float64) orb.Point { return orb.Point{120 + 0.01*x, 30 + 0.01*y} }

func uRing(xy ...float64) orb.Ring {
	r := make(orb.Ring, 0, len(xy)/2+1)
	for i := 0; i+1 < len(xy); i += 2 {
		r = append(r, u(xy[i], xy[i+1]))
	}
	return append(r, r[0])
}

func uLine(xy ...float64) orb.LineString {
	return orb.LineString(uRing(xy...)[:len(xy)/2])
}

// planarArea is the area of mp in square units of u (the plane the overlay
// cuts in, where it is additive to rounding).
func planarArea(mp orb.MultiPolygon) float64 {
	var s float64
	for _, p := range mp {
		for j, r := range p {
			a := math.Abs(planarSignedArea(r))
			if j > 0 {
				a = -a
			}
			s += a
		}
	}
	return s / 1e-4
}

// The shapes, in units of u:
//
//	square         L              U (notch open north)   square with hole
//	+---+          +-+            +-+ +-+                +-----+
//	|   |          | |            | | | |                | +-+ |
//	+---+          | +-+          | +-+ |                | +-+ |
//	               +---+          +-----+                +-----+
var (
	uSquare = orb.MultiPolygon{{uRing(0, 0, 1, 0, 1, 1, 0, 1)}}
	uL      = orb.MultiPolygon{{uRing(0, 0, 2, 0, 2, 1, 1, 1, 1, 2, 0, 2)}}
	uU      = orb.MultiPolygon{{uRing(0, 0, 3, 0, 3, 3, 2, 3, 2, 1, 1, 1, 1, 3, 0, 3)}}
	uHoled  = orb.MultiPolygon{{uRing(0, 0, 3, 0, 3, 3, 0, 3), uRing(1, 1, 1, 2, 2, 2, 2, 1)}}
	uPair   = orb.MultiPolygon{{uRing(0, 0, 1, 0, 1, 1, 0, 1)}, {uRing(2, 0, 3, 0, 3, 1, 2, 1)}}
)

func TestSplitByLine(t *testing.T) {
	tests := []struct {
		name        string
		mp          orb.MultiPolygon
		line        orb.LineString
		left, right float64 // planar areas in square units
		nl, nr      int     // polygons per side
	}{
		{"square, straight line northward: west is left", uSquare, uLine(0.5, -1, 0.5, 2), 0.5, 0.5, 1, 1},
		{"square, zigzag eastward: north is left", uSquare, uLine(-1, 0.5, 0.25, 0.8, 0.5, 0.2, 0.75, 0.8, 2, 0.5),
			zigzagNorth(), 1 - zigzagNorth(), 1, 1},
		{"L crossed twice: two tips left, one piece right", uL, uLine(-0.5, 2.7, 2.7, -0.5), 0.64, 2.36, 2, 1},
		{"two parts, both cut", uPair, uLine(-1, 0.5, 4, 0.5), 1, 1, 2, 2},
		{"hole crossed", uHoled, uLine(-1, 1.5, 4, 1.5), 4, 4, 1, 1},
		{"end on the boundary, extension through a notch", uU, uLine(1.5, -1, 1.5, 1), 3.5, 3.5, 1, 1},
		{"end on an edge to 1e-13°", uSquare, orb.LineString{u(0.5, -1), {120.005, 30.01 - 1e-13}}, 0.5, 0.5, 1, 1},
		{"line doubling a vertex", uSquare, orb.LineString{u(0.5, -1), u(0.5, -1), u(0.5, 2)}, 0.5, 0.5, 1, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			left, right, err := SplitByLine(tc.mp, tc.line)
			if err != nil {
				t.Fatal(err)
			}
			checkSides(t, tc.mp, left, right)
			if got := planarArea(left); math.Abs(got-tc.left) > 1e-9 {
				t.Errorf("left: got area %.12f, want %.12f", got, tc.left)
			}
			if got := planarArea(right); math.Abs(got-tc.right) > 1e-9 {
				t.Errorf("right: got area %.12f, want %.12f", got, tc.right)
			}
			if len(left) != tc.nl || len(right) != tc.nr {
				t.Errorf("got %d+%d polygons, want %d+%d", len(left), len(right), tc.nl, tc.nr)
			}
		})
	}
}

// zigzagNorth is the area of the square north of the zigzag of
// TestSplitByLine, which meets the square's sides at y = 0.74.
func zigzagNorth() float64 {
	return planarArea(orb.MultiPolygon{{uRing(0, 0.74, 0.25, 0.8, 0.5, 0.2, 0.75, 0.8, 1, 0.74, 1, 1, 0, 1)}})
}

// TestSplitByLineHalves: a meridian through the middle of a square cuts it
// into halves of equal ellipsoidal area (they are congruent), which add up
// to the area of the square with the cut's ends as vertices. (Not to the
// square's own area: Area takes edges as geodesics, and the geodesic
// through a cut point, which lies on the straight lon/lat edge, is not the
// geodesic of the whole edge; here the two differences nearly cancel,
// leaving 5e-4 m².)
func TestSplitByLineHalves(t *testing.T) {
	left, right, err := SplitByLine(uSquare, uLine(0.5, 2, 0.5, -1))
	if err != nil {
		t.Fatal(err)
	}
	l, r := Area(left), Area(right)
	whole := Area(orb.Polygon{uRing(0, 0, 0.5, 0, 1, 0, 1, 1, 0.5, 1, 0, 1)})
	if relErr(float64(l), float64(r)) > 1e-10 {
		t.Errorf("got halves of %.6f and %.6f m², want equal", l, r)
	}
	if relErr(float64(l+r), float64(whole)) > 1e-12 {
		t.Errorf("got halves summing to %.6f m², want %.6f m²", l+r, whole)
	}
	if left.Bound().Min[0] != 120.005 {
		t.Errorf("got left side from %v, want the east half for a line walking south", left.Bound())
	}
}

// checkSides checks what every split must give: valid sides oriented as
// OrientRings orients them, no piece under 1e-4 m², no area in common, a
// union that is mp, mp's planar area between them to 1e-9 and their
// union's ellipsoidal area to 1e-9. (The sides' Area may differ from mp's
// own, by up to 5e-6 of a real district in TestSplitByLinePostGIS: a cut
// point lies on mp's straight lon/lat edge, off the geodesic Area takes for
// that edge, so a long cut edge gains or loses a lens of up to thousands of
// m². ST_Split's pieces, cut at the same points, agree with the sides.)
func checkSides(t *testing.T, mp, left, right orb.MultiPolygon) {
	t.Helper()
	for side, s := range map[string]orb.MultiPolygon{"left": left, "right": right} {
		if bad := Validate(s); bad != nil {
			t.Errorf("%s side is not valid: %v", side, bad)
		}
		if !sameGeometry(s, OrientRings(s), 0) {
			t.Errorf("%s side: rings not oriented as OrientRings orients them", side)
		}
		for i, p := range s {
			if a := polygonArea(p); a < minPiece {
				t.Errorf("%s side, polygon %d: %.2g m², a noise piece", side, i, a)
			}
		}
	}
	both, err := Intersection(left, right)
	if err != nil {
		t.Fatal(err)
	}
	if a := Area(both); a > 1e-4 {
		t.Errorf("sides overlap by %.6f m²", a)
	}
	union, err := Union(left, right)
	if err != nil {
		t.Fatal(err)
	}
	// In the plane: a cut point that rounding put off mp's edge leaves a
	// sliver with no width there but the geodesic lens of the edge in Area.
	if diff, err := SymmetricDifference(union, mp); err != nil || FlatArea(diff) > 1e-4 {
		t.Errorf("left ∪ right differs from the polygon by %.6f m² in the plane (%v)", FlatArea(diff), err)
	}
	whole := planarArea(mp)
	if got := planarArea(left) + planarArea(right); relErr(got, whole) > 1e-9 {
		t.Errorf("sides have planar area %.15g, want %.15g", got, whole)
	}
	if sum, u := float64(Area(left)+Area(right)), float64(Area(union)); relErr(sum, u) > 1e-9 {
		t.Errorf("sides have area %.6f m², their union %.6f m²", sum, u)
	}
}

func TestSplitByLineRefuses(t *testing.T) {
	tests := []struct {
		name string
		mp   orb.MultiPolygon
		line orb.LineString
		want error
	}{
		{"line ends inside", uSquare, uLine(-1, 0.5, 0.5, 0.5), ErrLineEndsInside},
		{"line starts inside", uSquare, uLine(0.5, 0.5, 0.5, 2), ErrLineEndsInside},
		{"line along an edge", uSquare, uLine(-1, 0, 2, 0), ErrNoCut},
		{"line along an edge, ends on it", uSquare, uLine(0, 0, 1, 0), ErrNoCut},
		{"line touching a corner", uSquare, uLine(0, 2, 2, 0), ErrNoCut},
		{"polyline touching a corner", uSquare, uLine(2, 0.5, 1, 1, 1.5, 2), ErrNoCut},
		{"line missing", uSquare, uLine(-1, 2, 2, 3), ErrNoCut},
		{"line outside, through the notch", uU, uLine(1.5, 4, 1.5, 1.5, 1.2, 4), ErrNoCut},
		{"self-crossing line", uSquare, uLine(-1, 0.5, 2, 0.5, 2, 1.5, 0.5, 1.5, 0.5, -1), ErrLineNotSimple},
		{"line doubling back", uSquare, uLine(-1, 0.5, 2, 0.5, 1.5, 0.5), ErrLineNotSimple},
		{"closed line", uSquare, uLine(-1, 0.5, 2, 0.5, 2, 2, -1, 0.5), ErrLineNotSimple},
		{"one point", uSquare, orb.LineString{u(-1, 0), u(-1, 0)}, ErrLineNotSimple},
		{"extension re-enters", uU, uLine(-1, 1.5, 1, 1.5), ErrExtensionCrosses},
		{"extension crosses the line", uSquare, uLine(-0.5, 0.5, 1.5, 0.5, 1.5, 1.5, -1, 1.5, -1, 0.2), ErrExtensionCrosses},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l, r, err := SplitByLine(tc.mp, tc.line)
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v (sides of %d and %d polygons), want %v", err, len(l), len(r), tc.want)
			}
		})
	}
	if _, _, err := SplitByLine(orb.MultiPolygon{{uRing(0, 0, 1, 1, 1, 0, 0, 1)}}, uLine(0.5, -1, 0.5, 2)); err == nil {
		t.Error("an invalid polygon: got no error, want one")
	}
}
