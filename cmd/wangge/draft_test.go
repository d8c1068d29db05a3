package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/draft"
	"github.com/wangge/wangge/partition/edit"
)

const (
	sampleUnits      = "../../data/sample/shengsi.geojson"
	sampleHouseholds = "../../data/sample/shengsi_households.geojson"
	sampleStreet     = "330922100000"
	sampleGrid       = "330922100001001"
)

// TestDraftCLI is a planner's session with `wangge draft` and `wangge
// diff` on the sample county, end to end on both stores: the county and
// its household layer imported (after imports that are refused), a draft
// of a street, refused commands that change nothing, a merge of two
// adjacent micro-grids read from stdin, show, undo, redo, log, the diff
// against the base, the publish and the versions after it.
func TestDraftCLI(t *testing.T) {
	kept, gone := adjacentMicrogrids(t, sampleGrid)
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			importSample(t, be)
			id := createDraft(t, be)
			testDraftRefusals(t, be, id, kept, gone)
			moved := testDraftSession(t, be, id, kept, gone)
			testDraftDiff(t, be, id, kept, gone, moved)
			testDraftPublish(t, be, id, gone)
		})
	}
}

// draft runs `wangge draft SUB` with the store flags straight after the
// subcommand (before the draft's id, which draftCmd must still find).
func (b backend) draft(t *testing.T, stdin, sub string, args ...string) (int, string, string) {
	t.Helper()
	full := append(append([]string{"draft", sub}, b.args...), args...)
	return backend{name: b.name, env: b.env}.wangge(t, stdin, full...)
}

// jsonOut decodes a command's JSON answer.
func jsonOut[T any](t *testing.T, out string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("decode %.300q: %v", out, err)
	}
	return v
}

// adjacentMicrogrids returns the first two micro-grids of grid, in code
// order, that share a border in the sample file.
func adjacentMicrogrids(t *testing.T, grid string) (a, b partition.Code) {
	t.Helper()
	var codes []partition.Code
	geoms := map[partition.Code]orb.MultiPolygon{}
	for _, f := range readCollection(t, sampleUnits).Features {
		if f.Properties["parent"] != grid {
			continue
		}
		c := partition.Code(f.Properties.MustString("code"))
		codes = append(codes, c)
		geoms[c] = multiPolygon(f.Geometry)
	}
	slices.Sort(codes)
	for i, x := range codes {
		for _, y := range codes[i+1:] {
			if geo.Touches(geoms[x], geoms[y]) {
				return x, y
			}
		}
	}
	t.Fatalf("no two micro-grids of %s touch", grid)
	return "", ""
}

func multiPolygon(g orb.Geometry) orb.MultiPolygon {
	if p, ok := g.(orb.Polygon); ok {
		return orb.MultiPolygon{p}
	}
	mp, _ := g.(orb.MultiPolygon)
	return mp
}

// importSample imports the county, refuses household layers that are not
// usable, then imports the sample's, which must be layer 1: the refused
// ones wrote none.
func importSample(t *testing.T, be backend) {
	code, out, stderr := be.wangge(t, "", "import", sampleUnits)
	if code != 0 || !strings.HasPrefix(out, "published version 1 from "+sampleUnits+": 763 units") {
		t.Fatalf("import the county: exit %d, %q %s", code, out, stderr)
	}
	testHouseholdRefusals(t, be)
	code, out, stderr = be.wangge(t, "", "import", "--households", sampleHouseholds)
	if code != 0 || !strings.HasPrefix(out, sampleHouseholds+": household layer 1: ") {
		t.Fatalf("import the households: exit %d, %q %s; want layer 1", code, out, stderr)
	}
}

// testHouseholdRefusals: a household layer with an unusable feature is
// exit 2 naming the feature and the problem; so is --households beside
// unit files.
func testHouseholdRefusals(t *testing.T, be backend) {
	point := func(coords, props string) string {
		return `{"type":"Feature","geometry":{"type":"Point","coordinates":` + coords + `},"properties":{` + props + `}}`
	}
	good := point("[122.4,30.7]", "")
	for _, tc := range []struct {
		name, layer string
		extra       []string
		want        []string
	}{
		{"point out of range", fc(good, point("[122.4,95]", `"households":2`)), nil, []string{"feature 1 geometry", "out of range"}},
		{"not a point", fc(`{"type":"Feature","geometry":` + square + `,"properties":{}}`), nil, []string{"feature 0 geometry", "want a Point, got Polygon"}},
		{"households not whole", fc(good, good, point("[122.4,30.7]", `"households":1.5`)), nil, []string{"feature 2 households", "1.5"}},
		{"not GeoJSON", `{"type":"FeatureCollection","features":[`, nil, []string{"households: want a GeoJSON FeatureCollection"}},
		{"with unit files", fc(good), []string{sampleUnits}, []string{"not both", sampleUnits}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "households.geojson")
			if err := os.WriteFile(file, []byte(tc.layer), 0o644); err != nil {
				t.Fatal(err)
			}
			code, out, stderr := be.wangge(t, "", append([]string{"import", "--households", file}, tc.extra...)...)
			if code != 2 || out != "" {
				t.Errorf("exit %d, stdout %q; want 2 and nothing", code, out)
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr %q does not name %q", stderr, w)
				}
			}
		})
	}
}

