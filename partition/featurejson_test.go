package partition

import (
	"os"
	"testing"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/internal/shareddata"
)

// TestAppendFeatureAsOrb: AppendFeature writes, byte for byte, what
// json.Marshal writes for Feature (orb's encoder over the property map):
// on the sample county (staff, free properties, Chinese names), on DataV
// boundaries (nested free properties), and on units made to need every
// escape and float form, with and without a transform.
func TestAppendFeatureAsOrb(t *testing.T) {
	var units []Unit
	for _, path := range []string{"../data/sample/shengsi.geojson", shareddata.Boundary(t, "330900_zhoushan_full_2021.geojson")} {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		d, err := DecodeFeatureCollection(f, DecodeOptions{})
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		units = append(units, d.Units...)
	}
	if len(units) < 700 {
		t.Fatalf("only %d units read", len(units))
	}
	odd := Unit{
		Code: "330922100001001", Name: "引号\"与\\反斜杠 <b>&amp; \t\x01 \u2028\u2029 bad\xffutf8", Level: LevelGrid, Network: NetworkLand, Kind: KindComprehensive,
		Parent: "330922100001", Households: -3, Population: 1 << 40,
		Staff:    []Staff{{Role: "grid_leader", Name: "张<三>"}, {Role: "full_time", Name: "", Phone: "+86 138"}},
		Props:    map[string]any{"code": "ignored", "zeta": nil, "alpha": 1.5e-7, "big": 1e21, "list": []any{1.0, "x", true, map[string]any{"b": 2.0, "a": -0.0}}, "中文": "值", "staff": "ignored too"},
		Geometry: orb.MultiPolygon{{{{-1e-7, 0}, {1e-6, 123.456}, {-179.99999999999997, -89.5e-10}, {1e21, 5e-324}, {-1e-7, 0}}}, {}, {{}}},
	}
	units = append(units, odd, Unit{Code: "M1", Level: LevelMicrogrid, Kind: KindFormation, Network: NetworkSea})
	swap := func(g orb.Geometry) orb.Geometry {
		mp := g.(orb.MultiPolygon)
		for _, pg := range mp {
			for _, r := range pg {
				for i, p := range r {
					r[i] = orb.Point{p[1], p[0]}
				}
			}
		}
		return mp
	}
	for _, tr := range []func(orb.Geometry) orb.Geometry{nil, swap} {
		for i := range units {
			want, err := Feature(&units[i], tr).MarshalJSON()
			if err != nil {
				t.Fatal(err)
			}
			got, err := AppendFeature(nil, &units[i], tr)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != string(want) {
				t.Fatalf("unit %s:\n got %s\nwant %s", units[i].Code, got, want)
			}
		}
	}
}
