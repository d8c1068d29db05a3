package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestRouteCLI: `wangge route` reads lon,lat lines from stdin and writes
// one result per line, as NDJSON or CSV, converting from the --crs given;
// a bad line exits 2 naming the line.
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
	for _, tc := range []struct {
		name, stdin, want string
		args              []string
	}{
		{"not a number", "122.05,30.05\nfoo,30\n", "line 2", nil},
		{"one field", "122.05,30.05\n122.5,30.5\n122.1\n", "line 3", nil},
		{"out of range", "122.05,95\n", "line 1", nil},
		{"bad crs", "122.05,30.05\n", "--crs", []string{"--crs", "utm"}},
		{"bad format", "122.05,30.05\n", "--format", []string{"--format", "xml"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := be.wangge(t, tc.stdin, append([]string{"route"}, tc.args...)...)
			if code != 2 || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want 2 naming %q", code, stderr, tc.want)
			}
		})
	}
}
