package storetest

import (
	"bytes"
	"crypto/sha256"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/wangge/wangge/partition"
)

// accessOf is the store's partition.AccessStore, failing the test when it
// keeps none.
func accessOf(t *testing.T, s DraftStore) partition.AccessStore {
	t.Helper()
	as, ok := s.(partition.AccessStore)
	if !ok {
		t.Fatalf("%T keeps no tokens and no audit log (partition.AccessStore)", s)
	}
	return as
}

func hashOf(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

func testTokens(t *testing.T, s DraftStore) {
	as := accessOf(t, s)
	street := partition.Token{Name: "街道-规划-李四", Role: partition.RolePlanner, Scope: "330922100"}
	got, err := as.CreateToken(ctx(t), street, hashOf("wg_one"))
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != street.Name || got.Role != street.Role || got.Scope != street.Scope || time.Since(got.CreatedAt) > time.Minute || !got.RevokedAt.IsZero() {
		t.Errorf("created %+v", got)
	}
	if _, err := as.CreateToken(ctx(t), partition.Token{Name: "区-审核", Role: partition.RoleReviewer, Scope: "330922"}, hashOf("wg_two")); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		tok  partition.Token
		hash []byte
		want partition.ErrorKind
	}{
		{"the same name", partition.Token{Name: street.Name, Role: partition.RoleAdmin}, hashOf("wg_three"), partition.Conflict},
		{"no name", partition.Token{Role: partition.RoleAdmin}, hashOf("wg_four"), partition.Invalid},
		{"an unknown role", partition.Token{Name: "x", Role: "mayor"}, hashOf("wg_five"), partition.Invalid},
		{"a short hash", partition.Token{Name: "y", Role: partition.RoleReader}, []byte("abc"), partition.Invalid},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := as.CreateToken(ctx(t), tt.tok, tt.hash)
			wantKind(t, err, tt.want)
		})
	}
	byHash, err := as.TokenByHash(ctx(t), hashOf("wg_one"))
	if err != nil || byHash.Name != street.Name || byHash.Role != partition.RolePlanner || byHash.Scope != "330922100" {
		t.Errorf("by hash: %+v, %v", byHash, err)
	}
	_, err = as.TokenByHash(ctx(t), hashOf("wg_nobody"))
	wantKind(t, err, partition.NotFound)
	rev, err := as.RevokeToken(ctx(t), street.Name)
	if err != nil || rev.RevokedAt.IsZero() {
		t.Fatalf("revoke: %+v, %v", rev, err)
	}
	_, err = as.RevokeToken(ctx(t), street.Name)
	wantKind(t, err, partition.Conflict)
	_, err = as.RevokeToken(ctx(t), "nobody")
	wantKind(t, err, partition.NotFound)
	if byHash, err := as.TokenByHash(ctx(t), hashOf("wg_one")); err != nil || byHash.RevokedAt.IsZero() {
		t.Errorf("a revoked token by hash: %+v, %v; want it with its revocation", byHash, err)
	}
	ts, err := as.Tokens(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tk := range ts {
		names = append(names, tk.Name)
	}
	if want := []string{street.Name, "区-审核"}; !reflect.DeepEqual(names, want) {
		t.Errorf("tokens %v, want %v", names, want)
	}
}

