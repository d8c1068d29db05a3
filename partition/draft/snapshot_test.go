package draft_test

import (
	"context"
	"fmt"
	"sort"
	"testing"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/internal/teststore"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/draft"
	"github.com/wangge/wangge/partition/edit"
)

// TestSnapshot reads a fresh draft of a street through its Snapshot and
// through the store at the draft's base, which must agree (the store is
// the oracle of filters, order, cursors and limits); then checks what a
// snapshot refuses, that its units are copies, and that an edit after it
// was taken does not reach it.
func TestSnapshot(t *testing.T) {
	ctx := context.Background()
	for name, s := range teststore.Both(t, "t_draft_snap") {
		t.Run(name, func(t *testing.T) {
			publishSample(t, s)
			svc := service(s)
			d, err := svc.Create(ctx, "330922100000", partition.AsOf{}, "")
			if err != nil {
				t.Fatal(err)
			}
			snap, err := svc.Snapshot(ctx, d.ID)
			if err != nil {
				t.Fatal(err)
			}
			testSnapshotQueries(t, s, snap, d)
			testSnapshotRefusals(t, snap)
			testSnapshotCopies(t, svc, snap, d.ID)
		})
	}
}

func codes(t *testing.T, s partition.Store, q partition.Query) []partition.Code {
	t.Helper()
	var out []partition.Code
	if err := s.Units(context.Background(), q, func(u partition.Unit) error {
		if q.NoGeometry != (u.Geometry == nil) {
			return fmt.Errorf("%s: NoGeometry %v, geometry of %d polygons", u.Code, q.NoGeometry, len(u.Geometry))
		}
		out = append(out, u.Code)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func testSnapshotQueries(t *testing.T, s, snap partition.Store, d partition.Draft) {
	at := partition.AsOf{Version: d.Base}
	box := orb.Bound{Min: orb.Point{122.40, 30.70}, Max: orb.Point{122.45, 30.75}}
	grid := partition.Code("330922100001001")
	for _, tc := range []struct {
		name string
		q    partition.Query
	}{
		{"all", partition.Query{}},
		{"micro-grids", partition.Query{Level: partition.LevelMicrogrid, NoGeometry: true}},
		{"children", partition.Query{Parent: grid}},
		{"limit", partition.Query{Limit: 7}},
		{"after", partition.Query{After: grid, Limit: 5}},
		{"reverse", partition.Query{Reverse: true, Limit: 5}},
		{"page before", partition.Query{Before: grid, Reverse: true, Limit: 3}},
		{"bbox", partition.Query{BBox: &box}},
		{"prefix", partition.Query{Prefix: "330922100002"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := tc.q
			q.AsOf = at
			got := codes(t, snap, q)
			if q.Prefix == "" {
				q.Prefix = d.Root.Significant() // the store holds the whole county: keep to the street's
			}
			want := codes(t, s, q)
			if fmt.Sprint(got) != fmt.Sprint(want) || len(got) == 0 {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	}
}

func testSnapshotRefusals(t *testing.T, snap partition.Store) {
	ctx := context.Background()
	v, err := snap.Resolve(ctx, partition.AsOf{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		err  error
		kind partition.ErrorKind
	}{
		{"publish", func() error { _, err := snap.Publish(ctx, partition.Changeset{}); return err }(), partition.Invalid},
		{"another version", func() error { _, err := snap.Resolve(ctx, partition.AsOf{Version: v.Number + 1}); return err }(), partition.Invalid},
		{"units of another version", snap.Units(ctx, partition.Query{AsOf: partition.AsOf{Version: v.Number + 1}}, func(partition.Unit) error { return nil }), partition.Invalid},
		{"a unit outside the subtree", func() error { _, err := snap.Unit(ctx, "330922101000", partition.AsOf{}); return err }(), partition.NotFound},
		{"a unit that never was", func() error { _, err := snap.Unit(ctx, "330922100001999", partition.AsOf{}); return err }(), partition.NotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := partition.KindOf(tc.err); got != tc.kind {
				t.Errorf("got %v (%v), want %s", got, tc.err, tc.kind)
			}
		})
	}
	if vs, err := snap.Versions(ctx); err != nil || len(vs) != 1 || vs[0] != v {
		t.Errorf("versions %v %v, want the base %v alone", vs, err, v)
	}
}

// testSnapshotCopies changes a unit the snapshot handed out, and merges
// two micro-grids in the draft after the snapshot was taken: neither shows
// in it, and a new snapshot shows the merge.
func testSnapshotCopies(t *testing.T, svc *draft.Service, snap partition.Store, id string) {
	ctx := context.Background()
	const grid = "330922100001001"
	kids := map[partition.Code]partition.Unit{}
	if err := snap.Units(ctx, partition.Query{Parent: grid}, func(u partition.Unit) error {
		u.Geometry[0][0][0] = orb.Point{0, 0} // as the tile encoder projects in place
		kids[u.Code] = u
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	a, b := touching(t, snap, kids)
	op, err := edit.ParseOp([]byte(fmt.Sprintf(`{"op": "merge", "units": ["%s", "%s"]}`, a, b)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Apply(ctx, id, -1, op); err != nil {
		t.Fatal(err)
	}
	if _, err := snap.Unit(ctx, b, partition.AsOf{}); err != nil {
		t.Errorf("the snapshot taken before the merge lost %s: %v", b, err)
	}
	now, err := svc.Snapshot(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := now.Unit(ctx, b, partition.AsOf{}); partition.KindOf(err) != partition.NotFound {
		t.Errorf("a snapshot after the merge: %s: %v, want not_found", b, err)
	}
	if now.Draft().Revision != 1 {
		t.Errorf("a snapshot after the merge: revision %d, want 1", now.Draft().Revision)
	}
}

// touching returns two units of kids that share a border, read again from
// snap: their geometries must be untouched by the changes to kids.
func touching(t *testing.T, snap partition.Store, kids map[partition.Code]partition.Unit) (a, b partition.Code) {
	t.Helper()
	var us []partition.Unit
	for c := range kids {
		u, err := snap.Unit(context.Background(), c, partition.AsOf{})
		if err != nil {
			t.Fatal(err)
		}
		if u.Geometry[0][0][0] == (orb.Point{0, 0}) {
			t.Fatalf("%s: a change to a unit the snapshot handed out reached the snapshot", c)
		}
		us = append(us, u)
	}
	sort.Slice(us, func(i, j int) bool { return us[i].Code < us[j].Code })
	for i := range us {
		for j := i + 1; j < len(us); j++ {
			if geo.Touches(us[i].Geometry, us[j].Geometry) {
				return us[i].Code, us[j].Code
			}
		}
	}
	t.Fatal("no two micro-grids of the grid touch")
	return "", ""
}
