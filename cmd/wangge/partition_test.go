package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wangge/wangge/internal/synth"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/balance"
	"github.com/wangge/wangge/partition/tiling"
)

// householdsFile writes n households (weight 1–2, as `households`) spread
// over synth.Community's square, in a FeatureCollection of Points.
func householdsFile(t *testing.T, n int, seed uint64) string {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 1))
	var b strings.Builder
	b.WriteString(`{"type":"FeatureCollection","features":[`)
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		x, y := 122.40+0.008*rng.Float64(), 30.70+0.008*rng.Float64()
		fmt.Fprintf(&b, `{"type":"Feature","geometry":{"type":"Point","coordinates":[%.7f,%.7f]},"properties":{"households":%d}}`, x, y, 1+rng.IntN(2))
	}
	b.WriteString("]}")
	path := filepath.Join(t.TempDir(), fmt.Sprintf("households%d.geojson", seed))
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// readProposal reads the children and the report of a partition output.
func readProposal(t *testing.T, path string) ([]partition.Unit, balance.Report) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	units, err := balance.DecodeUnits(data, nil, 0)
	if err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
	var doc struct{ Report balance.Report }
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	return units, doc.Report
}

func checkProposal(t *testing.T, children []partition.Unit, rep balance.Report) {
	t.Helper()
	parent := synth.Community(0)[0]
	res, err := tiling.Check(&parent, children, tiling.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Findings {
		t.Errorf("finding: %s", f.Message)
	}
	if rep.ShareWithinRange() < 1 || len(rep.Children) != len(children) {
		t.Errorf("report: %d children, %d/%d within range; want all of %d", len(rep.Children), rep.WithinRange, rep.Feasible, len(children))
	}
}

func TestPartitionCommand(t *testing.T) {
	be := gpkgBackend(t)
	community := synthCommunity(t, 0)
	if code, _, stderr := be.wangge(t, "", "import", community); code != 0 {
		t.Fatalf("import: exit %d: %s", code, stderr)
	}
	dir := t.TempDir()
	hh := householdsFile(t, 2500, 1)
	// A new child carries its quality figures among its properties; a
	// rebalanced child that keeps its code keeps the stored unit's free
	// properties as they were (its figures are in the report).
	cases := []struct {
		name    string
		args    []string
		quality bool
	}{
		{"parent file, rule set", []string{"--parent", community, "--rules", "zhejiang"}, true},
		{"stored parent, explicit band", []string{"--parent", "330922100001", "--min", "300", "--max", "500", "--seed", "3"}, true},
		{"rebalance stored children", []string{"--parent", "330922100001", "--rules", "zhejiang", "--current", "stored"}, false},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, rep := filepath.Join(dir, fmt.Sprintf("out%d.geojson", i)), filepath.Join(dir, fmt.Sprintf("rep%d.json", i))
			args := append([]string{"partition", "--households", hh, "--out", out, "--report", rep}, tc.args...)
			code, _, stderr := be.wangge(t, "", args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			children, report := readProposal(t, out)
			checkProposal(t, children, report)
			for _, c := range children {
				if c.Parent != "330922100001" || c.Level != partition.LevelGrid || (c.Props["polsby_popper"] != nil) != tc.quality {
					t.Errorf("child %s: parent %q level %q props %v", c.Code, c.Parent, c.Level, c.Props)
				}
			}
			t.Logf("%s", strings.TrimSpace(stderr))
		})
	}
}

func TestPartitionBadInput(t *testing.T) {
	be := gpkgBackend(t)
	if code, _, stderr := be.wangge(t, fc(district), "import", "-"); code != 0 { // a store, without the parent named below
		t.Fatalf("import the district: exit %d: %s", code, stderr)
	}
	community := synthCommunity(t, 0)
	hh := householdsFile(t, 100, 2)
	bad := filepath.Join(t.TempDir(), "bad.geojson")
	os.WriteFile(bad, []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"LineString","coordinates":[[122.4,30.7],[122.41,30.71]]},"properties":{}},{"type":"Feature","geometry":{"type":"Point","coordinates":[122.4,30.7]},"properties":{"households":0}}]}`), 0o644)
	out := filepath.Join(t.TempDir(), "out.geojson")
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no band", []string{"--parent", community, "--households", hh, "--out", out}, "usage"},
		{"unknown parent", []string{"--parent", "330922999999", "--households", hh, "--rules", "zhejiang", "--out", out}, "330922999999"},
		{"missing households", []string{"--parent", community, "--households", "nope.geojson", "--rules", "zhejiang", "--out", out}, "--households"},
		{"bad households", []string{"--parent", community, "--households", bad, "--rules", "zhejiang", "--out", out}, "feature 1 households"},
		{"bad level", []string{"--parent", community, "--households", hh, "--rules", "zhejiang", "--level", "block", "--out", out}, "--level"},
		{"level not under parent", []string{"--parent", community, "--households", hh, "--rules", "zhejiang", "--level", "microgrid", "--out", out}, "microgrid cannot be a child"},
		{"current not tiling", []string{"--parent", community, "--households", hh, "--rules", "zhejiang", "--current", synthCommunity(t, 0, 3), "--out", out}, "do not tile"},
		{"current tiling", []string{"--parent", community, "--households", hh, "--rules", "zhejiang", "--current", synthCommunity(t, 0), "--out", out}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := be.wangge(t, "", append([]string{"partition"}, tc.args...)...)
			if tc.want == "" { // the control: the same flags with good input
				if code != 0 {
					t.Errorf("exit %d: %s", code, stderr)
				}
				return
			}
			if code != 2 || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want 2 naming %q", code, stderr, tc.want)
			}
		})
	}
}
