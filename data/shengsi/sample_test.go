package main

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/partition"
)

// The committed files, as seen from this package's directory.
const (
	committedCounty     = "../sample/shengsi.geojson"
	committedHouseholds = "../sample/shengsi_households.geojson"
)

func readCommitted(t *testing.T) partition.Decoded {
	t.Helper()
	f, err := os.Open(committedCounty)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d, err := partition.DecodeFeatureCollection(f, partition.DecodeOptions{})
	if err != nil {
		t.Fatalf("decode %s: %v", committedCounty, err)
	}
	return d
}

// TestSampleCounts checks the committed county against the real county's
// figures (DESIGN.md) and the generator's plan.
func TestSampleCounts(t *testing.T) {
	d := readCommitted(t)
	l, s := partition.KindComprehensive, partition.LevelGrid
	tests := []struct {
		what  string
		level partition.Level
		kind  partition.Kind
		want  int
	}{
		{"county", partition.LevelDistrict, l, 1},
		{"towns", partition.LevelStreet, l, 7},
		{"communities", partition.LevelCommunity, l, 27},
		{"grids", s, l, 77},
		{"micro-grids", partition.LevelMicrogrid, l, 354},
		{"fishing grids", s, partition.KindFishing, 75},
		{"aquaculture grids", s, partition.KindAquaculture, 7},
		{"transport grids", s, partition.KindTransport, 2},
		{"formations", partition.LevelMicrogrid, partition.KindFormation, 213},
	}
	for _, tc := range tests {
		if got := count(d.Units, tc.level, tc.kind); got != tc.want {
			t.Errorf("%s: got %d, want %d", tc.what, got, tc.want)
		}
	}
	if got := len(d.Units); got != 763 {
		t.Errorf("got %d units, want 763", got)
	}
	vessels := map[partition.VesselType]int{}
	for _, v := range d.Vessels {
		vessels[v.Type]++
	}
	if vessels[partition.VesselFishing] != 1132 || vessels[partition.VesselTransport] != 36 {
		t.Errorf("got vessels %v, want 1132 fishing and 36 transport", vessels)
	}
	towns := map[string]bool{}
	for _, u := range d.Units {
		if u.Level == partition.LevelStreet {
			towns[u.Name] = true
		}
		if u.Level == partition.LevelDistrict && (u.Households < 24_000 || u.Households > 26_000) {
			t.Errorf("the county has %d households, want about 25,000", u.Households)
		}
	}
	for _, name := range []string{"菜园镇", "嵊山镇", "洋山镇", "五龙乡", "黄龙乡", "枸杞乡", "花鸟乡"} {
		if !towns[name] {
			t.Errorf("no town %s", name)
		}
	}
}

// TestSamplePartitionerFigures: the land units below the towns carry the
// partitioner's figures, and the islands it joined to a neighbour are
// named in that unit's note, where a planner sees them.
func TestSamplePartitionerFigures(t *testing.T) {
	d := readCommitted(t)
	notes := 0
	for _, u := range d.Units {
		if u.Network != partition.NetworkLand || u.Level.Depth() <= partition.LevelStreet.Depth() {
			continue
		}
		pp, ok := u.Props["polsby_popper"].(float64)
		if !ok || pp <= 0 || pp > 1 || u.Props["within_range"] != true || u.Props["feasible"] != true {
			t.Errorf("%s %s: polsby_popper %v, within_range %v, feasible %v; want a figure in (0, 1], true, true",
				u.Code, u.Name, u.Props["polsby_popper"], u.Props["within_range"], u.Props["feasible"])
		}
		if n, _ := u.Props["note"].(string); strings.Contains(n, "island(s) without a child of their own") {
			notes++
		}
	}
	if notes == 0 {
		t.Error("no unit notes an island joined to it")
	}
}

// TestSampleChangeset: the file publishes as one valid changeset into an
// empty store.
func TestSampleChangeset(t *testing.T) {
	d := readCommitted(t)
	if err := partition.CheckChangeset(context.Background(), &d.Changeset, emptyStore{}, geo.DefaultLimits); err != nil {
		t.Fatalf("CheckChangeset: %v", err)
	}
}

