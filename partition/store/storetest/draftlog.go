package storetest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wangge/wangge/partition"
)

// sameOps compares two logs: seq and the bytes of op and change.
func sameOps(t *testing.T, got, want []partition.DraftOp) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d entries, want %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Seq != w.Seq || !bytes.Equal(g.Op, w.Op) || !bytes.Equal(g.Change, w.Change) {
			t.Errorf("entry %d: got seq %d, op %.80q, change of %d bytes %.80q; want seq %d, op %.80q, change of %d bytes %.80q",
				i, g.Seq, g.Op, len(g.Change), g.Change, w.Seq, w.Op, len(w.Change), w.Change)
		}
	}
}

func testDraftLog(t *testing.T, s DraftStore) {
	d := newDraft(t, s, "log")
	ops := []partition.DraftOp{
		{Seq: 0, Op: json.RawMessage("{ \"type\" : \"split\",\n\t\"unit\":\"330922100001001\", \"a\": [2, 1] }"), Change: largeChange(5 << 20)},
		{Seq: 1, Op: json.RawMessage(`{"z":1,"a":2,"z2":"\u00e9\ud83d\ude00","n":1.0E+2}`), Change: json.RawMessage(`[ ]`)},
		{Seq: 2, Op: json.RawMessage(`"merge"`), Change: json.RawMessage(`null`)},
	}
	for i, o := range ops {
		d = appendOp(t, s, d, o)
		wantCounts(t, d, i+1, i+1, int64(i+1))
	}
	if age := time.Since(d.UpdatedAt); !d.UpdatedAt.After(d.CreatedAt) || age < -time.Minute || age > time.Minute {
		t.Errorf("updated_at %v is not now, after created_at %v", d.UpdatedAt, d.CreatedAt)
	}
	got, err := s.Draft(ctx(t), d.ID)
	if err != nil {
		t.Fatal(err)
	}
	sameDraft(t, got, d)
	all := draftOps(t, s, d.ID, 0, -1)
	sameOps(t, all, ops)
	for _, o := range all {
		if age := time.Since(o.At); age < -time.Minute || age > time.Minute {
			t.Errorf("entry %d is dated %v, not now", o.Seq, o.At)
		}
	}
	ranges := []struct {
		name     string
		from, to int
		want     []partition.DraftOp
	}{
		{"one", 1, 2, ops[1:2]},
		{"to past the end", 2, 100, ops[2:]},
		{"from the start", 0, 2, ops[:2]},
		{"empty", 2, 2, nil},
		{"past the end", 5, -1, nil},
		{"from before the start", -3, 1, ops[:1]},
	}
	for _, tt := range ranges {
		t.Run(tt.name, func(t *testing.T) { sameOps(t, draftOps(t, s, d.ID, tt.from, tt.to), tt.want) })
	}
	refused := []struct {
		name string
		op   partition.DraftOp
	}{
		{"seq before the head", op(2, "x")},
		{"seq after the head", op(4, "x")},
		{"op not JSON", partition.DraftOp{Seq: 3, Op: json.RawMessage(`{"a":`), Change: json.RawMessage(`{}`)}},
		{"change empty", partition.DraftOp{Seq: 3, Op: json.RawMessage(`{}`)}},
		{"change not UTF-8", partition.DraftOp{Seq: 3, Op: json.RawMessage(`{}`), Change: json.RawMessage("\"\xff\"")}},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.AppendDraftOp(ctx(t), d.ID, d.Revision, tt.op)
			wantKind(t, err, partition.Invalid)
		})
	}
	after, err := s.Draft(ctx(t), d.ID)
	if err != nil {
		t.Fatal(err)
	}
	sameDraft(t, after, d)
	sameOps(t, draftOps(t, s, d.ID, 0, -1), ops)
}

func testUndoRedo(t *testing.T, s DraftStore) {
	d := newDraft(t, s, "undo")
	for i := range 3 {
		d = appendOp(t, s, d, op(i, fmt.Sprint("op", i)))
	}
	moves := []struct {
		head int
		want partition.ErrorKind // "" when the move succeeds
	}{{1, ""}, {0, ""}, {3, ""}, {1, ""}, {-1, partition.Invalid}, {4, partition.Invalid}}
	for _, m := range moves {
		got, err := s.MoveDraftHead(ctx(t), d.ID, d.Revision, m.head)
		if m.want != "" {
			wantKind(t, err, m.want)
			continue
		}
		if err != nil {
			t.Fatalf("move head to %d: %v", m.head, err)
		}
		wantCounts(t, got, m.head, 3, d.Revision+1)
		d = got
	}
	if got, err := s.Draft(ctx(t), d.ID); err != nil || got.Head != 1 || got.Revision != d.Revision {
		t.Fatalf("after refused moves: got %+v, %v; want head 1 at revision %d", got, err, d.Revision)
	}
	// Undone entries stay until an append drops them.
	sameOps(t, draftOps(t, s, d.ID, 0, -1), []partition.DraftOp{op(0, "op0"), op(1, "op1"), op(2, "op2")})
	rev := d.Revision
	d = appendOp(t, s, d, op(1, "new"))
	wantCounts(t, d, 2, 2, rev+1)
	sameOps(t, draftOps(t, s, d.ID, 0, -1), []partition.DraftOp{op(0, "op0"), op(1, "new")})
	_, err := s.MoveDraftHead(ctx(t), d.ID, d.Revision, 3) // the dropped redo
	wantKind(t, err, partition.Invalid)
}

