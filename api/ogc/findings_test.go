package ogc_test

import (
	"context"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/wangge/wangge/api"
	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/internal/synth"
	"github.com/wangge/wangge/partition"
)

func getJSON(t *testing.T, url string, want int, v any) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		t.Fatalf("GET %s: %d %s, want %d", url, res.StatusCode, b, want)
	}
	if v != nil {
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("GET %s: %v", url, err)
		}
	}
}

// TestFindingsCollection: a community with three grids removed has three
// gaps, each of the removed grid's area; the findings collection serves
// them through paging, by id, filtered, as HTML, and to GDAL.
func TestFindingsCollection(t *testing.T) {
	for _, kind := range storeKinds {
		t.Run(kind.name, func(t *testing.T) {
			st := kind.open(t)
			units := synth.Community(400)
			removed := map[int]bool{1: true, 7: true, 14: true} // grids 001, 007, 014: not adjacent
			var keep []partition.Unit
			var gapAreas []float64
			for i, u := range units {
				if removed[i] {
					gapAreas = append(gapAreas, float64(geo.Area(u.Geometry)))
					continue
				}
				keep = append(keep, u)
			}
			if _, err := st.Publish(context.Background(), partition.Changeset{Units: keep}); err != nil {
				t.Fatal(err)
			}
			srv := serve(t, st, api.Config{})
			var cols struct{ Collections []struct{ ID string } }
			getJSON(t, srv.URL+"/collections", 200, &cols)
			if ids := cols.Collections; len(ids) == 0 || ids[len(ids)-1].ID != "findings" {
				t.Fatalf("collections %v lack findings", ids)
			}
			// Describing the collection does not run the check: until its
			// items are asked for, its extent is the division's.
			type described struct {
				Extent struct{ Spatial struct{ BBox [][4]float64 } }
			}
			var before, community described
			getJSON(t, srv.URL+"/collections/findings", 200, &before)
			getJSON(t, srv.URL+"/collections/communities", 200, &community)
			if b, c := before.Extent.Spatial.BBox, community.Extent.Spatial.BBox; len(b) != 1 || len(c) != 1 || b[0] != c[0] {
				t.Errorf("findings extent before the check: %v, want the division's %v", b, c)
			}
			var got []*geojson.Feature
			next := srv.URL + "/collections/findings/items?limit=1"
			for pages := 0; next != ""; pages++ {
				var fc struct {
					NumberMatched int `json:"numberMatched"`
					Features      []*geojson.Feature
					Links         []struct{ Rel, Href string }
				}
				getJSON(t, next, 200, &fc)
				if fc.NumberMatched != 3 || len(fc.Features) != 1 {
					t.Fatalf("page %d: numberMatched %d, %d features; want 3 and 1", pages, fc.NumberMatched, len(fc.Features))
				}
				got = append(got, fc.Features...)
				next = ""
				for _, l := range fc.Links {
					if l.Rel == "next" {
						next = l.Href
					}
				}
				if pages > 5 {
					t.Fatal("paging does not end")
				}
			}
			for i, f := range got {
				a := f.Properties.MustFloat64("area_m2")
				if f.Properties.MustString("rule") != "gap" || f.Geometry.GeoJSONType() != "MultiPolygon" || math.Abs(a-gapAreas[i])/gapAreas[i] > 0.01 {
					t.Errorf("finding %d: %s of %.1f m², want a gap of %.1f m²", i+1, f.Properties.MustString("rule"), a, gapAreas[i])
				}
			}
			// Once checked, the extent is the findings' own.
			var after described
			getJSON(t, srv.URL+"/collections/findings", 200, &after)
			var gaps orb.Bound
			for i, f := range got {
				if i == 0 {
					gaps = f.Geometry.Bound()
				}
				gaps = gaps.Union(f.Geometry.Bound())
			}
			if a := after.Extent.Spatial.BBox; len(a) != 1 || a[0] != [4]float64{gaps.Min[0], gaps.Min[1], gaps.Max[0], gaps.Max[1]} {
				t.Errorf("findings extent after the check: %v, want the gaps' %v", a, gaps)
			}
			var one geojson.Feature
			getJSON(t, srv.URL+"/collections/findings/items/2", 200, &one)
			if one.ID != "2" {
				t.Errorf("item 2 has id %v", one.ID)
			}
			var none struct{ NumberMatched int }
			getJSON(t, srv.URL+"/collections/findings/items?rule=overlap", 200, &none)
			getJSON(t, srv.URL+"/collections/findings/items/4", 404, nil)
			getJSON(t, srv.URL+"/collections/findings/items?cursor=x", 400, nil)
			getJSON(t, srv.URL+"/collections/findings/items?level=grid", 400, nil)
			if none.NumberMatched != 0 {
				t.Errorf("overlaps: %d, want 0", none.NumberMatched)
			}
			res, err := http.Get(srv.URL + "/collections/findings/items?f=html")
			if err != nil || res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
				t.Errorf("findings as HTML: %v %v", res.StatusCode, err)
			}
			res.Body.Close()

			out := filepath.Join(t.TempDir(), "findings.geojson")
			gdal(t, "ogr2ogr", "-f", "GeoJSON", out, "OAPIF:"+srv.URL+"/", "findings", "-oo", "PAGE_SIZE=1")
			info, _ := gdal(t, "ogrinfo", "-ro", "-so", "-al", out)
			if !strings.Contains(info, "Feature Count: 3") || !strings.Contains(info, "rule: String") {
				t.Errorf("GDAL read of the findings:\n%s", info)
			}
		})
	}
}