type emptyStore struct{}

func (emptyStore) LookupUnit(context.Context, partition.Code) (partition.Unit, bool, error) {
	return partition.Unit{}, false, nil
}
func (emptyStore) ChildCodes(context.Context, partition.Code) ([]partition.Code, error) {
	return nil, nil
}
func (emptyStore) VesselIDs(context.Context, partition.Code) ([]string, error) { return nil, nil }

// TestSampleTiles: zero findings, warnings included, with the Zhejiang
// rule set: land county → towns → communities → grids → micro-grids, and
// the polygonal sea grids among themselves; and no sea grid covers land.
func TestSampleTiles(t *testing.T) {
	d := readCommitted(t)
	if n := errorFindings(t, d.Units); n != 0 {
		t.Errorf("got %d findings, want 0", n)
	}
	var county orb.MultiPolygon
	for _, u := range d.Units {
		if u.Level == partition.LevelDistrict {
			county = u.Geometry
		}
	}
	for _, u := range d.Units {
		if u.Network != partition.NetworkSea || len(u.Geometry) == 0 {
			continue
		}
		x, err := geo.Intersection(u.Geometry, county)
		if err != nil {
			t.Fatal(err)
		}
		if a := geo.Area(x); a > 1 {
			t.Errorf("sea grid %s covers %.1f m² of land", u.Code, float64(a))
		}
	}
}

// TestSampleStaff: every grid, land or sea, has a grid leader, a full-time
// and a part-time worker and an instructor.
func TestSampleStaff(t *testing.T) {
	d := readCommitted(t)
	for _, u := range d.Units {
		if u.Level != partition.LevelGrid {
			continue
		}
		roles := map[string]bool{}
		for _, s := range u.Staff {
			roles[s.Role] = s.Name != "" && len(s.Phone) == 11 && s.Phone[:3] == "138"
		}
		for _, r := range []string{partition.RoleGridLeader, partition.RoleFullTime, partition.RolePartTime, partition.RoleInstructor} {
			if !roles[r] {
				t.Errorf("grid %s %s: no %s with a name and a 138 number", u.Code, u.Name, r)
			}
		}
	}
}

// TestSampleHouseholds: every SYNTHETIC household lies in exactly one
// micro-grid, and each micro-grid's count is the sum of its households.
func TestSampleHouseholds(t *testing.T) {
	d := readCommitted(t)
	b, err := os.ReadFile(committedHouseholds)
	if err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Synthetic string `json:"synthetic"`
		Features  []struct {
			Geometry struct {
				Coordinates orb.Point `json:"coordinates"`
			} `json:"geometry"`
			Properties struct {
				Households int  `json:"households"`
				Synthetic  bool `json:"synthetic"`
			} `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(b, &fc); err != nil {
		t.Fatal(err)
	}
	if fc.Synthetic == "" {
		t.Error("the households file does not say it is synthetic")
	}
	var micro []partition.Unit
	for _, u := range d.Units {
		if u.Level == partition.LevelMicrogrid && u.Network == partition.NetworkLand {
			micro = append(micro, u)
		}
	}
	bounds := make([]orb.Bound, len(micro))
	for i := range micro {
		bounds[i] = micro[i].Geometry.Bound()
	}
	got := make([]int, len(micro))
	total := 0
	for i, f := range fc.Features {
		p := f.Geometry.Coordinates
		in := 0
		for k := range micro {
			if bounds[k].Contains(p) && geo.MultiPolygonContains(micro[k].Geometry, p) {
				in++
				got[k] += f.Properties.Households
			}
		}
		if in != 1 || !f.Properties.Synthetic {
			t.Fatalf("household %d at %v: in %d micro-grids (want 1), synthetic %v", i+1, p, in, f.Properties.Synthetic)
		}
		total += f.Properties.Households
	}
	for k := range micro {
		if got[k] != micro[k].Households {
			t.Errorf("micro-grid %s: %d households in it, %d in its properties", micro[k].Code, got[k], micro[k].Households)
		}
	}
	if total < 24_000 || total > 26_000 {
		t.Errorf("%d households, want about 25,000", total)
	}
}
