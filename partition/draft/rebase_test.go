package draft_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/internal/teststore"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/draft"
	"github.com/wangge/wangge/partition/edit"
)

// siblingsToMerge returns two adjacent children of parent in the draft, the
// first in code order.
func siblingsToMerge(t *testing.T, units []partition.Unit, parent partition.Code) (a, b partition.Unit) {
	t.Helper()
	var kids []partition.Unit
	for _, u := range units {
		if u.Parent == parent {
			kids = append(kids, u)
		}
	}
	for i := range kids {
		for j := i + 1; j < len(kids); j++ {
			if geo.Touches(kids[i].Geometry, kids[j].Geometry) {
				return kids[i], kids[j]
			}
		}
	}
	t.Fatalf("no two adjacent children of %s", parent)
	return
}

// renamed publishes u under a new name.
func renamed(t *testing.T, s partition.Store, u partition.Unit, name string) partition.Version {
	t.Helper()
	u.Name, u.ValidFrom, u.ValidTo = name, 0, 0
	return publish(t, s, []partition.Unit{u})
}

func unitOf(units []partition.Unit, c partition.Code) (partition.Unit, bool) {
	i := slices.IndexFunc(units, func(u partition.Unit) bool { return u.Code == c })
	if i < 0 {
		return partition.Unit{}, false
	}
	return units[i], true
}

// TestRebase: a draft follows upstream versions that changed other units,
// and refuses, naming the units, one that changed the units it changed.
func TestRebase(t *testing.T) {
	ctx := context.Background()
	for name, s := range teststore.Both(t, "t_draft_rebase") {
		t.Run(name, func(t *testing.T) {
			publishSample(t, s)
			svc := service(s)
			d, err := svc.Create(ctx, "330922100000", partition.AsOf{}, "rebase")
			if err != nil {
				t.Fatal(err)
			}
			_, units, err := svc.Units(ctx, d.ID)
			if err != nil {
				t.Fatal(err)
			}
			const grid = "330922100001001"
			x, y := siblingsToMerge(t, units, grid)
			if _, err := svc.Apply(ctx, d.ID, d.Revision, edit.Op{Op: edit.OpMerge, Units: []partition.Code{x.Code, y.Code}}); err != nil {
				t.Fatal(err)
			}
			// Upstream renames a unit the draft did not touch: the rebase
			// keeps the merge and takes the new name.
			var other partition.Unit
			for _, u := range units {
				if u.Parent == grid && u.Code != x.Code && u.Code != y.Code {
					other = u
					break
				}
			}
			v2 := renamed(t, s, other, "上游改名")
			d2, err := svc.Rebase(ctx, d.ID, -1)
			if err != nil {
				t.Fatalf("rebase on a version that changed another unit: %v", err)
			}
			if d2.Base != v2.Number {
				t.Errorf("base %d after the rebase, want %d", d2.Base, v2.Number)
			}
			_, after, _ := svc.Units(ctx, d.ID)
			if u, _ := unitOf(after, other.Code); u.Name != "上游改名" {
				t.Errorf("after the rebase %s is named %q, want the upstream name", other.Code, u.Name)
			}
			if _, ok := unitOf(after, y.Code); ok {
				t.Errorf("after the rebase %s is back: the draft's merge was lost", y.Code)
			}
			// Undoing the merge now gives the new base.
			if _, err := svc.Undo(ctx, d.ID, -1, 1); err != nil {
				t.Fatal(err)
			}
			_, undone, _ := svc.Units(ctx, d.ID)
			_, base2, _ := service(s).Units(ctx, mustCreate(t, svc, v2.Number))
			if !sameJSON(t, undone, base2) {
				t.Error("undoing the merge after the rebase does not give the new base")
			}
			if _, err := svc.Undo(ctx, d.ID, -1, -1); err != nil {
				t.Fatal(err)
			}
			// Upstream renames a unit the draft merged away: a conflict
			// naming it, with both sides; nothing changes.
			renamed(t, s, y, "上游又改名")
			before, _, _ := svc.Units(ctx, d.ID)
			_, err = svc.Rebase(ctx, d.ID, -1)
			var rc *draft.RebaseConflict
			if !errors.As(err, &rc) || partition.KindOf(err) != partition.Conflict {
				t.Fatalf("rebase over a conflicting change: %v, want a RebaseConflict", err)
			}
			if !slices.Contains(rc.Codes, y.Code) || len(rc.Theirs) == 0 {
				t.Errorf("conflict names %v (theirs %d), want %s", rc.Codes, len(rc.Theirs), y.Code)
			}
			if after, _, _ := svc.Units(ctx, d.ID); after.Base != before.Base || after.Revision != before.Revision {
				t.Errorf("a refused rebase changed the draft: %+v → %+v", before, after)
			}
			// Publishing without the rebase is refused by the store.
			if _, err := svc.Publish(ctx, d.ID, -1, ""); partition.KindOf(err) != partition.Conflict {
				t.Errorf("publish over a conflicting change: %v, want a conflict", err)
			}
		})
	}
}

func mustCreate(t *testing.T, svc *draft.Service, v int64) string {
	t.Helper()
	d, err := svc.Create(context.Background(), "330922100000", partition.AsOf{Version: v}, "")
	if err != nil {
		t.Fatal(err)
	}
	return d.ID
}

// TestTwoServices: two processes over one store see each other's edits,
// and a write from a stale revision is refused.
func TestTwoServices(t *testing.T) {
	ctx := context.Background()
	for name, s := range teststore.Both(t, "t_draft_two") {
		t.Run(name, func(t *testing.T) {
			publishSample(t, s)
			one, two := service(s), service(s)
			d, err := one.Create(ctx, "330922100000", partition.AsOf{}, "")
			if err != nil {
				t.Fatal(err)
			}
			_, units, _ := two.Units(ctx, d.ID) // two has it in memory now
			x, y := siblingsToMerge(t, units, "330922100001001")
			if _, err := one.Apply(ctx, d.ID, 0, edit.Op{Op: edit.OpMerge, Units: []partition.Code{x.Code, y.Code}}); err != nil {
				t.Fatal(err)
			}
			_, seen, err := two.Units(ctx, d.ID)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := unitOf(seen, y.Code); ok {
				t.Error("the other service does not see the merge")
			}
			n := "改名"
			_, err = two.Apply(ctx, d.ID, 0, edit.Op{Op: edit.OpAttributes, Unit: x.Code, Name: &n})
			if partition.KindOf(err) != partition.Stale || !strings.Contains(err.Error(), "draft.op") {
				t.Errorf("a write at revision 0 after the merge: %v, want a stale revision naming the merge it missed", err)
			}
		})
	}
}
