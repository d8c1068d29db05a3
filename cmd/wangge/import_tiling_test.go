package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb/geojson"

	"github.com/wangge/wangge/internal/shareddata"
	"github.com/wangge/wangge/internal/testdb"
	"github.com/wangge/wangge/partition"
)

// findingsFile is a findings FeatureCollection: what import --findings and
// validate --format geojson write.
type findingsFile struct {
	Errors, Warnings int
	Summary          []partition.Summary
	Features         []struct {
		Geometry   json.RawMessage
		Properties struct {
			Rule, Severity string
			Codes          []string
			Area           float64 `json:"area_m2"`
		}
	}
}

func readFindings(t *testing.T, data []byte) findingsFile {
	t.Helper()
	var f findingsFile
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatalf("not a findings collection: %v: %.300s", err, data)
	}
	return f
}

// summaryOf returns the summary of parent.
func (f *findingsFile) summaryOf(t *testing.T, parent string) partition.Summary {
	t.Helper()
	for _, s := range f.Summary {
		if string(s.Parent) == parent {
			return s
		}
	}
	t.Fatalf("no summary of %s in %+v", parent, f.Summary)
	return partition.Summary{}
}

// errorsOf returns the error findings of a rule and their total area.
func (f *findingsFile) errorsOf(rule partition.Rule) (n int, area float64, codes [][]string) {
	for _, x := range f.Features {
		if x.Properties.Severity == "error" && x.Properties.Rule == string(rule) {
			n, area, codes = n+1, area+x.Properties.Area, append(codes, x.Properties.Codes)
		}
	}
	return n, area, codes
}

// postgisArea is the area of a GeoJSON geometry on the ellipsoid, by
// PostGIS: the oracle of the defect areas below.
func postgisArea(t *testing.T, geometry string) float64 {
	t.Helper()
	g, err := geojson.UnmarshalGeometry([]byte(geometry))
	if err != nil {
		t.Fatal(err)
	}
	return testdb.GeographyArea(t, g.Geometry())
}

func boxGeometry(x0, x1 float64) string {
	return fmt.Sprintf(`{"type":"Polygon","coordinates":[[[%g,30],[%g,30],[%g,30.01],[%g,30.01],[%g,30]]]}`, x0, x1, x1, x0, x0)
}

// tileFeature is a unit of the tiling fixture: a box from x0 to x1 between
// 30.00 and 30.01°N; parent "" is null.
func tileFeature(code, level, parent string, x0, x1 float64) string {
	p := "null"
	if parent != "" {
		p = `"` + parent + `"`
	}
	return fmt.Sprintf(`{"type":"Feature","properties":{"code":%q,"name":%q,"level":%q,"parent":%s},"geometry":%s}`, code, code, level, p, boxGeometry(x0, x1))
}

