package draft

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/wangge/wangge/partition"
)

// The review chain 街道初划 → 区级审核 → 市级备案 and who may do what.
//
// A request's actor (partition.ActorOf) is checked by every write of the
// Service: a planner creates and edits drafts and submits them, a reviewer
// reviews, a filer files (which publishes), each within the scope of the
// token (a code prefix); an admin may do anything within its scope. A
// request without an actor (a server without access control, a test, the
// CLI's own writes carry one) is not checked. A refusal is Forbidden and
// names what is missing; nothing is written.

// Role sets of the writes.
var (
	planners  = []partition.Role{partition.RolePlanner, partition.RoleAdmin}
	reviewers = []partition.Role{partition.RoleReviewer, partition.RoleAdmin}
	filers    = []partition.Role{partition.RoleFiler, partition.RoleAdmin}
	admins    = []partition.Role{partition.RoleAdmin}
)

// allow refuses (Forbidden) the write what unless ctx's actor (if any)
// has one of roles and a scope that covers every code.
func allow(ctx context.Context, what string, roles []partition.Role, codes ...partition.Code) error {
	a, ok := partition.ActorOf(ctx)
	if !ok {
		return nil
	}
	return a.Permit(what, roles, codes...)
}

// Submit sends the draft (in state draft) to review, with a comment. The
// topology gate refuses it (Untiled, listing them) while it has an error
// finding, and while a unit a warning names (its size outside the band)
// has no written justification in justifications; a justification of a
// unit no warning names is Invalid, as is a typo in a code.
func (s *Service) Submit(ctx context.Context, id string, rev int64, comment string, justifications map[partition.Code]string) (partition.Draft, error) {
	e, err := s.acquire(ctx, id)
	if err != nil {
		return partition.Draft{}, err
	}
	defer e.release()
	if err := allow(ctx, "submitting draft "+id, planners, e.d.Root); err != nil {
		return partition.Draft{}, err
	}
	if err := s.writable(ctx, e, rev); err != nil {
		return partition.Draft{}, err
	}
	if e.d.State != partition.StateDraft {
		return partition.Draft{}, partition.Errorf(partition.Conflict, "draft %s is %s: only a draft in state draft can be submitted", id, e.d.State)
	}
	if err := gate(e); err != nil {
		return partition.Draft{}, err
	}
	if err := justified(e, justifications); err != nil {
		return partition.Draft{}, err
	}
	if cs := e.changeset(""); cs.Empty() {
		return partition.Draft{}, partition.Errorf(partition.Invalid, "draft %s changes nothing: there is nothing to submit", id)
	}
	return s.step(ctx, e, partition.DraftTransition{To: partition.StateSubmitted, Comment: comment, Justifications: justifications}, partition.StateDraft)
}

// justified refuses the warnings without a justification, and the
// justifications of units no warning names.
func justified(e *entry, js map[partition.Code]string) error {
	warned := map[partition.Code]string{}
	for _, f := range e.allFindings() {
		if f.Severity != partition.SeverityWarning {
			continue
		}
		for _, c := range f.Codes {
			if c != f.Parent {
				warned[c] = f.Message
			}
		}
	}
	var ps []partition.Problem
	for c, msg := range warned {
		if strings.TrimSpace(js[c]) == "" {
			ps = append(ps, partition.Problem{Index: -1, Code: string(c), Field: "justifications",
				Message: "a warning needs a written justification: " + msg})
		}
	}
	if len(ps) > 0 {
		sort.Slice(ps, func(i, j int) bool { return ps[i].Code < ps[j].Code })
		return &partition.Error{Kind: partition.Untiled, Problems: ps,
			Message: fmt.Sprintf("draft %s: %d units with warnings have no justification: give one per unit in justifications", e.d.ID, len(ps))}
	}
	for c := range js {
		if _, ok := warned[c]; !ok {
			ps = append(ps, partition.Problem{Index: -1, Code: string(c), Field: "justifications", Message: "no warning names this unit: nothing to justify"})
		}
	}
	if len(ps) > 0 {
		sort.Slice(ps, func(i, j int) bool { return ps[i].Code < ps[j].Code })
		return &partition.Error{Kind: partition.Invalid, Problems: ps, Message: fmt.Sprintf("draft %s: justifications of units without warnings", e.d.ID)}
	}
	return nil
}

