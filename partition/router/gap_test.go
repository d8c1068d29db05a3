package router

import (
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/store/storetest"
)

// gapFixture: a city whose districts leave a gap along its east outline
// and overlap each other, as real DataV files do.
//
//	31.10 +---------+--+----------------+-----+
//	      |  G1b    |  |                |     |
//	31.05 +---------+  |       D2       | gap |   D1 = [121.00, 121.05] (G1a below 31.05, G1b above)
//	      |  G1a +--+  |                |     |   D2 = [121.049, 121.09]: overlaps D1 by a 95 m strip
//	      |      |D5|  |                |     |   D5 = [121.02, 121.04]×[31.02, 31.04]: inside D1, a sibling
//	31.00 +------+--+--+----------------+-----+   city C = [121.00, 121.10]: 121.09 to 121.10 is no district's
//	    121.00      121.049 121.05   121.09  121.10
func gapFixture() []partition.Unit {
	u := func(code, parent string, level partition.Level, g orb.MultiPolygon) partition.Unit {
		return partition.Unit{Code: partition.Code(code), Name: code, Level: level, Network: partition.NetworkLand, Kind: partition.KindComprehensive, Parent: partition.Code(parent), Geometry: g}
	}
	return []partition.Unit{
		u("320100", "", partition.LevelCity, storetest.Box(121.00, 31.00, 121.10, 31.10)),
		u("320101", "320100", partition.LevelDistrict, storetest.Box(121.00, 31.00, 121.05, 31.10)),
		u("320102", "320100", partition.LevelDistrict, storetest.Box(121.049, 31.00, 121.09, 31.10)),
		u("320105", "320100", partition.LevelDistrict, storetest.Box(121.02, 31.02, 121.04, 31.04)),
		u("320101001", "320101", partition.LevelStreet, storetest.Box(121.00, 31.00, 121.05, 31.05)),
		u("320101002", "320101", partition.LevelStreet, storetest.Box(121.00, 31.05, 121.05, 31.10)),
	}
}

