package partition_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/store/gpkg"
	"github.com/wangge/wangge/partition/store/storetest"
)

// TestExport checks which units and vessels an export of a subtree holds,
// including a unit whose code lies in the root's code space but which
// hangs from the root's parent (with a child of its own): neither is a
// descendant of the root. The root keeps its parent, unless DetachRoot.
func TestExport(t *testing.T) {
	ctx := context.Background()
	s, err := gpkg.Open(ctx, filepath.Join(t.TempDir(), "w.gpkg"), gpkg.Options{Limits: geo.DefaultLimits})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cs := storetest.Sample()
	stray := partition.Unit{Code: "330922200000", Name: "外挂镇", Level: partition.LevelStreet, Kind: partition.KindComprehensive,
		Network: partition.NetworkLand, Parent: "330900000000", Geometry: storetest.Box(123, 30, 123.5, 30.5)}
	strayChild := stray
	strayChild.Code, strayChild.Name, strayChild.Level, strayChild.Parent = "330922200001", "外挂社区", partition.LevelCommunity, stray.Code
	cs.Units = append(cs.Units, stray, strayChild)
	if _, err := s.Publish(ctx, cs); err != nil {
		t.Fatal(err)
	}
	parentOf := map[string]any{}
	for _, u := range cs.Units {
		if u.Parent != "" {
			parentOf[string(u.Code)] = string(u.Parent)
		}
	}
	for _, c := range []struct {
		root    partition.Code
		detach  bool
		units   int
		vessels int
	}{
		{"", false, 14, 3},
		{"330922000000", false, 11, 3}, // not the stray street and its community
		{"330922000000", true, 11, 3},
		{"330922100000", false, 6, 0},
		{"330922100000", true, 6, 0},
		{"330922900000001", false, 2, 2},
		{"330922100001001001", false, 1, 0},
		{"330922100001001001", true, 1, 0},
	} {
		t.Run(fmt.Sprintf("%s detach=%v", c.root, c.detach), func(t *testing.T) {
			x := partition.Export{Store: s, At: partition.AsOf{Version: 1}, Root: c.root, DetachRoot: c.detach}
			var buf bytes.Buffer
			if err := x.WriteGeoJSON(ctx, &buf, nil); err != nil {
				t.Fatal(err)
			}
			var fc struct {
				Features []struct{ Properties map[string]any }
				Vessels  []any
			}
			if err := json.Unmarshal(buf.Bytes(), &fc); err != nil {
				t.Fatal(err)
			}
			if units, vessels := x.Counts(); units != c.units || vessels != c.vessels || len(fc.Features) != units || len(fc.Vessels) != vessels {
				t.Errorf("got %d units and %d vessels (%d and %d written), want %d and %d", units, vessels, len(fc.Features), len(fc.Vessels), c.units, c.vessels)
			}
			for _, f := range fc.Features {
				if code := f.Properties["code"]; code == string(stray.Code) && c.root != "" || code == string(strayChild.Code) && c.root != "" {
					t.Errorf("exported %v, which is not a descendant of %s", code, c.root)
				}
				if c.root == "" || f.Properties["code"] != string(c.root) {
					continue
				}
				want := parentOf[string(c.root)] // as published
				if c.detach {
					want = nil
				}
				if f.Properties["parent"] != want {
					t.Errorf("the root's parent is %v, want %v", f.Properties["parent"], want)
				}
			}
		})
	}
	x := partition.Export{Store: s, At: partition.AsOf{Version: 1}, Root: "110000000000"}
	if err := x.WriteGeoJSON(ctx, &bytes.Buffer{}, nil); partition.KindOf(err) != partition.NotFound {
		t.Errorf("an absent root: got %v, want not_found", err)
	}
}
