package api_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wangge/wangge/api"
)

// TestClientMistakesAre4xx: on both stores' servers, a client's mistake is
// a 400 naming it and writes nothing (issue 16): a body shorter than its
// Content-Length, data after the JSON value, NaN or Inf where a number is
// wanted, a rule or severity that does not exist.
func TestClientMistakesAre4xx(t *testing.T) {
	for name, st := range stores(t) {
		t.Run(name, func(t *testing.T) {
			s := start(t, st, api.Config{})
			if code, b := s.do("POST", "/v1/versions?note=sample", sampleBody(t)); code != http.StatusCreated {
				t.Fatalf("publish the sample: %d %s", code, b)
			}
			versions := func() int {
				var vs struct{ Versions []json.RawMessage }
				if err := json.Unmarshal(s.get("/v1/versions", http.StatusOK), &vs); err != nil {
					t.Fatal(err)
				}
				return len(vs.Versions)
			}
			before := versions()
			family := familyBody(t, s, "330922100001")
			for _, tc := range []struct {
				name, method, path, body, want string
			}{
				{"trailing data after the collection", "POST", "/v1/versions?note=x", family + ` {"type":"FeatureCollection","features":[]}`, "data after the end of the value (line 1, column"},
				{"trailing text after the collection", "POST", "/v1/validate", family + "\n xyz", "data after the end of the value (line 2, column 2)"},
				{"trailing data after a partition request", "POST", "/v1/partition", `{"parent":"330922100001","min":300,"max":500} []`, "after top-level value"},
				{"NaN in bbox", "GET", "/v1/units?bbox=NaN,30,123,31", "", `bbox \"NaN,30,123,31\": \"NaN\" is not a finite number`},
				{"Inf in an OGC bbox", "GET", "/collections/grids/items?bbox=122,30,Inf,31", "", `\"Inf\" is not a finite number`},
				{"NaN area_tolerance", "POST", "/v1/validate?area_tolerance=NaN", family, `area_tolerance \"NaN\": want a finite number ≥ 0`},
				{"Inf sliver_width", "POST", "/v1/validate?sliver_width=%2BInf", family, `sliver_width \"+Inf\": want a finite number ≥ 0`},
				{"a rule that does not exist", "GET", "/collections/findings/items?rule=mars", "", `rule \"mars\": want one of invalid, outside, overlap, gap, code, size, detached`},
				{"a severity that does not exist", "GET", "/collections/findings/items?severity=fatal", "", `severity \"fatal\": want error or warning`},
			} {
				t.Run(tc.name, func(t *testing.T) {
					code, b := s.do(tc.method, tc.path, tc.body)
					if code != http.StatusBadRequest || !strings.Contains(string(b), tc.want) {
						t.Errorf("%s %s: %d %s, want 400 naming %s", tc.method, tc.path, code, b, tc.want)
					}
				})
			}
			points := `{"crs":"wgs84","points":[` + strings.Repeat("[122.05,30.05],", 100) + "[122.05,30.05]]}"
			partitionReq := `{"parent":"330922100001","min":300,"max":500,"rules":"zhejiang"}`
			for path, body := range map[string]string{"/v1/versions?note=short": family, "/v1/validate": family, "/v1/partition": partitionReq, "/v1/route/batch": points} {
				t.Run("short body "+path, func(t *testing.T) {
					status, b := shortPost(t, s.url, path, body[:len(body)/2], len(body))
					want := "the request body ended before its Content-Length"
					if status != http.StatusBadRequest || !strings.Contains(b, want) {
						t.Errorf("POST %s with a short body: %d %s, want 400 naming the body", path, status, b)
					}
				})
			}
			if code, b := s.do("DELETE", "/v1/versions", ""); code != http.StatusMethodNotAllowed || !strings.Contains(string(b), `{"error":{"code":"method_not_allowed","message":"DELETE is not allowed on /v1/versions","details":[]}}`) {
				t.Errorf("DELETE /v1/versions: %d %s, want 405 in the one error shape", code, b)
			}
			if n := versions(); n != before {
				t.Errorf("%d versions after the refused requests, want %d: something was written", n, before)
			}
		})
	}
}

// familyBody is a stored unit with its children, as a FeatureCollection.
func familyBody(t *testing.T, s *server, code string) string {
	t.Helper()
	var parent json.RawMessage = s.get("/v1/units/"+code, http.StatusOK)
	var kids struct{ Features []json.RawMessage }
	if err := json.Unmarshal(s.get("/v1/units?parent="+url.QueryEscape(code)+"&limit=1000", http.StatusOK), &kids); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString(`{"type":"FeatureCollection","features":[`)
	b.Write(parent)
	for _, k := range kids.Features {
		b.WriteByte(',')
		b.Write(k)
	}
	b.WriteString("]}")
	return b.String()
}

