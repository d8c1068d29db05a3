package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/wangge/wangge/internal/shareddata"
	"github.com/wangge/wangge/internal/testdb"
)

// backend is a store a command runs against: its environment and flags.
type backend struct {
	name string
	env  map[string]string
	args []string
}

// backends returns a fresh GeoPackage and a fresh PostGIS schema.
func backends(t *testing.T) []backend {
	t.Helper()
	return []backend{gpkgBackend(t), postgisBackend(t)}
}

func gpkgBackend(t *testing.T) backend {
	return backend{name: "gpkg", env: map[string]string{}, args: []string{"--gpkg", filepath.Join(t.TempDir(), "w.gpkg")}}
}

// postgisBackend is a schema of its own in the test database, dropped afterwards.
func postgisBackend(t *testing.T) backend {
	t.Helper()
	return backend{name: "postgis", env: map[string]string{"DATABASE_URL": testdb.URL(t), "WANGGE_SCHEMA": testdb.Schema(t, "t_cmd")}}
}

// wangge runs the binary's run function in-process.
func (b backend) wangge(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	full := append([]string{args[0]}, append(append([]string{}, b.args...), args[1:]...)...)
	e := env{getenv: func(k string) string { return b.env[k] }, stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	code := run(ctx, full, e)
	return code, out.String(), errb.String()
}

// TestImportExportRealBoundaries imports every real boundary file (GCJ-02)
// into a fresh store of each kind, exports it back to GCJ-02 and checks that
// every vertex comes back within 1e-9° and every property is kept.
func TestImportExportRealBoundaries(t *testing.T) {
	boundaries := shareddata.Boundaries(t)
	files, err := filepath.Glob(filepath.Join(boundaries, "*.geojson"))
	if err != nil || len(files) < 14 {
		t.Fatalf("want the 14 real boundary files in %s, found %d (%v)", boundaries, len(files), err)
	}
	for _, b := range []func(*testing.T) backend{gpkgBackend, postgisBackend} {
		for _, file := range files {
			t.Run(filepath.Base(file), func(t *testing.T) {
				be := b(t)
				t.Run(be.name, func(t *testing.T) { roundTrip(t, be, file) })
			})
		}
	}
}

func roundTrip(t *testing.T, be backend, file string) {
	code, _, stderr := be.wangge(t, "", "import", "--crs", "gcj02", file)
	if code != 0 {
		t.Fatalf("import exit %d: %s", code, stderr)
	}
	out := filepath.Join(t.TempDir(), "out.geojson")
	if code, _, stderr := be.wangge(t, "", "export", "--crs", "gcj02", out); code != 0 {
		t.Fatalf("export exit %d: %s", code, stderr)
	}
	orig := readCollection(t, file)
	got := map[string]*geojson.Feature{}
	for _, f := range readCollection(t, out).Features {
		got[f.Properties.MustString("code")] = f
	}
	if len(got) != len(orig.Features) {
		t.Fatalf("exported %d features, want %d", len(got), len(orig.Features))
	}
	for _, of := range orig.Features {
		code := fmt.Sprintf("%.0f000000", of.Properties.MustFloat64("adcode"))
		f, ok := got[code]
		if !ok {
			t.Fatalf("%s missing from the export", code)
		}
		if d := maxDiff(t, of.Geometry, f.Geometry); d > 1e-9 {
			t.Errorf("%s: a vertex moved by %g° in the round trip", code, d)
		}
		if f.Properties["name"] != of.Properties["name"] || f.Properties["level"] != of.Properties["level"] {
			t.Errorf("%s: name/level %v/%v, want %v/%v", code, f.Properties["name"], f.Properties["level"], of.Properties["name"], of.Properties["level"])
		}
		for k, v := range of.Properties {
			if k == "adcode" || k == "parent" || k == "level" || k == "name" {
				continue
			}
			if !reflect.DeepEqual(f.Properties[k], v) {
				t.Errorf("%s: property %s is %v, want %v", code, k, f.Properties[k], v)
			}
		}
	}
}

func readCollection(t *testing.T, path string) *geojson.FeatureCollection {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(data)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return fc
}

// maxDiff is the largest coordinate difference between two multipolygons
// of the same shape; +Inf when the shapes differ.
func maxDiff(t *testing.T, a, b orb.Geometry) float64 {
	ma, ok1 := a.(orb.MultiPolygon)
	mb, ok2 := b.(orb.MultiPolygon)
	if !ok1 || !ok2 || len(ma) != len(mb) {
		t.Logf("shapes differ: %T (%d) vs %T", a, len(ma), b)
		return math.Inf(1)
	}
	d := 0.0
	for i := range ma {
		if len(ma[i]) != len(mb[i]) {
			return math.Inf(1)
		}
		for j := range ma[i] {
			if len(ma[i][j]) != len(mb[i][j]) {
				return math.Inf(1)
			}
			for k := range ma[i][j] {
				d = max(d, math.Abs(ma[i][j][k][0]-mb[i][j][k][0]), math.Abs(ma[i][j][k][1]-mb[i][j][k][1]))
			}
		}
	}
	return d
}

const (
	district = `{"type":"Feature","properties":{"code":"330922000000","name":"嵊泗县","level":"district"},"geometry":{"type":"Polygon","coordinates":[[[122,30],[123,30],[123,31],[122,31],[122,30]]]}}`
	square   = `{"type":"Polygon","coordinates":[[[122,30],[122.1,30],[122.1,30.1],[122,30.1],[122,30]]]}`
)

func fc(features ...string) string {
	return `{"type":"FeatureCollection","features":[` + strings.Join(features, ",") + `]}`
}

func street(code, props, geom string) string {
	return `{"type":"Feature","properties":{"code":"` + code + `","name":"镇","level":"street","parent":"330922000000"` + props + `},"geometry":` + geom + `}`
}

// TestImportBadInput: every class of unusable input exits 2, names the
// feature by index and code and the problem, and writes nothing.
func TestImportBadInput(t *testing.T) {
	tests := []struct {
		name, body string
		want       []string // substrings of stderr
	}{
		{"invalid JSON", `{"type":"FeatureCollection","features":[{]}`, []string{"invalid JSON", "line 1"}},
		{"non-polygon", fc(street("330922100000", "", `{"type":"Point","coordinates":[122,30]}`)), []string{"feature 0 (330922100000)", "not areal"}},
		{"empty ring", fc(street("330922100000", "", `{"type":"Polygon","coordinates":[[]]}`)), []string{"feature 0 (330922100000)", "at least 4"}},
		{"self-intersecting", fc(street("330922100000", "", `{"type":"Polygon","coordinates":[[[122,30],[122.1,30.1],[122.1,30],[122,30.1],[122,30]]]}`)), []string{"feature 0 (330922100000)", "not simple"}},
		{"out of range", fc(street("330922100000", "", `{"type":"Polygon","coordinates":[[[122,30],[122,95],[122.1,30],[122,30]]]}`)), []string{"feature 0 (330922100000)", "outside"}},
		{"NaN", fc(street("330922100000", "", `{"type":"Polygon","coordinates":[[[122,30],[NaN,30],[122.1,30],[122,30]]]}`)), []string{"invalid JSON"}},
		{"unknown level", fc(strings.Replace(street("330922100000", "", square), `"street"`, `"town"`, 1)), []string{"feature 0 (330922100000)", "unknown level"}},
		{"unknown kind", fc(street("330922100000", `,"kind":"park"`, square)), []string{"feature 0 (330922100000)", "unknown kind"}},
		{"missing parent", fc(strings.Replace(street("330922100000", "", square), `"parent":"330922000000"`, `"parent":"330921000000"`, 1)), []string{"feature 0 (330922100000)", "parent 330921000000 does not exist"}},
		{"code prefix", fc(street("330921100000", "", square)), []string{"feature 0 (330921100000)", "prefix 330922"}},
		{"duplicate codes", fc(street("330922100000", "", square), street("330922100000", "", square)), []string{"feature 1 (330922100000)", "duplicate"}},
		{"two collections", fc(street("330922100000", "", square)) + fc(street("330922200000", "", square)), []string{"data after the end of the value (line 1, column"}},
		{"trailing text", fc(street("330922100000", "", square)) + "\n}", []string{"data after the end of the value (line 2, column 1)"}},
		{"second of three", fc(street("330922100000", "", square), street("330922200000", "", `{"type":"Polygon","coordinates":[[[122,30],[122,30]]]}`), street("330922300000", "", square)), []string{"feature 1 (330922200000)"}},
	}
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			if code, _, stderr := be.wangge(t, fc(district), "import", "-"); code != 0 {
				t.Fatalf("import the district: exit %d: %s", code, stderr)
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					code, _, stderr := be.wangge(t, tt.body, "import", "-")
					if code != 2 {
						t.Fatalf("exit %d, want 2; stderr: %s", code, stderr)
					}
					for _, w := range tt.want {
						if !strings.Contains(stderr, w) {
							t.Errorf("stderr %q does not contain %q", stderr, w)
						}
					}
				})
			}
			_, out, _ := be.wangge(t, "", "versions")
			if n := strings.Count(out, "\n"); n != 1 {
				t.Errorf("after refused imports there are %d versions, want 1:\n%s", n, out)
			}
			_, out, _ = be.wangge(t, "", "export", "-")
			var got struct{ Features []json.RawMessage }
			if err := json.Unmarshal([]byte(out), &got); err != nil || len(got.Features) != 1 {
				t.Errorf("after refused imports the store holds %d units (%v), want 1", len(got.Features), err)
			}
		})
	}
}

func TestUsage(t *testing.T) {
	be := gpkgBackend(t)
	for _, args := range [][]string{{"bogus"}, {"import"}, {"import", "--crs", "utm", "x.geojson"}, {"export", "--format", "shp", "x"}} {
		if code, _, _ := be.wangge(t, "", args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	if code, _, stderr := be.wangge(t, "", "import", "/nonexistent.geojson"); code != 2 || !strings.Contains(stderr, "nonexistent") {
		t.Errorf("missing file: exit %d, %s; want 2 naming the file", code, stderr)
	}
}

func TestMain(m *testing.M) {
	gin.SetMode(gin.ReleaseMode)
	os.Exit(m.Run())
}