// Review marks a submitted draft reviewed, by a reviewer whose scope
// covers its root.
func (s *Service) Review(ctx context.Context, id string, rev int64, comment string) (partition.Draft, error) {
	e, err := s.acquire(ctx, id)
	if err != nil {
		return partition.Draft{}, err
	}
	defer e.release()
	if err := allow(ctx, "reviewing draft "+id, reviewers, e.d.Root); err != nil {
		return partition.Draft{}, err
	}
	if err := s.writable(ctx, e, rev); err != nil {
		return partition.Draft{}, err
	}
	return s.step(ctx, e, partition.DraftTransition{To: partition.StateReviewed, Comment: comment}, partition.StateSubmitted)
}

// Reject sends a submitted or reviewed draft back to draft, with a comment
// (required): a submitted one by a reviewer, a reviewed one by a filer or
// a reviewer, whose scope covers its root.
func (s *Service) Reject(ctx context.Context, id string, rev int64, comment string) (partition.Draft, error) {
	if strings.TrimSpace(comment) == "" {
		return partition.Draft{}, partition.Errorf(partition.Invalid, "comment: missing: a rejection says why")
	}
	e, err := s.acquire(ctx, id)
	if err != nil {
		return partition.Draft{}, err
	}
	defer e.release()
	roles := reviewers
	switch e.d.State {
	case partition.StateReviewed:
		roles = []partition.Role{partition.RoleFiler, partition.RoleReviewer, partition.RoleAdmin}
	case partition.StateSubmitted:
	default:
		if e.d.Published != 0 {
			return partition.Draft{}, partition.Errorf(partition.Conflict, "draft %s was published as version %d: it cannot be rejected", id, e.d.Published)
		}
		return partition.Draft{}, partition.Errorf(partition.Conflict, "draft %s is %s: only a submitted or reviewed draft can be rejected", id, e.d.State)
	}
	if err := allow(ctx, "rejecting draft "+id, roles, e.d.Root); err != nil {
		return partition.Draft{}, err
	}
	if err := s.writable(ctx, e, rev); err != nil {
		return partition.Draft{}, err
	}
	return s.step(ctx, e, partition.DraftTransition{To: partition.StateDraft, Comment: comment}, e.d.State)
}

// step records the transition t of the cached draft e, from one of the
// states from.
func (s *Service) step(ctx context.Context, e *entry, t partition.DraftTransition, from ...partition.DraftState) (partition.Draft, error) {
	d, err := s.drafts.TransitionDraft(ctx, e.d.ID, e.d.Revision, t, from...)
	if err != nil {
		return d, err
	}
	e.d = d
	s.log.InfoContext(ctx, "draft moved along the chain", "draft", d.ID, "to", d.State, "revision", d.Revision)
	return d, nil
}

// Transitions returns the draft's steps along the chain.
func (s *Service) Transitions(ctx context.Context, id string) ([]partition.DraftTransition, error) {
	return s.drafts.DraftTransitions(ctx, id)
}

// stale is the Stale error of a write that expected revision rev of d:
// it names the changes made since, from the audit log when the store
// keeps one.
func (s *Service) stale(ctx context.Context, d partition.Draft, rev int64) error {
	var missed []partition.AuditEntry
	if as, ok := s.drafts.(partition.AccessStore); ok {
		es, err := as.Audit(ctx, partition.AuditQuery{Draft: d.ID, Limit: 1000})
		if err != nil {
			return err
		}
		for _, e := range es {
			if e.Revision > rev {
				missed = append(missed, e)
			}
		}
	}
	return partition.StaleDraft(d, rev, missed)
}
