package storetest

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/wangge/wangge/partition"
)

// wantNothingPublished checks that the store still holds n versions and
// that the draft is as it was.
func wantNothingPublished(t *testing.T, s DraftStore, n int, d partition.Draft) {
	t.Helper()
	if vs, err := s.Versions(ctx(t)); err != nil || len(vs) != n {
		t.Errorf("after a refused publish: %d versions, %v; want %d", len(vs), err, n)
	}
	got, err := s.Draft(ctx(t), d.ID)
	if err != nil {
		t.Fatal(err)
	}
	sameDraft(t, got, d)
}

func testPublishDraft(t *testing.T, s DraftStore) {
	d := appendOp(t, s, newDraft(t, s, "pub"), op(0, "recount"))
	g := Sample().Units[4]
	g.Households, g.Name = 470, "第一网格（重划）"
	v, err := s.PublishDraft(ctx(t), d.ID, d.Revision, partition.Changeset{Note: "from a draft", Units: []partition.Unit{g}}, partition.DraftTransition{})
	if err != nil {
		t.Fatal(err)
	}
	vs, err := s.Versions(ctx(t))
	if err != nil || len(vs) != 2 || vs[1].Number != v.Number || v.Number != 2 || vs[1].Note != "from a draft" || !vs[1].PublishedAt.Equal(v.PublishedAt) {
		t.Fatalf("versions after publishing the draft: got %+v, %v; the publish returned %+v", vs, err, v)
	}
	u, err := s.Unit(ctx(t), g.Code, partition.AsOf{})
	if err != nil || u.Households != 470 || u.Name != g.Name || u.ValidFrom != v.Number {
		t.Errorf("unit %s after publishing the draft: got %+v, %v", g.Code, u, err)
	}
	got, err := s.Draft(ctx(t), d.ID)
	if err != nil || got.Published != v.Number || got.Revision != d.Revision+1 || got.Head != 1 {
		t.Fatalf("the published draft: got %+v, %v; want published %d at revision %d", got, err, v.Number, d.Revision+1)
	}
	for name, write := range draftWrites(d.ID, got.Revision) {
		t.Run(name, func(t *testing.T) {
			err := write(t, s)
			wantKind(t, err, partition.Conflict)
			if !strings.Contains(err.Error(), "published") {
				t.Errorf("got %q, want it to say the draft is published", err)
			}
		})
	}
	wantNothingPublished(t, s, 2, got)
	if err := s.DeleteDraft(ctx(t), d.ID); err != nil {
		t.Errorf("delete a published draft: %v", err)
	}
}

// testPublishChangedSinceBase: a draft on version 1 may not overwrite what
// versions 2 and 3 changed, or bring back what they retired; after a rebase
// on the latest version it may.
func testPublishChangedSinceBase(t *testing.T, s DraftStore) {
	d := newDraft(t, s, "late")
	sample := Sample().Units
	grid, mg1, mg2, other := sample[4], sample[6], sample[7], sample[5]
	grid.Households, mg1.Population = 440, 7
	publish(t, s, partition.Changeset{Note: "2", Units: []partition.Unit{grid, mg1}, DeleteUnits: []partition.Code{mg2.Code}})
	grid.Households = 450
	publish(t, s, partition.Changeset{Note: "3", Units: []partition.Unit{grid}})

	other.Name, grid.Name = "专属网格（草稿）", "第一网格（草稿）"
	cs := partition.Changeset{Units: []partition.Unit{other, grid, mg2}, DeleteUnits: []partition.Code{mg1.Code}}
	_, err := s.PublishDraft(ctx(t), d.ID, d.Revision, cs, partition.DraftTransition{})
	wantKind(t, err, partition.Conflict)
	var e *partition.Error
	if !errors.As(err, &e) {
		t.Fatalf("got %T, want a *partition.Error", err)
	}
	want := []partition.Problem{
		{Index: -1, Code: string(grid.Code), Message: "changed in version 3, after the draft's base 1"},
		{Index: -1, Code: string(mg1.Code), Message: "changed in version 2, after the draft's base 1"},
		{Index: -1, Code: string(mg2.Code), Message: "changed in version 2, after the draft's base 1"},
	}
	if !reflect.DeepEqual(e.Problems, want) {
		t.Errorf("problems:\n got %+v\nwant %+v", e.Problems, want)
	}
	wantNothingPublished(t, s, 3, d)
	if u, err := s.Unit(ctx(t), other.Code, partition.AsOf{}); err != nil || u.Name != sample[5].Name {
		t.Errorf("unit %s after a refused publish: got %+v, %v", other.Code, u, err)
	}

	d, err = s.RebaseDraft(ctx(t), d.ID, d.Revision, 3)
	if err != nil {
		t.Fatal(err)
	}
	v, err := s.PublishDraft(ctx(t), d.ID, d.Revision, cs, partition.DraftTransition{})
	if err != nil || v.Number != 4 {
		t.Fatalf("publish after the rebase: got %+v, %v; want version 4", v, err)
	}
	if u, err := s.Unit(ctx(t), other.Code, partition.AsOf{}); err != nil || u.Name != other.Name || u.ValidFrom != 4 {
		t.Errorf("unit %s after publishing the rebased draft: got %+v, %v", other.Code, u, err)
	}
}

func testPublishDraftInvalid(t *testing.T, s DraftStore) {
	d := newDraft(t, s, "bad")
	good := Sample().Units[5]
	good.Name = "改名"
	orphan := partition.Unit{Code: "330922100002001", Name: "x", Level: partition.LevelGrid, Kind: partition.KindComprehensive,
		Network: partition.NetworkLand, Parent: "330922100002", Geometry: Box(122, 30, 122.1, 30.1)}
	tests := []struct {
		name string
		cs   partition.Changeset
	}{
		{"missing parent", partition.Changeset{Units: []partition.Unit{good, orphan}}},
		{"empty", partition.Changeset{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.PublishDraft(ctx(t), d.ID, d.Revision, tt.cs, partition.DraftTransition{})
			wantKind(t, err, partition.Invalid)
			wantNothingPublished(t, s, 1, d)
		})
	}
	if u, err := s.Unit(ctx(t), good.Code, partition.AsOf{}); err != nil || u.Name == good.Name {
		t.Errorf("unit %s after refused publishes: got %+v, %v", good.Code, u, err)
	}
}