func createDraft(t *testing.T, be backend) string {
	t.Helper()
	code, out, stderr := be.draft(t, "", "create", "--root", sampleStreet, "--note", "merge two")
	if code != 0 {
		t.Fatalf("draft create: exit %d: %s", code, stderr)
	}
	d := jsonOut[partition.Draft](t, out)
	if d.ID == "" || d.Root != sampleStreet || d.Base != 1 || d.Layer != 1 || d.Head != 0 || d.Note != "merge two" {
		t.Fatalf("draft create printed %+v, want a draft of %s on version 1 with household layer 1", d, sampleStreet)
	}
	return d.ID
}

// shown is what `draft show` prints.
type shown struct {
	Draft    partition.Draft `json:"draft"`
	Units    []draft.Balance `json:"units"`
	Summary  draft.Summary   `json:"summary"`
	Findings []string        `json:"findings"`
}

// show runs `draft show` and returns the draft with its households by code.
func show(t *testing.T, be backend, id string) (shown, map[partition.Code]int) {
	t.Helper()
	code, out, stderr := be.draft(t, "", "show", id)
	if code != 0 {
		t.Fatalf("draft show: exit %d: %s", code, stderr)
	}
	v := jsonOut[shown](t, out)
	hh := map[partition.Code]int{}
	for _, u := range v.Units {
		hh[u.Code] = u.Households
	}
	return v, hh
}

// testDraftRefusals: commands that cannot run exit 2 naming why, and
// leave the draft as it was.
func testDraftRefusals(t *testing.T, be backend, id string, kept, gone partition.Code) {
	merge := fmt.Sprintf(`{"op": "merge", "units": ["%s", "%s"]}`, kept, gone)
	for _, tc := range []struct {
		name, stdin string
		args        []string // after draft; nil: `wangge draft` alone
		want        string
	}{
		{"no subcommand", "", nil, "usage: wangge draft"},
		{"unknown subcommand", "", []string{"frobnicate", id}, `unknown command "frobnicate"`},
		{"no id", "", []string{"show"}, "name the draft"},
		{"unknown draft", "", []string{"show", "nope"}, "nope"},
		{"op of an unknown draft", merge, []string{"op", "nope", "-"}, "nope"},
		{"op member misspelt", `{"op": "merge", "unitz": ["` + string(kept) + `"]}`, []string{"op", id, "-"}, `unknown field "unitz"`},
		{"op cut short", `{"op": "merge", "units": [`, []string{"op", id, "-"}, "operation: unexpected EOF"},
		{"op unknown", `{"op": "paint"}`, []string{"op", id, "-"}, "paint"},
		{"op on a stale revision", merge, []string{"op", id, "--if-match", "7", "-"}, "revision 0, not 7"},
		{"op with a bad crs", merge, []string{"op", id, "--crs", "utm", "-"}, "crs"},
		{"nothing to undo", "", []string{"undo", id}, "0 operations to undo"},
		{"nothing to publish", "", []string{"publish", id}, "nothing to publish"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var code int
			var out, stderr string
			if tc.args == nil {
				code, out, stderr = backend{env: be.env}.wangge(t, "", "draft")
			} else {
				code, out, stderr = be.draft(t, tc.stdin, tc.args[0], tc.args[1:]...)
			}
			if code != 2 || out != "" || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want 2, nothing, naming %q", code, out, stderr, tc.want)
			}
		})
	}
	if v, _ := show(t, be, id); v.Draft.Revision != 0 || v.Draft.Ops != 0 {
		t.Errorf("the refused commands changed the draft: %+v", v.Draft)
	}
}

// edited is what op, undo and redo print.
type edited struct {
	Draft   partition.Draft `json:"draft"`
	Moves   []edit.Move     `json:"moves"`
	Summary draft.Summary   `json:"summary"`
}

