package ogc_test

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/wangge/wangge/api"
	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/internal/gisfixture"
	"github.com/wangge/wangge/partition"
)

// The generated community of gisfixture.Publish(…, 20, 20): four grids of
// 10×10 micro-grids, 001 and 002 side by side at the bottom, 003 and 004
// above them. Micro-grid 001 of grid 002 is its bottom-left cell, on the
// border with grid 001.
const (
	gridA   = "330922100001001"
	gridB   = "330922100001002"
	cellB1  = "330922100001002001"
	gridsAt = "/collections/grids/items"
)

// answer is one response as a test reads it.
type answer struct {
	code   int
	header http.Header
	body   []byte
}

func (a answer) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(a.body, &m); err != nil {
		t.Fatalf("%v in %s", err, a.body)
	}
	return m
}

// send makes one request; header is name, value pairs.
func send(t *testing.T, method, url, body string, header ...string) answer {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{res.StatusCode, res.Header, b}
}

// feature is a GeoJSON Feature body as a client sends it.
func feature(id string, g orb.Geometry, props map[string]any) string {
	f := geojson.NewFeature(g)
	if id != "" {
		f.ID = id
	}
	f.Properties = props
	b, _ := json.Marshal(f)
	return string(b)
}

// unitOf reads a feature answer.
func unitOf(t *testing.T, a answer) (orb.MultiPolygon, map[string]any) {
	t.Helper()
	f, err := geojson.UnmarshalFeature(a.body)
	if err != nil {
		t.Fatalf("%v in %s", err, a.body)
	}
	switch g := f.Geometry.(type) {
	case orb.MultiPolygon:
		return g, f.Properties
	case orb.Polygon:
		return orb.MultiPolygon{g}, f.Properties
	}
	t.Fatalf("geometry %T", f.Geometry)
	return nil, nil
}

// editSetup publishes the fixture on a fresh store of each kind and starts
// a draft of the community.
func editSetup(t *testing.T, open func(testing.TB) partition.Store) (srv *server, draft string) {
	st := open(t)
	gisfixture.Publish(t, st, sampleDir, 20, 20)
	srv = serve(t, st, api.Config{})
	a := send(t, "POST", srv.URL+"/v1/drafts", `{"root": "`+string(gisfixture.Community)+`"}`, "Content-Type", "application/json")
	if a.code != 201 {
		t.Fatalf("create a draft: %d %s", a.code, a.body)
	}
	return srv, a.json(t)["draft"].(map[string]any)["id"].(string)
}

// TestFeatureWrites runs each method of Part 4 into a draft, over each
// store: its success, and its refusals with the status and the field or
// finding named; the published version never changes.
func TestFeatureWrites(t *testing.T) {
	for _, kind := range storeKinds {
		t.Run(kind.name, func(t *testing.T) {
			srv, id := editSetup(t, kind.open)
			pub := send(t, "GET", srv.URL+gridsAt+"/"+gridA, "")
			if pub.code != 200 || pub.header.Get("ETag") == "" {
				t.Fatalf("GET the published grid: %d %s, ETag %q", pub.code, pub.body, pub.header.Get("ETag"))
			}
			t.Run("Options", func(t *testing.T) { testOptions(t, srv, id) })
			t.Run("Refusals", func(t *testing.T) { testRefusals(t, srv, id) })
			t.Run("Put", func(t *testing.T) { testPut(t, srv, id) })
			t.Run("Patch", func(t *testing.T) { testPatch(t, srv, id) })
			t.Run("PostAndDelete", func(t *testing.T) { testPostDelete(t, srv, id) })
			if now := send(t, "GET", srv.URL+gridsAt+"/"+gridA, ""); now.header.Get("ETag") != pub.header.Get("ETag") {
				t.Errorf("the published grid changed: ETag %s, was %s", now.header.Get("ETag"), pub.header.Get("ETag"))
			}
		})
	}
}

