package tiling

import (
	"testing"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/partition"
)

// TestMembershipChildren: a fishing grid whose children are formations
// (groups of vessels, no polygon) has nothing to tile, so the check reports
// no gap; a polygonal sibling among them still has to tile it.
func TestMembershipChildren(t *testing.T) {
	box := orb.MultiPolygon{orb.Bound{Min: orb.Point{122.5, 30.5}, Max: orb.Point{122.6, 30.6}}.ToPolygon()}
	fishing := partition.Unit{Code: "330922900000001", Name: "渔区", Level: partition.LevelGrid, Network: partition.NetworkSea, Kind: partition.KindFishing, Geometry: box}
	formation := func(code string) partition.Unit {
		return partition.Unit{Code: partition.Code(code), Name: "编组", Level: partition.LevelMicrogrid, Network: partition.NetworkSea, Kind: partition.KindFormation, Parent: fishing.Code}
	}
	half := orb.MultiPolygon{orb.Bound{Min: orb.Point{122.5, 30.5}, Max: orb.Point{122.55, 30.6}}.ToPolygon()}
	polygonal := partition.Unit{Code: "330922900000001003", Name: "half", Level: partition.LevelMicrogrid, Network: partition.NetworkSea, Kind: partition.KindComprehensive, Parent: fishing.Code, Geometry: half}
	tests := []struct {
		name     string
		children []partition.Unit
		gaps     int
	}{
		{"formations only", []partition.Unit{formation("330922900000001001"), formation("330922900000001002")}, 0},
		{"a polygonal child too", []partition.Unit{formation("330922900000001001"), polygonal}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Check(&fishing, tc.children, DefaultOptions())
			if err != nil {
				t.Fatal(err)
			}
			gaps := 0
			for _, f := range res.Findings {
				if f.Rule == partition.RuleGap {
					gaps++
				}
			}
			if gaps != tc.gaps {
				t.Errorf("got %d gap findings (%v), want %d", gaps, res.Findings, tc.gaps)
			}
		})
	}
}
