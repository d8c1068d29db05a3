package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMissingStore: every command but import refuses a GeoPackage store
// that does not exist (a mistyped --gpkg), exit 2 naming it, and does not
// create it; import creates it. A PostgreSQL that cannot be reached over
// its unix socket (the dial's ENOENT) is a failure, exit 1, not a missing
// input file (issue 16).
func TestMissingStore(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "typo.gpkg")
	be := backend{name: "gpkg", env: map[string]string{}, args: []string{"--gpkg", missing}}
	for _, tc := range []struct {
		args  []string
		stdin string
	}{
		{[]string{"versions"}, ""},
		{[]string{"route"}, "122.05,30.05\n"},
		{[]string{"serve", "--addr", "127.0.0.1:0"}, ""},
		{[]string{"export", "-"}, ""},
		{[]string{"validate", "--parent", "330922000000", "-"}, fc(street("330922100000", "", square))},
	} {
		args := tc.args
		t.Run(args[0], func(t *testing.T) {
			code, _, stderr := be.wangge(t, tc.stdin, args...)
			if code != 2 || !strings.Contains(stderr, missing+" does not exist") {
				t.Errorf("wangge %v on a missing store: exit %d, stderr %q; want 2 naming %s", args, code, stderr, missing)
			}
			if _, err := os.Stat(missing); !os.IsNotExist(err) {
				t.Fatalf("wangge %v created %s", args, missing)
			}
		})
	}
	if code, _, stderr := be.wangge(t, fc(district), "import", "-"); code != 0 {
		t.Fatalf("import into a new store: exit %d: %s", code, stderr)
	}
	if code, out, stderr := be.wangge(t, "", "versions"); code != 0 || strings.Count(out, "\n") != 1 {
		t.Errorf("versions after the import: exit %d, %q %s", code, out, stderr)
	}
	down := backend{name: "postgis", env: map[string]string{"DATABASE_URL": "postgres://nobody@/wangge?host=" + filepath.Join(t.TempDir(), "no-socket-here") + "&connect_timeout=2"}}
	if code, _, stderr := down.wangge(t, "", "versions"); code != 1 || !strings.Contains(stderr, "open PostGIS store") {
		t.Errorf("versions with PostgreSQL unreachable: exit %d, stderr %q; want 1 naming the store", code, stderr)
	}
}