func testOptions(t *testing.T, srv *server, id string) {
	tests := []struct {
		path   string
		header []string
		want   string
	}{
		{gridsAt, nil, "GET, OPTIONS"},
		{gridsAt + "/" + gridA, nil, "GET, OPTIONS"},
		{gridsAt + "?draft=" + id, nil, "GET, POST, OPTIONS"},
		{gridsAt + "/" + gridA, []string{"X-Wangge-Draft", id}, "GET, PUT, PATCH, DELETE, OPTIONS"},
		{gridsAt + "/unknown_id?draft=" + id, nil, "GET, PUT, PATCH, DELETE, OPTIONS"},
		{"/collections/findings/items?draft=" + id, nil, "GET, OPTIONS"},
	}
	for _, tt := range tests {
		a := send(t, "OPTIONS", srv.URL+tt.path, "", tt.header...)
		if a.code/100 != 2 || a.header.Get("Allow") != tt.want {
			t.Errorf("OPTIONS %s %v: %d, Allow %q, want 2xx and %q", tt.path, tt.header, a.code, a.header.Get("Allow"), tt.want)
		}
	}
	if a := send(t, "OPTIONS", srv.URL+gridsAt+"?draft=nope", ""); a.code != 404 {
		t.Errorf("OPTIONS with a draft that does not exist: %d, want 404", a.code)
	}
}

