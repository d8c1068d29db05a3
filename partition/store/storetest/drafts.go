package storetest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/wangge/wangge/partition"
)

// DraftStore is a store with drafts and household layers: what RunDrafts
// tests.
type DraftStore interface {
	partition.Store
	partition.DraftStore
}

// OpenDrafts returns a new, empty DraftStore; the suite closes it.
type OpenDrafts func(t *testing.T) DraftStore

// RunDrafts runs the contract suite of partition.DraftStore.
func RunDrafts(t *testing.T, open OpenDrafts) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s DraftStore)
	}{
		{"CreateListGetDelete", testDraftCRUD},
		{"CreateRefuses", testCreateRefuses},
		{"Log", testDraftLog},
		{"UndoRedo", testUndoRedo},
		{"Rebase", testRebase},
		{"StaleRevision", testStaleRevision},
		{"ConcurrentAppend", testConcurrentAppend},
		{"DeleteRemovesLog", testDeleteRemovesLog},
		{"PublishDraft", testPublishDraft},
		{"PublishDraftChangedSinceBase", testPublishChangedSinceBase},
		{"PublishDraftInvalid", testPublishDraftInvalid},
		{"Households", testHouseholds},
		{"HouseholdsBBox", testHouseholdsBBox},
		{"InvalidHouseholds", testInvalidHouseholds},
		{"Tokens", testTokens},
		{"Audit", testAudit},
		{"Transitions", testTransitions},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("close: %v", err)
				}
			})
			tt.fn(t, s)
		})
	}
}

// draftRoot is the community of Sample that the drafts of the suite edit.
const draftRoot = "330922100001"

// newDraft publishes Sample unless the store holds a version, and creates
// the draft id on the latest version.
func newDraft(t *testing.T, s DraftStore, id string) partition.Draft {
	t.Helper()
	v, err := s.Resolve(ctx(t), partition.AsOf{})
	if partition.KindOf(err) == partition.NotFound {
		v, err = publish(t, s, Sample()), nil
	}
	if err != nil {
		t.Fatal(err)
	}
	d, err := s.CreateDraft(ctx(t), partition.Draft{ID: id, Root: draftRoot, Base: v.Number, Note: "draft " + id})
	if err != nil {
		t.Fatalf("create draft %s: %v", id, err)
	}
	return d
}

// op is an entry of the log with a small op and change.
func op(seq int, name string) partition.DraftOp {
	return partition.DraftOp{Seq: seq, Op: json.RawMessage(`{"op":"` + name + `"}`), Change: json.RawMessage(`{"did":"` + name + `"}`)}
}

func appendOp(t *testing.T, s DraftStore, d partition.Draft, o partition.DraftOp) partition.Draft {
	t.Helper()
	got, err := s.AppendDraftOp(ctx(t), d.ID, d.Revision, o)
	if err != nil {
		t.Fatalf("append %s to draft %s at revision %d: %v", o.Op, d.ID, d.Revision, err)
	}
	return got
}

func draftOps(t *testing.T, s DraftStore, id string, from, to int) []partition.DraftOp {
	t.Helper()
	ops, err := s.DraftOps(ctx(t), id, from, to)
	if err != nil {
		t.Fatalf("ops %d…%d of draft %s: %v", from, to, id, err)
	}
	return ops
}

// sameDraft compares two drafts, their times by the instant.
func sameDraft(t *testing.T, got, want partition.Draft) {
	t.Helper()
	if !got.CreatedAt.Equal(want.CreatedAt) || !got.UpdatedAt.Equal(want.UpdatedAt) {
		t.Errorf("draft %s: got times %v, %v; want %v, %v", want.ID, got.CreatedAt, got.UpdatedAt, want.CreatedAt, want.UpdatedAt)
	}
	got.CreatedAt, got.UpdatedAt = want.CreatedAt, want.UpdatedAt
	if got != want {
		t.Errorf("draft:\n got %+v\nwant %+v", got, want)
	}
}

// wantCounts checks a draft's head, ops and revision.
func wantCounts(t *testing.T, d partition.Draft, head, ops int, rev int64) {
	t.Helper()
	if d.Head != head || d.Ops != ops || d.Revision != rev {
		t.Errorf("draft %s: got head %d, ops %d, revision %d; want %d, %d, %d", d.ID, d.Head, d.Ops, d.Revision, head, ops, rev)
	}
}

func draftIDs(ds []partition.Draft) []string {
	out := []string{}
	for _, d := range ds {
		out = append(out, d.ID)
	}
	return out
}

