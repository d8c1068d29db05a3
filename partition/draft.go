package partition

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/paulmach/orb"
)

// Draft is a planner's working copy of one subtree (Root and everything
// under it) on a published version (Base): the base plus an ordered log of
// edit operations, of which the first Head are applied (the rest can be
// redone). The store keeps the log; what an operation did is opaque to it.
type Draft struct {
	ID   string `json:"id"`
	Root Code   `json:"root"`
	Base int64  `json:"base"`
	Note string `json:"note,omitempty"`
	// Layer is the household layer the draft counts with (0: none, the
	// households move in proportion to area and are estimated).
	Layer int64 `json:"household_layer,omitempty"`
	// Head is the number of operations applied; Ops the length of the log.
	Head int `json:"head"`
	Ops  int `json:"ops"`
	// Revision grows by one with every change of the draft (an operation,
	// an undo or redo, a rebase, the publish).
	Revision  int64     `json:"revision"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// Published is the version the draft became (0 while it is open).
	Published int64 `json:"published,omitempty"`
	// State is where the draft is in the chain 街道初划 → 区级审核 →
	// 市级备案; only a draft in state draft takes operations.
	State DraftState `json:"state"`
}

// DraftState is a draft's place in the review chain.
type DraftState string

// The states of the chain: a planner edits a draft and submits it; a
// reviewer whose scope covers it reviews it; a filer files it, which
// publishes it as a new version. A rejection (with a comment) at any step
// sends it back to draft.
const (
	StateDraft     DraftState = "draft"
	StateSubmitted DraftState = "submitted"
	StateReviewed  DraftState = "reviewed"
	StateFiled     DraftState = "filed"
)

// DraftStates lists the states in the order of the chain.
var DraftStates = []DraftState{StateDraft, StateSubmitted, StateReviewed, StateFiled}

// ParseDraftState returns the state named s, or an Invalid error naming
// the states.
func ParseDraftState(s string) (DraftState, error) {
	for _, st := range DraftStates {
		if string(st) == s {
			return st, nil
		}
	}
	return "", Errorf(Invalid, "state %q: want draft, submitted, reviewed or filed", s)
}

// WaitsFor is the role that acts next on a draft in this state ("" when
// none: a filed draft is done).
func (st DraftState) WaitsFor() Role {
	switch st {
	case StateDraft:
		return RolePlanner
	case StateSubmitted:
		return RoleReviewer
	case StateReviewed:
		return RoleFiler
	}
	return ""
}

// DraftTransition is one step of a draft along the chain: who, when, from
// and to which state, the comment and, for a submission, the written
// justification of each unit whose size is outside the band.
type DraftTransition struct {
	Seq            int             `json:"seq"` // 0-based
	At             time.Time       `json:"at"`
	Actor          string          `json:"actor"`
	Role           Role            `json:"role,omitempty"`
	From           DraftState      `json:"from"`
	To             DraftState      `json:"to"`
	Comment        string          `json:"comment,omitempty"`
	Justifications map[Code]string `json:"justifications,omitempty"`
	// Revision is the draft's revision after the step.
	Revision int64 `json:"revision"`
}

// DraftOp is one entry of a draft's log: the operation as asked (Op) and
// what it did (Change), both JSON that the store keeps as given.
type DraftOp struct {
	Seq    int             `json:"seq"` // 0-based position in the log
	At     time.Time       `json:"at"`
	Op     json.RawMessage `json:"op"`
	Change json.RawMessage `json:"change"`
	// Codes are the units the operation touched, for the audit log (not
	// kept in the log itself, whose Change says it in full).
	Codes []Code `json:"-"`
}

// HouseholdPoint is one point of a household layer: an address (标准地址),
// a building entrance or a household, with its households and population.
type HouseholdPoint struct {
	Point      orb.Point // lon/lat on CGCS2000
	Households int
	Population int
	Address    string
}

// HouseholdLayer is one import of the household layer. The newest layer is
// the one new drafts count with.
type HouseholdLayer struct {
	Number     int64     `json:"number"`
	ImportedAt time.Time `json:"imported_at"`
	Note       string    `json:"note,omitempty"`
	// Version is the latest published version when the layer was imported
	// (0 when none was).
	Version    int64 `json:"version"`
	Points     int   `json:"points"`
	Households int   `json:"households"`
	Population int   `json:"population"`
}

// DraftStore keeps drafts, their logs and the household layers. Both SQL
// stores implement it and pass the storetest contract suite. Writes that
// name the head or revision they expect (optimistic concurrency) fail with a
// Conflict Error, writing nothing, when the draft has moved on.
type DraftStore interface {
	// CreateDraft stores a new draft (ID, Root, Base, Note, Layer as given;
	// Head, Ops, Revision 0; times by the store's clock). A Base that is
	// not a version is NotFound; an ID that exists is Conflict.
	CreateDraft(ctx context.Context, d Draft) (Draft, error)
	// Drafts lists the drafts, newest first.
	Drafts(ctx context.Context) ([]Draft, error)
	// Draft returns one draft; NotFound when there is none of that id.
	Draft(ctx context.Context, id string) (Draft, error)
	// DeleteDraft deletes a draft and its log; NotFound when none.
	DeleteDraft(ctx context.Context, id string) error
	// DraftOps returns the entries of the log with from <= Seq < to, in
	// order (to < 0: to the end).
	DraftOps(ctx context.Context, id string, from, to int) ([]DraftOp, error)
	// AppendDraftOp puts op at position Head of the log (op.Seq must be
	// Head, else Invalid), dropping the entries from there on (what undo
	// left to redo), and sets Head and Ops to Head+1. Conflict when the
	// draft's Revision is not rev or it is published.
	AppendDraftOp(ctx context.Context, id string, rev int64, op DraftOp) (Draft, error)
	// MoveDraftHead sets Head to head (0 <= head <= Ops: undo and redo).
	// Conflict when the Revision is not rev or it is published; Invalid
	// when head is out of range.
	MoveDraftHead(ctx context.Context, id string, rev int64, head int) (Draft, error)
	// RebaseDraft sets Base to base. Conflict as above; NotFound when base
	// is not a version.
	RebaseDraft(ctx context.Context, id string, rev int64, base int64) (Draft, error)
	// PublishDraft publishes cs as a new version and marks the draft
	// published by it, in state filed, in one transaction, recording t
	// (its To is filed; the store sets Seq, At, From and Revision). Stale
	// or Conflict as above, Conflict when the draft's state is not one of
	// from, and when a unit that cs writes or retires has changed since
	// the draft's base (the Error's Problems name each such code).
	PublishDraft(ctx context.Context, id string, rev int64, cs Changeset, t DraftTransition, from ...DraftState) (Version, error)
	// TransitionDraft moves the draft to t.To, recording t (the store sets
	// Seq, At, From and Revision): Stale when the Revision is not rev
	// (rev < 0: any), Conflict when it is published or its state is not
	// one of from.
	TransitionDraft(ctx context.Context, id string, rev int64, t DraftTransition, from ...DraftState) (Draft, error)
	// DraftTransitions returns the draft's steps along the chain, in order.
	DraftTransitions(ctx context.Context, id string) ([]DraftTransition, error)

	// ImportHouseholds stores a new household layer; its Number, ImportedAt,
	// Version and totals are the store's.
	ImportHouseholds(ctx context.Context, note string, pts []HouseholdPoint) (HouseholdLayer, error)
	// HouseholdLayers lists the layers, oldest first.
	HouseholdLayers(ctx context.Context) ([]HouseholdLayer, error)
	// Households calls fn for each point of layer whose point lies in b
	// (bounds included; nil: all), in the order they were imported.
	Households(ctx context.Context, layer int64, b *orb.Bound, fn func(HouseholdPoint) error) error
}

// StaleDraft is the Stale error of a write that expected revision rev of
// d, which has moved on: it names each change made since (missed, from the
// audit log), so that the writer knows what to read again.
func StaleDraft(d Draft, rev int64, missed []AuditEntry) *Error {
	e := &Error{Kind: Stale, Message: fmt.Sprintf("draft %s is at revision %d, not %d (If-Match): read it again", d.ID, d.Revision, rev)}
	if len(missed) > 0 {
		e.Message += fmt.Sprintf("; it missed %d changes", len(missed))
	}
	for _, m := range missed {
		who := m.Actor
		if who == "" {
			who = "an unnamed writer"
		}
		msg := fmt.Sprintf("revision %d: %s by %s at %s", m.Revision, m.Action, who, m.At.Format(time.RFC3339))
		if m.Detail != "" {
			msg += " (" + m.Detail + ")"
		}
		e.Problems = append(e.Problems, Problem{Index: -1, Codes: m.Codes, Message: msg})
	}
	return e
}