// shortPost sends body under a Content-Length of declared (more than it
// is), closes its side of the connection and returns the answer.
func shortPost(t *testing.T, base, path, body string, declared int) (int, string) {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	head := "POST " + path + " HTTP/1.1\r\nHost: " + u.Host + "\r\nContent-Type: application/json\r\nContent-Length: " + strconv.Itoa(declared) + "\r\n\r\n"
	if _, err := io.WriteString(conn, head+body); err != nil {
		t.Fatal(err)
	}
	if err := conn.(*net.TCPConn).CloseWrite(); err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var sb strings.Builder
	if _, err := bufio.NewReader(res.Body).WriteTo(&sb); err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, sb.String()
}

// TestLargeBodiesTakeTurns (issue 16: 8 concurrent 60 MB publishes took
// 2.45 GB): at most MaxLargeBodies bodies of a MiB or more are read at
// once; another waits LargeWait for its turn, then gets 503 with
// Retry-After, while small requests go on.
func TestLargeBodiesTakeTurns(t *testing.T) {
	st := stores(t)["gpkg"]
	s := start(t, st, api.Config{MaxLargeBodies: 1, LargeWait: 300 * time.Millisecond})
	if code, b := s.do("POST", "/v1/versions?note=sample", sampleBody(t)); code != http.StatusCreated {
		t.Fatalf("publish the sample: %d %s", code, b)
	}
	family := familyBody(t, s, "330922100001")
	large := family + strings.Repeat(" ", api.LargeBody) // white space after the value is allowed
	u, _ := url.Parse(s.url)
	hold, err := net.Dial("tcp", u.Host) // takes the one slot and keeps it
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(hold, "POST /v1/validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/geo+json\r\nContent-Length: "+strconv.Itoa(len(large))+"\r\n\r\n"+family[:100])
	time.Sleep(200 * time.Millisecond)
	started := time.Now()
	a := s.raw("POST", "/v1/validate", large)
	if a.code != http.StatusServiceUnavailable || a.header.Get("Retry-After") == "" || !strings.Contains(a.body, "large request bodies are being read already") {
		t.Errorf("a second large body while one is read: %d %s, want 503 with Retry-After", a.code, a.body)
	}
	if waited := time.Since(started); waited < 250*time.Millisecond {
		t.Errorf("refused after %v, want after waiting its turn (300 ms)", waited)
	}
	if code, b := s.do("POST", "/v1/validate", family); code != http.StatusOK {
		t.Errorf("a small body meanwhile: %d %s", code, b)
	}
	hold.Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		a := s.raw("POST", "/v1/validate", large)
		if a.code == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the large body after the slot was freed: %d %s", a.code, a.body)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestGzipBodies (issue 16): a body declared gzip is decompressed, within
// the body limit of what it holds (a small bomb is too large); another
// encoding, or a body that is not gzip, is a 400 naming it.
func TestGzipBodies(t *testing.T) {
	st := stores(t)["gpkg"]
	s := start(t, st, api.Config{MaxBodyBytes: 1 << 20})
	gz := func(body string) string {
		var b bytes.Buffer
		w := gzip.NewWriter(&b)
		io.WriteString(w, body)
		w.Close()
		return b.String()
	}
	post := func(path, enc, body string) rawAnswer {
		t.Helper()
		req, _ := http.NewRequest("POST", s.url+path, strings.NewReader(body))
		req.Header.Set("Content-Encoding", enc)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return rawAnswer{res.StatusCode, res.Header, string(b)}
	}
	if a := post("/v1/versions?note=gzip", "gzip", gz(sampleBody(t))); a.code != http.StatusCreated {
		t.Fatalf("a gzip publish: %d %s", a.code, a.body)
	}
	if a := post("/v1/route/batch", "gzip", gz(`{"crs":"wgs84","points":[[122.05,30.05]]}`)); a.code != http.StatusOK || !strings.Contains(a.body, `"code":"`+landUnit+`"`) {
		t.Errorf("a gzip batch: %d %s", a.code, a.body)
	}
	for _, tc := range []struct {
		name, enc, body string
		code            int
		want            string
	}{
		{"a bomb", "gzip", gz(`{"crs":"wgs84","points":[` + strings.Repeat(" ", 2<<20) + `]}`), http.StatusRequestEntityTooLarge, "larger than the limit of 1048576 bytes once decompressed"},
		{"not gzip", "gzip", `{"crs":"wgs84","points":[]}`, http.StatusBadRequest, "the body is not gzip"},
		{"another encoding", "br", `{"crs":"wgs84","points":[]}`, http.StatusBadRequest, `Content-Encoding \"br\": want gzip, or none`},
	} {
		if a := post("/v1/route/batch", tc.enc, tc.body); a.code != tc.code || !strings.Contains(a.body, tc.want) {
			t.Errorf("%s: %d %s, want %d naming %s", tc.name, a.code, a.body, tc.code, tc.want)
		}
	}
}