func testDraftCRUD(t *testing.T, s DraftStore) {
	if ds, err := s.Drafts(ctx(t)); err != nil || len(ds) != 0 {
		t.Fatalf("drafts of an empty store: got %v, %v; want none", ds, err)
	}
	v := publish(t, s, Sample())
	// Head, Ops, Revision, Published and times are the store's.
	in := partition.Draft{ID: "m", Root: draftRoot, Base: v.Number, Note: "重划网格", Head: 3, Ops: 4, Revision: 9, Published: 1, State: partition.StateFiled}
	d, err := s.CreateDraft(ctx(t), in)
	if err != nil {
		t.Fatal(err)
	}
	want := partition.Draft{ID: "m", Root: draftRoot, Base: v.Number, Note: "重划网格", CreatedAt: d.CreatedAt, UpdatedAt: d.CreatedAt, State: partition.StateDraft}
	sameDraft(t, d, want)
	if age := time.Since(d.CreatedAt); age < -time.Minute || age > time.Minute {
		t.Errorf("created_at %v is not now", d.CreatedAt)
	}
	got, err := s.Draft(ctx(t), "m")
	if err != nil {
		t.Fatal(err)
	}
	sameDraft(t, got, d)
	// Newest first, whatever the order of the ids.
	newDraft(t, s, "z")
	newDraft(t, s, "a")
	ds, err := s.Drafts(ctx(t))
	if got, want := draftIDs(ds), []string{"a", "z", "m"}; err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("drafts: got %v, %v; want %v", got, err, want)
	}
	sameDraft(t, ds[2], d)

	if err := s.DeleteDraft(ctx(t), "z"); err != nil {
		t.Fatal(err)
	}
	ds, err = s.Drafts(ctx(t))
	if got, want := draftIDs(ds), []string{"a", "m"}; err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("drafts after deleting z: got %v, %v; want %v", got, err, want)
	}
	_, err = s.Draft(ctx(t), "z")
	wantKind(t, err, partition.NotFound)
	wantKind(t, s.DeleteDraft(ctx(t), "z"), partition.NotFound)
	_, err = s.DraftOps(ctx(t), "z", 0, -1)
	wantKind(t, err, partition.NotFound)
	for name, write := range draftWrites("z", 0) {
		t.Run(name, func(t *testing.T) { wantKind(t, write(t, s), partition.NotFound) })
	}
}

func testCreateRefuses(t *testing.T, s DraftStore) {
	_, err := s.CreateDraft(ctx(t), partition.Draft{ID: "early", Root: draftRoot, Base: 1})
	wantKind(t, err, partition.NotFound) // no version yet
	newDraft(t, s, "d")
	long := strings.Repeat("aZ0_-", 12) + "abcd" // 64 bytes
	tests := []struct {
		name string
		d    partition.Draft
		want partition.ErrorKind
	}{
		{"duplicate id", partition.Draft{ID: "d", Root: draftRoot, Base: 1}, partition.Conflict},
		{"empty id", partition.Draft{ID: "", Root: draftRoot, Base: 1}, partition.Invalid},
		{"id with a space", partition.Draft{ID: "a b", Root: draftRoot, Base: 1}, partition.Invalid},
		{"id with a slash", partition.Draft{ID: "a/b", Root: draftRoot, Base: 1}, partition.Invalid},
		{"id not ASCII", partition.Draft{ID: "草稿", Root: draftRoot, Base: 1}, partition.Invalid},
		{"id of 65 bytes", partition.Draft{ID: long + "x", Root: draftRoot, Base: 1}, partition.Invalid},
		{"note not UTF-8", partition.Draft{ID: "n", Root: draftRoot, Base: 1, Note: "\xff"}, partition.Invalid},
		{"base not a version", partition.Draft{ID: "b", Root: draftRoot, Base: 2}, partition.NotFound},
		{"base 0", partition.Draft{ID: "b", Root: draftRoot}, partition.NotFound},
		{"layer not a layer", partition.Draft{ID: "b", Root: draftRoot, Base: 1, Layer: 1}, partition.NotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.CreateDraft(ctx(t), tt.d)
			wantKind(t, err, tt.want)
		})
	}
	ds, err := s.Drafts(ctx(t))
	if got := draftIDs(ds); err != nil || !reflect.DeepEqual(got, []string{"d"}) {
		t.Errorf("after refused creates: drafts %v, %v; want [d]", got, err)
	}
	if d, err := s.CreateDraft(ctx(t), partition.Draft{ID: long, Root: draftRoot, Base: 1}); err != nil || d.ID != long {
		t.Errorf("an id of 64 letters, digits, '_' and '-': got %+v, %v", d, err)
	}
}

// draftWrites are the writes to draft id that name revision rev, each
// asking for a change that would otherwise succeed on a new draft.
func draftWrites(id string, rev int64) map[string]func(*testing.T, DraftStore) error {
	return map[string]func(*testing.T, DraftStore) error{
		"append": func(t *testing.T, s DraftStore) error {
			_, err := s.AppendDraftOp(ctx(t), id, rev, op(0, "x"))
			return err
		},
		"move head": func(t *testing.T, s DraftStore) error {
			_, err := s.MoveDraftHead(ctx(t), id, rev, 0)
			return err
		},
		"rebase": func(t *testing.T, s DraftStore) error {
			_, err := s.RebaseDraft(ctx(t), id, rev, 1)
			return err
		},
		"publish": func(t *testing.T, s DraftStore) error {
			g := Sample().Units[4]
			g.Name = "改名"
			_, err := s.PublishDraft(ctx(t), id, rev, partition.Changeset{Units: []partition.Unit{g}}, partition.DraftTransition{})
			return err
		},
	}
}

// largeChange is valid JSON of about n bytes with unusual spacing, escapes
// and key order, which a store that re-encodes JSON would not keep.
func largeChange(n int) json.RawMessage {
	var b bytes.Buffer
	b.WriteString("{ \"z\" :[\n")
	for i := 0; b.Len() < n; i++ {
		if i > 0 {
			b.WriteString(" ,\t")
		}
		fmt.Fprintf(&b, `{"seq":%d, "a" : 1.50e0,"code":"33092210000%d","名":"\u7f51\u683c"}`, i, i%10)
	}
	b.WriteString("\n] , \"a\":null }")
	return b.Bytes()
}
