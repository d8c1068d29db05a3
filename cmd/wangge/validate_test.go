package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb/geojson"

	"github.com/wangge/wangge/internal/shareddata"
	"github.com/wangge/wangge/internal/synth"
	"github.com/wangge/wangge/partition"
)

// synthCommunity writes synth.Community as a FeatureCollection file, less
// the grids at the indices in drop.
func synthCommunity(t *testing.T, households int, drop ...int) string {
	t.Helper()
	units := synth.Community(households)
	for k := len(drop) - 1; k >= 0; k-- {
		units = append(units[:drop[k]+1], units[drop[k]+2:]...)
	}
	var buf bytes.Buffer
	cw := partition.NewCollectionWriter(&buf, nil)
	for i := range units {
		if err := cw.Feature(partition.Feature(&units[i], nil)); err != nil {
			t.Fatal(err)
		}
	}
	if err := cw.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "community.geojson")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

type jsonReport struct {
	Errors, Warnings int
	Summary          []partition.Summary
	Findings         []map[string]any
}

func validateJSON(t *testing.T, be backend, args ...string) (int, jsonReport, string) {
	t.Helper()
	code, out, stderr := be.wangge(t, "", append([]string{"validate", "--format", "json"}, args...)...)
	var rep jsonReport
	if code != 2 {
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatalf("validate printed no JSON report (exit %d): %v\n%s\n%s", code, err, out, stderr)
		}
	}
	return code, rep, stderr
}

func TestValidateFile(t *testing.T) {
	be := gpkgBackend(t)
	t.Run("exact tiling", func(t *testing.T) {
		code, rep, stderr := validateJSON(t, be, synthCommunity(t, 400))
		if code != 0 || len(rep.Findings) != 0 || len(rep.Summary) != 1 || rep.Summary[0].Children != 16 || math.Abs(rep.Summary[0].CoveredPct-100) > 1e-9 {
			t.Fatalf("exit %d, report %+v, %s; want exit 0, no findings, 16 children covering 100%%", code, rep, stderr)
		}
	})
	t.Run("missing grid", func(t *testing.T) {
		code, rep, _ := validateJSON(t, be, synthCommunity(t, 400, 5))
		if code != 1 || rep.Errors == 0 || rep.Findings[0]["rule"] != "gap" || rep.Findings[0]["codes"].([]any)[0] != "330922100001" {
			t.Fatalf("exit %d, report %+v; want exit 1 and a gap of the community", code, rep)
		}
	})
	t.Run("sizes under zhejiang", func(t *testing.T) {
		code, rep, _ := validateJSON(t, be, "--rules", "zhejiang", synthCommunity(t, 120))
		if code != 0 || rep.Errors != 0 || rep.Warnings != 16 || rep.Findings[0]["rule"] != "size" {
			t.Fatalf("exit %d, report %+v; want exit 0 and 16 size warnings", code, rep)
		}
	})
	t.Run("rule-set file", func(t *testing.T) {
		rules := filepath.Join(t.TempDir(), "rules.json")
		os.WriteFile(rules, []byte(`{"name":"strict","levels":{"grid":{"households":{"min":450,"max":460}}},"severity":"error"}`), 0o644)
		code, rep, _ := validateJSON(t, be, "--rules", rules, synthCommunity(t, 400))
		if code != 1 || rep.Errors != 16 {
			t.Fatalf("exit %d, report %+v; want exit 1 and 16 size errors", code, rep)
		}
	})
}

