package geo

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
)

// TestDistance checks hand-made cases. The reference figures: 1° of the
// equator is a·π/180 = 111,319.490793 m; the meridian quadrant of GRS80 is
// 10,001,965.7293 m (as PostGIS gives for WGS84 to 0.1 mm); the antipodal
// figures are PostGIS's.
func TestDistance(t *testing.T) {
	tests := []struct {
		name string
		a, b orb.Point
		want float64 // metres
		tol  float64 // metres
	}{
		{"same point", orb.Point{118.78, 32.04}, orb.Point{118.78, 32.04}, 0, 0},
		{"equator 1°", orb.Point{0, 0}, orb.Point{1, 0}, 111_319.49079327, 1e-6},
		{"equator 1° westward", orb.Point{1, 0}, orb.Point{0, 0}, 111_319.49079327, 1e-6},
		{"equator across the antimeridian", orb.Point{179.5, 0}, orb.Point{-179.5, 0}, 111_319.49079327, 1e-6},
		{"meridian quadrant", orb.Point{0, 0}, orb.Point{0, 90}, 10_001_965.7293, 1e-3},
		{"pole to pole", orb.Point{0, -90}, orb.Point{0, 90}, 2 * 10_001_965.7293, 2e-3},
		// Nearly antipodal: Vincenty does not converge and the great-circle
		// fallback is used, within 0.1%.
		{"antipodal on the equator", orb.Point{0, 0}, orb.Point{180, 0}, 20_003_931.45862545, 0.001 * 20_003_931},
		{"antipodal Nanjing", orb.Point{118.78, 32.04}, orb.Point{-61.22, -32.04}, 20_003_931.45862545, 0.001 * 20_003_931},
		{"nearly antipodal", orb.Point{0, 0}, orb.Point{179.5, 0.5}, 19_936_288.57896531, 0.001 * 19_936_288},
		{"nearly antipodal Nanjing", orb.Point{118.78, 32.04}, orb.Point{-61.5, -31.8}, 19_972_700.46702807, 0.001 * 19_972_700},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := float64(Distance(tt.a, tt.b))
			if math.IsNaN(got) || math.Abs(got-tt.want) > tt.tol {
				t.Errorf("Distance(%v, %v) = %.6f m, want %.6f m ± %g", tt.a, tt.b, got, tt.want, tt.tol)
			}
		})
	}
}

func TestLength(t *testing.T) {
	tests := []struct {
		name string
		ls   orb.LineString
		want float64 // metres
	}{
		{"empty", nil, 0},
		{"one point", orb.LineString{{118, 32}}, 0},
		{"equator 2°", orb.LineString{{0, 0}, {1, 0}, {2, 0}}, 2 * 111_319.49079327},
		{"there and back", orb.LineString{{0, 0}, {1, 0}, {0, 0}}, 2 * 111_319.49079327},
		{"equator then meridian", orb.LineString{{1, 0}, {0, 0}, {0, 90}}, 111_319.49079327 + 10_001_965.7293},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := float64(Length(tt.ls)); math.Abs(got-tt.want) > 1e-3 {
				t.Errorf("got %.6f m, want %.6f m", got, tt.want)
			}
		})
	}
}

// distancePairs are the point pairs compared with PostGIS: each real unit's
// seat against its centroid (a few km), each centroid against the next
// unit's (tens to hundreds of km), and long and awkward pairs.
func distancePairs(bs []boundary) [][2]orb.Point {
	var pairs [][2]orb.Point
	var prev *orb.Point
	for _, b := range bs {
		if len(b.center) == 2 {
			pairs = append(pairs, [2]orb.Point{b.center[0], b.center[1]})
		}
		if len(b.center) > 0 {
			c := b.center[len(b.center)-1]
			if prev != nil && *prev != c {
				pairs = append(pairs, [2]orb.Point{*prev, c})
			}
			prev = &c
		}
	}
	return append(pairs,
		[2]orb.Point{{118.78, 32.04}, {118.78001, 32.04001}}, // about 1.5 m
		[2]orb.Point{{122.45, 30.72}, {118.78, 32.04}},       // Shengsi–Nanjing
		[2]orb.Point{{116.39, 39.91}, {87.62, 43.83}},        // Beijing–Urumqi
		[2]orb.Point{{126.63, 45.75}, {109.5, 18.25}},        // Harbin–Sanya
		[2]orb.Point{{121.47, 31.23}, {-122.42, 37.77}},      // Shanghai–San Francisco
		[2]orb.Point{{116.39, 39.91}, {151.21, -33.87}},      // Beijing–Sydney
		[2]orb.Point{{118.78, 32.04}, {-0.13, 51.51}},        // Nanjing–London
		[2]orb.Point{{0, 0}, {0, 90}},                        // to the pole
		[2]orb.Point{{10, 89.9}, {-170, 89.9}},               // over the pole
		[2]orb.Point{{0, 0}, {90, 0}},                        // along the equator
		[2]orb.Point{{118.78, 32.04}, {-58, -30}},            // 5° from the antipode
		[2]orb.Point{{-179.9, -10}, {179.9, 10}},             // across the antimeridian
	)
}

func TestDistancePostGIS(t *testing.T) {
	conn, ctx := postgis(t)
	pairs := distancePairs(loadBoundaries(t))
	if len(pairs) < 50 {
		t.Fatalf("got %d point pairs, want at least 50", len(pairs))
	}
	worst := 0.0
	for _, p := range pairs {
		got := float64(Distance(p[0], p[1]))
		want := postgisDistance(ctx, t, conn, p[0], p[1])
		d := math.Abs(got - want)
		worst = math.Max(worst, d)
		if d > 1e-3 {
			t.Errorf("Distance(%v, %v) = %.6f m, want %.6f m (ST_Distance), off by %.3g m", p[0], p[1], got, want, d)
		}
	}
	t.Logf("%d pairs: worst difference %.2g m", len(pairs), worst)
}

// TestLengthPostGIS compares the perimeter of every real boundary's first
// shell, as a line, with ST_Length(geography).
func TestLengthPostGIS(t *testing.T) {
	conn, ctx := postgis(t)
	worst := 0.0
	for _, b := range loadBoundaries(t) {
		mp, ok := b.geom.(orb.MultiPolygon)
		if !ok || len(mp) == 0 {
			t.Fatalf("%s: got %T, want a MultiPolygon", b, b.geom)
		}
		ls := orb.LineString(mp[0][0])
		got := float64(Length(ls))
		want := postgisLength(ctx, t, conn, ls)
		rel := relErr(got, want)
		worst = math.Max(worst, rel)
		if rel > 1e-9 {
			t.Errorf("%s: got %.4f m, want %.4f m (ST_Length), relative error %.2g", b, got, want, rel)
		}
	}
	t.Logf("worst relative length error %.2g", worst)
}
