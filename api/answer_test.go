package api_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/wangge/wangge/api"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/store/storetest"
)

// staffedSample is the sample with staff where the contact tests need it:
// 第一网格 (330922100001001) has several roles, the best of them neither
// first nor alone on its roster; its micro-grid 微网格一 has no staff,
// 微网格二 an instructor; 学校专属网格 and every unit above the grids have
// none.
func staffedSample() partition.Changeset {
	cs := storetest.Sample()
	for i := range cs.Units {
		switch cs.Units[i].Code {
		case "330922100001001":
			cs.Units[i].Staff = []partition.Staff{
				{Role: partition.RolePolice, Name: "周警官", Phone: "110"}, {Role: partition.RolePartTime, Name: "吴兼职"},
				{Role: partition.RoleFullTime, Name: "王专职", Phone: "13800000002"}, {Role: partition.RoleGridLeader, Name: "陈网格长", Phone: "13700000001"},
				{Role: partition.RoleGridLeader, Name: "林网格长", Phone: "13700000002"}}
		case "330922100001001002":
			cs.Units[i].Staff = []partition.Staff{{Role: partition.RoleInstructor, Name: "钱指导员"}}
		}
	}
	return cs
}

// The contacts staffedSample gives, written out from it.
const (
	contactLeader     = `{"code":"330922100001001","role":"grid_leader","name":"陈网格长","phone":"13700000001"}`
	contactInstructor = `{"code":"330922100001001002","role":"instructor","name":"钱指导员","phone":null}`
)

// Points of staffedSample: in 微网格一 (no staff: its grid's leader), in
// 微网格二 (its own instructor), in 学校专属网格 (nobody in its chain), at
// sea (nobody), and outside everything.
const (
	inMicro1  = "122.05,30.05"
	inMicro2  = "122.05,30.15"
	inSchool  = "122.15,30.1"
	atSea     = "122.7,30.8"
	outOfMaps = "125,30"
)

// TestAnswersSized: every routing answer names its contact, and fields=
// narrows it, on both stores' servers.
func TestAnswersSized(t *testing.T) {
	for name, st := range stores(t) {
		t.Run(name, func(t *testing.T) {
			s := start(t, st, api.Config{})
			if code, b := s.do("POST", "/v1/versions", changesetBody(t, staffedSample())); code != http.StatusCreated {
				t.Fatalf("publish: %d %s", code, b)
			}
			t.Run("Contact", func(t *testing.T) { testContact(t, s) })
			t.Run("Fields", func(t *testing.T) { testFields(t, s) })
		})
	}
}

func routePath(pt, query string) string {
	lon, lat, _ := strings.Cut(pt, ",")
	return "/v1/route?lon=" + lon + "&lat=" + lat + query
}

// member returns the top-level member name of the JSON object b, compacted.
func member(t *testing.T, b []byte, name string) string {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%v in %s", err, b)
	}
	v, ok := m[name]
	if !ok {
		t.Fatalf("no %q in %s", name, b)
	}
	return string(v)
}

func testContact(t *testing.T, s *server) {
	points := []string{inMicro1, inMicro2, inSchool, atSea, outOfMaps}
	want := []string{contactLeader, contactInstructor, "null", "null", "null"}
	for i, pt := range points {
		if got := member(t, s.get(routePath(pt, ""), 200), "contact"); got != want[i] {
			t.Errorf("GET /v1/route at %s: contact %s, want %s", pt, got, want[i])
		}
	}
	body := `{"points":[[` + strings.Join(points, "],[") + `]]}`
	code, b := s.do("POST", "/v1/route/batch", body)
	var out struct{ Results []json.RawMessage }
	if err := json.Unmarshal(b, &out); code != 200 || err != nil || len(out.Results) != len(points) {
		t.Fatalf("batch: %d %v %s", code, err, b)
	}
	for i, r := range out.Results {
		if got := member(t, r, "contact"); got != want[i] {
			t.Errorf("batch JSON at %s: contact %s, want %s", points[i], got, want[i])
		}
	}
	code, lines := ndjson(t, s, "", strings.Join(points, "\n")+"\n")
	if code != 200 || len(lines) != len(points) {
		t.Fatalf("batch NDJSON: %d %q", code, lines)
	}
	for i, l := range lines {
		if got := member(t, []byte(l), "contact"); got != want[i] {
			t.Errorf("batch NDJSON at %s: contact %s, want %s", points[i], got, want[i])
		}
		if got := member(t, []byte(l), "crs"); got != `"wgs84"` {
			t.Errorf("batch NDJSON at %s: crs %s, want \"wgs84\"", points[i], got)
		}
	}
	pos := member(t, s.get("/v1/vessels/浙嵊渔10001/route?lon=122.05&lat=30.05", 200), "position")
	if got := member(t, []byte(pos), "contact"); got != contactLeader {
		t.Errorf("vessel route position: contact %s, want %s", got, contactLeader)
	}
}