func testRebase(t *testing.T, s DraftStore) {
	d := newDraft(t, s, "rebase")
	g := Sample().Units[4]
	g.Households = 500
	v := publish(t, s, partition.Changeset{Units: []partition.Unit{g}})
	got, err := s.RebaseDraft(ctx(t), d.ID, d.Revision, v.Number)
	if err != nil || got.Base != v.Number || got.Revision != d.Revision+1 {
		t.Fatalf("rebase on %d: got %+v, %v", v.Number, got, err)
	}
	_, err = s.RebaseDraft(ctx(t), d.ID, got.Revision, v.Number+1)
	wantKind(t, err, partition.NotFound)
	if after, err := s.Draft(ctx(t), d.ID); err != nil || after.Base != v.Number || after.Revision != got.Revision {
		t.Errorf("after a refused rebase: got %+v, %v", after, err)
	}
}

func testStaleRevision(t *testing.T, s DraftStore) {
	d := appendOp(t, s, newDraft(t, s, "stale"), op(0, "first"))
	versions, _ := s.Versions(ctx(t))
	for _, rev := range []int64{0, 2} {
		for name, write := range draftWrites(d.ID, rev) {
			t.Run(fmt.Sprint(name, " at ", rev), func(t *testing.T) {
				err := write(t, s)
				wantKind(t, err, partition.Stale)
				if want := fmt.Sprintf("revision 1, not %d", rev); !strings.Contains(err.Error(), want) {
					t.Errorf("got %q, want it to say %q", err, want)
				}
				// At 0 it missed the one operation appended since: the
				// error names it.
				if want := "revision 1: draft.op"; rev == 0 && !strings.Contains(err.Error(), want) {
					t.Errorf("got %q, want it to name the missed change %q", err, want)
				}
			})
		}
	}
	got, err := s.Draft(ctx(t), d.ID)
	if err != nil {
		t.Fatal(err)
	}
	sameDraft(t, got, d)
	sameOps(t, draftOps(t, s, d.ID, 0, -1), []partition.DraftOp{op(0, "first")})
	if vs, _ := s.Versions(ctx(t)); len(vs) != len(versions) {
		t.Errorf("stale writes published: %d versions, want %d", len(vs), len(versions))
	}
}

// testConcurrentAppend: writers that name the same revision at once, as
// two planners' tabs would: exactly one wins, the others conflict.
func testConcurrentAppend(t *testing.T, s DraftStore) {
	d := newDraft(t, s, "race")
	const n = 8
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = s.AppendDraftOp(ctx(t), d.ID, d.Revision, op(0, fmt.Sprint("writer", i)))
		}()
	}
	wg.Wait()
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner >= 0:
			t.Fatalf("writers %d and %d both appended at revision %d", winner, i, d.Revision)
		case err == nil:
			winner = i
		case partition.KindOf(err) != partition.Stale:
			t.Errorf("writer %d: got %v, want a stale revision", i, err)
		}
	}
	if winner < 0 {
		t.Fatalf("no writer appended: %v", errs)
	}
	got, err := s.Draft(ctx(t), d.ID)
	if err != nil {
		t.Fatal(err)
	}
	wantCounts(t, got, 1, 1, 1)
	sameOps(t, draftOps(t, s, d.ID, 0, -1), []partition.DraftOp{op(0, fmt.Sprint("writer", winner))})
}

// testDeleteRemovesLog: a draft created again with the id of a deleted one
// starts with an empty log.
func testDeleteRemovesLog(t *testing.T, s DraftStore) {
	d := newDraft(t, s, "again")
	d = appendOp(t, s, d, op(0, "a"))
	appendOp(t, s, d, op(1, "b"))
	if err := s.DeleteDraft(ctx(t), d.ID); err != nil {
		t.Fatal(err)
	}
	d = newDraft(t, s, "again")
	wantCounts(t, d, 0, 0, 0)
	if ops := draftOps(t, s, d.ID, 0, -1); len(ops) != 0 {
		t.Errorf("the new draft's log holds %d entries of the deleted one's", len(ops))
	}
}
