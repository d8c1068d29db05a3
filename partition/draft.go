package partition

import (
	"context"
	"encoding/json"
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
}

// DraftOp is one entry of a draft's log: the operation as asked (Op) and
// what it did (Change), both JSON that the store keeps as given.
type DraftOp struct {
	Seq    int             `json:"seq"` // 0-based position in the log
	At     time.Time       `json:"at"`
	Op     json.RawMessage `json:"op"`
	Change json.RawMessage `json:"change"`
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
	// published by it, in one transaction. Conflict as above, and when a
	// unit that cs writes or retires has changed since the draft's base
	// (the Error's Problems name each such code).
	PublishDraft(ctx context.Context, id string, rev int64, cs Changeset) (Version, error)

	// ImportHouseholds stores a new household layer; its Number, ImportedAt,
	// Version and totals are the store's.
	ImportHouseholds(ctx context.Context, note string, pts []HouseholdPoint) (HouseholdLayer, error)
	// HouseholdLayers lists the layers, oldest first.
	HouseholdLayers(ctx context.Context) ([]HouseholdLayer, error)
	// Households calls fn for each point of layer whose point lies in b
	// (bounds included; nil: all), in the order they were imported.
	Households(ctx context.Context, layer int64, b *orb.Bound, fn func(HouseholdPoint) error) error
}