// TestGapsAndOverlaps: the closed rule where nobody else claims a boundary,
// points in a gap (near a district, far from every one, on the city's
// outline), and overlapping siblings named; the expected answers are read
// off the drawing above, the distances are geodesic distances to the
// nearest point of the edge across the gap (same latitude: a meridian).
func TestGapsAndOverlaps(t *testing.T) {
	ix, err := New(partition.Version{Number: 1}, gapFixture(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	east := func(p orb.Point, x float64) float64 { return float64(geo.Distance(p, orb.Point{x, p[1]})) }
	for _, tc := range []struct {
		name     string
		p        orb.Point
		code     string // the answer
		approx   bool
		gapIn    string
		nearest  string
		dist     float64 // -1: do not check
		overlaps string  // comma-separated
	}{
		{"on D2's east edge, facing the gap: D2, exactly", orb.Point{121.09, 31.05}, "320102", false, "", "", 0, ""},
		{"on a corner of D2 on the outline", orb.Point{121.09, 31.10}, "320102", false, "", "", 0, ""},
		{"on the north outline: the street below it", orb.Point{121.02, 31.10}, "320101002", false, "", "", 0, ""},
		// on D1's and D2's boundaries alike: the better ranked (the smaller code), then its street
		{"on the north outline where D1 and D2 overlap", orb.Point{121.05, 31.10}, "320101002", false, "", "", 0, ""},
		{"in the gap 28 m from D2", orb.Point{121.0903, 31.05}, "320102", true, "320100", "", east(orb.Point{121.0903, 31.05}, 121.09), ""},
		{"in the gap 477 m from D2", orb.Point{121.095, 31.05}, "320100", false, "320100", "320102", east(orb.Point{121.095, 31.05}, 121.09), ""},
		{"on the city's east outline, in the gap", orb.Point{121.10, 31.05}, "320100", false, "320100", "320102", east(orb.Point{121.10, 31.05}, 121.09), ""},
		{"in the strip where D1 and D2 overlap", orb.Point{121.0495, 31.03}, "320101001", false, "", "", -1, "320102"},
		{"in D5, inside D1", orb.Point{121.03, 31.03}, "320101001", false, "", "", -1, "320105"},
		{"in D1 alone", orb.Point{121.01, 31.07}, "320101002", false, "", "", -1, ""},
		{"outside the city, 28 m off", orb.Point{121.1003, 31.05}, "320100", true, "", "", east(orb.Point{121.1003, 31.05}, 121.10), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := ix.Route(tc.p)
			code := func(u *partition.Unit) string {
				if u == nil {
					return ""
				}
				return string(u.Code)
			}
			var ov []string
			for _, u := range r.Overlaps() {
				ov = append(ov, string(u.Code))
			}
			if code(r.Unit()) != tc.code || r.Approximate != tc.approx || code(r.Gap()) != tc.gapIn || code(r.Nearest()) != tc.nearest || strings.Join(ov, ",") != tc.overlaps || !r.Resolved {
				t.Fatalf("got %s approximate=%v gap_in=%q nearest=%q overlaps=%v resolved=%v, want %s %v %q %q %q",
					code(r.Unit()), r.Approximate, code(r.Gap()), code(r.Nearest()), ov, r.Resolved, tc.code, tc.approx, tc.gapIn, tc.nearest, tc.overlaps)
			}
			if tc.dist >= 0 && math.Abs(float64(r.Distance)-tc.dist) > 0.01 {
				t.Errorf("distance %.3f m, want %.3f", r.Distance, tc.dist)
			}
			if got, _ := ix.Locate(tc.p); tc.gapIn == "" && !tc.approx && string(got) != tc.code {
				t.Errorf("Locate gave %s, Route %s", got, tc.code)
			} else if tc.gapIn != "" && string(got) != tc.gapIn {
				t.Errorf("Locate gave %s, want the unit with the gap, %s", got, tc.gapIn)
			}
			js := string(AppendJSON(nil, &r, [2]float64(tc.p)))
			wantGap := `"gap":false,"gap_in":null`
			if tc.gapIn != "" {
				wantGap = `"gap":true,"gap_in":{"code":"` + tc.gapIn + `","name":"` + tc.gapIn + `","level":"city"}`
			}
			wantOv := `"overlaps":[]`
			if tc.overlaps != "" {
				wantOv = `"overlaps":["` + strings.ReplaceAll(tc.overlaps, ",", `","`) + `"]`
			}
			if !strings.Contains(js, wantGap) || !strings.Contains(js, wantOv) {
				t.Errorf("the answer %s lacks %s or %s", js, wantGap, wantOv)
			}
		})
	}
}

// TestNeighbourAcrossGap: a point near a boundary that faces a gap has no
// neighbour (the city beyond is its own ancestor), and one near a shared
// edge names the district across it.
func TestNeighbourAcrossGap(t *testing.T) {
	ix, err := New(partition.Version{Number: 1}, gapFixture(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r := ix.Route(orb.Point{121.0899, 31.05}); !r.NearBoundary || r.Neighbor() != nil {
		t.Errorf("10 m inside D2's east edge: near=%v neighbour %v, want near and no neighbour", r.NearBoundary, r.Neighbor())
	}
	if r := ix.Route(orb.Point{121.09, 31.05}); !r.NearBoundary || r.Neighbor() != nil || r.Distance != 0 {
		t.Errorf("on D2's east edge: near=%v neighbour %v at %v m, want near, at 0 m, no neighbour", r.NearBoundary, r.Neighbor(), r.Distance)
	}
	if r := ix.Route(orb.Point{121.0498, 31.07}); r.Neighbor() == nil || r.Neighbor().Code != "320102" || !r.NearBoundary {
		t.Errorf("19 m west of D1's east edge: near=%v neighbour %v, want near, 320102", r.NearBoundary, r.Neighbor())
	}
}
