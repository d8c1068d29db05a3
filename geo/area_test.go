package geo

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
)

// cell is the lon/lat rectangle [lon, lon+dLon] × [lat, lat+dLat] as a
// counter-clockwise ring.
func cell(lon, lat, dLon, dLat float64) orb.Ring {
	return orb.Ring{{lon, lat}, {lon + dLon, lat}, {lon + dLon, lat + dLat}, {lon, lat + dLat}, {lon, lat}}
}

func reversed(r orb.Ring) orb.Ring {
	out := r.Clone()
	out.Reverse()
	return out
}

func relErr(got, want float64) float64 { return math.Abs(got-want) / math.Abs(want) }

// TestArea checks hand-made cases. The reference figures were read from
// PostGIS 3.3 (ST_Area(geography), Karney's geodesic polygon area on WGS84):
// the 1°×1° cell at the equator is 12,308,778,361.47 m² and the one at
// 118–119°E, 32–33°N 10,421,512,445.07 m².
func TestArea(t *testing.T) {
	const equatorCell = 12_308_778_361.469454
	const nanjingCell = 10_421_512_445.071411
	nanjing := cell(118, 32, 1, 1)
	tests := []struct {
		name string
		g    orb.Geometry
		want float64 // square metres
		tol  float64 // relative
	}{
		{"equator cell", orb.Polygon{cell(0, 0, 1, 1)}, equatorCell, 1e-9},
		{"equator cell clockwise", orb.Polygon{reversed(cell(0, 0, 1, 1))}, equatorCell, 1e-9},
		{"equator cell as ring", cell(0, 0, 1, 1), equatorCell, 1e-9},
		{"equator cell not closed", cell(0, 0, 1, 1)[:4], equatorCell, 1e-9},
		{"southern mirror", orb.Polygon{cell(0, -1, 1, 1)}, equatorCell, 1e-9},
		{"across the antimeridian, lon past 180", orb.Polygon{cell(179.5, 0, 1, 1)}, equatorCell, 1e-9},
		{"across the antimeridian, lon wrapped", orb.Polygon{{{179.5, 0}, {-179.5, 0}, {-179.5, 1}, {179.5, 1}, {179.5, 0}}}, equatorCell, 1e-9},
		{"Nanjing cell", orb.Polygon{nanjing}, nanjingCell, 1e-9},
		{"Nanjing cell with itself as hole", orb.Polygon{nanjing, reversed(nanjing)}, 0, 0},
		{"two cells", orb.MultiPolygon{{cell(0, 0, 1, 1)}, {nanjing}}, equatorCell + nanjingCell, 1e-9},
		{"overlapping parts count twice", orb.MultiPolygon{{nanjing}, {nanjing}}, 2 * nanjingCell, 1e-9},
		{"collection", orb.Collection{orb.Polygon{nanjing}, orb.Point{1, 2}, orb.LineString{{0, 0}, {1, 1}}}, nanjingCell, 1e-9},
		{"point", orb.Point{118, 32}, 0, 0},
		{"linestring", orb.LineString{{0, 0}, {1, 0}, {1, 1}}, 0, 0},
		{"empty polygon", orb.Polygon{}, 0, 0},
		{"degenerate ring", orb.Ring{{0, 0}, {1, 1}, {0, 0}}, 0, 0},
		{"nil", nil, 0, 0},
		// A Bound's north edge follows the parallel, 0.31 km² south of the
		// geodesic: PostGIS gives 12,308,463,894.29 m² for the cell with its
		// north edge split into 1000 geodesic chords.
		{"bound", orb.Bound{Min: orb.Point{0, 0}, Max: orb.Point{1, 1}}, 12_308_463_894.29, 1e-9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := float64(Area(tt.g))
			if tt.want == 0 {
				if math.Abs(got) > 1e-3 {
					t.Errorf("got %.4f m², want 0", got)
				}
				return
			}
			if rel := relErr(got, tt.want); rel > tt.tol {
				t.Errorf("got %.3f m², want %.3f m² (relative error %.2g, tolerance %g)", got, tt.want, rel, tt.tol)
			}
		})
	}
}

func TestEllipsoidConstants(t *testing.T) {
	if got := grs80E * grs80E; relErr(got, grs80E2) > 1e-15 {
		t.Errorf("e² from e: got %.17g, want %.17g", got, float64(grs80E2))
	}
	if got := float64(grs80B); math.Abs(got-6_356_752.314140) > 1e-6 {
		t.Errorf("semi-minor axis: got %.6f m, want 6356752.314140 m", got)
	}
}

// TestAreaHole checks that a hole is subtracted whatever the orientation of
// either ring.
func TestAreaHole(t *testing.T) {
	shell, hole := cell(118, 32, 1, 1), cell(118.25, 32.25, 0.5, 0.5)
	want := float64(Area(shell)) - float64(Area(hole))
	for _, p := range []orb.Polygon{{shell, hole}, {shell, reversed(hole)}, {reversed(shell), hole}, {reversed(shell), reversed(hole)}} {
		if got := float64(Area(p)); relErr(got, want) > 1e-12 {
			t.Errorf("got %.3f m², want %.3f m²", got, want)
		}
	}
}

// TestAreaPostGIS compares Area with PostGIS ST_Area(geography) on every real
// boundary and on synthetic shapes whose long, slanted edges bulge far from
// straight lines in lon/lat.
func TestAreaPostGIS(t *testing.T) {
	conn, ctx := postgis(t)
	check := func(name string, g orb.Geometry, tol float64) float64 {
		got := float64(Area(g))
		want := postgisArea(ctx, t, conn, g)
		rel := relErr(got, want)
		if rel > tol {
			t.Errorf("%s: got %.1f m², want %.1f m² (ST_Area), relative error %.2g", name, got, want, rel)
		}
		return rel
	}

	worst := 0.0
	for _, b := range loadBoundaries(t) {
		worst = math.Max(worst, check(b.String(), b.geom, 1e-5))
	}
	t.Logf("real boundaries: worst relative error %.2g", worst)

	worst = 0.0
	for _, d := range []float64{0.001, 0.01, 0.1, 1, 5} {
		for _, s := range []struct {
			name string
			r    orb.Ring
		}{
			{"cell", cell(118.8, 32, d, d)},
			{"diamond", orb.Ring{{118.8, 32}, {118.8 + d, 32 + d}, {118.8, 32 + 2*d}, {118.8 - d, 32 + d}, {118.8, 32}}},
			{"triangle", orb.Ring{{118.8, 32}, {118.8 + d, 32 + 2*d}, {118.8, 32 + 2*d}, {118.8, 32}}},
			{"southern triangle", orb.Ring{{-60, -40}, {-60 + 2*d, -40 + d}, {-60, -40 + 2*d}, {-60, -40}}},
		} {
			worst = math.Max(worst, check(s.name, orb.Polygon{s.r}, 1e-7))
		}
	}
	t.Logf("synthetic shapes: worst relative error %.2g", worst)
}

// BenchmarkArea measures Area on the real boundary with the most vertices.
func BenchmarkArea(b *testing.B) {
	var largest boundary
	most := 0
	for _, bd := range loadBoundaries(b) {
		if n := countVertices(bd.geom); n > most {
			largest, most = bd, n
		}
	}
	b.Logf("%s: %d vertices", largest, most)
	for b.Loop() {
		Area(largest.geom)
	}
}

func countVertices(g orb.Geometry) int {
	n := 0
	if mp, ok := g.(orb.MultiPolygon); ok {
		for _, p := range mp {
			for _, r := range p {
				n += len(r)
			}
		}
	}
	return n
}
