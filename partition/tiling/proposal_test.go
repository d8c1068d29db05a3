package tiling

import (
	"context"
	"strings"
	"testing"

	"github.com/wangge/wangge/internal/synth"
	"github.com/wangge/wangge/partition"
)

// TestCheckable: a proposal is checked only when every unit takes part in
// a family; a children-only one, orphans among families, and a set of
// roots are refused, naming what is missing.
func TestCheckable(t *testing.T) {
	community := synth.Community(400) // the community (no parent) and its 16 grids
	grids := community[1:]
	underTown := append([]partition.Unit{community[0]}, grids...)
	underTown[0].Parent = "330922100000" // absent, but the community heads a family
	stray := grids[0]
	stray.Code, stray.Parent = "330922100002001", "330922100002"
	micro := grids[0]
	micro.Code, micro.Parent, micro.Level = "330922100001001001", grids[0].Code, partition.LevelMicrogrid
	tests := []struct {
		name     string
		units    []partition.Unit
		families int      // with a parent; 0: refused
		want     []string // in the refusal's message
		problems int
	}{
		{"a community with its grids", community, 1, nil, 0},
		{"the top unit's parent is absent", underTown, 1, nil, 0},
		{"a grid with its micro-grid, the community absent", []partition.Unit{grids[0], micro}, 1, nil, 0},
		{"children only", grids, 0, []string{"cannot check 16 units", "330922100001 (16 units)", "HOW"}, 16},
		{"an orphan among families", append(append([]partition.Unit{}, community...), stray), 0, []string{"cannot check 1 units", "330922100002 (1 units)"}, 1},
		{"two missing parents", []partition.Unit{grids[0], stray}, 0, []string{"their parents 330922100001 (1 units), 330922100002 (1 units) are"}, 2},
		{"a root alone", community[:1], 0, []string{"nothing to check"}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fams, err := Checkable(tc.units, "HOW")
			if tc.families > 0 {
				n := 0
				for _, f := range fams {
					if f.Parent != nil {
						n++
					}
				}
				if err != nil || n != tc.families {
					t.Fatalf("got %d families with a parent, error %v; want %d and no error", n, err, tc.families)
				}
				return
			}
			pe, ok := err.(*partition.Error)
			if !ok || pe.Kind != partition.Invalid || len(pe.Problems) != tc.problems {
				t.Fatalf("got %v (%d families); want an invalid *partition.Error with %d problems", err, len(fams), tc.problems)
			}
			for _, w := range tc.want {
				if !strings.Contains(pe.Message, w) {
					t.Errorf("message %q lacks %q", pe.Message, w)
				}
			}
		})
	}
}

// TestAgainst: the proposal's units replace the parent's stored children
// of the same code, the others complete the family, and a parent the
// proposal does not name is refused.
func TestAgainst(t *testing.T) {
	community := synth.Community(400)
	parent, stored := community[0], community[1:]
	redrawn := stored[3]
	redrawn.Name = "redrawn"
	stray := stored[0]
	stray.Code, stray.Parent = "330922100002001", "330922100002"
	without := func(drop int) []partition.Unit {
		return append(append([]partition.Unit{}, stored[:drop]...), stored[drop+1:]...)
	}
	tests := []struct {
		name      string
		units     []partition.Unit
		siblings  []partition.Unit
		children  int
		gap       bool
		refused   bool
		redrawnIn bool
	}{
		{"all children, no siblings", stored, nil, 16, false, false, false},
		{"one child missing, no siblings", without(5), nil, 15, true, false, false},
		{"one child missing, stored siblings complete it", without(5), stored, 16, false, false, false},
		{"one child redrawn, stored siblings complete it", []partition.Unit{redrawn}, stored, 16, false, false, true},
		{"a parent not named", []partition.Unit{stray}, stored, 0, false, true, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			units, err := Against(tc.units, parent, tc.siblings)
			if tc.refused {
				if partition.KindOf(err) != partition.Invalid {
					t.Fatalf("got %v, want invalid", err)
				}
				return
			}
			fams, err := Checkable(units, "HOW")
			if err != nil {
				t.Fatal(err)
			}
			rep, err := Run(context.Background(), Slice(fams), DefaultOptions(), 1, nil)
			if err != nil {
				t.Fatal(err)
			}
			errs, _ := rep.Count()
			if len(rep.Summaries) != 1 || rep.Summaries[0].Children != tc.children || (errs > 0) != tc.gap || (tc.gap && rep.Findings[0].Rule != partition.RuleGap) {
				t.Fatalf("got summaries %+v, findings %v; want %d children and gap %v", rep.Summaries, rep.Findings, tc.children, tc.gap)
			}
			for _, u := range units {
				if u.Code == redrawn.Code && (u.Name == "redrawn") != tc.redrawnIn {
					t.Errorf("unit %s named %q: want the proposal's version (%v)", u.Code, u.Name, tc.redrawnIn)
				}
			}
		})
	}
}
