package api_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/api"
	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/partition"
)

// asOfUnits is a version of a 1 km community with two grids whose border
// runs north–south at fraction border of its width.
func asOfUnits(border float64) []partition.Unit {
	o := orb.Point{122.40, 30.70}
	kx, ky := geo.MetersPerDegree(o[1])
	w, h := 1000/kx, 1000/ky
	box := func(x0, x1 float64) orb.MultiPolygon {
		a, b := o[0]+x0*w, o[0]+x1*w
		return orb.MultiPolygon{{{{a, o[1]}, {b, o[1]}, {b, o[1] + h}, {a, o[1] + h}, {a, o[1]}}}}
	}
	unit := func(code partition.Code, level partition.Level, parent partition.Code, mp orb.MultiPolygon) partition.Unit {
		return partition.Unit{Code: code, Name: string(code), Level: level, Network: partition.NetworkLand, Kind: partition.KindComprehensive, Parent: parent, Geometry: mp}
	}
	return []partition.Unit{
		unit("330922100001", partition.LevelCommunity, "", box(0, 1)),
		unit("330922100001001", partition.LevelGrid, "330922100001", box(0, border)),
		unit("330922100001002", partition.LevelGrid, "330922100001", box(border, 1)),
	}
}

// TestRouteAsOfHTTP publishes three versions that move a border east and
// back, then routes a point between the borders as of each version (by
// number, by time, by date), singly and in a batch: the answer is the grid
// of that version's geometry and names the version.
func TestRouteAsOfHTTP(t *testing.T) {
	o := orb.Point{122.40, 30.70}
	kx, ky := geo.MetersPerDegree(o[1])
	lon, lat := o[0]+550/kx, o[1]+500/ky // 550 m east: west of a border at 0.6, east of one at 0.5
	borders := []float64{0.5, 0.6, 0.5}
	want := func(v int) string {
		if 0.55 < borders[v-1] {
			return "330922100001001"
		}
		return "330922100001002"
	}
	for name, st := range stores(t) {
		t.Run(name, func(t *testing.T) {
			s := start(t, st, api.Config{})
			var times []string
			for i, b := range borders {
				code, body := s.do("POST", fmt.Sprintf("/v1/versions?note=v%d", i+1), collectionOf(t, asOfUnits(b)))
				if code != 201 {
					t.Fatalf("publish: %d %s", code, body)
				}
				var res struct{ Version partition.Version }
				json.Unmarshal(body, &res)
				times = append(times, res.Version.PublishedAt.Format(time.RFC3339Nano))
				time.Sleep(2 * time.Millisecond)
			}
			today := time.Now().In(time.FixedZone("CST", 8*3600)).Format(time.DateOnly)
			cases := []struct {
				asOf    string
				version int
			}{{"1", 1}, {"2", 2}, {"3", 3}, {"", 3}, {times[0], 1}, {times[1], 2}, {today, 3}}
			for _, tc := range cases {
				path := fmt.Sprintf("/v1/route?lon=%.9f&lat=%.9f", lon, lat)
				if tc.asOf != "" {
					path += "&as_of=" + strings.ReplaceAll(tc.asOf, "+", "%2B")
				}
				var r struct {
					Code    string
					Version int
				}
				json.Unmarshal(s.get(path, 200), &r)
				if r.Code != want(tc.version) || r.Version != tc.version {
					t.Errorf("as_of %q: %s of version %d, want %s of version %d", tc.asOf, r.Code, r.Version, want(tc.version), tc.version)
				}
				var b struct {
					Version int
					Results []struct{ Code string }
				}
				code, body := s.do("POST", "/v1/route/batch?as_of="+strings.ReplaceAll(tc.asOf, "+", "%2B"), fmt.Sprintf(`{"points":[[%.9f,%.9f]]}`, lon, lat))
				json.Unmarshal(body, &b)
				if code != 200 || len(b.Results) != 1 || b.Results[0].Code != want(tc.version) {
					t.Errorf("batch as_of %q: %d %s, want %s", tc.asOf, code, body, want(tc.version))
				}
			}
			for _, bad := range []struct {
				path   string
				status int
			}{
				{fmt.Sprintf("/v1/route?lon=%f&lat=%f&as_of=99", lon, lat), 404},
				{fmt.Sprintf("/v1/route?lon=%f&lat=%f&as_of=2001-01-01", lon, lat), 404},
				{fmt.Sprintf("/v1/route?lon=%f&lat=%f&as_of=yesterday", lon, lat), 400},
				{fmt.Sprintf("/v1/route?lon=%f&lat=%f&as_of=0", lon, lat), 400},
				{"/v1/vessels/X1/route?as_of=yesterday", 400},
				{"/v1/vessels/X1/route?as_of=99", 404},
			} {
				if code, body := s.do("GET", bad.path, ""); code != bad.status || !strings.Contains(string(body), `"error"`) {
					t.Errorf("%s: %d %s, want %d", bad.path, code, body, bad.status)
				}
			}
			metrics := string(s.get("/metrics", 200))
			for _, m := range []string{"wangge_router_past_hits_total", "wangge_router_past_misses_total", "wangge_router_past_resident_bytes"} {
				if !strings.Contains(metrics, m+" ") {
					t.Errorf("/metrics has no %s", m)
				}
			}
		})
	}
}
