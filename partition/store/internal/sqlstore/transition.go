package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/wangge/wangge/partition"
)

// maxComment bounds a transition's comment and each justification, in bytes.
const maxComment = 10000

// TransitionDraft moves the draft to t.To along the chain, recording t with
// the actor ctx carries (the store sets Seq, At, Actor, Role, From and
// Revision): Stale unless the draft is at revision rev (< 0: any),
// conflict when it is published or not in one of the states from.
func (dr Drafting) TransitionDraft(ctx context.Context, id string, rev int64, t partition.DraftTransition, from ...partition.DraftState) (partition.Draft, error) {
	s := dr.s
	if err := checkTransition(&t); err != nil {
		return partition.Draft{}, err
	}
	return s.edit(ctx, id, rev, action(&partition.DraftTransition{From: partition.StateReviewed, To: t.To}), from, func(tx Tx, d *partition.Draft, a *partition.AuditEntry) error {
		return s.transition(ctx, tx, d, a, &t)
	})
}

// transition records t, the step of d to t.To, in tx, sets d's state and
// fills in the audit entry a.
func (s *Store) transition(ctx context.Context, tx Tx, d *partition.Draft, a *partition.AuditEntry, t *partition.DraftTransition) error {
	p := s.dialect.Params()
	if err := tx.QueryRow(ctx, "SELECT count(*) FROM draft_transitions WHERE draft = "+p.Add(d.ID), p.Args()...).Scan(&t.Seq); err != nil {
		return fmt.Errorf("count transitions: %w", err)
	}
	t.At, t.From, t.Revision = d.UpdatedAt, d.State, d.Revision+1
	t.Actor, t.Role = "", ""
	if ac, ok := partition.ActorOf(ctx); ok {
		t.Actor, t.Role = ac.Name, ac.Role
	}
	var just string
	if len(t.Justifications) > 0 {
		b, err := json.Marshal(t.Justifications)
		if err != nil {
			return fmt.Errorf("encode the justifications: %w", err)
		}
		just = string(b)
	}
	p = s.dialect.Params()
	query := "INSERT INTO draft_transitions (draft, seq, at, actor, role, from_state, to_state, comment, justifications, revision) VALUES (" +
		p.Add(d.ID) + ", " + p.Add(t.Seq) + ", " + p.Add(s.dialect.EncodeTime(t.At)) + ", " + p.Add(t.Actor) + ", " +
		p.Add(string(t.Role)) + ", " + p.Add(string(t.From)) + ", " + p.Add(string(t.To)) + ", " + p.Add(t.Comment) + ", " +
		p.Add(just) + ", " + p.Add(t.Revision) + ")"
	if err := tx.Exec(ctx, query, p.Args()...); err != nil {
		return fmt.Errorf("insert transition %d: %w", t.Seq, err)
	}
	a.Action = "draft." + action(t)
	a.Detail = fmt.Sprintf("%s → %s", t.From, t.To)
	if t.Comment != "" {
		a.Detail += ": " + t.Comment
	}
	d.State = t.To
	return nil
}

// action names a transition (in the audit log, and in errors): submit,
// review, file, publish (filed from another state than reviewed: outside
// the chain) or reject.
func action(t *partition.DraftTransition) string {
	switch {
	case t.To == partition.StateSubmitted:
		return "submit"
	case t.To == partition.StateReviewed:
		return "review"
	case t.To == partition.StateFiled && t.From == partition.StateReviewed:
		return "file"
	case t.To == partition.StateFiled:
		return "publish"
	case t.To == partition.StateDraft:
		return "reject"
	}
	return string(t.To)
}

// checkTransition refuses an unknown target state and oversized text.
func checkTransition(t *partition.DraftTransition) error {
	if _, err := partition.ParseDraftState(string(t.To)); err != nil {
		return err
	}
	if len(t.Comment) > maxComment {
		return partition.Errorf(partition.TooLarge, "comment: %d bytes, more than %d", len(t.Comment), maxComment)
	}
	for c, j := range t.Justifications {
		if len(j) > maxComment {
			return partition.Errorf(partition.TooLarge, "justifications: %s: %d bytes, more than %d", c, len(j), maxComment)
		}
	}
	return nil
}

// DraftTransitions returns the draft's steps along the chain, in order;
// not_found when there is no such draft.
func (dr Drafting) DraftTransitions(ctx context.Context, id string) ([]partition.DraftTransition, error) {
	s := dr.s
	var ts []partition.DraftTransition
	err := s.driver.Read(ctx, func(tx Tx) error {
		if _, err := s.loadDraft(ctx, tx, id); err != nil {
			return err
		}
		p := s.dialect.Params()
		rows, err := tx.Query(ctx, "SELECT seq, at, actor, role, from_state, to_state, comment, justifications, revision FROM draft_transitions WHERE draft = "+
			p.Add(id)+" ORDER BY seq", p.Args()...)
		if err != nil {
			return err
		}
		defer rows.Close()
		return each(rows, s.dialect.scanTransition, func(t partition.DraftTransition) error {
			ts = append(ts, t)
			return nil
		}, "transitions")
	})
	if err != nil {
		return nil, withContext(err, "read the transitions of draft %s", id)
	}
	return ts, nil
}

func (d *Dialect) scanTransition(row Row) (partition.DraftTransition, error) {
	var (
		t                    partition.DraftTransition
		at                   any
		role, from, to, just string
	)
	if err := row.Scan(&t.Seq, &at, &t.Actor, &role, &from, &to, &t.Comment, &just, &t.Revision); err != nil {
		return t, err
	}
	var err error
	if t.At, err = d.DecodeTime(at); err != nil {
		return t, fmt.Errorf("transition %d: at: %w", t.Seq, err)
	}
	t.Role, t.From, t.To = partition.Role(role), partition.DraftState(from), partition.DraftState(to)
	if just != "" {
		if err := json.Unmarshal([]byte(just), &t.Justifications); err != nil {
			return t, fmt.Errorf("transition %d: justifications: %w", t.Seq, err)
		}
	}
	return t, nil
}
