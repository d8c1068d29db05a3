package synth

import (
	"context"
	"testing"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/tiling"
)

// TestCity checks a small city: its codes and parents, its households, and
// that the tiling check finds nothing in any of its families.
func TestCity(t *testing.T) {
	o := Options{Origin: orb.Point{122.3, 30.6}, CellDeg: 0.003, Cols: 6, Rows: 4, BlockCols: 3, BlockRows: 2, EdgeVertices: 6, Jitter: 0.2, Seed: 9}
	units, err := City(o, 400)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(units), 2+4+24; got != want {
		t.Fatalf("got %d units, want %d", got, want)
	}
	want := []struct {
		i      int
		code   partition.Code
		parent partition.Code
		level  partition.Level
		hh     int
	}{
		{0, "330922000000", "", partition.LevelDistrict, 9600},
		{1, "330922100000", "330922000000", partition.LevelStreet, 9600},
		{2, "330922100001", "330922100000", partition.LevelCommunity, 2400},
		{3, "330922100001001", "330922100001", partition.LevelGrid, 400},
		{8, "330922100001006", "330922100001", partition.LevelGrid, 400},
		{9, "330922100002", "330922100000", partition.LevelCommunity, 2400},
		{29, "330922100004006", "330922100004", partition.LevelGrid, 400},
	}
	for _, w := range want {
		u := units[w.i]
		if u.Code != w.code || u.Parent != w.parent || u.Level != w.level || u.Households != w.hh {
			t.Errorf("unit %d: got %s (parent %q, %s, %d households), want %s (parent %q, %s, %d)",
				w.i, u.Code, u.Parent, u.Level, u.Households, w.code, w.parent, w.level, w.hh)
		}
	}
	var fams []tiling.Family
	for _, f := range tiling.Families(units) {
		if f.Parent != nil {
			fams = append(fams, f)
		}
	}
	if len(fams) != 6 {
		t.Fatalf("got %d families, want 6 (district, street, 4 communities)", len(fams))
	}
	rep, err := tiling.Run(context.Background(), tiling.Slice(fams), tiling.DefaultOptions(), 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Findings {
		t.Errorf("finding %s %s %v: %s", f.Severity, f.Rule, f.Codes, f.Message)
	}
}
