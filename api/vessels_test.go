package api_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/wangge/wangge/api"
)

// TestVesselPages: following next links walks every vessel the query
// selects exactly once, each page saying how many there are
// (numberMatched), and a walk begun before a publish stays on the version
// it began on; on both stores' servers.
func TestVesselPages(t *testing.T) {
	for name, st := range stores(t) {
		t.Run(name, func(t *testing.T) {
			s := start(t, st, api.Config{})
			if b := s.get("/v1/vessels", 200); !strings.Contains(string(b), `"numberMatched":0`) || !strings.Contains(string(b), `"vessels":[]`) {
				t.Errorf("empty store: got %s", b)
			}
			if code, b := s.do("POST", "/v1/versions", sampleBody(t)); code != http.StatusCreated {
				t.Fatalf("publish: %d %s", code, b)
			}
			// The sample's vessels, written out from it.
			all := []string{"浙嵊渔10001", "浙嵊渔10002", "浙嵊运001"}
			for _, tc := range []struct {
				query string
				want  []string
			}{
				{"?limit=1", all},
				{"?limit=2", all},
				{"?limit=3", all},
				{"?limit=100", all},
				{"?limit=1&unit=330922900000001001", all[:2]},
				{"?unit=330922100001001", nil},
			} {
				t.Run(tc.query, func(t *testing.T) {
					got := walkVessels(t, s, "/v1/vessels"+tc.query, len(tc.want), func(string) {})
					if !slices.Equal(got, tc.want) {
						t.Errorf("walked %q, want %q", got, tc.want)
					}
				})
			}
			// A publish in the middle of a walk: the walk stays on version 1.
			added := `{"type":"FeatureCollection","features":[],"vessels":[{"id":"浙嵊渔10000","name":"浙嵊渔10000","type":"fishing","crew":3,"unit":"330922900000001001"}]}`
			published := false
			got := walkVessels(t, s, "/v1/vessels?limit=1", len(all), func(string) {
				if !published {
					published = true
					if code, b := s.do("POST", "/v1/versions", added); code != http.StatusCreated {
						t.Fatalf("publish a vessel: %d %s", code, b)
					}
				}
			})
			if !slices.Equal(got, all) {
				t.Errorf("walk across a publish: %q, want %q", got, all)
			}
			if got := walkVessels(t, s, "/v1/vessels?limit=2", len(all)+1, func(string) {}); !slices.Equal(got, append([]string{"浙嵊渔10000"}, all...)) {
				t.Errorf("after the publish: %q", got)
			}
		})
	}
}

// walkVessels follows next links from path, checking each page's
// numberMatched (matched) and numberReturned, calling between each page,
// and returns the ids in the order read.
func walkVessels(t *testing.T, s *server, path string, matched int, between func(next string)) []string {
	t.Helper()
	var ids []string
	for pages := 0; path != ""; pages++ {
		if pages > 10 {
			t.Fatalf("more than 10 pages: %q so far", ids)
		}
		var page struct {
			Vessels        []struct{ ID string }
			NumberMatched  *int
			NumberReturned int
			Links          []struct{ Rel, Href string }
		}
		b := s.get(path, 200)
		if err := json.Unmarshal(b, &page); err != nil {
			t.Fatal(err)
		}
		if page.NumberMatched == nil || *page.NumberMatched != matched || page.NumberReturned != len(page.Vessels) {
			t.Fatalf("GET %s: numberMatched %v, numberReturned %d of %d vessels, want numberMatched %d: %s", path, page.NumberMatched, page.NumberReturned, len(page.Vessels), matched, b)
		}
		for _, v := range page.Vessels {
			ids = append(ids, v.ID)
		}
		path = ""
		for _, l := range page.Links {
			if l.Rel == "next" {
				path = l.Href
			}
		}
		if path != "" {
			between(path)
		}
	}
	return ids
}