func testRefusals(t *testing.T, srv *server, id string) {
	got := send(t, "GET", srv.URL+gridsAt+"/"+gridA+"?draft="+id, "")
	if got.code != 200 {
		t.Fatalf("GET in the draft: %d %s", got.code, got.body)
	}
	etag := got.header.Get("ETag")
	g, props := unitOf(t, got)
	same := feature(gridA, g, props)
	outside := union(t, g, orb.MultiPolygon{{orb.Bound{Min: orb.Point{122.30, 30.69}, Max: orb.Point{122.3025, 30.7001}}.ToRing()}})
	gj := "application/geo+json"
	tests := []struct {
		name, method, path, body string
		header                   []string
		code                     int
		want                     string // in the body
	}{
		{"put without a draft", "PUT", gridsAt + "/" + gridA, same, []string{"Content-Type", gj, "If-Match", etag}, 405, "never into a published version"},
		{"post without a draft", "POST", gridsAt, same, []string{"Content-Type", gj}, 405, "draft"},
		{"delete without a draft", "DELETE", gridsAt + "/" + gridA, "", []string{"If-Match", etag}, 405, "draft"},
		{"two drafts", "PUT", gridsAt + "/" + gridA + "?draft=" + id, same, []string{"Content-Type", gj, "If-Match", etag, "X-Wangge-Draft", "other"}, 400, "two different drafts"},
		{"no If-Match", "PUT", gridsAt + "/" + gridA + "?draft=" + id, same, []string{"Content-Type", gj}, 428, "If-Match"},
		{"no If-Match to delete", "DELETE", gridsAt + "/" + gridA + "?draft=" + id, "", nil, 428, "If-Match"},
		{"a stale ETag", "PUT", gridsAt + "/" + gridA + "?draft=" + id, same, []string{"Content-Type", gj, "If-Match", `"0123"`}, 412, "revision"},
		{"a weak ETag", "PATCH", gridsAt + "/" + gridA + "?draft=" + id, `{"properties": {"name": "x"}}`, []string{"Content-Type", gj, "If-Match", "W/" + etag}, 412, "changed"},
		{"text/plain", "PUT", gridsAt + "/" + gridA + "?draft=" + id, same, []string{"Content-Type", "text/plain", "If-Match", etag}, 415, "Content-Type"},
		{"no such feature", "PUT", gridsAt + "/330922100001999?draft=" + id, feature("", g, props), []string{"Content-Type", gj, "If-Match", etag}, 404, "330922100001999"},
		{"a feature of another collection", "PUT", "/collections/microgrids/items/" + gridA + "?draft=" + id, same, []string{"Content-Type", gj, "If-Match", etag}, 404, "microgrids"},
		{"another id", "PUT", gridsAt + "/" + gridA + "?draft=" + id, feature(gridB, g, props), []string{"Content-Type", gj, "If-Match", etag}, 400, "id"},
		{"an unknown property", "PUT", gridsAt + "/" + gridA + "?draft=" + id, feature(gridA, g, with(props, "color", "red")), []string{"Content-Type", gj, "If-Match", etag}, 400, "properties.color"},
		{"households", "PUT", gridsAt + "/" + gridA + "?draft=" + id, feature(gridA, g, with(props, "households", 1)), []string{"Content-Type", gj, "If-Match", etag}, 400, "properties.households"},
		{"a point", "PUT", gridsAt + "/" + gridA + "?draft=" + id, feature(gridA, orb.Point{122.3, 30.7}, props), []string{"Content-Type", gj, "If-Match", etag}, 400, "geometry"},
		{"out of range", "PUT", gridsAt + "/" + gridA + "?draft=" + id, feature(gridA, orb.Polygon{{{200, 0}, {201, 0}, {201, 1}, {200, 0}}}, props), []string{"Content-Type", gj, "If-Match", etag}, 400, "geometry"},
		{"over another family", "PUT", gridsAt + "/" + gridA + "?draft=" + id, feature(gridA, outside, props), []string{"Content-Type", gj, "If-Match", etag}, 422, `"rule":"outside"`},
		{"a null geometry", "PATCH", gridsAt + "/" + gridA + "?draft=" + id, `{"geometry": null}`, []string{"Content-Type", "application/merge-patch+json", "If-Match", etag}, 400, "geometry"},
		{"findings", "PUT", "/collections/findings/items/x?draft=" + id, same, []string{"Content-Type", gj, "If-Match", etag}, 405, "findings"},
		{"post without a parent", "POST", gridsAt + "?draft=" + id, feature("", g, map[string]any{"name": "x"}), []string{"Content-Type", gj}, 400, "properties.parent"},
		{"too large", "POST", gridsAt + "?draft=" + id, `{"type": "Feature", "properties": {"name": "` + strings.Repeat("x", 17<<20) + `"}}`, []string{"Content-Type", gj}, 413, "limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := send(t, tt.method, srv.URL+tt.path, tt.body, tt.header...)
			if a.code != tt.code || !strings.Contains(string(a.body), tt.want) {
				t.Errorf("%s %s: got %d %.600s, want %d with %q", tt.method, tt.path, a.code, a.body, tt.code, tt.want)
			}
			if tt.code == 405 && a.header.Get("Allow") == "" {
				t.Error("a 405 without Allow")
			}
		})
	}
	if log := draftLog(t, srv, id); len(log) != 0 {
		t.Errorf("refused writes left %d operations in the draft's log", len(log))
	}
}

