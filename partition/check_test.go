package partition

import (
	"context"
	"testing"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
)

var testLimits = geo.DefaultLimits

func TestCheckChangeset(t *testing.T) {
	sq := orb.MultiPolygon{{{{122, 30}, {122.1, 30}, {122.1, 30.1}, {122, 30.1}, {122, 30}}}}
	district := Unit{Code: "330922000000", Name: "嵊泗县", Level: LevelDistrict, Kind: KindComprehensive, Network: NetworkLand, Geometry: sq}
	fishing := Unit{Code: "330922900000001", Name: "渔区", Level: LevelGrid, Kind: KindFishing, Network: NetworkSea, Parent: "330922000000", Geometry: sq}
	formation := Unit{Code: "330922900000001001", Name: "编组", Level: LevelMicrogrid, Kind: KindFormation, Network: NetworkSea, Parent: "330922900000001"}
	transport := Unit{Code: "330922900000002", Name: "运输", Level: LevelGrid, Kind: KindTransport, Network: NetworkSea, Parent: "330922000000"}
	store := memLookup{district.Code: district, fishing.Code: fishing}
	tests := []struct {
		name string
		cs   Changeset
		ok   bool
	}{
		{"formation under fishing", Changeset{Units: []Unit{formation}}, true},
		{"formation under district", Changeset{Units: []Unit{func() Unit {
			u := formation
			u.Parent = "330922000000"
			u.Code = "330922900000009"
			u.Level = LevelGrid
			return u
		}()}}, false},
		{"fishing vessel in formation", Changeset{Units: []Unit{formation}, Vessels: []Vessel{{ID: "v", Type: VesselFishing, Unit: formation.Code}}}, true},
		{"fishing vessel in transport grid", Changeset{Units: []Unit{transport}, Vessels: []Vessel{{ID: "v", Type: VesselFishing, Unit: transport.Code}}}, false},
		{"transport vessel", Changeset{Units: []Unit{transport}, Vessels: []Vessel{{ID: "v", Type: VesselTransport, Unit: transport.Code}}}, true},
		{"duplicate vessel", Changeset{Units: []Unit{transport}, Vessels: []Vessel{{ID: "v", Type: VesselTransport, Unit: transport.Code}, {ID: "v", Type: VesselTransport, Unit: transport.Code}}}, false},
		{"sea network on land kind", Changeset{Units: []Unit{func() Unit { u := fishing; u.Network = NetworkLand; return u }()}}, false},
		{"retire with child", Changeset{DeleteUnits: []Code{"330922000000"}}, false},
		{"retire with child too", Changeset{DeleteUnits: []Code{"330922000000", "330922900000001"}}, true},
		{"write and retire", Changeset{Units: []Unit{fishing}, DeleteUnits: []Code{fishing.Code}}, false},
		{"retire unknown", Changeset{DeleteUnits: []Code{"330922100000"}}, false},
		{"empty", Changeset{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckChangeset(context.Background(), &tt.cs, store, testLimits)
			if (err == nil) != tt.ok {
				t.Fatalf("got %v, want ok=%v", err, tt.ok)
			}
		})
	}
}
