package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/wangge/wangge/api"
	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/household"
)

// draftAnswer is the part of an edit's answer the tests read.
type draftAnswer struct {
	Draft   partition.Draft `json:"draft"`
	Changes []struct {
		Op    string `json:"op"`
		Moves []struct {
			From, To   string
			Households int `json:"households"`
		} `json:"moves"`
		Removed []string `json:"removed"`
	} `json:"changes"`
	Units []struct {
		Code       string `json:"code"`
		Households int    `json:"households"`
		Status     string `json:"status"`
	} `json:"units"`
	Summary struct{ Errors, Warnings int } `json:"summary"`
}

func (s *server) send(method, path, body string, header map[string]string) rawAnswer {
	s.t.Helper()
	req, err := http.NewRequest(method, s.url+path, strings.NewReader(body))
	if err != nil {
		s.t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	return rawAnswer{res.StatusCode, res.Header, string(b)}
}

func decode[T any](t *testing.T, body string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("decode %.300s: %v", body, err)
	}
	return v
}

// draftUnits is the draft's units of a parent, from /v1/units?draft=.
func draftUnits(t *testing.T, s *server, id, parent string) map[string]partition.Unit {
	t.Helper()
	b := s.get("/v1/units?draft="+id+"&parent="+parent+"&crs=cgcs2000&limit=1000", 200)
	fc, err := geojson.UnmarshalFeatureCollection(b)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]partition.Unit{}
	for _, f := range fc.Features {
		mp, _ := f.Geometry.(orb.MultiPolygon)
		if p, ok := f.Geometry.(orb.Polygon); ok {
			mp = orb.MultiPolygon{p}
		}
		hh, _ := f.Properties["households"].(float64)
		out[f.Properties.MustString("code")] = partition.Unit{Code: partition.Code(f.Properties.MustString("code")), Households: int(hh), Geometry: mp}
	}
	return out
}

// adjacent returns the first two units of us, in code order, that share
// a border.
func adjacent(t *testing.T, us map[string]partition.Unit) (a, b partition.Unit) {
	t.Helper()
	codes := slices.Sorted(maps.Keys(us))
	for i, x := range codes {
		for _, y := range codes[i+1:] {
			if geo.Touches(us[x].Geometry, us[y].Geometry) {
				return us[x], us[y]
			}
		}
	}
	t.Fatal("no two adjacent units")
	return
}