// testPut gives grid A its neighbour's micro-grid on their border, as
// QGIS sends it: OPTIONS on items and on the item, GET the item (ETag), PUT
// the whole feature with If-Match, the draft named by the header.
func testPut(t *testing.T, srv *server, id string) {
	hdr := []string{"X-Wangge-Draft", id}
	for _, p := range []string{gridsAt, gridsAt + "/" + gridA} {
		if a := send(t, "OPTIONS", srv.URL+p, "", hdr...); !strings.Contains(a.header.Get("Allow"), "P") {
			t.Fatalf("OPTIONS %s: Allow %q", p, a.header.Get("Allow"))
		}
	}
	got := send(t, "GET", srv.URL+gridsAt+"/"+gridA, "", hdr...)
	g, props := unitOf(t, got)
	cell := send(t, "GET", srv.URL+"/collections/microgrids/items/"+cellB1, "", hdr...)
	cg, _ := unitOf(t, cell)
	grown := union(t, g, cg)
	props["name"] = "网格一（扩）"
	body := feature(gridA, grown, props)
	a := send(t, "PUT", srv.URL+gridsAt+"/"+gridA, body, append(hdr, "Content-Type", "application/geo+json", "If-Match", got.header.Get("ETag"))...)
	if a.code != 200 {
		t.Fatalf("PUT: %d %s", a.code, a.body)
	}
	ng, np := unitOf(t, a)
	if a.header.Get("ETag") == "" || a.header.Get("ETag") == got.header.Get("ETag") {
		t.Errorf("PUT answered ETag %q, was %q", a.header.Get("ETag"), got.header.Get("ETag"))
	}
	if d := float64(geo.Area(ng) - geo.Area(grown)); d*d > 1 {
		t.Errorf("grid A has %.1f m², want %.1f", geo.Area(ng), geo.Area(grown))
	}
	if np["name"] != "网格一（扩）" {
		t.Errorf("name %v", np["name"])
	}
	b := send(t, "GET", srv.URL+gridsAt+"/"+gridB, "", hdr...)
	bg, _ := unitOf(t, b)
	pubB := send(t, "GET", srv.URL+gridsAt+"/"+gridB, "")
	pbg, _ := unitOf(t, pubB)
	if d := float64(geo.Area(pbg) - geo.Area(bg) - geo.Area(cg)); d*d > 1 {
		t.Errorf("grid B has %.1f m², want %.1f less the micro-grid's %.1f", geo.Area(bg), geo.Area(pbg), geo.Area(cg))
	}
	log := draftLog(t, srv, id)
	if len(log) != 1 || log[0].Op["op"] != "replace" || log[0].Op["unit"] != gridA {
		t.Fatalf("the draft's log is %+v, want one replace of %s", log, gridA)
	}
	// The same PUT again, with the ETag it answered, changes nothing.
	if again := send(t, "PUT", srv.URL+gridsAt+"/"+gridA, string(a.body), append(hdr, "Content-Type", "application/geo+json", "If-Match", a.header.Get("ETag"))...); again.code != 200 || len(draftLog(t, srv, id)) != 1 {
		t.Errorf("the PUT of the feature as it is: %d %s, log of %d", again.code, again.body, len(draftLog(t, srv, id)))
	}
	// The old ETag is stale now.
	if stale := send(t, "PUT", srv.URL+gridsAt+"/"+gridA, body, append(hdr, "Content-Type", "application/geo+json", "If-Match", got.header.Get("ETag"))...); stale.code != 412 ||
		!strings.Contains(string(stale.body), a.header.Get("ETag")[1:len(a.header.Get("ETag"))-1]) || !strings.Contains(string(stale.body), "#1 of the log (replace") {
		t.Errorf("PUT with the ETag before the edit: %d %s, want 412 naming the ETag now and the replace that changed it", stale.code, stale.body)
	}
}