func writeFileT(t *testing.T, name, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func versionCount(t *testing.T, be backend) int {
	t.Helper()
	code, out, stderr := be.wangge(t, "", "versions")
	if code != 0 {
		t.Fatalf("versions: exit %d: %s", code, stderr)
	}
	return strings.Count(out, "\n")
}

func near(got, want, rel float64) bool { return math.Abs(got-want) <= 0.01+rel*want }

// TestImportRequireTiling imports, over an exact fixture (district
// 330922000000 = towns …100000 | …200000, the first = communities
// …100001 | …100002, boxes side by side), files that break its tiling:
// with --require-tiling each is refused with exit 1, its error findings
// printed, nothing written (the versions stay), and --findings still
// written; without, it imports and the summary line counts the errors.
// Areas are PostGIS's for the defect the fixture's geometry makes.
func TestImportRequireTiling(t *testing.T) {
	base := fc(tileFeature("330922000000", "district", "", 122.000, 122.020),
		tileFeature("330922100000", "street", "330922000000", 122.000, 122.010),
		tileFeature("330922200000", "street", "330922000000", 122.010, 122.020),
		tileFeature("330922100001", "community", "330922100000", 122.000, 122.005),
		tileFeature("330922100002", "community", "330922100000", 122.005, 122.010))
	tests := []struct {
		name, body string
		rule       partition.Rule
		codes      string // the codes of the error finding, as printed
		x0, x1     float64
		warnings   int
	}{
		{"a unit overlaps its stored sibling", fc(tileFeature("330922100002", "community", "330922100000", 122.004, 122.010)),
			partition.RuleOverlap, "[330922100001 330922100002]", 122.004, 122.005, 0},
		{"two siblings of the file overlap", fc(tileFeature("330922100001", "community", "330922100000", 122.000, 122.006),
			tileFeature("330922100002", "community", "330922100000", 122.005, 122.010)),
			partition.RuleOverlap, "[330922100001 330922100002]", 122.005, 122.006, 0},
		{"a community with parent null", fc(tileFeature("330922100001", "community", "", 122.000, 122.005)),
			partition.RuleGap, "[330922100000", 122.000, 122.005, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want := postgisArea(t, boxGeometry(tc.x0, tc.x1))
			for _, be := range backends(t) {
				t.Run(be.name, func(t *testing.T) {
					if code, out, stderr := be.wangge(t, base, "import", "--require-tiling", "-"); code != 0 || !strings.Contains(out, "0 errors, 0 warnings") {
						t.Fatalf("import the exact fixture: exit %d: %s %s", code, out, stderr)
					}
					file := writeFileT(t, "change.geojson", tc.body)
					findings := filepath.Join(t.TempDir(), "findings.geojson")
					code, out, stderr := be.wangge(t, "", "import", "--require-tiling", "--findings", findings, file)
					if code != 1 || out != "" {
						t.Fatalf("--require-tiling: exit %d, stdout %q; want 1 and nothing published", code, out)
					}
					for _, w := range []string{string(tc.rule), tc.codes, "nothing was written", "1 errors"} {
						if !strings.Contains(stderr, w) {
							t.Errorf("stderr %q does not name %q", stderr, w)
						}
					}
					if n := versionCount(t, be); n != 1 {
						t.Errorf("after a refused import there are %d versions, want 1", n)
					}
					data, err := os.ReadFile(findings)
					if err != nil {
						t.Fatal(err)
					}
					f := readFindings(t, data)
					if n, area, _ := f.errorsOf(tc.rule); n != 1 || f.Errors != 1 || f.Warnings != tc.warnings || !near(area, want, 1e-6) {
						t.Errorf("findings: %d %s errors of %.2f m², %d errors and %d warnings in all; want one of %.2f m² (PostGIS) and %d warnings", n, tc.rule, area, f.Errors, f.Warnings, want, tc.warnings)
					}

					code, out, stderr = be.wangge(t, "", "import", file)
					if wantLine := fmt.Sprintf("1 errors, %d warnings", tc.warnings); code != 0 || !strings.Contains(out, "published version 2") || !strings.Contains(out, wantLine) {
						t.Errorf("without --require-tiling: exit %d, %q %s; want version 2 with %q", code, out, stderr, wantLine)
					}
				})
			}
		})
	}
}

// TestImportExportRootRoundTrip: a community of the sample county exported
// with --root and imported back with --require-tiling keeps its place (no
// finding; validate of its town finds no gap). With the root's parent set
// to null, as exports used to write it, the import is refused, naming the
// town's gap, whose area is the community's by PostGIS; without the flag it
// imports, and validate of the town then finds that gap.
func TestImportExportRootRoundTrip(t *testing.T) {
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			if code, out, stderr := be.wangge(t, "", "import", "--crs", "cgcs2000", sampleFile); code != 0 || !strings.Contains(out, "0 errors, 0 warnings") {
				t.Fatalf("import the sample: exit %d: %s %s", code, out, stderr)
			}
			export := filepath.Join(t.TempDir(), "community.geojson")
			if code, _, stderr := be.wangge(t, "", "export", "--crs", "cgcs2000", "--root", "330922100001", export); code != 0 {
				t.Fatalf("export: exit %d: %s", code, stderr)
			}
			exported := readCollection(t, export)
			root := exported.Features[0]
			if root.Properties["code"] != "330922100001" || root.Properties["parent"] != "330922100000" {
				t.Fatalf("the export starts with %v under %v, want 330922100001 under 330922100000", root.Properties["code"], root.Properties["parent"])
			}
			if code, out, stderr := be.wangge(t, "", "import", "--crs", "cgcs2000", "--require-tiling", export); code != 0 || !strings.Contains(out, "0 errors, 0 warnings") {
				t.Fatalf("import the export back: exit %d: %s %s", code, out, stderr)
			}
			if code, out, _ := be.wangge(t, "", "validate", "--format", "geojson", "--root", "330922100000"); code != 0 {
				t.Errorf("validate of the town after the round trip: exit %d: %.500s", code, out)
			}

			g, err := geojson.NewGeometry(root.Geometry).MarshalJSON()
			if err != nil {
				t.Fatal(err)
			}
			want := postgisArea(t, string(g))
			root.Properties["parent"] = nil
			b, err := json.Marshal(exported)
			if err != nil {
				t.Fatal(err)
			}
			detached := writeFileT(t, "detached.geojson", string(b))
			code, out, stderr := be.wangge(t, "", "import", "--crs", "cgcs2000", "--require-tiling", detached)
			if code != 1 || out != "" || !strings.Contains(stderr, "gap") || !strings.Contains(stderr, "330922100000") {
				t.Fatalf("parent null with --require-tiling: exit %d, %q %s; want 1 naming the town's gap", code, out, stderr)
			}
			if n := versionCount(t, be); n != 2 {
				t.Errorf("after a refused import there are %d versions, want 2", n)
			}
			if code, out, stderr := be.wangge(t, "", "import", "--crs", "cgcs2000", detached); code != 0 || !strings.Contains(out, "1 warnings") {
				t.Fatalf("parent null: exit %d, %q %s; want it imported with the detached warning", code, out, stderr)
			}
			code, out, _ = be.wangge(t, "", "validate", "--crs", "cgcs2000", "--format", "geojson", "--root", "330922100000")
			f := readFindings(t, []byte(out))
			if s := f.summaryOf(t, "330922100000"); code != 1 || !near(float64(s.Gap), want, 1e-6) {
				t.Errorf("validate of the town: exit %d, gap %.2f m²; want 1 and the community's %.2f m² (PostGIS)", code, s.Gap, want)
			}
		})
	}
}

