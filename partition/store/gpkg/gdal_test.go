package gpkg_test

import (
	"bytes"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"

	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/store/storetest"
)

// validator is GDAL's GeoPackage conformance checker, shipped by Debian's
// python3-gdal (a dependency of gdal-bin).
const validator = "/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py"

// run runs a GDAL tool and returns its stdout; it fails the test on an exit
// status other than 0 or on any error or warning on stderr.
func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s is needed to check the GeoPackage with GDAL (Debian: apt-get install gdal-bin): %v", name, err)
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(testContext(t), path, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %q: %v\nstdout:\n%s\nstderr:\n%s", name, args, err, stdout.String(), stderr.String())
	}
	if e := strings.ToLower(stderr.String()); strings.Contains(e, "error") || strings.Contains(e, "warning") {
		t.Errorf("%s %q complained:\n%s", name, args, stderr.String())
	}
	return stdout.String()
}

// layers splits the output of ogrinfo -al -so by layer name.
func layers(out string) map[string]string {
	m := map[string]string{}
	for _, block := range strings.Split(out, "Layer name: ")[1:] {
		name, rest, _ := strings.Cut(block, "\n")
		m[name] = rest
	}
	return m
}

// TestGDAL publishes the sample and a second version, then asks GDAL what
// the file holds: while the store has it open (a server running while QGIS
// looks), and after Close.
func TestGDAL(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "w.gpkg")
	s := openStore(t, path)
	defer s.Close()
	ctx := testContext(t)
	if _, err := s.Publish(ctx, storetest.Sample()); err != nil {
		t.Fatal(err)
	}
	g := storetest.Sample().Units[5]
	g.Geometry = storetest.Box(122.1, 30, 122.25, 30.2)
	redraw := partition.Changeset{Note: "redraw", Units: []partition.Unit{g}, DeleteUnits: []partition.Code{"330922100001001002"}}
	if _, err := s.Publish(ctx, redraw); err != nil {
		t.Fatal(err)
	}
	pts := []partition.HouseholdPoint{
		{Point: orb.Point{122.05, 30.05}, Households: 120, Population: 310, Address: "菜园镇海滨路1号"},
		{Point: orb.Point{122.15, 30.15}, Households: 3, Population: 8},
	}
	if _, err := s.ImportHouseholds(ctx, "标准地址", pts); err != nil {
		t.Fatal(err)
	}
	bbox := orb.Bound{Min: orb.Point{122.05, 30.15}, Max: orb.Point{122.24, 30.16}}
	inBBox := 0
	if err := s.Units(ctx, partition.Query{BBox: &bbox, NoGeometry: true}, func(partition.Unit) error { inBBox++; return nil }); err != nil {
		t.Fatal(err)
	}

	want := map[string][]string{
		"units": {"Geometry: Multi Polygon", "Feature Count: 13", `ID["EPSG",4490]`, "FID Column = fid",
			"Geometry Column = geom", "code: String (0.0) NOT NULL\n", "staff: String(JSON)", "valid_to: Integer64"},
		"units_current": {"Geometry: Multi Polygon", "Feature Count: 11", `ID["EPSG",4490]`, "FID Column = fid"},
		"vessels":       {"Geometry: None", "Feature Count: 3", "id: String (0.0) NOT NULL\n"},
		"versions":      {"Geometry: None", "Feature Count: 2", "FID Column = number", "published_at: String"},
		"household_layers": {"Geometry: None", "Feature Count: 1", "FID Column = number", "imported_at: String",
			"version: Integer64"},
		"households": {"Geometry: None", "Feature Count: 2", "FID Column = fid", "lon: Real", "lat: Real", "address: String"},
	}
	check := func(when string) {
		got := layers(run(t, "ogrinfo", "-ro", "-al", "-so", path))
		if len(got) != len(want) {
			t.Errorf("%s: GDAL lists layers %v, want %d", when, keys(got), len(want))
		}
		for name, lines := range want {
			for _, l := range lines {
				if !strings.Contains(got[name], l) {
					t.Errorf("%s: layer %s: want %q in\n%s", when, name, l, got[name])
				}
			}
		}
		// -spat goes through the R-tree.
		spat := run(t, "ogrinfo", "-ro", "-so", path, "units", "-where", "valid_to IS NULL",
			"-spat", "122.05", "30.15", "122.24", "30.16")
		if w := "Feature Count: " + strconv.Itoa(inBBox); !strings.Contains(spat, w) {
			t.Errorf("%s: GDAL's spatial filter: want %q (as the store's bbox query) in\n%s", when, w, spat)
		}
	}
	check("while open")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	check("after close")

	out := run(t, "ogrinfo", "-ro", path, "units", "-where", "code='330922100001001'")
	for _, l := range []string{"Feature Count: 1", "name (String) = 第一网格", "households (Integer64) = 420",
		`staff (String(JSON)) = [{"role":"grid_leader","name":"张三","phone":"13800000001"},{"role":"full_time","name":"李四"}]`} {
		if !strings.Contains(out, l) {
			t.Errorf("want %q in\n%s", l, out)
		}
	}
	sample := storetest.Sample().Units
	if got := geometries(t, out); len(got) != 1 || !near(got[0], sample[4].Geometry, 1e-12) {
		t.Errorf("GDAL reads %v, want %v", got, sample[4].Geometry)
	}
	// With 17 digits GDAL's WKT round trips float64: the coordinates must
	// be those published, bit for bit, in order, with rings as given.
	out = run(t, "ogrinfo", "--config", "OGR_WKT_PRECISION", "17", "-ro", path, "units",
		"-where", "code IN ('330922100000', '330922100001') ORDER BY code")
	if got := geometries(t, out); len(got) != 2 || !near(got[0], sample[2].Geometry, 0) || !near(got[1], sample[3].Geometry, 0) {
		t.Errorf("GDAL reads %v, want %v and %v", got, sample[2].Geometry, sample[3].Geometry)
	}

	if _, err := os.Stat(validator); err != nil {
		t.Fatalf("GDAL's validate_gpkg.py is missing (Debian: apt-get install python3-gdal): %v", err)
	}
	run(t, "/usr/bin/python3", validator, "-k", "--extra", "--warning-as-error", path)
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// geometries parses the geometries ogrinfo prints, one per feature.
func geometries(t *testing.T, out string) []orb.MultiPolygon {
	t.Helper()
	var mps []orb.MultiPolygon
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "MULTIPOLYGON") {
			continue
		}
		g, err := wkt.Unmarshal(line)
		if err != nil {
			t.Fatalf("parse %q: %v", line, err)
		}
		mp, ok := g.(orb.MultiPolygon)
		if !ok {
			t.Fatalf("got a %T, want a MultiPolygon", g)
		}
		mps = append(mps, mp)
	}
	return mps
}

// near compares two multipolygons vertex by vertex, in order.
func near(a, b orb.MultiPolygon, tol float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			if len(a[i][j]) != len(b[i][j]) {
				return false
			}
			for k, p := range a[i][j] {
				q := b[i][j][k]
				if math.Abs(p[0]-q[0]) > tol || math.Abs(p[1]-q[1]) > tol {
					return false
				}
			}
		}
	}
	return true
}
