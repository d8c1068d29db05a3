package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/crs"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/router"
	"github.com/wangge/wangge/partition/store/gpkg"
)

// TestRouteCLI: `wangge route` reads lon,lat lines from stdin and writes
// one result per line, as NDJSON or CSV, converting from the --crs given;
// a bad line is answered in its place and exits 2 naming the line.
func TestRouteCLI(t *testing.T) {
	be := gpkgBackend(t)
	for _, body := range []string{fc(district), fc(street("330922100000", "", square))} {
		if code, _, stderr := be.wangge(t, body, "import", "-"); code != 0 {
			t.Fatalf("import: exit %d: %s", code, stderr)
		}
	}
	// 122.103,30.05 is in the district outside the street in WGS84; read
	// as GCJ-02 it lies some 450 m west, inside the street.
	tests := []struct {
		name  string
		args  []string
		stdin string
		want  []string // per output line, a substring
	}{
		{"ndjson", nil, "122.05,30.05\n[122.5, 30.5]\n\n125,30\n",
			[]string{`"code":"330922100000"`, `"code":"330922000000"`, `"code":null`}},
		{"ndjson header and chain", []string{"--format", "ndjson"}, "lon,lat\n122.05,30.05\n",
			[]string{`"chain":[{"code":"330922000000"`}},
		{"csv", []string{"--format", "csv"}, "122.05,30.05\n122.5,30.5\n",
			[]string{"lon,lat,code,name,level,resolved", "122.05,30.05,330922100000,镇,street,true,false,", "122.5,30.5,330922000000,嵊泗县,district,true,false,"}},
		{"csv chain", []string{"--format", "csv"}, "122.05,30.05\n",
			[]string{"", ",330922000000>330922100000,2"}}, // chain, version 2 (two imports)
		{"wgs84", []string{"--crs", "wgs84"}, "122.103,30.05\n", []string{`"code":"330922000000"`}},
		{"gcj02", []string{"--crs", "gcj02"}, "122.103,30.05\n", []string{`"point":[122.103,30.05],"code":"330922100000"`}},
		// version 1 holds the district alone, version 2 adds the street
		{"as of version 1", []string{"--as-of", "1"}, "122.05,30.05\n", []string{`"code":"330922000000"`}},
		{"as of version 2", []string{"--as-of", "2"}, "122.05,30.05\n", []string{`"code":"330922100000"`}},
		// nobody on either roster: no contact
		{"contact", nil, "122.05,30.05\n", []string{`"nearest":null,"gap":false,"gap_in":null,"overlaps":[],"contact":null,"chain":`}},
		{"fields", []string{"--fields", "contact,code"}, "122.05,30.05\n125,30\n",
			[]string{`{"code":"330922100000","contact":null}`, `{"code":null,"contact":null}`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, stderr := be.wangge(t, tt.stdin, append([]string{"route"}, tt.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			if len(lines) != len(tt.want) {
				t.Fatalf("got %d lines, want %d:\n%s", len(lines), len(tt.want), out)
			}
			for i, w := range tt.want {
				if !strings.Contains(lines[i], w) {
					t.Errorf("line %d: got %s, want it to contain %s", i+1, lines[i], w)
				}
				if !strings.HasPrefix(tt.name, "csv") && !json.Valid([]byte(lines[i])) {
					t.Errorf("line %d is not JSON: %s", i+1, lines[i])
				}
			}
		})
	}
	// A bad line is answered in its place (NDJSON: an error object naming
	// it; CSV: no row), the lines after it are answered, stderr names it
	// and the exit status is 2.
	long := strings.Repeat("1", 70_000)
	for _, tc := range []struct {
		name, stdin string
		args        []string
		want        []string // per output line, a substring
		stderr      string
	}{
		{"ndjson", "122.05,30.05\nfoo,30\n\n122.5,30.5\n", nil,
			[]string{`"code":"330922100000"`, `{"line":2,"error":{"code":"invalid","message":"line 2: \"foo\" is not a finite number"`, `"code":"330922000000"`}, "line 2"},
		{"ndjson out of range", "122.05,95\n122.05,30.05\n", nil,
			[]string{`{"line":1,"error":{"code":"invalid","message":"line 1: (122.05, 95) is outside`, `"code":"330922100000"`}, "line 1"},
		{"ndjson long line", "122.05,30.05\n" + long + "\n122.5,30.5\n", nil,
			[]string{`"code":"330922100000"`, `{"line":2,"error":{"code":"invalid","message":"line 2: line longer than`, `"code":"330922000000"`}, "line 2"},
		{"csv", "122.05,30.05\n122.1\n122.5,30.5\n", []string{"--format", "csv"},
			[]string{"lon,lat,code", "122.05,30.05,330922100000,", "122.5,30.5,330922000000,"}, "line 2"},
	} {
		t.Run("bad line "+tc.name, func(t *testing.T) {
			code, out, stderr := be.wangge(t, tc.stdin, append([]string{"route"}, tc.args...)...)
			if code != 2 || !strings.Contains(stderr, tc.stderr) {
				t.Errorf("exit %d, stderr %q; want 2 naming %q", code, stderr, tc.stderr)
			}
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			if len(lines) != len(tc.want) {
				t.Fatalf("got %d lines, want %d:\n%s", len(lines), len(tc.want), out)
			}
			for i, w := range tc.want {
				if !strings.Contains(lines[i], w) {
					t.Errorf("line %d: got %s, want it to contain %s", i+1, lines[i], w)
				}
			}
		})
	}
	for _, tc := range []struct {
		name, stdin, want string
		args              []string
	}{
		{"not a number", "122.05,30.05\nfoo,30\n", "line 2", nil},
		{"one field", "122.05,30.05\n122.5,30.5\n122.1\n", "line 3", nil},
		{"out of range", "122.05,95\n", "line 1", nil},
		{"bad crs", "122.05,30.05\n", "--crs", []string{"--crs", "utm"}},
		{"bad format", "122.05,30.05\n", "--format", []string{"--format", "xml"}},
		{"bad fields", "122.05,30.05\n", `--fields: unknown "chian"`, []string{"--fields", "code,chian"}},
		{"fields with csv", "122.05,30.05\n", "--fields", []string{"--format", "csv", "--fields", "code"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := be.wangge(t, tc.stdin, append([]string{"route"}, tc.args...)...)
			if code != 2 || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want 2 naming %q", code, stderr, tc.want)
			}
		})
	}
}

// TestRouteCLIAsOfRefused: an --as-of that is no version, time or date,
// or names no version, is refused before any line is read.
func TestRouteCLIAsOfRefused(t *testing.T) {
	be := gpkgBackend(t)
	if code, _, stderr := be.wangge(t, fc(district), "import", "-"); code != 0 {
		t.Fatalf("import: exit %d: %s", code, stderr)
	}
	for _, tc := range []struct {
		asOf string
		exit int
		want string
	}{{"yesterday", 2, "--as-of"}, {"7", 2, "version 7"}, {"1999-01-01", 2, "1999"}} {
		code, out, stderr := be.wangge(t, "122.05,30.05\n", "route", "--as-of", tc.asOf)
		if code != tc.exit || out != "" || !strings.Contains(stderr, tc.want) {
			t.Errorf("--as-of %s: exit %d, stdout %q, stderr %q; want exit %d naming %q", tc.asOf, code, out, stderr, tc.exit, tc.want)
		}
	}
}

// TestRouteCLIChunks: past one chunk of routeChunk points, `wangge route`
// still answers every line, in input order, exactly as the index answers
// that point alone (it routes each chunk in the index's order); a bad line
// after several chunks, last or in the middle, is answered in its place,
// leaves every other line answered and exits 2.
func TestRouteCLIChunks(t *testing.T) {
	be := gpkgBackend(t)
	for _, body := range []string{fc(district), fc(street("330922100000", "", square))} {
		if code, _, stderr := be.wangge(t, body, "import", "-"); code != 0 {
			t.Fatalf("import: exit %d: %s", code, stderr)
		}
	}
	ctx := context.Background()
	st, err := gpkg.Open(ctx, be.args[1], gpkg.Options{Limits: geo.DefaultLimits})
	if err != nil {
		t.Fatal(err)
	}
	ix, err := router.Build(ctx, st, partition.AsOf{}, router.Options{})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(4, 4))
	n := 2*routeChunk + 1234
	var in strings.Builder
	want := make([]string, n)
	for i := range want {
		p := [2]float64{math.Round((121.9+1.2*rng.Float64())*1e6) / 1e6, math.Round((29.9+1.2*rng.Float64())*1e6) / 1e6}
		fmt.Fprintf(&in, "%s,%s\n", strconv.FormatFloat(p[0], 'f', -1, 64), strconv.FormatFloat(p[1], 'f', -1, 64))
		r := ix.Route(crs.Convert(orb.Point(p), crs.GCJ02, crs.CGCS2000))
		want[i] = string(router.AppendJSON(nil, &r, p))
	}
	code, out, stderr := be.wangge(t, in.String(), "route", "--crs", "gcj02")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	got := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(got) != n {
		t.Fatalf("%d lines for %d points", len(got), n)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("line %d: got %s, want %s", i+1, got[i], want[i])
		}
	}
	code, out, stderr = be.wangge(t, in.String()+"x,1\n", "route", "--crs", "gcj02")
	if code != 2 || !strings.Contains(stderr, fmt.Sprintf("line %d", n+1)) || strings.Count(out, "\n") != n+1 ||
		!strings.HasSuffix(out, fmt.Sprintf(`{"line":%d,"error":{"code":"invalid","message":"line %d: \"x\" is not a finite number"`, n+1, n+1)+`,"details":[{"index":`+strconv.Itoa(n)+`,"field":"point","message":"\"x\" is not a finite number"}]}}`+"\n") {
		t.Errorf("bad last line: exit %d, %d lines, stderr %q; want 2, %d lines (the last its error), naming line %d", code, strings.Count(out, "\n"), stderr, n+1, n+1)
	}
	// A bad line in the middle of the chunks: answered in its place, and
	// every line after it answered too.
	lines := strings.SplitAfter(in.String(), "\n")
	mid := routeChunk + 7
	body := strings.Join(lines[:mid], "") + "1,2,\n" + strings.Join(lines[mid:], "")
	code, out, _ = be.wangge(t, body, "route", "--crs", "gcj02")
	got = strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if code != 2 || len(got) != n+1 {
		t.Fatalf("bad line %d of %d: exit %d, %d lines; want 2, %d lines", mid+1, n+1, code, len(got), n+1)
	}
	if !strings.HasPrefix(got[mid], fmt.Sprintf(`{"line":%d,"error":{"code":"invalid"`, mid+1)) {
		t.Errorf("line %d: got %s, want its error", mid+1, got[mid])
	}
	for i := range want {
		j := i
		if i >= mid {
			j++
		}
		if got[j] != want[i] {
			t.Fatalf("answer %d (after a bad line %d): got %s, want %s", j+1, mid+1, got[j], want[i])
		}
	}
}
