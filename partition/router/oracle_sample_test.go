package router

import (
	"testing"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/store/storetest"
)

// dataVUnits are the real DataV boundaries of Zhoushan and Nanjing (the
// 2019 outlines with their children), converted from GCJ-02.
func dataVUnits(t *testing.T) []partition.Unit {
	t.Helper()
	var units []partition.Unit
	for _, f := range []string{"330900_zhoushan_outline", "330900_zhoushan_full", "320100_nanjing_outline", "320100_nanjing_full"} {
		units = append(units, readDataV(t, f)...)
	}
	return units
}

func TestOracleSample(t *testing.T) {
	n := 1_000_000
	if testing.Short() {
		n = 100_000
	}
	for _, tc := range []struct {
		name  string
		units []partition.Unit
	}{
		{"storetest.Sample", storetest.Sample().Units},
		{"Zhoushan+Nanjing DataV", dataVUnits(t)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ix, err := New(partition.Version{Number: 1}, tc.units, Options{})
			if err != nil {
				t.Fatal(err)
			}
			agree(t, ix, newBrute(tc.units), testPoints(tc.units, n/2, 2))
		})
	}
}

// TestRouteSample checks the answers and their evidence on storetest.Sample.
func TestRouteSample(t *testing.T) {
	ix, err := New(partition.Version{Number: 7}, storetest.Sample().Units, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name        string
		p           orb.Point
		code        string
		approx      bool
		near        bool
		neighbor    string
		chainLen    int
		unresolvedN string // nearest unit of an unresolved point
	}{
		{"microgrid", orb.Point{122.05, 30.05}, "330922100001001001", false, false, "", 6, ""},
		{"shared edge goes north", orb.Point{122.05, 30.1}, "330922100001001002", false, true, "330922100001001001", 6, ""},
		{"shared edge goes east", orb.Point{122.1, 30.05}, "330922100001002", false, true, "330922100001001001", 5, ""},
		{"hole of the street", orb.Point{122.35, 30.35}, "330922000000", false, false, "", 2, ""},
		{"island part of the street wins over the sea", orb.Point{122.61, 30.62}, "330922100000", false, false, "", 3, ""},
		{"at sea", orb.Point{122.7, 30.8}, "330922900000001", false, false, "", 3, ""},
		{"aquaculture", orb.Point{122.7, 30.2}, "330922900000002", false, false, "", 3, ""},
		{"just outside the city (GPS error)", orb.Point{124.0002, 30}, "330900000000", true, false, "", 1, ""},
		{"far away", orb.Point{125, 30}, "", false, false, "", 0, "330900000000"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := ix.Route(tc.p)
			code := ""
			if u := r.Unit(); u != nil {
				code = string(u.Code)
			}
			if code != tc.code || r.Approximate != tc.approx || r.NearBoundary != tc.near || len(r.Chain()) != tc.chainLen {
				t.Fatalf("got %s approximate=%v near=%v chain %d, want %s %v %v %d", code, r.Approximate, r.NearBoundary, len(r.Chain()), tc.code, tc.approx, tc.near, tc.chainLen)
			}
			if tc.neighbor != "" && (r.Neighbor() == nil || string(r.Neighbor().Code) != tc.neighbor) {
				t.Errorf("got neighbour %v, want %s", r.Neighbor(), tc.neighbor)
			}
			if tc.unresolvedN != "" && (r.Resolved || r.Nearest() == nil || string(r.Nearest().Code) != tc.unresolvedN || r.Distance < 90_000) {
				t.Errorf("got resolved=%v nearest %v at %.0f m, want unresolved, nearest %s about 96 km away", r.Resolved, r.Nearest(), r.Distance, tc.unresolvedN)
			}
			if r.Version().Number != 7 {
				t.Errorf("got version %d, want 7", r.Version().Number)
			}
		})
	}
}