// testDraftSession merges gone into kept from stdin, and checks show, undo,
// redo and log after it; it returns the households the merge moved.
func testDraftSession(t *testing.T, be backend, id string, kept, gone partition.Code) int {
	_, before := show(t, be, id)
	if before[kept] == 0 || before[gone] == 0 {
		t.Fatalf("the draft's %s and %s hold %d and %d households, want some", kept, gone, before[kept], before[gone])
	}
	code, out, stderr := be.draft(t, fmt.Sprintf(`{"op": "merge", "units": ["%s", "%s"]}`, kept, gone), "op", id, "-")
	if code != 0 {
		t.Fatalf("draft op: exit %d: %s", code, stderr)
	}
	res := jsonOut[edited](t, out)
	if len(res.Moves) != 1 || res.Moves[0].From != gone || res.Moves[0].To != kept || res.Moves[0].Households != before[gone] {
		t.Errorf("the merge moved %+v, want the %d households of %s to %s", res.Moves, before[gone], gone, kept)
	}
	if res.Draft.Head != 1 || res.Draft.Revision != 1 || res.Summary.Errors != 0 {
		t.Errorf("after the merge: head %d, revision %d, %d errors; want 1, 1, 0", res.Draft.Head, res.Draft.Revision, res.Summary.Errors)
	}
	v, after := show(t, be, id)
	if _, ok := after[gone]; ok || after[kept] != before[kept]+before[gone] || len(v.Findings) != v.Summary.Errors+v.Summary.Warnings {
		t.Errorf("draft show after the merge: %s holds %d households, want %d; %s still there: %v", kept, after[kept], before[kept]+before[gone], gone, ok)
	}
	for _, step := range []struct {
		sub  string
		head int
		has  bool // gone is in the draft after the step
	}{{"undo", 0, true}, {"redo", 1, false}} {
		code, out, stderr := be.draft(t, "", step.sub, id, "--steps", "1")
		if code != 0 {
			t.Fatalf("draft %s: exit %d: %s", step.sub, code, stderr)
		}
		if d := jsonOut[edited](t, out).Draft; d.Head != step.head || d.Ops != 1 {
			t.Errorf("draft %s: head %d of %d operations, want %d of 1", step.sub, d.Head, d.Ops, step.head)
		}
		if _, hh := show(t, be, id); (hh[gone] == before[gone]) != step.has {
			t.Errorf("after draft %s: %s holds %d households", step.sub, gone, hh[gone])
		}
	}
	testDraftLog(t, be, id, gone)
	return before[gone]
}

func testDraftLog(t *testing.T, be backend, id string, gone partition.Code) {
	code, out, stderr := be.draft(t, "", "log", id)
	if code != 0 {
		t.Fatalf("draft log: exit %d: %s", code, stderr)
	}
	log := jsonOut[struct {
		Draft partition.Draft `json:"draft"`
		Log   []struct {
			Seq     int         `json:"seq"`
			Applied bool        `json:"applied"`
			Op      edit.Op     `json:"op"`
			Moves   []edit.Move `json:"moves"`
		} `json:"log"`
	}](t, out)
	if len(log.Log) != 1 || !log.Log[0].Applied || log.Log[0].Op.Op != "merge" || len(log.Log[0].Moves) != 1 || log.Log[0].Moves[0].From != gone {
		t.Errorf("draft log: %+v, want one applied merge moving %s", log.Log, gone)
	}
}

// testDraftDiff: the diff of the draft against its base is one piece, gone
// to kept, with the households the merge moved.
func testDraftDiff(t *testing.T, be backend, id string, kept, gone partition.Code, moved int) {
	code, out, stderr := be.wangge(t, "", "diff", "--from", "1", "--to", "draft:"+id)
	if code != 0 {
		t.Fatalf("diff: exit %d: %s", code, stderr)
	}
	fc, err := geojson.UnmarshalFeatureCollection([]byte(out))
	if err != nil || len(fc.Features) != 1 {
		t.Fatalf("diff printed %.300q (%v), want a FeatureCollection of one piece", out, err)
	}
	if p := fc.Features[0].Properties; p["from"] != string(gone) || p["to"] != string(kept) || p["households"] != float64(moved) {
		t.Errorf("the piece %v, want %s → %s with %d households", p, gone, kept, moved)
	}
	if !strings.Contains(stderr, "1 pieces changed hands, 0 units added, 1 removed, 1 changed") {
		t.Errorf("diff's summary %q", stderr)
	}
	if code, _, stderr := be.wangge(t, "", "diff", "--from", "1", "--to", "draft:nope"); code != 2 || !strings.Contains(stderr, "nope") {
		t.Errorf("diff against an unknown draft: exit %d, %s; want 2 naming it", code, stderr)
	}
}

// testDraftPublish publishes the draft as version 2, after which it is
// read-only.
func testDraftPublish(t *testing.T, be backend, id string, gone partition.Code) {
	code, out, stderr := be.draft(t, "", "publish", id)
	if code != 0 {
		t.Fatalf("draft publish: exit %d: %s", code, stderr)
	}
	if v := jsonOut[partition.Version](t, out); v.Number != 2 {
		t.Errorf("draft publish printed %+v, want version 2", v)
	}
	code, out, _ = be.wangge(t, "", "versions")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 2 || !strings.Contains(lines[1], "draft "+id+" of "+sampleStreet+": merge two") {
		t.Errorf("versions after the publish: exit %d, %q; want 2 versions, the second the draft's", code, out)
	}
	if code, _, stderr := be.draft(t, "", "undo", id); code != 2 || !strings.Contains(stderr, "published") {
		t.Errorf("undo of a published draft: exit %d, %s; want 2", code, stderr)
	}
	if _, out, _ := be.wangge(t, "", "export", "--root", sampleGrid, "-"); strings.Contains(out, string(gone)) {
		t.Errorf("the export of %s after the publish still holds %s", sampleGrid, gone)
	}
}
