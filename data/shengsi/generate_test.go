package main

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/tiling"
)

// sourceForTest is the county outline as seen from this package's
// directory; tests that regenerate skip when the shared data are absent.
func sourceForTest(t *testing.T) Config {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Source = "../../" + cfg.Source
	if _, err := os.Stat(cfg.Source); err != nil {
		t.Skipf("county outline not available: %v", err)
	}
	return cfg
}

func generateBytes(t *testing.T, cfg Config) (county, households []byte, c *County) {
	t.Helper()
	c, err := Generate(context.Background(), cfg)
	if err != nil {
		t.Fatalf("generate: %v", err)
	}
	var a, b bytes.Buffer
	if err := writeCounty(&a, c); err != nil {
		t.Fatal(err)
	}
	if err := writeHouseholds(&b, c.Households); err != nil {
		t.Fatal(err)
	}
	return a.Bytes(), b.Bytes(), c
}

// TestGenerateIsDeterministic generates the county twice and compares the
// bytes with each other and with the committed files: a change to the
// generator that changes its output must come with `make county`.
func TestGenerateIsDeterministic(t *testing.T) {
	cfg := sourceForTest(t)
	c1, h1, _ := generateBytes(t, cfg)
	c2, h2, _ := generateBytes(t, cfg)
	if !bytes.Equal(c1, c2) || !bytes.Equal(h1, h2) {
		t.Fatal("two runs with the same seed gave different files")
	}
	for _, f := range []struct {
		path string
		got  []byte
	}{{committedCounty, c1}, {committedHouseholds, h1}} {
		want, err := os.ReadFile(f.path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(f.got, want) {
			t.Errorf("%s is not what the generator makes now (%d bytes, committed %d): run make county", f.path, len(f.got), len(want))
		}
	}
}

// TestGenerateOtherSeed: the construction, not one lucky seed, gives an
// exact tiling, grids and micro-grids all within their bands (so within
// Zhejiang's), and counts near the county's 77 grids and 332 micro-grids.
func TestGenerateOtherSeed(t *testing.T) {
	cfg := sourceForTest(t)
	for _, seed := range []uint64{1, 2024} {
		cfg.Seed = seed
		c, err := Generate(context.Background(), cfg)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if n := errorFindings(t, c.Units); n != 0 {
			t.Errorf("seed %d: %d error or warning findings, want 0", seed, n)
		}
		for _, l := range c.Levels {
			if l.WithinRange != l.Children || l.Feasible != l.Children {
				t.Errorf("seed %d: %s", seed, &l)
			}
		}
		if got := count(c.Units, partition.LevelGrid, partition.KindComprehensive); got < 74 || got > 80 {
			t.Errorf("seed %d: %d grids, want 77 ± 3", seed, got)
		}
		if got := count(c.Units, partition.LevelMicrogrid, partition.KindComprehensive); got < 332 || got > 365 {
			t.Errorf("seed %d: %d micro-grids, want 332–365", seed, got)
		}
	}
}

// errorFindings runs the tiling check with the Zhejiang rule set and
// returns the number of findings, warnings included.
func errorFindings(t *testing.T, units []partition.Unit) int {
	t.Helper()
	opts := tiling.DefaultOptions()
	rs, _ := partition.BuiltinRuleSet("zhejiang")
	opts.Rules = &rs
	rep, err := tiling.Run(context.Background(), tiling.Slice(tiling.Families(units)), opts, 0, nil)
	if err != nil {
		t.Fatalf("tiling check: %v", err)
	}
	for i, f := range rep.Findings {
		if i < 5 {
			t.Logf("%s %s %v: %s", f.Severity, f.Rule, f.Codes, f.Message)
		}
	}
	return len(rep.Findings)
}

func count(units []partition.Unit, l partition.Level, k partition.Kind) int {
	n := 0
	for i := range units {
		if units[i].Level == l && units[i].Kind == k {
			n++
		}
	}
	return n
}

// TestRun runs the command as `make county` does, into a temporary
// directory, and refuses an unknown flag with exit 2.
func TestRun(t *testing.T) {
	cfg := sourceForTest(t)
	dir := t.TempDir()
	out, hh := dir+"/county.geojson", dir+"/households.geojson"
	var stderr bytes.Buffer
	if code := run(context.Background(), []string{"-source", cfg.Source, "-out", out, "-households", hh}, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	for _, p := range []string{out, hh} {
		if st, err := os.Stat(p); err != nil || st.Size() == 0 || st.Mode().Perm() != 0o644 {
			t.Errorf("%s: %v %v", p, st, err)
		}
	}
	if code := run(context.Background(), []string{"-nope"}, &stderr); code != 2 {
		t.Errorf("unknown flag: exit %d, want 2", code)
	}
	if code := run(context.Background(), []string{"-source", dir + "/missing.geojson", "-out", out}, &stderr); code != 1 {
		t.Errorf("missing source: exit %d, want 1", code)
	}
}