func testPatch(t *testing.T, srv *server, id string) {
	q := "?draft=" + id
	got := send(t, "GET", srv.URL+gridsAt+"/"+gridB+q, "")
	n := len(draftLog(t, srv, id))
	// The geometry as it is, sent in EPSG:4490 (latitude first, as QGIS
	// sends a layer in that CRS): no change, and the answer in that CRS.
	g, _ := unitOf(t, got)
	swapped := orb.Clone(g).(orb.MultiPolygon)
	for _, p := range swapped {
		for _, r := range p {
			for i := range r {
				r[i][0], r[i][1] = r[i][1], r[i][0]
			}
		}
	}
	crs4490 := "<http://www.opengis.net/def/crs/EPSG/0/4490>"
	same := send(t, "PATCH", srv.URL+gridsAt+"/"+gridB+q, feature("", swapped, nil),
		"Content-Type", "application/geo+json", "Content-Crs", crs4490, "If-Match", got.header.Get("ETag"))
	if same.code != 200 || same.header.Get("Content-Crs") != crs4490 || same.header.Get("ETag") != got.header.Get("ETag") || len(draftLog(t, srv, id)) != n {
		t.Errorf("PATCH of the same geometry in EPSG:4490: %d, Content-Crs %q, ETag %q (was %q), log of %d (was %d)",
			same.code, same.header.Get("Content-Crs"), same.header.Get("ETag"), got.header.Get("ETag"), len(draftLog(t, srv, id)), n)
	}
	if bad := send(t, "PATCH", srv.URL+gridsAt+"/"+gridB+q, `{"properties": {}}`, "Content-Type", "application/json", "Content-Crs", "<EPSG:3857>", "If-Match", got.header.Get("ETag")); bad.code != 400 {
		t.Errorf("PATCH in EPSG:3857: %d, want 400", bad.code)
	}
	a := send(t, "PATCH", srv.URL+gridsAt+"/"+gridB+q, `{"properties": {"name": "二号网格", "staff": [{"role": "grid_leader", "name": "王五"}]}}`,
		"Content-Type", "application/merge-patch+json", "If-Match", got.header.Get("ETag"))
	if a.code != 200 {
		t.Fatalf("PATCH: %d %s", a.code, a.body)
	}
	_, p := unitOf(t, a)
	if p["name"] != "二号网格" || len(p["staff"].([]any)) != 1 {
		t.Errorf("after the PATCH: %v", p)
	}
	log := draftLog(t, srv, id)
	if len(log) != n+1 || log[n].Op["op"] != "attributes" {
		t.Errorf("the log ends with %+v, want an attributes operation", log[len(log)-1])
	}
	// The ETag is the feature's, not the draft's: edits of other features
	// (at the same time, too) leave it good.
	var wg sync.WaitGroup
	codes := []string{"330922100001003", "330922100001004"}
	tags := map[string]string{}
	for _, c := range codes {
		tags[c] = send(t, "GET", srv.URL+gridsAt+"/"+c+q, "").header.Get("ETag")
	}
	status := make([]int, len(codes))
	for i, c := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest("PATCH", srv.URL+gridsAt+"/"+c+q, strings.NewReader(`{"properties": {"name": "同时`+c[len(c)-1:]+`"}}`))
			req.Header.Set("Content-Type", "application/merge-patch+json")
			req.Header.Set("If-Match", tags[c])
			if res, err := http.DefaultClient.Do(req); err == nil {
				status[i] = res.StatusCode
				res.Body.Close()
			}
		}()
	}
	wg.Wait()
	if status[0] != 200 || status[1] != 200 {
		t.Errorf("two PATCHes of two features at once: %v, want 200 and 200", status)
	}
}

// testPostDelete adds a grid and deletes it, the draft named by the header
// (as QGIS names it): the Location is the new item's URL, whose last
// segment is its id, with no query.
func testPostDelete(t *testing.T, srv *server, id string) {
	hdr := []string{"X-Wangge-Draft", id}
	// A new grid over micro-grid 055 of grid 004 (the middle of the top right grid).
	cell := send(t, "GET", srv.URL+"/collections/microgrids/items/330922100001004055?draft="+id, "")
	cg, _ := unitOf(t, cell)
	a := send(t, "POST", srv.URL+gridsAt, feature("", cg, map[string]any{"parent": string(gisfixture.Community), "name": "新网格", "code": nil, "households": nil}),
		append(hdr, "Content-Type", "application/geo+json")...)
	if a.code != 201 {
		t.Fatalf("POST: %d %s", a.code, a.body)
	}
	loc := a.header.Get("Location")
	if want := srv.URL + gridsAt + "/330922100001005"; loc != want {
		t.Fatalf("Location %q, want %q (the new grid)", loc, want)
	}
	got := send(t, "GET", loc, "", hdr...)
	if got.code != 200 || got.header.Get("ETag") != a.header.Get("ETag") {
		t.Fatalf("GET %s: %d %s, ETag %q, want %q", loc, got.code, got.body, got.header.Get("ETag"), a.header.Get("ETag"))
	}
	if pub := send(t, "GET", loc, ""); pub.code != 404 {
		t.Errorf("the new grid is in the published version: GET %s: %d", loc, pub.code)
	}
	del := send(t, "DELETE", loc, "", append(hdr, "If-Match", got.header.Get("ETag"))...)
	if del.code != 204 {
		t.Fatalf("DELETE: %d %s", del.code, del.body)
	}
	if gone := send(t, "GET", loc, "", hdr...); gone.code != 404 {
		t.Errorf("GET after DELETE: %d, want 404", gone.code)
	}
	log := draftLog(t, srv, id)
	if n := len(log); n < 2 || log[n-2].Op["op"] != "add" || log[n-1].Op["op"] != "delete" {
		t.Errorf("the log ends with %+v, want add then delete", log)
	}
}

