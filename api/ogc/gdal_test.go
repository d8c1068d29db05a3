package ogc_test

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/wangge/wangge/api"
	"github.com/wangge/wangge/api/ogc"
	"github.com/wangge/wangge/internal/gisfixture"
	"github.com/wangge/wangge/partition"
)

// TestGDALReadsEveryCollection runs Debian's GDAL (the OAPIF driver) as the
// client of a real server over each store holding the bundled sample and a
// generated community of 12,000 micro-grids: ogrinfo lists every
// collection; ogr2ogr reads every feature of every collection through
// paging (a page size of a quarter of the collection or less, so several
// pages each, following the next links), and the counts, codes and
// geometries (to 1e-9°) match the store; ogr2ogr turns a collection into a
// GeoPackage and a Shapefile that ogrinfo reads back.
func TestGDALReadsEveryCollection(t *testing.T) {
	for _, kind := range storeKinds {
		t.Run(kind.name, func(t *testing.T) {
			st := kind.open(t)
			gisfixture.Publish(t, st, sampleDir, 120, 100)
			srv := serve(t, st, api.Config{})
			dir := t.TempDir()
			src := "OAPIF:" + srv.URL + "/"

			out, _ := gdal(t, "ogrinfo", "-ro", "-q", src)
			for _, c := range ogc.Collections() {
				if !strings.Contains(out, ": "+c.ID+" (title: ") {
					t.Errorf("ogrinfo lists no collection %s:\n%s", c.ID, out)
				}
			}
			for _, c := range ogc.Collections() {
				t.Run(c.ID, func(t *testing.T) {
					want := units(t, st, c.Query(partition.AsOf{}))
					if len(want) == 0 {
						t.Fatalf("the fixture has no %s", c.ID)
					}
					page := max(1, len(want)/4)
					file := filepath.Join(dir, c.ID+".geojson")
					gdal(t, "ogr2ogr", "-f", "GeoJSON", file, src, c.ID, "-oo", fmt.Sprintf("PAGE_SIZE=%d", page))
					compare(t, file, want)
					pages := len(srv.requests("/collections/" + c.ID + "/items?cursor="))
					if wantPages := (len(want) - 1) / page; pages < wantPages {
						t.Errorf("GDAL followed %d next links, want at least %d (%d features, pages of %d)", pages, wantPages, len(want), page)
					}
				})
			}
			if n := len(units(t, st, partition.Query{Level: partition.LevelMicrogrid, Network: partition.NetworkLand, NoGeometry: true})); n <= 10_000 {
				t.Errorf("microgrids: %d features, want more than 10,000", n)
			}
			t.Run("GeoPackageAndShapefile", func(t *testing.T) {
				want := units(t, st, partition.Query{Level: partition.LevelGrid, Network: partition.NetworkLand})
				// A Shapefile's default encoding (ISO-8859-1) cannot hold Chinese names.
				for _, f := range []struct{ driver, file, lco string }{{"GPKG", "grids.gpkg", ""}, {"ESRI Shapefile", "grids.shp", "ENCODING=UTF-8"}} {
					path := filepath.Join(dir, f.file)
					args := []string{"-f", f.driver, path, src, "grids", "-oo", "PAGE_SIZE=50"}
					if f.lco != "" {
						args = append(args, "-lco", f.lco)
					}
					gdal(t, "ogr2ogr", args...)
					info, _ := gdal(t, "ogrinfo", "-ro", "-so", "-al", path)
					if !strings.Contains(info, fmt.Sprintf("Feature Count: %d\n", len(want))) {
						t.Errorf("%s: want Feature Count: %d in\n%s", f.file, len(want), info)
					}
					back := filepath.Join(dir, f.file+".geojson")
					gdal(t, "ogr2ogr", "-f", "GeoJSON", back, path)
					compare(t, back, want)
				}
			})
		})
	}
}

// compare checks that the GeoJSON file GDAL wrote holds exactly the units
// of want: same codes in the same order, names, and every vertex within
// 1e-9°.
func compare(t *testing.T, file string, want []partition.Unit) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(b)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	if len(fc.Features) != len(want) {
		t.Fatalf("%s: got %d features, want %d", file, len(fc.Features), len(want))
	}
	slices.SortFunc(fc.Features, func(a, b *geojson.Feature) int {
		return strings.Compare(a.Properties.MustString("code", ""), b.Properties.MustString("code", ""))
	})
	for i, f := range fc.Features {
		w := &want[i]
		if got := f.Properties.MustString("code", ""); got != string(w.Code) {
			t.Fatalf("%s: feature %d: got code %s, want %s", file, i, got, w.Code)
		}
		if got := f.Properties.MustString("name", ""); got != w.Name {
			t.Errorf("%s: %s: got name %q, want %q", file, w.Code, got, w.Name)
		}
		if d, where := maxDiff(f.Geometry, w.Geometry); d > 1e-9 {
			t.Errorf("%s: %s: a vertex is %g° off at %s", file, w.Code, d, where)
		}
	}
}

// maxDiff returns the largest coordinate difference between g and want,
// +Inf when their structure differs. Ring orientation may differ (a
// Shapefile stores outer rings clockwise): a ring equal to the reverse of
// the wanted one counts as equal.
func maxDiff(g orb.Geometry, want orb.MultiPolygon) (float64, string) {
	var mp orb.MultiPolygon
	switch g := g.(type) {
	case orb.MultiPolygon:
		mp = g
	case orb.Polygon:
		mp = orb.MultiPolygon{g}
	default:
		return math.Inf(1), fmt.Sprintf("geometry %T", g)
	}
	if len(mp) != len(want) {
		return math.Inf(1), fmt.Sprintf("%d parts, want %d", len(mp), len(want))
	}
	worst, where := 0.0, ""
	for i := range mp {
		if len(mp[i]) != len(want[i]) {
			return math.Inf(1), fmt.Sprintf("part %d: %d rings, want %d", i, len(mp[i]), len(want[i]))
		}
		for j := range mp[i] {
			d := ringDiff(mp[i][j], want[i][j])
			if r := ringDiff(reversed(mp[i][j]), want[i][j]); r < d {
				d = r
			}
			if d > worst {
				worst, where = d, fmt.Sprintf("part %d ring %d", i, j)
			}
		}
	}
	return worst, where
}

func ringDiff(a, b orb.Ring) float64 {
	if len(a) != len(b) {
		return math.Inf(1)
	}
	d := 0.0
	for k := range a {
		d = max(d, math.Abs(a[k][0]-b[k][0]), math.Abs(a[k][1]-b[k][1]))
	}
	return d
}

func reversed(r orb.Ring) orb.Ring {
	out := make(orb.Ring, len(r))
	for i := range r {
		out[len(r)-1-i] = r[i]
	}
	return out
}
