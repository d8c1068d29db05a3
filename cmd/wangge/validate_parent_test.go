package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb/geojson"

	"github.com/wangge/wangge/internal/testdb"
)

// sampleCommunity is community 330922100001 of the sample county: the
// community's feature, its grids, and a grid of another community.
type sampleCommunity struct {
	community *geojson.Feature
	grids     []*geojson.Feature
	stray     *geojson.Feature
}

const sampleCode = "330922100001"

func readSampleCommunity(t *testing.T) sampleCommunity {
	t.Helper()
	var s sampleCommunity
	for _, f := range readCollection(t, sampleFile).Features {
		code, parent := f.Properties.MustString("code", ""), f.Properties.MustString("parent", "")
		switch {
		case code == sampleCode:
			s.community = f
		case parent == sampleCode:
			s.grids = append(s.grids, f)
		case s.stray == nil && f.Properties.MustString("level", "") == "grid":
			s.stray = f
		}
	}
	if s.community == nil || len(s.grids) < 2 || s.stray == nil {
		t.Fatalf("the sample lacks community %s with grids, or another grid", sampleCode)
	}
	return s
}

// writeFeatures writes a FeatureCollection (or, with one feature and bare,
// the Feature alone) into dir and returns its path.
func writeFeatures(t *testing.T, dir, name string, bare bool, fs ...*geojson.Feature) string {
	t.Helper()
	var v any = &geojson.FeatureCollection{Type: "FeatureCollection", Features: fs}
	if bare {
		v = fs[0]
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestValidateChildrenOnly checks a children-only file — the grids of a
// sample community, as a partition answer holds them — which without its
// parent is unusable input, and with --parent (a file, or the stored unit in
// each store) is checked against it. Removing a grid leaves a gap of that
// grid's area by PostGIS; against the stored parent, the stored grid that
// the file does not hold completes the family, unless --siblings=false.
func TestValidateChildrenOnly(t *testing.T) {
	s := readSampleCommunity(t)
	dir := t.TempDir()
	removed, kept := s.grids[0], s.grids[1:]
	redrawn := *removed // the first grid drawn over the second
	redrawn.Geometry = kept[0].Geometry
	var (
		grids     = writeFeatures(t, dir, "grids.geojson", false, s.grids...)
		lessOne   = writeFeatures(t, dir, "less-one.geojson", false, kept...)
		overDrawn = writeFeatures(t, dir, "redrawn.geojson", false, &redrawn)
		parent    = writeFeatures(t, dir, "community.geojson", true, s.community)
		withStray = writeFeatures(t, dir, "stray.geojson", false, append([]*geojson.Feature{s.community, s.stray}, s.grids...)...)
		county    = writeFeatures(t, dir, "county.geojson", false, readCollection(t, sampleFile).Features[0])
	)
	gap, overlap := testdb.GeographyArea(t, removed.Geometry), testdb.GeographyArea(t, kept[0].Geometry)
	strayParent := s.stray.Properties.MustString("parent")
	tests := []struct {
		name      string
		args      []string
		exit      int
		stderr    []string
		children  int     // of the one summary
		gap, over float64 // m², by PostGIS
	}{
		{"no parent", []string{grids}, 2, []string{"cannot check 2 units", sampleCode, "--parent CODE|FILE", "--root"}, 0, 0, 0},
		{"an orphan among families", []string{withStray}, 2, []string{"cannot check 1 units", strayParent}, 0, 0, 0},
		{"a root alone", []string{county}, 2, []string{"nothing to check"}, 0, 0, 0},
		{"--parent FILE", []string{"--parent", parent, grids}, 0, nil, len(s.grids), 0, 0},
		{"--parent FILE, a grid removed", []string{"--parent", parent, lessOne}, 1, nil, len(kept), gap, 0},
		{"--parent FILE covers the orphans only", []string{"--parent", parent, withStray}, 2, []string{strayParent}, 0, 0, 0},
		{"--parent CODE", []string{"--parent", sampleCode, grids}, 0, []string{"the 0 of its 2 stored children"}, len(s.grids), 0, 0},
		{"--parent CODE, a grid removed, the stored one completes", []string{"--parent", sampleCode, lessOne}, 0, []string{"the 1 of its 2 stored children"}, len(s.grids), 0, 0},
		{"--parent CODE --siblings=false, a grid removed", []string{"--parent", sampleCode, "--siblings=false", lessOne}, 1, []string{"without its 2 stored children"}, len(kept), gap, 0},
		{"--parent CODE, a grid redrawn over its stored sibling", []string{"--parent", sampleCode, overDrawn}, 1, nil, len(s.grids), gap, overlap},
		{"--parent CODE not named by the file", []string{"--parent", "330922100002", grids}, 2, []string{"no unit of the input is 330922100002 or names it"}, 0, 0, 0},
		{"--parent neither file nor stored", []string{"--parent", "330922100099", grids}, 2, []string{"neither a file nor a stored unit"}, 0, 0, 0},
		{"--parent with --root", []string{"--parent", parent, "--root", sampleCode}, 2, []string{"usage"}, 0, 0, 0},
	}
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			if code, _, stderr := be.wangge(t, "", "import", "--crs", "cgcs2000", sampleFile); code != 0 {
				t.Fatalf("import: %s", stderr)
			}
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					code, rep, stderr := validateJSON(t, be, append([]string{"--crs", "cgcs2000"}, tc.args...)...)
					if code != tc.exit {
						t.Fatalf("got exit %d, want %d: %s", code, tc.exit, stderr)
					}
					for _, w := range tc.stderr {
						if !strings.Contains(stderr, w) {
							t.Errorf("stderr %q lacks %q", stderr, w)
						}
					}
					if code == 2 {
						return
					}
					if len(rep.Summary) != 1 || rep.Summary[0].Parent != sampleCode || rep.Summary[0].Children != tc.children {
						t.Fatalf("got summaries %+v, want one of %s with %d children", rep.Summary, sampleCode, tc.children)
					}
					sm := rep.Summary[0]
					for _, c := range []struct {
						what      string
						got, want float64
					}{{"gap", float64(sm.Gap), tc.gap}, {"overlap", float64(sm.Overlap), tc.over}} {
						if math.Abs(c.got-c.want) > 1+1e-6*c.want {
							t.Errorf("%s: got %.2f m², want %.2f m² (PostGIS)", c.what, c.got, c.want)
						}
					}
				})
			}
		})
	}
}
