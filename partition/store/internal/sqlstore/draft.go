package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/wangge/wangge/partition"
)

// Drafting is the partition.DraftStore of a SQL store (drafts, their logs
// and the household layers), for the stores to embed.
type Drafting struct{ s *Store }

// Drafting returns the store's partition.DraftStore.
func (s *Store) Drafting() Drafting { return Drafting{s} }

var _ partition.DraftStore = Drafting{}

// A draft is one row of drafts (its log is in draft_ops). Every write to a
// draft runs in one Driver.Write transaction, which makes the check of its
// revision and the write one step: writers take turns, so two writers that
// name the same revision cannot both succeed.

// draftColumns lists the columns scanDraft reads.
const draftColumns = "id, root, base, note, coalesce(layer, 0), head, ops, revision, created_at, updated_at, coalesce(published, 0), state"

// maxDraftID, maxRoot and maxNote bound the draft's id, root code and note,
// in bytes.
const (
	maxDraftID = 64
	maxRoot    = 64
	maxNote    = 10000
)

// CreateDraft stores a new draft with d's ID, Root, Base, Note and Layer,
// Head, Ops and Revision 0, dated by the store's clock. The ID is 1 to 64
// letters, digits, '_' or '-' (invalid otherwise); one that exists is a
// conflict; a Base that is not a version or a Layer that is not a household
// layer is not_found.
func (dr Drafting) CreateDraft(ctx context.Context, d partition.Draft) (partition.Draft, error) {
	s := dr.s
	if err := checkDraft(&d); err != nil {
		return partition.Draft{}, err
	}
	d = partition.Draft{ID: d.ID, Root: d.Root, Base: d.Base, Note: d.Note, Layer: d.Layer, State: partition.StateDraft}
	err := s.driver.Write(ctx, func(tx Tx) error {
		if err := s.requireVersion(ctx, tx, d.Base); err != nil {
			return err
		}
		if err := s.requireLayer(ctx, tx, d.Layer); err != nil {
			return err
		}
		switch ok, err := s.exists(ctx, tx, "drafts", "id", d.ID); {
		case err != nil:
			return err
		case ok:
			return partition.Errorf(partition.Conflict, "draft %s exists", d.ID)
		}
		now, err := s.now(ctx, tx)
		if err != nil {
			return err
		}
		d.CreatedAt, d.UpdatedAt = now, now
		if err := s.insertDraft(ctx, tx, &d); err != nil {
			return err
		}
		return s.audit(ctx, tx, partition.AuditEntry{Action: "draft.create", Draft: d.ID, Version: d.Base,
			Codes: []partition.Code{d.Root}, Detail: d.Note})
	})
	if err != nil {
		return partition.Draft{}, withContext(err, "create draft %s", d.ID)
	}
	return d, nil
}

// Drafts lists the drafts, newest first (nil when none), in one statement.
func (dr Drafting) Drafts(ctx context.Context) ([]partition.Draft, error) {
	s := dr.s
	rows, err := s.driver.DB().Query(ctx, "SELECT "+draftColumns+" FROM drafts ORDER BY created_at DESC, id DESC")
	if err != nil {
		return nil, fmt.Errorf("list drafts: %w", err)
	}
	defer rows.Close()
	var ds []partition.Draft
	err = each(rows, s.dialect.scanDraft, func(d partition.Draft) error {
		ds = append(ds, d)
		return nil
	}, "drafts")
	return ds, err
}

// Draft returns the draft with that id; not_found when there is none.
func (dr Drafting) Draft(ctx context.Context, id string) (partition.Draft, error) {
	s := dr.s
	d, err := s.loadDraft(ctx, s.driver.DB(), id)
	return d, withContext(err, "load draft %s", id)
}

// DeleteDraft deletes the draft and its log, published or not; not_found
// when there is none.
func (dr Drafting) DeleteDraft(ctx context.Context, id string) error {
	s := dr.s
	err := s.driver.Write(ctx, func(tx Tx) error {
		d, err := s.loadDraft(ctx, tx, id)
		if err != nil {
			return err
		}
		// The schema cascades too; deleting the log here does not depend
		// on the connection enforcing foreign keys.
		for _, query := range []string{"DELETE FROM draft_ops WHERE draft = %s", "DELETE FROM draft_transitions WHERE draft = %s", "DELETE FROM drafts WHERE id = %s"} {
			p := s.dialect.Params()
			if err := tx.Exec(ctx, fmt.Sprintf(query, p.Add(id)), p.Args()...); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, partition.AuditEntry{Action: "draft.delete", Draft: id, Codes: []partition.Code{d.Root},
			Detail: fmt.Sprintf("in state %s at revision %d", d.State, d.Revision)})
	})
	return withContext(err, "delete draft %s", id)
}

