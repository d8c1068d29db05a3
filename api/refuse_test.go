package api_test

import (
	"bufio"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/api"
	"github.com/wangge/wangge/geo/crs"
)

// Points of the sample county whose unit is known (route_test.go): a
// micro-grid on land and a sea grid.
const (
	landLon, landLat = 122.05, 30.05
	landUnit         = "330922100001001001"
	seaUnit          = "330922900000001"
	vesselID         = "浙嵊渔10001"
)

// TestNothingIgnored: on both stores' servers, the /v1 API refuses what
// it does not understand instead of ignoring it (issue 12, item 5).
func TestNothingIgnored(t *testing.T) {
	for name, st := range stores(t) {
		t.Run(name, func(t *testing.T) {
			s := start(t, st, api.Config{})
			// A foreign member of a FeatureCollection is GeoJSON, not a
			// mistake: publishing and validating keep accepting it.
			sample := strings.Replace(sampleBody(t), `{"type":"FeatureCollection"`, `{"type":"FeatureCollection","name":"嵊泗县","generator":"test"`, 1)
			if !strings.Contains(sample, `"generator":"test"`) {
				t.Fatalf("no foreign member spliced into %.80s", sample)
			}
			if code, b := s.do("POST", "/v1/versions?note=sample", sample); code != http.StatusCreated {
				t.Fatalf("publish with foreign members: %d %s", code, b)
			}
			if code, b := s.do("POST", "/v1/validate", sample); code != http.StatusOK {
				t.Errorf("validate with foreign members: %d %s", code, b)
			}
			t.Run("UnknownParameters", func(t *testing.T) { testUnknownParameters(t, s) })
			t.Run("CRSSpellings", func(t *testing.T) { testCRSSpellings(t, s) })
			t.Run("BodyCRS", func(t *testing.T) { testBodyCRS(t, s) })
			t.Run("BodyMembers", func(t *testing.T) { testBodyMembers(t, s) })
			t.Run("NDJSONBadLines", func(t *testing.T) { testNDJSONBadLines(t, s) })
			t.Run("JSONBatchOnError", func(t *testing.T) { testJSONBatchOnError(t, s) })
		})
	}
}

// refused checks a 400 invalid whose message holds each of want.
func refused(t *testing.T, what string, code int, b []byte, want ...string) apiError {
	t.Helper()
	var e apiError
	if err := json.Unmarshal(b, &e); code != http.StatusBadRequest || err != nil || e.Error.Code != "invalid" {
		t.Errorf("%s: got %d %s, want 400 invalid", what, code, b)
		return e
	}
	for _, w := range want {
		if !strings.Contains(e.Error.Message, w) {
			t.Errorf("%s: message %q, want it to contain %q", what, e.Error.Message, w)
		}
	}
	return e
}