type logEntry struct {
	Op map[string]any `json:"op"`
}

func draftLog(t *testing.T, srv *server, id string) []logEntry {
	t.Helper()
	a := send(t, "GET", srv.URL+"/v1/drafts/"+id+"/log", "")
	var body struct{ Log []logEntry }
	if a.code != 200 || json.Unmarshal(a.body, &body) != nil {
		t.Fatalf("log: %d %s", a.code, a.body)
	}
	return body.Log
}

func with(m map[string]any, k string, v any) map[string]any {
	out := map[string]any{}
	for a, b := range m {
		out[a] = b
	}
	out[k] = v
	return out
}

func union(t *testing.T, a, b orb.MultiPolygon) orb.MultiPolygon {
	t.Helper()
	u, err := geo.Union(a, b)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestGDALReadsADraft edits a draft through Part 4 the way QGIS does
// (OPTIONS on items and on the item, GET for the ETag, PUT of the whole
// feature with If-Match, the draft named by a connection header), then
// reads the draft's grids with GDAL's OAPIF driver, once with the draft in
// the URL and once in the X-Wangge-Draft header (GDAL_HTTP_HEADERS): GDAL
// sees the edit, and without the draft the published grids.
func TestGDALReadsADraft(t *testing.T) {
	for _, kind := range storeKinds {
		t.Run(kind.name, func(t *testing.T) {
			srv, id := editSetup(t, kind.open)
			testPut(t, srv, id)
			dir := t.TempDir()
			read := func(name string, args ...string) map[string]string {
				file := dir + "/" + name + ".geojson"
				gdal(t, "ogr2ogr", append([]string{"-f", "GeoJSON", file}, args...)...)
				b, err := os.ReadFile(file)
				if err != nil {
					t.Fatal(err)
				}
				fc, err := geojson.UnmarshalFeatureCollection(b)
				if err != nil {
					t.Fatal(err)
				}
				names := map[string]string{}
				for _, f := range fc.Features {
					names[f.Properties.MustString("code", "")] = f.Properties.MustString("name", "")
				}
				return names
			}
			for name, args := range map[string][]string{
				"query":  {"OAPIF:" + srv.URL + "/collections/grids?draft=" + id},
				"header": {"OAPIF:" + srv.URL + "/", "grids", "--config", "GDAL_HTTP_HEADERS", "X-Wangge-Draft: " + id},
			} {
				if got := read(name, args...); len(got) != 4 || got[gridA] != "网格一（扩）" {
					t.Errorf("GDAL with the draft in the %s read %v, want 4 grids, %s renamed", name, got, gridA)
				}
			}
			if got := read("published", "OAPIF:"+srv.URL+"/", "grids"); len(got) != 4 || got[gridA] == "网格一（扩）" {
				t.Errorf("GDAL without a draft read %v, want the published grids", got)
			}
			inURL := false
			for _, r := range srv.requests("/collections/grids/items?") {
				inURL = inURL || strings.Contains(r, "draft="+id)
			}
			if !inURL {
				t.Errorf("GDAL never asked for the draft's items in the URL: %v", srv.requests("/collections/grids"))
			}
		})
	}
}