func testFields(t *testing.T, s *server) {
	for _, tc := range []struct {
		name, pt, fields string
		want             []string // members, in order, crs last
		values           map[string]string
	}{
		{"code,chain", inMicro1, "code,chain", []string{"code", "chain", "crs"}, map[string]string{"code": `"330922100001001001"`}},
		{"code,contact", inMicro1, "code,contact", []string{"code", "contact", "crs"}, map[string]string{"contact": contactLeader}},
		{"contact,code: answer order", inMicro2, "contact,code", []string{"code", "contact", "crs"}, map[string]string{"contact": contactInstructor}},
		{"staff is the deepest unit's", inMicro2, "code,staff", []string{"code", "staff", "crs"}, map[string]string{"staff": `[{"role":"instructor","name":"钱指导员"}]`}},
		{"staff of a unit without", inMicro1, "staff", []string{"staff", "crs"}, map[string]string{"staff": `[]`}},
		{"unresolved", outOfMaps, "code,contact,chain,version", []string{"code", "contact", "chain", "version", "crs"}, map[string]string{"code": "null", "contact": "null", "chain": "[]", "version": "1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := s.get(routePath(tc.pt, "&fields="+tc.fields), 200)
			checkMembers(t, "GET /v1/route", b, tc.want, tc.values)
			code, b := s.do("POST", "/v1/route/batch?fields="+tc.fields, `{"points":[[`+tc.pt+`]]}`)
			var out struct{ Results []json.RawMessage }
			if err := json.Unmarshal(b, &out); code != 200 || err != nil || len(out.Results) != 1 {
				t.Fatalf("batch: %d %v %s", code, err, b)
			}
			// A JSON batch names its crs once, not in each result.
			checkMembers(t, "batch JSON", out.Results[0], tc.want[:len(tc.want)-1], tc.values)
			code, lines := ndjson(t, s, "?fields="+tc.fields, tc.pt+"\n")
			if code != 200 || len(lines) != 1 {
				t.Fatalf("batch NDJSON: %d %q", code, lines)
			}
			checkMembers(t, "batch NDJSON", []byte(lines[0]), tc.want, tc.values)
		})
	}
	for _, q := range []string{"fields=code,chian,Staff", "fields=", "fields=code,,chain", "fields=crs"} {
		code, b := s.do("GET", routePath(inMicro1, "&"+q), "")
		e := refused(t, "GET /v1/route?"+q, code, b, "fields", "contact", "published_at")
		if q == "fields=code,chian,Staff" && (!strings.Contains(e.Error.Message, `"chian"`) || !strings.Contains(e.Error.Message, `"Staff"`)) {
			t.Errorf("%s: %q does not name chian and Staff", q, e.Error.Message)
		}
		code, b = s.do("POST", "/v1/route/batch?"+q, `{"points":[[`+inMicro1+`]]}`)
		refused(t, "POST /v1/route/batch?"+q, code, b, "fields", "contact")
		code, lines := ndjson(t, s, "?"+q, inMicro1+"\n")
		refused(t, "NDJSON /v1/route/batch?"+q, code, []byte(strings.Join(lines, "\n")), "fields")
	}
}

// checkMembers checks that the object b has exactly the members want, in
// that order, and the values given.
func checkMembers(t *testing.T, what string, b []byte, want []string, values map[string]string) {
	t.Helper()
	var keys []string
	dec := json.NewDecoder(strings.NewReader(string(b)))
	if _, err := dec.Token(); err != nil {
		t.Fatalf("%s: %v in %s", what, err, b)
	}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			t.Fatalf("%s: %v in %s", what, err, b)
		}
		keys = append(keys, k.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatalf("%s: %v in %s", what, err, b)
		}
	}
	if !slices.Equal(keys, want) {
		t.Errorf("%s: members %v, want %v in %s", what, keys, want, b)
	}
	for k, v := range values {
		if got := member(t, b, k); got != v {
			t.Errorf("%s: %s = %s, want %s", what, k, got, v)
		}
	}
}
