package api_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/wangge/wangge/api"
	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/internal/testdb"
	"github.com/wangge/wangge/partition/store/postgis"
)

func TestRoute(t *testing.T) {
	ctx := context.Background()
	p, err := postgis.Open(ctx, testdb.URL(t), postgis.Options{Schema: testdb.Schema(t, "t_route"), Limits: geo.DefaultLimits})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	s := start(t, p, api.Config{})
	// Nothing published: unresolved, not a 500.
	if b := s.get("/v1/route?lon=122.05&lat=30.05", 200); !bytes.Contains(b, []byte(`"code":null`)) {
		t.Fatalf("empty store: got %s", b)
	}
	if code, b := s.do("POST", "/v1/versions", sampleBody(t)); code != http.StatusCreated {
		t.Fatalf("publish: %d %s", code, b)
	}
	for _, tc := range []struct{ path, want string }{
		{"/v1/route?lon=122.05&lat=30.05", `"code":"330922100001001001"`},
		{"/v1/route?lon=122.05&lat=30.1", `"near_boundary":true,"neighbor":{"code":"330922100001001001"`},
		{"/v1/route?lon=122.7&lat=30.8&crs=cgcs2000", `"code":"330922900000001"`},
		{"/v1/route?lon=124.0002&lat=30", `"approximate":true`},
		{"/v1/vessels/浙嵊渔10001/route", `"unit":"330922900000001001"`},
		{"/v1/vessels/浙嵊渔10001/route?lon=122.7&lat=30.8", `"position":{"point":[122.7,30.8],"code":"330922900000001"`},
	} {
		if b := s.get(tc.path, 200); !bytes.Contains(b, []byte(tc.want)) {
			t.Errorf("GET %s: got %s, want it to contain %s", tc.path, b, tc.want)
		}
	}
	// GCJ-02 input lands hundreds of metres away from the same numbers in WGS84.
	wgs := s.get("/v1/route?lon=122.1005&lat=30.15", 200)
	gcj := s.get("/v1/route?lon=122.1005&lat=30.15&crs=gcj02", 200)
	if bytes.Equal(wgs[:60], gcj[:60]) || !bytes.Contains(gcj, []byte(`"code":"330922100001001002"`)) {
		t.Errorf("gcj02 not converted: %s", gcj)
	}
	for _, path := range []string{"/v1/route?lon=200&lat=30", "/v1/route?lon=NaN&lat=30", "/v1/route?lat=30", "/v1/route?lon=1&lat=2&crs=x"} {
		s.get(path, 400)
	}
	code, b := s.do("POST", "/v1/route/batch", `{"crs":"wgs84","points":[[122.05,30.05],[122.7,30.8],[125,30]]}`)
	var out struct {
		Version int64
		Results []struct {
			Code        *string
			Approximate bool
			DistanceM   *float64 `json:"distance_m"`
			Chain       []json.RawMessage
		}
	}
	if err := json.Unmarshal(b, &out); code != 200 || err != nil || len(out.Results) != 3 {
		t.Fatalf("batch: %d %v %s", code, err, b)
	}
	if *out.Results[0].Code != "330922100001001001" || *out.Results[1].Code != "330922900000001" || out.Results[2].Code != nil || len(out.Results[0].Chain) != 6 {
		t.Errorf("batch results out of order or wrong: %s", b)
	}
	code, b = s.do("POST", "/v1/route/batch", `{"points":[[122.05,30.05],[122.7,91]]}`)
	if code != 400 || !strings.Contains(string(b), `"index":1`) {
		t.Errorf("bad point: got %d %s, want 400 naming index 1", code, b)
	}
	req, _ := http.NewRequest("POST", s.url+"/v1/route/batch?crs=wgs84", strings.NewReader("[122.05,30.05]\n122.7,30.8\n\n[125,30]\n"))
	req.Header.Set("Content-Type", "application/x-ndjson")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var lines []string
	for sc := bufio.NewScanner(res.Body); sc.Scan(); {
		lines = append(lines, sc.Text())
	}
	if len(lines) != 3 || !strings.Contains(lines[1], `"code":"330922900000001"`) || !strings.Contains(lines[2], `"code":null`) {
		t.Errorf("ndjson: got %q", lines)
	}
}
