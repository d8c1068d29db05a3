package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	stdlog "log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb/geojson"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/wangge/wangge/api"
	"github.com/wangge/wangge/internal/teststore"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/store/storetest"
)

type server struct {
	url string
	t   *testing.T
}

// start serves the API over s on a real listener on 127.0.0.1. A panic
// of net/http's own (not a handler's, which the API answers with a 500),
// such as one reading a connection's next request, fails the test.
func start(t *testing.T, s partition.Store, cfg api.Config) *server {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ts := httptest.NewUnstartedServer(api.New(s, cfg, log, prometheus.NewRegistry()))
	var errs serverLog
	ts.Config.ErrorLog = stdlog.New(&errs, "", 0)
	ts.Start()
	t.Cleanup(func() {
		ts.Close()
		if l := errs.String(); strings.Contains(l, "panic") {
			t.Errorf("the HTTP server panicked:\n%.2000s", l)
		}
	})
	return &server{url: ts.URL, t: t}
}

// serverLog collects an http.Server's error log.
type serverLog struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (l *serverLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *serverLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func (s *server) do(method, path, body string) (int, []byte) {
	s.t.Helper()
	a := s.raw(method, path, body)
	return a.code, []byte(a.body)
}

// rawAnswer is an answer with its headers.
type rawAnswer struct {
	code   int
	header http.Header
	body   string
}

func (s *server) raw(method, path, body string) rawAnswer {
	s.t.Helper()
	return s.send(method, path, body, nil)
}

func (s *server) get(path string, want int) []byte {
	s.t.Helper()
	code, b := s.do("GET", path, "")
	if code != want {
		s.t.Fatalf("GET %s: status %d, want %d: %s", path, code, want, b)
	}
	return b
}

// sampleBody is storetest's sample as a posted FeatureCollection.
func sampleBody(t *testing.T) string { return changesetBody(t, storetest.Sample()) }

// changesetBody is cs as a posted FeatureCollection.
func changesetBody(t *testing.T, cs partition.Changeset) string {
	var buf bytes.Buffer
	cw := partition.NewCollectionWriter(&buf, nil)
	for i := range cs.Units {
		if err := cw.Feature(partition.Feature(&cs.Units[i], nil)); err != nil {
			t.Fatal(err)
		}
	}
	for i := range cs.Vessels {
		if err := cw.Vessel(&cs.Vessels[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := cw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestAPI(t *testing.T) {
	for name, st := range stores(t) {
		t.Run(name, func(t *testing.T) {
			s := start(t, st, api.Config{})
			t.Run("HealthEmpty", func(t *testing.T) {
				if b := s.get("/healthz", 200); !strings.Contains(string(b), `"version":null`) {
					t.Errorf("healthz of an empty store: %s", b)
				}
				var fc geojson.FeatureCollection
				if err := json.Unmarshal(s.get("/v1/units", 200), &fc); err != nil || len(fc.Features) != 0 {
					t.Errorf("units of an empty store: %v features, %v", len(fc.Features), err)
				}
			})
			code, b := s.do("POST", "/v1/versions?note=sample", sampleBody(t))
			if code != 201 {
				t.Fatalf("publish: %d %s", code, b)
			}
			t.Run("Units", func(t *testing.T) { testUnits(t, s) })
			t.Run("Paging", func(t *testing.T) { testPaging(t, s) })
			t.Run("Unit", func(t *testing.T) { testUnit(t, s) })
			t.Run("AsOf", func(t *testing.T) { testAsOf(t, s) })
			t.Run("Errors", func(t *testing.T) { testErrors(t, s) })
			t.Run("Metrics", func(t *testing.T) { testMetrics(t, s) })
		})
	}
}

func features(t *testing.T, b []byte) (codes []string, fc map[string]any) {
	t.Helper()
	if err := json.Unmarshal(b, &fc); err != nil {
		t.Fatalf("not JSON: %v: %s", err, b)
	}
	if fc["type"] != "FeatureCollection" {
		t.Fatalf("not a FeatureCollection: %s", b)
	}
	for _, f := range fc["features"].([]any) {
		codes = append(codes, f.(map[string]any)["properties"].(map[string]any)["code"].(string))
	}
	return codes, fc
}

func testUnits(t *testing.T, s *server) {
	tests := []struct {
		query string
		want  []string
	}{
		{"level=district", []string{"330922000000"}},
		{"parent=330922100001", []string{"330922100001001", "330922100001002"}},
		{"prefix=3309229&kind=fishing", []string{"330922900000001"}},
		{"network=sea&level=microgrid", []string{"330922900000001001"}},
		{"bbox=122.05,30.15,122.06,30.16&level=grid", []string{"330922100001001"}},
		{"bbox=122.05,30.15,122.06,30.16&level=grid&crs=gcj02", []string{"330922100001001"}},
	}
	for _, tt := range tests {
		if got, _ := features(t, s.get("/v1/units?"+tt.query, 200)); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.query, got, tt.want)
		}
	}
	_, fc := features(t, s.get("/v1/units?level=grid&prefix=330922100001001", 200))
	p := fc["features"].([]any)[0].(map[string]any)["properties"].(map[string]any)
	if p["households"] != 420.0 || p["network"] != "land" || p["kind"] != "comprehensive" || p["parent"] != "330922100001" || len(p["staff"].([]any)) != 2 || p["note"] != "港口" {
		t.Errorf("grid properties: %v", p)
	}
	// crs=gcj02 moves the output by the GCJ-02 offset (hundreds of metres).
	_, w := features(t, s.get("/v1/units?level=district", 200))
	_, g := features(t, s.get("/v1/units?level=district&crs=gcj02", 200))
	wx := w["features"].([]any)[0].(map[string]any)["geometry"].(map[string]any)["coordinates"].([]any)[0].([]any)[0].([]any)[0].([]any)
	gx := g["features"].([]any)[0].(map[string]any)["geometry"].(map[string]any)["coordinates"].([]any)[0].([]any)[0].([]any)[0].([]any)
	if d := gx[0].(float64) - wx[0].(float64); d < 0.003 || d > 0.006 {
		t.Errorf("gcj02 output shifted lon by %g°, want about 0.004°", d)
	}
}

func testPaging(t *testing.T, s *server) {
	_, all := features(t, s.get("/v1/units?limit=1000", 200))
	want, _ := features(t, s.get("/v1/units?limit=1000", 200))
	if n := all["numberReturned"].(float64); int(n) != len(want) || len(want) != 12 {
		t.Fatalf("numberReturned %v for %d features, want 12", n, len(want))
	}
	var got []string
	next := "/v1/units?limit=5"
	for pages := 0; next != ""; pages++ {
		codes, fc := features(t, s.get(next, 200))
		got = append(got, codes...)
		next = ""
		for _, l := range fc["links"].([]any) {
			if l := l.(map[string]any); l["rel"] == "next" {
				next = l["href"].(string)
			}
		}
		if pages > 5 {
			t.Fatal("paging does not end")
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("paged %v, want %v", got, want)
	}
}

func testUnit(t *testing.T, s *server) {
	var f struct {
		ID         string `json:"id"`
		Properties struct {
			Code     string `json:"code"`
			Chain    []struct{ Code, Name, Level string }
			Children []string
			Version  struct{ Number int64 }
		}
		Geometry map[string]any
	}
	if err := json.Unmarshal(s.get("/v1/units/330922100001001", 200), &f); err != nil {
		t.Fatal(err)
	}
	var chain []string
	for _, c := range f.Properties.Chain {
		chain = append(chain, c.Code)
	}
	if want := []string{"330900000000", "330922000000", "330922100000", "330922100001"}; !reflect.DeepEqual(chain, want) {
		t.Errorf("chain %v, want %v", chain, want)
	}
	if want := []string{"330922100001001001", "330922100001001002"}; !reflect.DeepEqual(f.Properties.Children, want) {
		t.Errorf("children %v, want %v", f.Properties.Children, want)
	}
	if f.ID != "330922100001001" || f.Geometry["type"] != "MultiPolygon" || f.Properties.Version.Number < 1 {
		t.Errorf("feature: id %s, geometry %v, version %d", f.ID, f.Geometry["type"], f.Properties.Version.Number)
	}
	if b := s.get("/v1/units/330922900000003", 200); !strings.Contains(string(b), `"geometry":null`) {
		t.Errorf("a transport grid has no polygon: %s", b)
	}
}

func testAsOf(t *testing.T, s *server) {
	body := `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"330922100001002","name":"学校专属网格（改）","level":"grid","kind":"exclusive","parent":"330922100001"},
		"geometry":{"type":"Polygon","coordinates":[[[122.1,30],[122.2,30],[122.2,30.2],[122.1,30.2],[122.1,30]]]}}]}`
	code, b := s.do("POST", "/v1/versions", body)
	if code != 201 {
		t.Fatalf("publish: %d %s", code, b)
	}
	var res struct{ Version partition.Version }
	json.Unmarshal(b, &res)
	v := res.Version.Number
	now := s.get("/v1/units/330922100001002", 200)
	old := s.get(fmt.Sprintf("/v1/units/330922100001002?as_of=%d", v-1), 200)
	if !strings.Contains(string(now), "（改）") || strings.Contains(string(old), "（改）") {
		t.Errorf("as_of: latest %s…, previous %s…", now[:120], old[:120])
	}
	ts := res.Version.PublishedAt.Add(-time.Millisecond).Format(time.RFC3339Nano)
	if b := s.get("/v1/units/330922100001002?as_of="+ts, 200); strings.Contains(string(b), "（改）") {
		t.Errorf("as_of just before version %d shows its change", v)
	}
	if b := s.get("/v1/units/330922100001002?as_of=2999-01-01", 200); !strings.Contains(string(b), "（改）") {
		t.Errorf("as_of a future date does not show the latest")
	}
	s.get("/v1/units/330922100001002?as_of=2000-01-01", 404)
	var vs struct{ Versions []partition.Version }
	json.Unmarshal(s.get("/v1/versions", 200), &vs)
	if len(vs.Versions) != int(v) {
		t.Errorf("%d versions listed, want %d", len(vs.Versions), v)
	}
}

type apiError struct {
	Error struct {
		Code    string
		Message string
		Details []partition.Problem
	}
}

func testErrors(t *testing.T, s *server) {
	square := `{"type":"Polygon","coordinates":[[[122,30],[122.1,30],[122.1,30.1],[122,30.1],[122,30]]]}`
	grid := func(code, extra, geom string) string {
		return `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"` + code + `","name":"g","level":"grid","parent":"330922100001"` + extra + `},"geometry":` + geom + `}]}`
	}
	tests := []struct {
		name, method, path, body string
		status                   int
		code                     string // error code
		detail                   string // substring of a detail naming feature 0
	}{
		{"unknown level", "GET", "/v1/units?level=town", "", 400, "invalid", ""},
		{"bad bbox", "GET", "/v1/units?bbox=1,2,3", "", 400, "invalid", ""},
		{"bad limit", "GET", "/v1/units?limit=0", "", 400, "invalid", ""},
		{"bad crs", "GET", "/v1/units?crs=utm", "", 400, "invalid", ""},
		{"bad as_of", "GET", "/v1/units?as_of=yesterday", "", 400, "invalid", ""},
		{"unknown version", "GET", "/v1/units?as_of=999", "", 404, "not_found", ""},
		{"unknown unit", "GET", "/v1/units/110101000000", "", 404, "not_found", ""},
		{"unknown route", "GET", "/v2/x", "", 404, "not_found", ""},
		{"invalid JSON", "POST", "/v1/versions", `{"type":`, 400, "invalid", ""},
		{"non-polygon", "POST", "/v1/versions", grid("330922100001003", "", `{"type":"Point","coordinates":[122,30]}`), 400, "invalid", "not areal"},
		{"bow-tie", "POST", "/v1/versions", grid("330922100001003", "", `{"type":"Polygon","coordinates":[[[122,30],[122.1,30.1],[122.1,30],[122,30.1],[122,30]]]}`), 400, "invalid", "not simple"},
		{"out of range", "POST", "/v1/versions", grid("330922100001003", "", `{"type":"Polygon","coordinates":[[[122,30],[222,30],[122.1,30.1],[122,30]]]}`), 400, "invalid", "outside"},
		{"unknown kind", "POST", "/v1/versions", grid("330922100001003", `,"kind":"park"`, square), 400, "invalid", "unknown kind"},
		{"missing parent", "POST", "/v1/versions", strings.Replace(grid("330922100001003", "", square), `"parent":"330922100001"`, `"parent":"330922100009"`, 1), 400, "invalid", "does not exist"},
		{"bad prefix", "POST", "/v1/versions", grid("330921100001003", "", square), 400, "invalid", "prefix"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, b := s.do(tt.method, tt.path, tt.body)
			if code != tt.status {
				t.Fatalf("status %d, want %d: %s", code, tt.status, b)
			}
			var e apiError
			if err := json.Unmarshal(b, &e); err != nil || e.Error.Code != tt.code {
				t.Fatalf("error body %s: want code %s (%v)", b, tt.code, err)
			}
			if tt.detail == "" {
				return
			}
			for _, d := range e.Error.Details {
				if d.Index == 0 && d.Code != "" && strings.Contains(d.Message, tt.detail) {
					return
				}
			}
			t.Errorf("details %+v name no feature 0 with %q", e.Error.Details, tt.detail)
		})
	}
}

func testMetrics(t *testing.T, s *server) {
	b := string(s.get("/metrics", 200))
	for _, want := range []string{`wangge_http_requests_total{method="GET",route="/v1/units",status="200"}`, `wangge_store_operation_duration_seconds_count{op="units",outcome="ok"}`, "go_goroutines"} {
		if !strings.Contains(b, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

// TestBodyLimit: a body over the configured limit is refused with 413 and
// nothing is written.
func TestBodyLimit(t *testing.T) {
	for name, st := range stores(t) {
		t.Run(name, func(t *testing.T) {
			s := start(t, st, api.Config{MaxBodyBytes: 2000})
			body := sampleBody(t)
			if len(body) <= 2000 {
				t.Fatalf("sample body is only %d bytes", len(body))
			}
			code, b := s.do("POST", "/v1/versions", body)
			var e apiError
			if json.Unmarshal(b, &e); code != 413 || e.Error.Code != "too_large" {
				t.Fatalf("status %d %s, want 413 too_large", code, b)
			}
			if b := s.get("/v1/versions", 200); string(b) != `{"versions":[]}` {
				t.Errorf("a refused body wrote something: %s", b)
			}
		})
	}
}

func TestMain(m *testing.M) {
	gin.SetMode(gin.ReleaseMode)
	os.Exit(m.Run())
}

// stores opens a fresh store of each kind.
func stores(t *testing.T) map[string]partition.Store { return teststore.Both(t, "t_api") }
