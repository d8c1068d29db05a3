package api_test

import (
	"encoding/json"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/wangge/wangge/api"
	"github.com/wangge/wangge/internal/testdb"
)

const (
	sampleCounty    = "../data/sample/shengsi.geojson"
	sampleCommunity = "330922100001"
)

// communityGrids returns the sample county's file, the grids of community
// 330922100001 and the county's feature.
func communityGrids(t *testing.T) (county []byte, grids []*geojson.Feature, root *geojson.Feature) {
	t.Helper()
	data, err := os.ReadFile(sampleCounty)
	if err != nil {
		t.Fatal(err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(data)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fc.Features {
		if f.Properties.MustString("parent", "") == sampleCommunity {
			grids = append(grids, f)
		}
	}
	if len(grids) < 2 {
		t.Fatalf("community %s has %d grids in the sample, want 2 or more", sampleCommunity, len(grids))
	}
	return data, grids, fc.Features[0]
}

func featureCollection(t *testing.T, fs ...*geojson.Feature) string {
	t.Helper()
	b, err := json.Marshal(&geojson.FeatureCollection{Type: "FeatureCollection", Features: fs})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestValidateChildrenOnly posts the grids of a sample community without
// their parent: refused (400, naming it) unless parent= names the stored
// community, which each store holds; the stored grid that a file lacks
// completes the family unless siblings=false, and then its area by PostGIS
// is the gap.
func TestValidateChildrenOnly(t *testing.T) {
	county, grids, root := communityGrids(t)
	all, lessOne := featureCollection(t, grids...), featureCollection(t, grids[1:]...)
	gap := testdb.GeographyArea(t, grids[0].Geometry)
	parts := len(grids[0].Geometry.(orb.MultiPolygon)) // a gap each
	tests := []struct {
		name, query, body string
		status            int
		want              string // in the error message
		errors, children  int
		gap               float64
	}{
		{"no parent", "", all, 400, "their parent " + sampleCommunity + " (2 units) is not in the input; check them against the stored parent with parent=CODE", 0, 0, 0},
		{"a root alone", "", featureCollection(t, root), 400, "nothing to check", 0, 0, 0},
		{"parent=", "parent=" + sampleCommunity, all, 200, "", 0, len(grids), 0},
		{"a grid removed, the stored one completes", "parent=" + sampleCommunity, lessOne, 200, "", 0, len(grids), 0},
		{"a grid removed, siblings=false", "parent=" + sampleCommunity + "&siblings=false", lessOne, 200, "", parts, len(grids) - 1, gap},
		{"as_of", "parent=" + sampleCommunity + "&as_of=1&siblings=true", all, 200, "", 0, len(grids), 0},
		{"a misspelt parameter", "prent=" + sampleCommunity, all, 400, `unknown query parameter "prent"`, 0, 0, 0},
		{"siblings without parent", "siblings=false", all, 400, "go with parent=CODE", 0, 0, 0},
		{"siblings not a boolean", "parent=" + sampleCommunity + "&siblings=maybe", all, 400, "siblings", 0, 0, 0},
		{"a parent the file does not name", "parent=330922100002", all, 400, "no unit of the input is 330922100002", 0, 0, 0},
		{"an unknown parent", "parent=330922100099", all, 404, "", 0, 0, 0},
	}
	for name, st := range stores(t) {
		t.Run(name, func(t *testing.T) {
			s := start(t, st, api.Config{})
			if code, b := s.do("POST", "/v1/versions?crs=cgcs2000", string(county)); code != 201 {
				t.Fatalf("publish the sample: %d %s", code, b)
			}
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					code, b := s.do("POST", "/v1/validate?crs=cgcs2000&"+tc.query, tc.body)
					if code != tc.status {
						t.Fatalf("got %d %s, want %d", code, b, tc.status)
					}
					if code != 200 {
						var e struct {
							Error struct{ Code, Message string }
						}
						if err := json.Unmarshal(b, &e); err != nil || e.Error.Code != map[int]string{400: "invalid", 404: "not_found"}[code] || !strings.Contains(e.Error.Message, tc.want) {
							t.Errorf("got %s, want the error shape with %q", b, tc.want)
						}
						return
					}
					var got findings
					if err := json.Unmarshal(b, &got); err != nil {
						t.Fatal(err)
					}
					if got.Errors != tc.errors || len(got.Summary) != 1 || got.Summary[0].Parent != sampleCommunity || got.Summary[0].Children != tc.children {
						t.Fatalf("got %d errors, summaries %+v; want %d errors and one summary of %s with %d children", got.Errors, got.Summary, tc.errors, sampleCommunity, tc.children)
					}
					if g := float64(got.Summary[0].Gap); math.Abs(g-tc.gap) > 1+1e-6*tc.gap {
						t.Errorf("gap: got %.2f m², want %.2f m² (PostGIS)", g, tc.gap)
					}
				})
			}
			if code, b := s.do("GET", "/v1/validate?root="+sampleCommunity+"&colour=red", ""); code != 400 || !strings.Contains(string(b), `unknown query parameter \"colour\"`) {
				t.Errorf("GET with an unknown parameter: %d %s, want 400", code, b)
			}
		})
	}
}