// TestValidateNanjing checks the real Nanjing districts against the city
// outline and compares the gap and outside areas with the independent
// figures of the boundaries README §6 (GEOS/pyproj: 19.532 km² gap, 23.043
// km² outside, no overlap), to 0.5%.
func TestValidateNanjing(t *testing.T) {
	var fc geojson.FeatureCollection
	for _, f := range []string{"320100_nanjing_outline.geojson", "320100_nanjing_full.geojson"} {
		fc.Features = append(fc.Features, readCollection(t, shareddata.Boundary(t, f)).Features...)
	}
	fc.Type = "FeatureCollection"
	b, _ := json.Marshal(fc)
	path := filepath.Join(t.TempDir(), "nanjing.geojson")
	os.WriteFile(path, b, 0o644)
	code, rep, stderr := validateJSON(t, gpkgBackend(t), "--crs", "gcj02", path)
	if code != 1 || len(rep.Summary) != 1 {
		t.Fatalf("exit %d, %d summaries: %s", code, len(rep.Summary), stderr)
	}
	s := rep.Summary[0]
	for _, c := range []struct {
		what      string
		got, want float64
	}{{"gap", float64(s.Gap), 19.532e6}, {"outside", float64(s.Outside), 23.043e6}} {
		if math.Abs(c.got-c.want) > 0.005*c.want {
			t.Errorf("%s: %.0f m², want %.0f m² ± 0.5%%", c.what, c.got, c.want)
		}
	}
	if s.Overlap > 1 || s.Children != 11 {
		t.Errorf("overlap %.2f m² among %d children, want none among 11", s.Overlap, s.Children)
	}
}

func TestValidateStored(t *testing.T) {
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			if code, _, stderr := be.wangge(t, "", append([]string{"import", "--crs", "gcj02"}, dataVFiles[:2]...)...); code != 0 {
				t.Fatalf("import: %s", stderr)
			}
			out := filepath.Join(t.TempDir(), "findings.geojson")
			code, _, stderr := be.wangge(t, "", "validate", "--root", "330900000000", "--format", "geojson", "--out", out)
			if code != 1 {
				t.Fatalf("exit %d, want 1 (Zhoushan's counties do not tile its outline): %s", code, stderr)
			}
			info := ogrinfo(t, "-ro", "-so", "-al", out)
			if !strings.Contains(info, "rule: String") || strings.Contains(info, "Feature Count: 0") {
				t.Errorf("ogrinfo of the findings:\n%s", info)
			}
			code, rep, _ := validateJSON(t, be, "--root", "330900000000")
			if code != 1 || len(rep.Summary) != 1 || rep.Summary[0].Parent != "330900000000" || rep.Summary[0].Children != 4 {
				t.Errorf("exit %d, summary %+v; want Zhoushan with 4 children", code, rep.Summary)
			}
		})
	}
}

// TestValidateSampleCounty: the bundled sample county, published into each
// store, tiles exactly (no finding at all, warnings included) and its grids
// and micro-grids meet the Zhejiang household band.
func TestValidateSampleCounty(t *testing.T) {
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			if code, _, stderr := be.wangge(t, "", "import", "--crs", "cgcs2000", sampleFile); code != 0 {
				t.Fatalf("import: %s", stderr)
			}
			code, rep, stderr := validateJSON(t, be, "--root", "330922000000", "--rules", "zhejiang")
			if code != 0 || len(rep.Findings) != 0 || len(rep.Summary) != 1+7+27+77 {
				t.Errorf("exit %d, %d findings (%v), %d summaries; want exit 0, none, 112 parents checked: %s", code, len(rep.Findings), rep.Findings[:min(3, len(rep.Findings))], len(rep.Summary), stderr)
			}
		})
	}
}

func TestValidateUnusable(t *testing.T) {
	be := gpkgBackend(t)
	bad := filepath.Join(t.TempDir(), "bad.geojson")
	os.WriteFile(bad, []byte(fc(strings.Replace(district, `"district"`, `"county"`, 1))), 0o644)
	broken := filepath.Join(t.TempDir(), "broken.geojson")
	os.WriteFile(broken, []byte(`{"type":"FeatureCollection","features":[`), 0o644)
	for _, args := range [][]string{
		{bad}, {broken}, {"/nonexistent.geojson"}, {"--rules", "nowhere", bad}, {"--root", "330900000000", bad}, {"--format", "xml", bad}, {"--root", "110000000000"},
	} {
		if code, _, stderr := be.wangge(t, "", append([]string{"validate"}, args...)...); code != 2 {
			t.Errorf("validate %v: exit %d, want 2: %s", args, code, stderr)
		}
	}
	code, _, stderr := be.wangge(t, "", "validate", bad)
	if code != 2 || !strings.Contains(stderr, "feature 0 (330922000000)") || !strings.Contains(stderr, "unknown level") {
		t.Errorf("exit %d, %q: want 2 naming feature 0 and the level", code, stderr)
	}
}