// MoveDraftHead sets the draft's Head to head (undo and redo): conflict
// unless the draft is open at revision rev, invalid unless
// 0 <= head <= Ops.
func (dr Drafting) MoveDraftHead(ctx context.Context, id string, rev int64, head int) (partition.Draft, error) {
	s := dr.s
	return s.edit(ctx, id, rev, "move the head of", editable, func(_ Tx, d *partition.Draft, a *partition.AuditEntry) error {
		if head < 0 || head > d.Ops {
			return partition.Errorf(partition.Invalid, "draft %s has %d operations: its head cannot move to %d", id, d.Ops, head)
		}
		a.Action, a.Detail = "draft.redo", fmt.Sprintf("head %d → %d", d.Head, head)
		if head < d.Head {
			a.Action = "draft.undo"
		}
		d.Head = head
		return nil
	})
}

// RebaseDraft sets the draft's Base to base: conflict unless the draft is
// open at revision rev, not_found when base is not a version.
func (dr Drafting) RebaseDraft(ctx context.Context, id string, rev int64, base int64) (partition.Draft, error) {
	s := dr.s
	return s.edit(ctx, id, rev, "rebase", editable, func(tx Tx, d *partition.Draft, a *partition.AuditEntry) error {
		if err := s.requireVersion(ctx, tx, base); err != nil {
			return err
		}
		a.Action, a.Version, a.Detail = "draft.rebase", base, fmt.Sprintf("base %d → %d", d.Base, base)
		d.Base = base
		return nil
	})
}

// editable are the states in which a draft takes operations, undo, redo
// and rebase: only draft (a submitted draft is frozen until rejected).
var editable = []partition.DraftState{partition.StateDraft}

// edit changes the draft id in one Driver.Write transaction: the draft must
// be open (not published), in one of the states (nil: any) and at revision
// rev (< 0: any), else a conflict that says why, or for the revision a
// Stale error naming the changes missed; fn changes d, whose UpdatedAt is
// now, writes what else it must and fills in the audit entry (its Action
// at least); then the draft's row gets d's base, head, ops, published and
// state, the next revision and the new updated_at, and the entry is
// appended to the audit log. what names the write in errors.
func (s *Store) edit(ctx context.Context, id string, rev int64, what string, states []partition.DraftState,
	fn func(Tx, *partition.Draft, *partition.AuditEntry) error) (partition.Draft, error) {
	var d partition.Draft
	err := s.driver.Write(ctx, func(tx Tx) error {
		var err error
		if d, err = s.loadDraft(ctx, tx, id); err != nil {
			return err
		}
		switch {
		case d.Published != 0:
			return partition.Errorf(partition.Conflict, "draft %s is published (version %d) and takes no more changes", id, d.Published)
		case rev >= 0 && d.Revision != rev:
			return s.missed(ctx, tx, &d, rev)
		case states != nil && !slices.Contains(states, d.State):
			return partition.Errorf(partition.Conflict, "cannot %s draft %s: it is %s, and this needs it %s", what, id, d.State, joinStates(states))
		}
		if d.UpdatedAt, err = s.now(ctx, tx); err != nil {
			return err
		}
		a := partition.AuditEntry{Draft: id, Codes: []partition.Code{d.Root}}
		if err := fn(tx, &d, &a); err != nil {
			return err
		}
		d.Revision++
		if err := s.updateDraft(ctx, tx, &d); err != nil {
			return err
		}
		a.Revision = d.Revision
		return s.audit(ctx, tx, a)
	})
	if err != nil {
		return partition.Draft{}, withContext(err, "%s draft %s", what, id)
	}
	return d, nil
}

// joinStates is "draft", "draft or submitted", …
func joinStates(states []partition.DraftState) string {
	names := make([]string, len(states))
	for i, st := range states {
		names[i] = string(st)
	}
	return strings.Join(names, " or ")
}

// loadDraft reads the draft with that id; not_found when there is none.
func (s *Store) loadDraft(ctx context.Context, tx Tx, id string) (partition.Draft, error) {
	p := s.dialect.Params()
	d, err := s.dialect.scanDraft(tx.QueryRow(ctx, "SELECT "+draftColumns+" FROM drafts WHERE id = "+p.Add(id), p.Args()...))
	if errors.Is(err, sql.ErrNoRows) {
		return d, partition.Errorf(partition.NotFound, "draft %s does not exist", id)
	}
	return d, err
}

