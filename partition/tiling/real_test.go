package tiling

import (
	"bytes"
	"context"
	"flag"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo/crs"
	"github.com/wangge/wangge/internal/shareddata"
	"github.com/wangge/wangge/partition"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// realCases are real DataV boundaries (GCJ-02, converted on load): a city
// outline and its districts. The *_full files share edges between
// siblings; the detailed ones were drawn separately and overlap.
var realCases = []struct {
	name, parent, children string
	golden                 bool
}{
	{"nanjing", "320100_nanjing_outline.geojson", "320100_nanjing_full.geojson", true},
	{"zhoushan", "330900_zhoushan_outline.geojson", "330900_zhoushan_full.geojson", true},
	{"nanjing_detailed", "320100_nanjing_outline.geojson", "320100_nanjing_children_detailed.geojson", false},
	{"zhoushan_detailed", "330900_zhoushan_outline.geojson", "330900_zhoushan_children_detailed.geojson", false},
}

func loadUnits(t testing.TB, files ...string) []partition.Unit {
	t.Helper()
	var units []partition.Unit
	tr := func(g orb.Geometry) orb.Geometry { return crs.ConvertGeometry(g, crs.GCJ02, crs.CGCS2000) }
	for _, f := range files {
		r, err := os.Open(shareddata.Boundary(t, f))
		if err != nil {
			t.Fatal(err)
		}
		d, err := partition.DecodeFeatureCollection(r, partition.DecodeOptions{Transform: tr})
		r.Close()
		if err != nil {
			t.Fatalf("decode %s: %v", f, err)
		}
		units = append(units, d.Units...)
	}
	return units
}

func runUnits(t testing.TB, units []partition.Unit) Report {
	t.Helper()
	rep, err := Run(context.Background(), Slice(Families(units)), DefaultOptions(), 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestRealBoundariesGolden writes the findings on Nanjing and Zhoushan into
// testdata/*.golden.geojson (go test -run Golden -update rewrites them) and
// checks the totals against data/boundaries/README.md §5–6 (measured there
// on the GCJ-02 coordinates; the conversion changes areas by < 0.1%).
func TestRealBoundariesGolden(t *testing.T) {
	readme := map[string][3]float64{ // gap, outside, overlap km²
		"nanjing": {19.532, 23.043, 0}, "zhoushan": {29.099, 83.732, 0},
	}
	for _, tc := range realCases {
		if !tc.golden {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			rep := runUnits(t, loadUnits(t, tc.parent, tc.children))
			if len(rep.Summaries) != 1 {
				t.Fatalf("got %d summaries, want 1", len(rep.Summaries))
			}
			s := rep.Summaries[0]
			want := readme[tc.name]
			for i, got := range []float64{float64(s.Gap), float64(s.Outside), float64(s.Overlap)} {
				if math.Abs(got/1e6-want[i]) > 0.002*want[i]+1e-9 {
					t.Errorf("total %d: got %.3f km², README says %.3f km²", i, got/1e6, want[i])
				}
			}
			var buf bytes.Buffer
			if err := WriteGeoJSON(&buf, &rep, nil, 7); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", tc.name+".golden.geojson")
			if *update {
				if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			old, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -run Golden -update)", err)
			}
			if !bytes.Equal(old, buf.Bytes()) {
				t.Errorf("findings differ from %s (open both in QGIS; -update rewrites it)", golden)
			}
		})
	}
}

// TestRealBoundariesPostGIS checks total gap, outside and overlap areas on
// the real boundaries against PostGIS (ST_MakeValid on the inputs, as the
// check repairs them) to within 0.5%.
func TestRealBoundariesPostGIS(t *testing.T) {
	for _, tc := range realCases {
		t.Run(tc.name, func(t *testing.T) {
			units := loadUnits(t, tc.parent, tc.children)
			rep := runUnits(t, units)
			var fams []Family
			for _, f := range Families(units) {
				if f.Parent != nil {
					fams = append(fams, f)
				}
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			conn, q := pgFamilies(ctx, t, fams)
			gap, outside, overlap := pgTotals(ctx, t, conn, q, 0, true)
			var s partition.Summary
			for _, x := range rep.Summaries {
				s.Gap += x.Gap
				s.Outside += x.Outside
				s.Overlap += x.Overlap
			}
			for _, c := range []struct {
				what    string
				got, pg float64
			}{{"gap", float64(s.Gap), gap}, {"outside", float64(s.Outside), outside}, {"overlap", float64(s.Overlap), overlap}} {
				t.Logf("%s: ours %.1f m², PostGIS %.1f m²", c.what, c.got, c.pg)
				if math.Abs(c.got-c.pg) > 0.005*c.pg+1e-3 {
					t.Errorf("%s: got %.1f m², PostGIS %.1f m² (more than 0.5%% apart)", c.what, c.got, c.pg)
				}
			}
		})
	}
}