func testUnknownParameters(t *testing.T, s *server) {
	route := "/v1/route?lon=122.05&lat=30.05"
	units := "accepted: level, parent, prefix, network, kind, bbox, as_of, limit, cursor, crs"
	versions := len(s.get("/v1/versions", 200))
	for _, tc := range []struct {
		method, path, body string
		unknown            string // the detail's field
		want               []string
	}{
		// The issue's own: each of these routed the point as WGS84.
		{"GET", route + "&cr=gcj02", "", "cr", []string{`unknown query parameter "cr"`, "accepted: lon, lat, crs, as_of"}},
		{"GET", route + "&CRS=gcj02", "", "CRS", []string{`unknown query parameter "CRS" (names are case-sensitive: did you mean "crs"?)`, "accepted: lon, lat, crs, as_of"}},
		{"GET", "/v1/units?levle=grid", "", "levle", []string{`unknown query parameter "levle"`, units}},
		{"GET", "/v1/units?level=grid&Level=grid", "", "Level", []string{`"Level" (names are case-sensitive: did you mean "level"?)`}},
		{"GET", "/v1/units/330922000000?asof=1", "", "asof", []string{`"asof"`, "accepted: as_of, crs"}},
		{"GET", "/v1/versions?limit=1", "", "limit", []string{`"limit": none is accepted here`}},
		{"POST", "/v1/versions?requires=tiling", sampleBody(t), "requires", []string{`"requires"`, "accepted: crs, note, require, findings"}},
		{"GET", "/v1/vessels?unti=330922900000001001", "", "unti", []string{`"unti"`, "accepted: unit, as_of, limit, cursor"}},
		{"GET", "/v1/vessels/" + vesselID + "?crs=gcj02", "", "crs", []string{`"crs"`, "accepted: as_of"}},
		{"GET", "/v1/vessels/" + vesselID + "/route?lon=122.7&lat=30.8&cr=gcj02", "", "cr", []string{`"cr"`, "accepted: lon, lat, crs, as_of"}},
		{"POST", "/v1/route/batch?cr=gcj02", `{"points":[[122.05,30.05]]}`, "cr", []string{`"cr"`, "accepted: crs, as_of, on_error"}},
		{"POST", "/v1/route/batch?onerror=skip", `{"points":[[122.05,30.05]]}`, "onerror", []string{`"onerror"`, "accepted: crs, as_of, on_error"}},
		{"POST", "/v1/validate?prent=330922100001", sampleBody(t), "prent", []string{`"prent"`, "accepted: crs, rules, area_tolerance, sliver_width, parent, siblings, as_of"}},
		{"GET", "/v1/validate?root=330922000000&colour=red", "", "colour", []string{`"colour"`, "accepted: root, crs, rules, area_tolerance, sliver_width, as_of"}},
		{"POST", "/v1/partition?crs=gcj02", `{"parent":"330922100001","rules":"zhejiang"}`, "crs", []string{`"crs": none is accepted here`}},
		{"GET", "/v1/export?formt=gpkg", "", "formt", []string{`"formt"`, "accepted: root, format, version"}},
		{"GET", route + "&crs=gcj02&x=1&y=2", "", "x", []string{`unknown query parameters "x", "y"`}},
		{"GET", route + "&crs=gcj02;as_of=1", "", "", []string{"separate parameters with '&', not ';'"}},
		{"GET", route + "&crs=gcj02&crs=wgs84", "", "", []string{`query parameter "crs" is given more than once`}},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			code, b := s.do(tc.method, tc.path, tc.body)
			e := refused(t, tc.method+" "+tc.path, code, b, tc.want...)
			if tc.unknown != "" && (len(e.Error.Details) == 0 || e.Error.Details[0].Field != tc.unknown) {
				t.Errorf("details %+v, want the first to name %q", e.Error.Details, tc.unknown)
			}
		})
	}
	if n := len(s.get("/v1/versions", 200)); n != versions {
		t.Errorf("a refused publish changed /v1/versions (%d bytes, was %d)", n, versions)
	}
	// Every accepted parameter is accepted: as_of on each routing endpoint
	// (version 1 is the sample), the rest as README documents them.
	for _, tc := range []struct{ method, path, body string }{
		{"GET", route + "&crs=wgs84&as_of=1", ""},
		{"GET", "/v1/vessels/" + vesselID + "/route?lon=122.7&lat=30.8&crs=wgs84&as_of=1", ""},
		{"POST", "/v1/route/batch?crs=wgs84&as_of=1&on_error=skip", `{"points":[[122.05,30.05]]}`},
		{"GET", "/v1/units?level=grid&parent=330922100001&prefix=3309&network=land&kind=comprehensive&bbox=121,29,123,31&as_of=1&limit=5&cursor=3&crs=gcj02", ""},
		{"GET", "/v1/units/330922000000?as_of=1&crs=bd09", ""},
		{"GET", "/v1/vessels?unit=330922900000001001&as_of=1&limit=5&cursor=a", ""},
		{"GET", "/v1/vessels/" + vesselID + "?as_of=1", ""},
		{"GET", "/v1/validate?root=330922100001&crs=wgs84&rules=zhejiang&area_tolerance=1&sliver_width=0.5&as_of=1", ""},
		{"GET", "/v1/export?root=330922100001&format=geojson&version=1", ""},
	} {
		if code, b := s.do(tc.method, tc.path, tc.body); code != http.StatusOK {
			t.Errorf("%s %s: got %d %.300s, want 200", tc.method, tc.path, code, b)
		}
	}
}