// testAudit: each write appends one entry with the actor of its context,
// in order; refused writes append none; the queries select by code
// prefix, time, draft and cursor.
func testAudit(t *testing.T, s DraftStore) {
	as := accessOf(t, s)
	planner := partition.Actor{Name: "planner-a", Role: partition.RolePlanner, Scope: "330922100"}
	admin := partition.Actor{Name: "cli:root", Role: partition.RoleAdmin}
	start := time.Now().Add(-time.Second)
	v, err := s.Publish(partition.WithActor(ctx(t), admin), Sample())
	if err != nil {
		t.Fatal(err)
	}
	pc := partition.WithActor(ctx(t), planner)
	d, err := s.CreateDraft(pc, partition.Draft{ID: "au", Root: draftRoot, Base: v.Number})
	if err != nil {
		t.Fatal(err)
	}
	o := op(0, "reassign")
	o.Codes = []partition.Code{"330922100001001001", "330922100001001002"}
	if d, err = s.AppendDraftOp(pc, d.ID, d.Revision, o); err != nil {
		t.Fatal(err)
	}
	// Refused writes leave no entry.
	if _, err := s.AppendDraftOp(pc, d.ID, 0, op(1, "stale")); partition.KindOf(err) != partition.Stale {
		t.Fatalf("a stale append: %v", err)
	}
	if _, err := s.CreateDraft(pc, partition.Draft{ID: "au", Root: draftRoot, Base: v.Number}); partition.KindOf(err) != partition.Conflict {
		t.Fatalf("a second draft au: %v", err)
	}
	if d, err = s.MoveDraftHead(pc, d.ID, d.Revision, 0); err != nil {
		t.Fatal(err)
	}
	if d, err = s.TransitionDraft(pc, d.ID, d.Revision, partition.DraftTransition{To: partition.StateSubmitted, Comment: "请审核"}, partition.StateDraft); err != nil {
		t.Fatal(err)
	}
	es, err := as.Audit(ctx(t), partition.AuditQuery{})
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Seq      int64
		Actor    string
		Role     partition.Role
		Action   string
		Draft    string
		Version  int64
		Revision int64
	}
	want := []row{
		{1, "cli:root", partition.RoleAdmin, "publish", "", v.Number, 0},
		{2, "planner-a", partition.RolePlanner, "draft.create", "au", v.Number, 0},
		{3, "planner-a", partition.RolePlanner, "draft.op", "au", 0, 1},
		{4, "planner-a", partition.RolePlanner, "draft.undo", "au", 0, 2},
		{5, "planner-a", partition.RolePlanner, "draft.submit", "au", 0, 3},
	}
	var got []row
	for _, e := range es {
		got = append(got, row{e.Seq, e.Actor, e.Role, e.Action, e.Draft, e.Version, e.Revision})
		if e.At.Before(start) || e.At.After(time.Now().Add(time.Minute)) {
			t.Errorf("entry %d at %v: not now", e.Seq, e.At)
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("audit log:\n got %+v\nwant %+v", got, want)
	}
	if n := len(es[0].Codes); n != len(Sample().Units) {
		t.Errorf("the publish's entry names %d codes, want the %d units it wrote", n, len(Sample().Units))
	}
	if !reflect.DeepEqual(es[2].Codes, o.Codes) || es[2].Detail != "reassign" {
		t.Errorf("the operation's entry: codes %v, detail %q; want %v, reassign", es[2].Codes, es[2].Detail, o.Codes)
	}
	if !strings.Contains(es[4].Detail, "请审核") {
		t.Errorf("the submission's entry: detail %q, want the comment", es[4].Detail)
	}
	seqs := func(q partition.AuditQuery) []int64 {
		t.Helper()
		es, err := as.Audit(ctx(t), q)
		if err != nil {
			t.Fatal(err)
		}
		out := []int64{}
		for _, e := range es {
			out = append(out, e.Seq)
		}
		return out
	}
	for _, tt := range []struct {
		name string
		q    partition.AuditQuery
		want []int64
	}{
		{"a grid's code", partition.AuditQuery{Code: "330922100001001002"}, []int64{1, 3}},
		{"the draft's root as prefix", partition.AuditQuery{Code: draftRoot}, []int64{1, 2, 3, 4, 5}},
		{"a code no write touched", partition.AuditQuery{Code: "3399"}, []int64{}},
		{"a prefix with LIKE's wildcards", partition.AuditQuery{Code: "3309_"}, []int64{}},
		{"the draft", partition.AuditQuery{Draft: "au"}, []int64{2, 3, 4, 5}},
		{"after a cursor, a page", partition.AuditQuery{After: 2, Limit: 2}, []int64{3, 4}},
		{"since later", partition.AuditQuery{Since: time.Now().Add(time.Hour)}, []int64{}},
		{"since before", partition.AuditQuery{Since: start}, []int64{1, 2, 3, 4, 5}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := seqs(tt.q); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// testTransitions: the chain's steps are recorded with who, when and the
// comment; a submitted draft takes no operations; a step from a state
// not allowed is a conflict that writes nothing.
func testTransitions(t *testing.T, s DraftStore) {
	d := appendOp(t, s, newDraft(t, s, "chain"), op(0, "reassign"))
	planner := partition.WithActor(ctx(t), partition.Actor{Name: "p", Role: partition.RolePlanner})
	reviewer := partition.WithActor(ctx(t), partition.Actor{Name: "r", Role: partition.RoleReviewer})
	just := map[partition.Code]string{"330922100001001001": "海岛网格，户数少但不宜合并"}
	d, err := s.TransitionDraft(planner, d.ID, d.Revision, partition.DraftTransition{To: partition.StateSubmitted, Comment: "c1", Justifications: just}, partition.StateDraft)
	if err != nil || d.State != partition.StateSubmitted || d.Revision != 2 {
		t.Fatalf("submit: %+v, %v", d, err)
	}
	for name, write := range draftWrites(d.ID, d.Revision) {
		if name == "publish" {
			continue
		}
		t.Run(name+" when submitted", func(t *testing.T) {
			err := write(t, s)
			wantKind(t, err, partition.Conflict)
			if !strings.Contains(err.Error(), "submitted") {
				t.Errorf("got %q, want it to say the draft is submitted", err)
			}
		})
	}
	_, err = s.TransitionDraft(reviewer, d.ID, d.Revision, partition.DraftTransition{To: partition.StateReviewed}, partition.StateReviewed)
	wantKind(t, err, partition.Conflict)
	_, err = s.TransitionDraft(reviewer, d.ID, d.Revision, partition.DraftTransition{To: "approved"}, partition.StateSubmitted)
	wantKind(t, err, partition.Invalid)
	_, err = s.TransitionDraft(reviewer, d.ID, 1, partition.DraftTransition{To: partition.StateDraft, Comment: "stale"}, partition.StateSubmitted)
	wantKind(t, err, partition.Stale)
	if d, err = s.TransitionDraft(reviewer, d.ID, d.Revision, partition.DraftTransition{To: partition.StateDraft, Comment: "边界不清"}, partition.StateSubmitted); err != nil {
		t.Fatal(err)
	}
	d = appendOp(t, s, d, op(1, "move_border"))
	ts, err := s.DraftTransitions(ctx(t), d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 2 {
		t.Fatalf("transitions %+v, want 2", ts)
	}
	type step struct {
		Seq      int
		Actor    string
		Role     partition.Role
		From, To partition.DraftState
		Comment  string
		Revision int64
	}
	got := []step{{ts[0].Seq, ts[0].Actor, ts[0].Role, ts[0].From, ts[0].To, ts[0].Comment, ts[0].Revision},
		{ts[1].Seq, ts[1].Actor, ts[1].Role, ts[1].From, ts[1].To, ts[1].Comment, ts[1].Revision}}
	want := []step{{0, "p", partition.RolePlanner, partition.StateDraft, partition.StateSubmitted, "c1", 2},
		{1, "r", partition.RoleReviewer, partition.StateSubmitted, partition.StateDraft, "边界不清", 3}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("transitions:\n got %+v\nwant %+v", got, want)
	}
	if !reflect.DeepEqual(ts[0].Justifications, just) || ts[1].Justifications != nil {
		t.Errorf("justifications %v, %v; want %v, none", ts[0].Justifications, ts[1].Justifications, just)
	}
	if ts[0].At.After(ts[1].At) || time.Since(ts[0].At) > time.Minute {
		t.Errorf("times %v, %v", ts[0].At, ts[1].At)
	}
	_, err = s.DraftTransitions(ctx(t), "nope")
	wantKind(t, err, partition.NotFound)
	// Publishing names the states it may start from.
	g := Sample().Units[4]
	g.Name = "改名"
	_, err = s.PublishDraft(ctx(t), d.ID, d.Revision, partition.Changeset{Units: []partition.Unit{g}}, partition.DraftTransition{}, partition.StateReviewed)
	wantKind(t, err, partition.Conflict)
	pv, err := s.PublishDraft(ctx(t), d.ID, d.Revision, partition.Changeset{Units: []partition.Unit{g}}, partition.DraftTransition{Comment: "备案"}, partition.StateDraft)
	if err != nil {
		t.Fatal(err)
	}
	after, err := s.Draft(ctx(t), d.ID)
	if err != nil || after.State != partition.StateFiled || after.Published != pv.Number {
		t.Errorf("after publishing: %+v, %v", after, err)
	}
	ts, _ = s.DraftTransitions(ctx(t), d.ID)
	if last := ts[len(ts)-1]; last.To != partition.StateFiled || last.From != partition.StateDraft || last.Comment != "备案" {
		t.Errorf("the publish's transition: %+v", last)
	}
	es, err := accessOf(t, s).Audit(ctx(t), partition.AuditQuery{Draft: d.ID})
	if err != nil {
		t.Fatal(err)
	}
	if last := es[len(es)-1]; last.Action != "draft.publish" || last.Version != pv.Number || !bytes.Contains([]byte(strings.Join(codeStrings(last.Codes), " ")), []byte(g.Code)) {
		t.Errorf("the publish's audit entry: %+v", last)
	}
}

func codeStrings(cs []partition.Code) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = string(c)
	}
	return out
}
