package crs

import (
	"fmt"
	"math"
	"testing"

	"github.com/paulmach/orb"
)

// metres is the ground distance between two nearby points, in metres, on a
// local flat approximation: plenty for offsets of a few hundred metres.
func metres(a, b orb.Point) float64 {
	const mPerDeg = 6371008.8 * math.Pi / 180
	dx := (a[0] - b[0]) * math.Cos((a[1]+b[1])/2*math.Pi/180) * mPerDeg
	dy := (a[1] - b[1]) * mPerDeg
	return math.Hypot(dx, dy)
}

// chinaGrid is a 1° grid over mainland China and its seas, plus named places.
func chinaGrid() []orb.Point {
	ps := []orb.Point{
		{122.45, 30.72},   // Shengsi
		{118.78, 32.04},   // Nanjing
		{117.62, 34.86},   // Zaozhuang
		{116.39, 39.91},   // Beijing
		{87.62, 43.83},    // Urumqi
		{109.5, 18.25},    // Sanya
		{126.63, 45.75},   // Harbin
		{121.56, 25.04},   // Taipei
		{112.3, 16.83},    // Yongxing island
		{105.0001, 35.01}, // near the formula's origin (105, 35)
	}
	for lon := 74.0; lon <= 134; lon++ {
		for lat := 4.0; lat <= 53; lat++ {
			ps = append(ps, orb.Point{lon + 0.37, lat + 0.61})
		}
	}
	return ps
}

func TestRoundTrip(t *testing.T) {
	tests := []struct {
		name     string
		via, end CRS
	}{
		{"GCJ02→WGS84→GCJ02", WGS84, GCJ02},
		{"WGS84→GCJ02→WGS84", GCJ02, WGS84},
		{"BD09→GCJ02→BD09", GCJ02, BD09},
		{"GCJ02→BD09→GCJ02", BD09, GCJ02},
		{"WGS84→BD09→WGS84", BD09, WGS84},
		{"BD09→WGS84→BD09", WGS84, BD09},
	}
	grid := chinaGrid()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			worstDeg, worstM := 0.0, 0.0
			for _, p := range grid {
				back := Convert(Convert(p, tt.end, tt.via), tt.via, tt.end)
				d := math.Max(math.Abs(back[0]-p[0]), math.Abs(back[1]-p[1]))
				worstDeg = math.Max(worstDeg, d)
				worstM = math.Max(worstM, metres(back, p))
				if d > 1e-9 {
					t.Errorf("%v: got %v back, %.3g° off, want within 1e-9°", p, back, d)
				}
				if m := metres(back, p); m > 1e-6 {
					t.Errorf("%v: got %v back, %.3g m off, want under 1e-6 m", p, back, m)
				}
			}
			t.Logf("%d points: worst %.2g° (%.2g m)", len(grid), worstDeg, worstM)
		})
	}
}

// TestOffsetSize checks the size and direction of the GCJ-02 offset against
// shared/data/boundaries/README.md §3, which gives it at each unit's
// centroid (the files' "centroid" property) as rounded Δlon, Δlat and
// "≈ distance"; and at the Nanjing and Shengsi points used elsewhere. The
// README's distances are rough (its Zaozhuang Δ° give 0.52 km, not 0.54),
// so they are checked to 0.02 km and the Δ° to 0.0002°.
func TestOffsetSize(t *testing.T) {
	tests := []struct {
		name       string
		wgs        orb.Point
		wantKm     float64
		dLon, dLat float64 // degrees; 0, 0 for no check
	}{
		{"Nanjing centroid", orb.Point{118.847847, 31.927663}, 0.53, 0.0051, -0.0021},
		{"Shengsi centroid", orb.Point{122.626268, 30.81983}, 0.46, 0.0042, -0.0023},
		{"Zaozhuang Shizhong centroid", orb.Point{117.599075, 34.864542}, 0.54, 0.0056, -0.0010},
		{"Nanjing", orb.Point{118.78, 32.04}, 0.53, 0, 0},
		{"Shengsi", orb.Point{122.45, 30.72}, 0.46, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gcj := FromWGS84(tt.wgs, GCJ02)
			km := metres(gcj, tt.wgs) / 1000
			if math.Abs(km-tt.wantKm) > 0.02 {
				t.Errorf("offset: got %.3f km, want about %.2f km", km, tt.wantKm)
			}
			dLon, dLat := gcj[0]-tt.wgs[0], gcj[1]-tt.wgs[1]
			if tt.dLon != 0 && (math.Abs(dLon-tt.dLon) > 0.0002 || math.Abs(dLat-tt.dLat) > 0.0002) {
				t.Errorf("offset: got %+.4f°, %+.4f°, want about %+.4f°, %+.4f°", dLon, dLat, tt.dLon, tt.dLat)
			}
			if dLon <= 0 || dLat >= 0 {
				t.Errorf("offset: got %+.4f°, %+.4f°, want east and south", dLon, dLat)
			}
			if back := ToWGS84(gcj, GCJ02); metres(back, tt.wgs) > 1e-6 {
				t.Errorf("inverse: got %v, want %v", back, tt.wgs)
			}
		})
	}
}

func BenchmarkConvert(b *testing.B) {
	for _, c := range [][2]CRS{{WGS84, GCJ02}, {GCJ02, WGS84}, {BD09, WGS84}} {
		b.Run(fmt.Sprintf("%s→%s", c[0], c[1]), func(b *testing.B) {
			p := orb.Point{118.78, 32.04}
			for b.Loop() {
				Convert(p, c[0], c[1])
			}
		})
	}
}