// spellings of each system, the canonical first.
var spellings = map[crs.CRS][]string{
	crs.WGS84:    {"wgs84", "WGS84", "wgs-84", "WGS-84", "EPSG:4326", "epsg:4326", "http://www.opengis.net/def/crs/EPSG/0/4326", "http://www.opengis.net/def/crs/OGC/1.3/CRS84"},
	crs.CGCS2000: {"cgcs2000", "CGCS2000", "EPSG:4490", "http://www.opengis.net/def/crs/EPSG/0/4490"},
	crs.GCJ02:    {"gcj02", "GCJ02", "gcj-02", "GCJ-02"},
	crs.BD09:     {"bd09", "BD09", "bd-09", "BD-09"},
}

// unitOf is the "code" of a route answer.
func unitOf(t *testing.T, b []byte) string {
	t.Helper()
	var r struct{ Code *string }
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("not a route answer: %v: %s", err, b)
	}
	if r.Code == nil {
		return ""
	}
	return *r.Code
}

// testCRSSpellings: every spelling of a system reads the point as its
// canonical name does (a point of known unit, converted into the system
// independently of the server), and the answer names the canonical crs.
func testCRSSpellings(t *testing.T, s *server) {
	if got := unitOf(t, s.get("/v1/route?lon=122.05&lat=30.05", 200)); got != landUnit {
		t.Fatalf("the WGS84 point: got %s, want %s", got, landUnit)
	}
	for sys, names := range spellings {
		p := crs.Convert(orb.Point{landLon, landLat}, crs.WGS84, sys)
		q := "lon=" + strconv.FormatFloat(p[0], 'f', -1, 64) + "&lat=" + strconv.FormatFloat(p[1], 'f', -1, 64)
		canonical := s.get("/v1/route?"+q+"&crs="+names[0], 200)
		if got := unitOf(t, canonical); got != landUnit {
			t.Errorf("%s point %v: got %s, want %s", sys, p, got, landUnit)
		}
		if !strings.HasSuffix(string(canonical), `,"crs":"`+string(sys)+`"}`) {
			t.Errorf("%s: the answer does not end naming its crs: %s", sys, canonical)
		}
		for _, n := range names[1:] {
			if b := s.get("/v1/route?"+q+"&crs="+url.QueryEscape(n), 200); string(b) != string(canonical) {
				t.Errorf("crs=%s: got %s, want the answer of crs=%s: %s", n, b, names[0], canonical)
			}
		}
		// The vessel's position and the batch say it too.
		b := s.get("/v1/vessels/"+vesselID+"/route?"+q+"&crs="+url.QueryEscape(names[len(names)-1]), 200)
		var v struct{ Position json.RawMessage }
		if err := json.Unmarshal(b, &v); err != nil || string(v.Position) != string(canonical) {
			t.Errorf("vessel route, crs=%s: position %s (%v), want %s", names[len(names)-1], v.Position, err, canonical)
		}
		_, b = s.do("POST", "/v1/route/batch", `{"crs":"`+names[len(names)-1]+`","points":[[`+strings.ReplaceAll(strings.ReplaceAll(q, "lon=", ""), "&lat=", ",")+`]]}`)
		if !strings.HasPrefix(string(b), `{"version":1,"crs":"`+string(sys)+`","results":[`) || !strings.Contains(string(b), `"code":"`+landUnit+`"`) {
			t.Errorf("batch in %s: got %.200s, want crs %s first and unit %s", names[len(names)-1], b, sys, landUnit)
		}
	}
	// A land point read in the wrong system lands elsewhere: the
	// spellings are not all read as WGS84.
	gcj := crs.Convert(orb.Point{122.1005, 30.15}, crs.GCJ02, crs.WGS84)
	wgs := unitOf(t, s.get("/v1/route?lon=122.1005&lat=30.15", 200))
	for _, n := range spellings[crs.GCJ02] {
		if got := unitOf(t, s.get("/v1/route?lon=122.1005&lat=30.15&crs="+n, 200)); got == wgs || got != unitOf(t, s.get("/v1/route?lon="+strconv.FormatFloat(gcj[0], 'f', -1, 64)+"&lat="+strconv.FormatFloat(gcj[1], 'f', -1, 64), 200)) {
			t.Errorf("crs=%s: got %s, want the unit of the converted point, not the WGS84 reading's %s", n, got, wgs)
		}
	}
	for _, path := range []string{"/v1/route?lon=122.05&lat=30.05&crs=gcj2", "/v1/units?crs=GCJ_02", "/v1/route/batch?crs=utm"} {
		method := "GET"
		if strings.Contains(path, "batch") {
			method = "POST"
		}
		code, b := s.do(method, path, `{"points":[]}`)
		refused(t, path, code, b, "unknown coordinate system", "wgs84", "wgs-84", "EPSG:4326", "cgcs2000", "EPSG:4490", "gcj02", "gcj-02", "bd09", "bd-09", "http://www.opengis.net/def/crs/OGC/1.3/CRS84")
	}
}