// TestImportDataVFindings imports real DataV boundaries with genuine
// defects (README of shared/data/boundaries): Zhoushan's outline, then its
// four districts, whose DataV parent is the outline. Without
// --require-tiling both import and report their findings; the districts'
// gap and outside areas are those the README measured (GEOS, geodesic),
// with no overlap, and 定海区 (330902) is invalid (§5). With the flag the
// districts are refused and nothing is written.
func TestImportDataVFindings(t *testing.T) {
	outline := shareddata.Boundary(t, "330900_zhoushan_outline.geojson")
	full := shareddata.Boundary(t, "330900_zhoushan_full.geojson")
	const gapKm2, outsideKm2 = 29.099, 83.732 // README §6, zhoushan_outline vs zhoushan_full
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			findings := filepath.Join(t.TempDir(), "findings.geojson")
			code, out, stderr := be.wangge(t, "", "import", "--crs", "gcj02", "--findings", findings, outline, full)
			if code != 0 || strings.Count(out, "published version") != 2 {
				t.Fatalf("import: exit %d: %s %s", code, out, stderr)
			}
			lines := strings.Split(strings.TrimSpace(out), "\n")
			data, err := os.ReadFile(strings.TrimSuffix(findings, ".geojson") + ".1.geojson")
			if err != nil {
				t.Fatal(err)
			}
			f := readFindings(t, data)
			s := f.summaryOf(t, "330900000000")
			if s.Children != 4 || !near(float64(s.Gap)/1e6, gapKm2, 0.005) || !near(float64(s.Outside)/1e6, outsideKm2, 0.005) || s.Overlap > 1 {
				t.Errorf("舟山市: %d children, gap %.3f km², outside %.3f km², overlap %.1f m²; want 4, %.3f, %.3f (README), 0", s.Children, s.Gap/1e6, s.Outside/1e6, s.Overlap, gapKm2, outsideKm2)
			}
			if n, _, codes := f.errorsOf(partition.RuleInvalid); n != 1 || codes[0][0] != "330902000000" {
				t.Errorf("invalid findings %v, want 330902000000 (定海区) alone", codes)
			}
			if counts := fmt.Sprintf("%d errors, %d warnings", f.Errors, f.Warnings); f.Errors == 0 || !strings.Contains(lines[1], counts) {
				t.Errorf("the districts' summary line %q does not report the %s of the findings", lines[1], counts)
			}

			fresh := gpkgBackend(t)
			if be.name == "postgis" {
				fresh = postgisBackend(t)
			}
			if code, _, stderr := fresh.wangge(t, "", "import", "--crs", "gcj02", outline); code != 0 {
				t.Fatalf("import the outline: exit %d: %s", code, stderr)
			}
			if code, out, stderr := fresh.wangge(t, "", "import", "--crs", "gcj02", "--require-tiling", full); code != 1 || out != "" || !strings.Contains(stderr, "gap") {
				t.Errorf("the districts with --require-tiling: exit %d, %q %.300s; want 1, refused naming the gaps", code, out, stderr)
			}
			if n := versionCount(t, fresh); n != 1 {
				t.Errorf("after the refused districts there are %d versions, want 1", n)
			}
		})
	}
}