func (s *Store) insertDraft(ctx context.Context, tx Tx, d *partition.Draft) error {
	p := s.dialect.Params()
	query := "INSERT INTO drafts (id, root, base, note, layer, head, ops, revision, created_at, updated_at) VALUES (" +
		p.Add(d.ID) + ", " + p.Add(string(d.Root)) + ", " + p.Add(d.Base) + ", " + p.Add(d.Note) + ", " +
		p.Add(nullIfZero(d.Layer)) + ", 0, 0, 0, " + p.Add(s.dialect.EncodeTime(d.CreatedAt)) + ", " +
		p.Add(s.dialect.EncodeTime(d.UpdatedAt)) + ")"
	return tx.Exec(ctx, query, p.Args()...)
}

func (s *Store) updateDraft(ctx context.Context, tx Tx, d *partition.Draft) error {
	p := s.dialect.Params()
	query := "UPDATE drafts SET base = " + p.Add(d.Base) + ", head = " + p.Add(d.Head) + ", ops = " + p.Add(d.Ops) +
		", revision = " + p.Add(d.Revision) + ", updated_at = " + p.Add(s.dialect.EncodeTime(d.UpdatedAt)) +
		", published = " + p.Add(nullIfZero(d.Published)) + ", state = " + p.Add(string(d.State)) + " WHERE id = " + p.Add(d.ID)
	if err := tx.Exec(ctx, query, p.Args()...); err != nil {
		return fmt.Errorf("update: %w", err)
	}
	return nil
}

// scanDraft reads the columns of draftColumns.
func (d *Dialect) scanDraft(row Row) (partition.Draft, error) {
	var (
		x                partition.Draft
		root             string
		created, updated any
		state            string
	)
	err := row.Scan(&x.ID, &root, &x.Base, &x.Note, &x.Layer, &x.Head, &x.Ops, &x.Revision, &created, &updated, &x.Published, &state)
	if err != nil {
		return x, err
	}
	x.Root, x.State = partition.Code(root), partition.DraftState(state)
	if x.CreatedAt, err = d.DecodeTime(created); err != nil {
		return x, fmt.Errorf("draft %s: created_at: %w", x.ID, err)
	}
	if x.UpdatedAt, err = d.DecodeTime(updated); err != nil {
		return x, fmt.Errorf("draft %s: updated_at: %w", x.ID, err)
	}
	return x, nil
}

// now is the store's clock to the microsecond, PostgreSQL's precision, so
// that a time the store returns is the time it reads back.
func (s *Store) now(ctx context.Context, tx Tx) (time.Time, error) {
	t, err := s.driver.Now(ctx, tx)
	if err != nil {
		return t, fmt.Errorf("read the clock: %w", err)
	}
	return t.Truncate(time.Microsecond), nil
}

// requireVersion is not_found unless version n exists.
func (s *Store) requireVersion(ctx context.Context, tx Tx, n int64) error {
	ok, err := s.exists(ctx, tx, "versions", "number", n)
	if err == nil && !ok {
		err = partition.Errorf(partition.NotFound, "version %d does not exist", n)
	}
	return err
}

// requireLayer is not_found unless household layer n exists; 0 (none) is
// always there.
func (s *Store) requireLayer(ctx context.Context, tx Tx, n int64) error {
	if n == 0 {
		return nil
	}
	ok, err := s.exists(ctx, tx, "household_layers", "number", n)
	if err == nil && !ok {
		err = partition.Errorf(partition.NotFound, "household layer %d does not exist", n)
	}
	return err
}

// exists reports whether table has a row whose key is v. table and key are
// constants of this package, never input.
func (s *Store) exists(ctx context.Context, tx Tx, table, key string, v any) (bool, error) {
	p := s.dialect.Params()
	var n int
	if err := tx.QueryRow(ctx, fmt.Sprintf("SELECT count(*) FROM %s WHERE %s = %s", table, key, p.Add(v)), p.Args()...).Scan(&n); err != nil {
		return false, fmt.Errorf("look up %s: %w", table, err)
	}
	return n > 0, nil
}

// nullIfZero is n, or SQL NULL for 0 (none).
func nullIfZero(n int64) any {
	if n == 0 {
		return nil
	}
	return n
}