// testBodyCRS: a batch body's crs that contradicts the query's is a 400,
// in a JSON answer and in a streamed one; the same system in another
// spelling is not.
func testBodyCRS(t *testing.T, s *server) {
	gcj := crs.Convert(orb.Point{landLon, landLat}, crs.WGS84, crs.GCJ02)
	pts := `[[` + strconv.FormatFloat(gcj[0], 'f', -1, 64) + `,` + strconv.FormatFloat(gcj[1], 'f', -1, 64) + `]]`
	for _, stream := range []bool{false, true} {
		post := func(query, body string) (int, []byte) {
			req, _ := http.NewRequest("POST", s.url+"/v1/route/batch"+query, strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			if stream {
				req.Header.Set("Accept", "application/x-ndjson")
			}
			return doReq(t, req)
		}
		for _, tc := range []struct {
			query, body string
			ok          bool
		}{
			{"?crs=wgs84", `{"crs":"gcj02","points":` + pts + `}`, false},
			{"?crs=EPSG:4326", `{"crs":"gcj-02","points":` + pts + `}`, false},
			{"?crs=gcj02", `{"crs":"bd09","points":` + pts + `}`, false},
			{"?crs=gcj02", `{"crs":"GCJ-02","points":` + pts + `}`, true},
			{"?crs=GCJ02", `{"crs":"gcj02","points":` + pts + `}`, true},
			{"", `{"crs":"gcj-02","points":` + pts + `}`, true},
			{"?crs=gcj-02", `{"points":` + pts + `}`, true},
		} {
			code, b := post(tc.query, tc.body)
			what := tc.query + " " + tc.body
			if stream {
				what += " (streamed)"
			}
			if !tc.ok {
				refused(t, what, code, b, `contradicts the query's crs`)
				continue
			}
			if code != 200 || !strings.Contains(string(b), `"code":"`+landUnit+`"`) || !strings.Contains(string(b), `"crs":"gcj02"`) {
				t.Errorf("%s: got %d %.300s, want 200 routing the GCJ-02 point to %s", what, code, b, landUnit)
			}
		}
		// Streamed, a crs after the points comes too late unless it names
		// the system they were read in.
		if !stream {
			continue
		}
		if _, b := post("", `{"points":`+pts+`,"crs":"gcj02"}`); !strings.Contains(string(b), `must come before \"points\"`) {
			t.Errorf("streamed crs after the points: got %s, want an error line", b)
		}
		if code, b := post("?crs=gcj02", `{"points":`+pts+`,"crs":"GCJ-02"}`); code != 200 || strings.Contains(string(b), "error") {
			t.Errorf("streamed crs after the points, the same as the query's: got %d %s, want answers only", code, b)
		}
	}
}

func doReq(t *testing.T, req *http.Request) (int, []byte) {
	t.Helper()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var b strings.Builder
	if _, err := bufio.NewReader(res.Body).WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, []byte(b.String())
}

// testBodyMembers: a batch body's unknown or repeated member is refused,
// naming it and the accepted ones.
func testBodyMembers(t *testing.T, s *server) {
	for _, tc := range []struct {
		body string
		want []string
	}{
		{`{"points":[[122.05,30.05]],"colour":"red"}`, []string{`unknown member "colour"; accepted: crs, points`}},
		{`{"Points":[[122.05,30.05]]}`, []string{`unknown member "Points" (names are case-sensitive: did you mean "points"?)`}},
		{`{"crs":"gcj02","crs":"wgs84","points":[]}`, []string{`member "crs" is given twice`}},
		{`{"points":[],"points":[]}`, []string{`member "points" is given twice`}},
		{`{"crs":4326,"points":[]}`, []string{`"crs" must be a string`}},
		{`{"points":{"a":1}}`, []string{`"points" must be an array`}},
	} {
		code, b := s.do("POST", "/v1/route/batch", tc.body)
		refused(t, tc.body, code, b, tc.want...)
	}
}

// ndjson posts body as NDJSON and returns the status and answer lines.
func ndjson(t *testing.T, s *server, query, body string) (int, []string) {
	t.Helper()
	req, _ := http.NewRequest("POST", s.url+"/v1/route/batch"+query, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-ndjson")
	code, b := doReq(t, req)
	return code, strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

// lineError is an answer that stands for a bad point.
type lineError struct {
	Line  *int
	Index *int
	Error struct {
		Code    string
		Message string
	}
}

// testNDJSONBadLines: a bad NDJSON line is answered in its place by an
// error object with its line number, and the stream goes on; every good
// line is answered as GET /v1/route answers its point alone.
func testNDJSONBadLines(t *testing.T, s *server) {
	good := []string{"122.05,30.05", "122.7,30.8", "[122.1005, 30.15]", "125,30", "122.103,30.05"}
	body := good[0] + "\n" + good[1] + "\n" + "122.05,91\n" + "x,30\n\n" + "122.05\n" +
		strings.Repeat("1", 70_000) + "\n" + good[2] + "\n" + good[3] + "\n" + good[4]
	// The body's lines: 1, 2 good; 3 out of range; 4 not a number; 5 blank;
	// 6 one number; 7 too long; 8, 9, 10 good (10 without its newline).
	bad := map[int]string{3: "line 3: lat 91 is outside -90…90", 4: `line 4: "x" is not a JSON number`, 6: "line 6: want [lon, lat] or lon,lat", 7: "line 7: line longer than"}
	for _, query := range []string{"?crs=gcj02", "?crs=gcj02&on_error=skip"} {
		code, lines := ndjson(t, s, query, body)
		if code != 200 || len(lines) != 9 {
			t.Fatalf("%s: status %d, %d lines, want 200 and 9 (5 answers, 4 errors): %.500q", query, code, len(lines), lines)
		}
		gi := 0
		for i, line := range lines {
			n := []int{1, 2, 3, 4, 6, 7, 8, 9, 10}[i]
			if msg, isBad := bad[n]; isBad {
				var e lineError
				if err := json.Unmarshal([]byte(line), &e); err != nil || e.Line == nil || *e.Line != n || e.Error.Code != "invalid" || !strings.HasPrefix(e.Error.Message, msg) {
					t.Errorf("%s: answer %d: got %.300s, want the error of line %d: %s", query, i, line, n, msg)
				}
				continue
			}
			p := strings.Trim(good[gi], "[]")
			lon, lat, _ := strings.Cut(p, ",")
			want := s.get("/v1/route?lon="+strings.TrimSpace(lon)+"&lat="+strings.TrimSpace(lat)+"&crs=gcj02", 200)
			if line != string(want) {
				t.Errorf("%s: answer %d (line %d): got %s, want %s", query, i, n, line, want)
			}
			gi++
		}
	}
	// on_error=stop ends the stream at the first bad line, with its error;
	// before any answer, that is a 400.
	code, lines := ndjson(t, s, "?on_error=stop", body)
	var e lineError
	if code != 200 || len(lines) != 3 || json.Unmarshal([]byte(lines[2]), &e) != nil || e.Line == nil || *e.Line != 3 {
		t.Errorf("on_error=stop: got %d %.300q, want 200 with 2 answers and the error of line 3", code, lines)
	}
	code, lines = ndjson(t, s, "?on_error=stop", "x,1\n122.05,30.05\n")
	refused(t, "on_error=stop, first line bad", code, []byte(strings.Join(lines, "\n")), "line 1:")
	code, lines = ndjson(t, s, "?on_error=later", body)
	refused(t, "on_error=later", code, []byte(strings.Join(lines, "\n")), `on_error "later": want skip`)
	// A JSON body streamed with on_error=skip answers a bad point in its
	// place by its index.
	req, _ := http.NewRequest("POST", s.url+"/v1/route/batch?on_error=skip", strings.NewReader(`{"points":[[122.05,30.05],[122.05,91],[122.7,30.8]]}`))
	req.Header.Set("Accept", "application/x-ndjson")
	code, b := doReq(t, req)
	lines = strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	e = lineError{}
	if code != 200 || len(lines) != 3 || unitOf(t, []byte(lines[0])) != landUnit || unitOf(t, []byte(lines[2])) != seaUnit ||
		json.Unmarshal([]byte(lines[1]), &e) != nil || e.Index == nil || *e.Index != 1 || e.Line != nil || !strings.HasPrefix(e.Error.Message, "point 1: lat 91") {
		t.Errorf("streamed JSON body, on_error=skip: got %d %q, want the answers of points 0 and 2 around the error of index 1", code, lines)
	}
}

// testJSONBatchOnError: by default a JSON batch with a bad point is a 400
// naming its index; with on_error=skip the bad points are answered in
// their place by their error and the others are routed. A body that is
// not JSON is still a 400.
func testJSONBatchOnError(t *testing.T, s *server) {
	body := `{"points":[[122.05,30.05],[122.05,91],[122.7,30.8],[1e999,1],[1,"x"],[122.1005,30.15]]}`
	code, b := s.do("POST", "/v1/route/batch", body)
	if e := refused(t, "default", code, b, "point 1: lat 91 is outside -90…90"); len(e.Error.Details) != 1 || e.Error.Details[0].Index != 1 {
		t.Errorf("default: details %+v, want index 1", e.Error.Details)
	}
	code, b = s.do("POST", "/v1/route/batch?on_error=stop", body)
	refused(t, "on_error=stop", code, b, "point 1:")
	code, b = s.do("POST", "/v1/route/batch?on_error=skip", body)
	var out struct {
		Version int
		CRS     string
		Results []json.RawMessage
	}
	if err := json.Unmarshal(b, &out); code != 200 || err != nil || len(out.Results) != 6 || out.CRS != "wgs84" {
		t.Fatalf("on_error=skip: got %d %s (%v), want 200 with 6 results, crs wgs84", code, b, err)
	}
	for i, want := range []string{landUnit, "point 1: lat 91", seaUnit, "point 3: ", `point 4: "\"x\""`, ""} {
		var e lineError
		if err := json.Unmarshal(out.Results[i], &e); err != nil {
			t.Fatal(err)
		}
		switch {
		case i == 5: // the unit of that point alone
			if got, w := unitOf(t, out.Results[i]), unitOf(t, s.get("/v1/route?lon=122.1005&lat=30.15", 200)); got != w {
				t.Errorf("on_error=skip: result %d: got %s, want %s", i, got, w)
			}
		case strings.HasPrefix(want, "point"):
			if e.Index == nil || *e.Index != i || e.Error.Code != "invalid" || !strings.HasPrefix(e.Error.Message, want) {
				t.Errorf("on_error=skip: result %d: got %s, want its error %q", i, out.Results[i], want)
			}
		default:
			if got := unitOf(t, out.Results[i]); got != want {
				t.Errorf("on_error=skip: result %d: got %s, want %s", i, got, want)
			}
		}
	}
	// What the reader cannot read past stays a 400, skip or not.
	for _, bad := range []string{`{"points":[[122.05,30.05],[1,2,3],[122.7,30.8]]}`, `{"points":[[122.05,30.05],{"lon":1}]}`, `{"points":[[122.05,30.05]`} {
		code, b := s.do("POST", "/v1/route/batch?on_error=skip", bad)
		refused(t, "on_error=skip "+bad, code, b)
	}
}
