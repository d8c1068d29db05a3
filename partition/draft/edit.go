package draft

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/edit"
)

// Result is the answer of an operation, an undo or a redo: the draft as it
// now is, what changed (for an undo, the changes undone), the households of
// the units touched against the band, and the draft's findings.
type Result struct {
	Draft    partition.Draft     `json:"draft"`
	Changes  []edit.Change       `json:"-"`
	Units    []Balance           `json:"units"`
	Findings []partition.Finding `json:"-"`
	Summary  Summary             `json:"summary"`
	Took     time.Duration       `json:"-"`
}

// Summary counts a draft's findings.
type Summary struct {
	Errors   int `json:"errors"`
	Warnings int `json:"warnings"`
}

// Apply carries out an operation on the draft at revision rev (< 0: any),
// and appends it to the log.
func (s *Service) Apply(ctx context.Context, id string, rev int64, op edit.Op) (Result, error) {
	start := time.Now()
	e, err := s.acquire(ctx, id)
	if err != nil {
		return Result{}, err
	}
	defer e.release()
	what := fmt.Sprintf("operation %s on draft %s", op.Op, id)
	if err := allow(ctx, what, planners); err != nil {
		return Result{}, err
	}
	if err := s.writable(ctx, e, rev); err != nil {
		return Result{}, err
	}
	if err := editable(e); err != nil {
		return Result{}, err
	}
	rev = e.d.Revision
	ch, err := edit.Apply(ctx, e.state, op, e.env)
	if err != nil {
		return Result{}, err
	}
	if err := allow(ctx, what, planners, ch.Codes()...); err != nil {
		e.state.Revert(&ch)
		return Result{}, err
	}
	stored, err := s.appendChange(ctx, e, rev, op, &ch)
	if err != nil {
		e.state.Revert(&ch)
		return Result{}, err
	}
	e.d = stored
	e.changes = append(e.changes[:stored.Head-1], ch) // the log from Head on was dropped
	if err := s.recheck(e, &ch); err != nil {
		e.state = nil // built again on the next request
		return Result{}, err
	}
	return s.result(e, []edit.Change{ch}, start), nil
}

func (s *Service) appendChange(ctx context.Context, e *entry, rev int64, op edit.Op, ch *edit.Change) (partition.Draft, error) {
	opb, err := json.Marshal(op)
	if err != nil {
		return partition.Draft{}, fmt.Errorf("encode the operation: %w", err)
	}
	chb, err := json.Marshal(ch)
	if err != nil {
		return partition.Draft{}, fmt.Errorf("encode the change: %w", err)
	}
	return s.drafts.AppendDraftOp(ctx, e.d.ID, rev, partition.DraftOp{Seq: e.d.Head, Op: opb, Change: chb, Codes: ch.Codes()})
}

// writable refuses a write to a published draft or at a stale revision
// (the store refuses it too; this says so before any work).
func (s *Service) writable(ctx context.Context, e *entry, rev int64) error {
	if e.d.Published != 0 {
		return partition.Errorf(partition.Conflict, "draft %s was published as version %d: it takes no more edits", e.d.ID, e.d.Published)
	}
	if rev >= 0 && rev != e.d.Revision {
		return s.stale(ctx, e.d, rev)
	}
	return nil
}

// editable refuses an edit (operation, undo, redo, rebase) of a draft that
// is not in state draft: a submitted draft is frozen until rejected.
func editable(e *entry) error {
	if e.d.State != partition.StateDraft {
		return partition.Errorf(partition.Conflict, "draft %s is %s: it takes no edits until it is rejected back to draft", e.d.ID, e.d.State)
	}
	return nil
}

// Undo takes back the last steps operations (redo: steps < 0 redoes them).
func (s *Service) Undo(ctx context.Context, id string, rev int64, steps int) (Result, error) {
	start := time.Now()
	e, err := s.acquire(ctx, id)
	if err != nil {
		return Result{}, err
	}
	defer e.release()
	what := "undo on draft " + id
	if steps < 0 {
		what = "redo on draft " + id
	}
	if err := allow(ctx, what, planners); err != nil {
		return Result{}, err
	}
	if err := s.writable(ctx, e, rev); err != nil {
		return Result{}, err
	}
	if err := editable(e); err != nil {
		return Result{}, err
	}
	rev = e.d.Revision
	head := e.d.Head - steps
	switch {
	case steps == 0:
		return Result{}, partition.Errorf(partition.Invalid, "steps: want at least 1")
	case head < 0:
		return Result{}, partition.Errorf(partition.Invalid, "steps: the draft has %d operations to undo, not %d", e.d.Head, steps)
	case head > e.d.Ops:
		return Result{}, partition.Errorf(partition.Invalid, "steps: the draft has %d operations to redo, not %d", e.d.Ops-e.d.Head, -steps)
	}
	lo, hi := min(head, e.d.Head), max(head, e.d.Head)
	var touched []partition.Code
	for i := lo; i < hi; i++ {
		touched = append(touched, e.changes[i].Codes()...)
	}
	if err := allow(ctx, what, planners, touched...); err != nil {
		return Result{}, err
	}
	stored, err := s.drafts.MoveDraftHead(ctx, id, rev, head)
	if err != nil {
		return Result{}, err
	}
	var done []edit.Change
	if head < e.d.Head {
		for i := e.d.Head - 1; i >= head; i-- {
			e.state.Revert(&e.changes[i])
			done = append(done, e.changes[i])
		}
	} else {
		for i := e.d.Head; i < head; i++ {
			e.state.Apply(&e.changes[i])
			done = append(done, e.changes[i])
		}
	}
	e.d = stored
	for i := range done {
		if err := s.recheck(e, &done[i]); err != nil {
			e.state = nil
			return Result{}, err
		}
	}
	return s.result(e, done, start), nil
}

func (s *Service) result(e *entry, chs []edit.Change, start time.Time) Result {
	r := Result{Draft: e.d, Changes: chs, Findings: e.allFindings(), Took: time.Since(start)}
	seen := map[partition.Code]bool{}
	for i := range chs {
		for _, c := range chs[i].Codes() {
			if u, ok := e.state.Unit(c); ok && !seen[c] {
				seen[c] = true
				r.Units = append(r.Units, s.balance(e, u))
			}
		}
	}
	r.Summary = summarize(r.Findings)
	return r
}

func summarize(fs []partition.Finding) Summary {
	var sm Summary
	for _, f := range fs {
		if f.Severity == partition.SeverityError {
			sm.Errors++
		} else {
			sm.Warnings++
		}
	}
	return sm
}