func TestDrafts(t *testing.T) {
	sample, err := os.ReadFile("../data/sample/shengsi.geojson")
	if err != nil {
		t.Fatal(err)
	}
	pts, err := household.Decode(mustRead(t, "../data/sample/shengsi_households.geojson"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	rs, _ := partition.BuiltinRuleSet("zhejiang")
	for name, st := range stores(t) {
		t.Run(name, func(t *testing.T) {
			if _, err := st.(partition.DraftStore).ImportHouseholds(context.Background(), "sample", pts); err != nil {
				t.Fatal(err)
			}
			s := start(t, st, api.Config{Rules: &rs})
			if code, b := s.do("POST", "/v1/versions?crs=cgcs2000", string(sample)); code != 201 {
				t.Fatalf("publish the sample: %d %s", code, b)
			}
			testDraftRoundTrip(t, s)
			testDraftRefusals(t, s)
			testDraftGate(t, s)
		})
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// testDraftRoundTrip merges two micro-grids in a draft, undoes and redoes
// it, diffs the draft against its base and publishes it.
func testDraftRoundTrip(t *testing.T, s *server) {
	a := s.send("POST", "/v1/drafts", `{"root": "330922100000", "note": "merge"}`, nil)
	if a.code != 201 || a.header.Get("ETag") != `"0"` {
		t.Fatalf("create: %d %s %s", a.code, a.header.Get("ETag"), a.body)
	}
	id := decode[struct{ Draft partition.Draft }](t, a.body).Draft.ID
	view := decode[draftAnswer](t, s.send("GET", "/v1/drafts/"+id, "", nil).body)
	if view.Summary.Errors != 0 || len(view.Units) == 0 {
		t.Fatalf("a draft of the sample: %d errors, %d units", view.Summary.Errors, len(view.Units))
	}
	grid := ""
	for _, u := range view.Units {
		if len(u.Code) == 15 {
			grid = u.Code
			break
		}
	}
	micro := draftUnits(t, s, id, grid)
	x, y := adjacent(t, micro)
	op := fmt.Sprintf(`{"op": "merge", "units": ["%s", "%s"]}`, x.Code, y.Code)
	a = s.send("POST", "/v1/drafts/"+id+"/ops", op, map[string]string{"If-Match": `"0"`})
	if a.code != 200 {
		t.Fatalf("merge: %d %s", a.code, a.body)
	}
	res := decode[draftAnswer](t, a.body)
	if got := res.Changes[0].Moves[0].Households; res.Changes[0].Moves[0].From != string(y.Code) || got != y.Households {
		t.Errorf("the merge moved %+v, want the %d households of %s", res.Changes[0].Moves, y.Households, y.Code)
	}
	after := draftUnits(t, s, id, grid)
	if _, ok := after[string(y.Code)]; ok || after[string(x.Code)].Households != x.Households+y.Households {
		t.Errorf("after the merge %s holds %d households, want %d; %s gone: %v", x.Code, after[string(x.Code)].Households, x.Households+y.Households, y.Code, !ok)
	}
	// A write naming the revision before the merge is stale: 412, naming
	// the merge it missed.
	if a := s.send("POST", "/v1/drafts/"+id+"/ops", op, map[string]string{"If-Match": `"0"`}); a.code != 412 || !strings.Contains(a.body, "revision 1, not 0") ||
		!strings.Contains(a.body, "revision 1: draft.op") {
		t.Errorf("a stale write: %d %s", a.code, a.body)
	}
	if a := s.send("POST", "/v1/drafts/"+id+"/undo", "", nil); a.code != 200 || draftUnits(t, s, id, grid)[string(y.Code)].Households != y.Households {
		t.Errorf("undo: %d %.300s", a.code, a.body)
	}
	if a := s.send("POST", "/v1/drafts/"+id+"/redo", "", nil); a.code != 200 {
		t.Errorf("redo: %d %.300s", a.code, a.body)
	}
	log := decode[struct {
		Log []struct{ Applied bool } `json:"log"`
	}](t, s.send("GET", "/v1/drafts/"+id+"/log", "", nil).body)
	if len(log.Log) != 1 || !log.Log[0].Applied {
		t.Errorf("log %+v, want one applied operation", log.Log)
	}
	// The diff names the piece that changed hands, with y's households.
	d := s.send("GET", "/v1/diff?from=1&to=draft:"+id, "", nil)
	fc, err := geojson.UnmarshalFeatureCollection([]byte(d.body))
	if d.code != 200 || err != nil || len(fc.Features) != 1 {
		t.Fatalf("diff: %d %v %.500s", d.code, err, d.body)
	}
	if p := fc.Features[0].Properties; p["from"] != string(y.Code) || p["to"] != string(x.Code) || p["households"] != float64(y.Households) {
		t.Errorf("diff piece %v, want %s → %s with %d households", p, y.Code, x.Code, y.Households)
	}
	if a := s.send("GET", "/v1/units?draft="+id+"&as_of=1", "", nil); a.code != 400 {
		t.Errorf("draft with as_of: %d", a.code)
	}
	p := s.send("POST", "/v1/drafts/"+id+"/publish", "", nil)
	if p.code != 201 {
		t.Fatalf("publish: %d %s", p.code, p.body)
	}
	if code, _ := s.do("GET", "/v1/units/"+string(y.Code), ""); code != 404 {
		t.Errorf("the merged-away unit after publishing: %d, want 404", code)
	}
	if a := s.send("POST", "/v1/drafts/"+id+"/undo", "", nil); a.code != 409 {
		t.Errorf("undo of a published draft: %d %s", a.code, a.body)
	}
}

// testDraftRefusals checks that bad requests are 4xx naming the problem,
// and change nothing.
func testDraftRefusals(t *testing.T, s *server) {
	a := s.send("POST", "/v1/drafts", `{"root": "330922100000"}`, nil)
	id := decode[struct{ Draft partition.Draft }](t, a.body).Draft.ID
	tests := []struct {
		name, method, path, body string
		code                     int
		want                     string
	}{
		{"unknown member", "POST", "/v1/drafts", `{"root": "330922100000", "bsae": 1}`, 400, "bsae"},
		{"no root", "POST", "/v1/drafts", `{}`, 400, "root"},
		{"root that does not exist", "POST", "/v1/drafts", `{"root": "330922999000"}`, 404, "330922999000"},
		{"base that does not exist", "POST", "/v1/drafts", `{"root": "330922100000", "base": "99"}`, 404, "version 99"},
		{"unknown draft", "GET", "/v1/drafts/nope", "", 404, "nope"},
		{"unknown op", "POST", "/v1/drafts/" + id + "/ops", `{"op": "paint"}`, 400, "paint"},
		{"op member misspelt", "POST", "/v1/drafts/" + id + "/ops", `{"op": "merge", "unitz": []}`, 400, "unitz"},
		{"unit outside the subtree", "POST", "/v1/drafts/" + id + "/ops", `{"op": "delete", "unit": "330922101001001", "neighbors": ["330922101001002"]}`, 400, "not in the draft's subtree"},
		{"line that ends inside", "POST", "/v1/drafts/" + id + "/ops", `{"op": "split", "unit": "330922100001001", "line": {"type": "LineString", "coordinates": [[0, 0], [0.1, 0.1]]}}`, 400, "does not cut"},
		{"bad If-Match", "POST", "/v1/drafts/" + id + "/undo", "", 400, "If-Match"},
		{"nothing to undo", "POST", "/v1/drafts/" + id + "/undo", "", 400, "0 operations to undo"},
		{"bad steps", "POST", "/v1/drafts/" + id + "/undo?steps=0", "", 400, "steps"},
		{"unknown parameter", "POST", "/v1/drafts/" + id + "/undo?step=2", "", 400, "step"},
		{"nothing to publish", "POST", "/v1/drafts/" + id + "/publish", "", 400, "nothing to publish"},
		{"diff without to", "GET", "/v1/diff?from=1", "", 400, "to"},
		{"diff of a bad draft", "GET", "/v1/diff?from=1&to=draft:", "", 400, "draft:ID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := map[string]string{}
			if tt.name == "bad If-Match" {
				h["If-Match"] = "yesterday"
			}
			a := s.send(tt.method, tt.path, tt.body, h)
			if a.code != tt.code || !strings.Contains(a.body, tt.want) {
				t.Errorf("%d %s, want %d naming %q", a.code, a.body, tt.code, tt.want)
			}
		})
	}
	view := decode[draftAnswer](t, s.send("GET", "/v1/drafts/"+id, "", nil).body)
	if view.Draft.Revision != 0 || view.Draft.Ops != 0 {
		t.Errorf("the refusals changed the draft: %+v", view.Draft)
	}
}

// testDraftGate publishes a version with a hole in a micro-grid (a gap in
// its grid), and checks that a draft of it cannot be published: 422 with
// the finding.
func testDraftGate(t *testing.T, s *server) {
	const code = "330922100001001001"
	f, err := geojson.UnmarshalFeature(s.get("/v1/units/"+code+"?crs=cgcs2000", 200))
	if err != nil {
		t.Fatal(err)
	}
	mp, ok := f.Geometry.(orb.MultiPolygon)
	if !ok {
		mp = orb.MultiPolygon{f.Geometry.(orb.Polygon)}
	}
	hole := innerBox(t, mp, 1e-4)
	cut, err := geo.Difference(mp, hole)
	if err != nil {
		t.Fatal(err)
	}
	hh, _ := f.Properties["households"].(float64)
	u := partition.Unit{Code: code, Name: f.Properties.MustString("name"), Level: partition.LevelMicrogrid, Network: partition.NetworkLand,
		Kind: partition.KindComprehensive, Parent: partition.Code(f.Properties.MustString("parent")), Households: int(hh), Geometry: cut}
	if code, b := s.do("POST", "/v1/versions?crs=cgcs2000", changesetBody(t, partition.Changeset{Units: []partition.Unit{u}})); code != 201 {
		t.Fatalf("publish the hole: %d %s", code, b)
	}
	a := s.send("POST", "/v1/drafts", `{"root": "330922100000"}`, nil)
	id := decode[struct{ Draft partition.Draft }](t, a.body).Draft.ID
	if a := s.send("POST", "/v1/drafts/"+id+"/ops", `{"op": "attributes", "unit": "330922100001", "name": "改名"}`, nil); a.code != 200 {
		t.Fatalf("rename: %d %s", a.code, a.body)
	}
	a = s.send("POST", "/v1/drafts/"+id+"/publish", "", nil)
	if a.code != 422 || !strings.Contains(a.body, `"rule":"gap"`) || !strings.Contains(a.body, code) {
		t.Errorf("publishing a draft with a gap: %d %.600s, want 422 naming the gap", a.code, a.body)
	}
}

// innerBox is a square of side 2·r degrees wholly inside mp: the first of
// a lattice over its bounds.
func innerBox(t *testing.T, mp orb.MultiPolygon, r float64) orb.MultiPolygon {
	t.Helper()
	b := mp.Bound()
	for i := 1; i < 40; i++ {
		for j := 1; j < 40; j++ {
			c := orb.Point{b.Min[0] + float64(i)/40*(b.Max[0]-b.Min[0]), b.Min[1] + float64(j)/40*(b.Max[1]-b.Min[1])}
			box := orb.MultiPolygon{{{{c[0] - r, c[1] - r}, {c[0] + r, c[1] - r}, {c[0] + r, c[1] + r}, {c[0] - r, c[1] + r}, {c[0] - r, c[1] - r}}}}
			in, err := geo.Intersection(mp, box)
			if err == nil && math.Abs(float64(geo.Area(in)-geo.Area(box))) < 1e-6*float64(geo.Area(box)) {
				return box
			}
		}
	}
	t.Fatal("no box fits inside")
	return nil
}
