package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"math"

	"github.com/wangge/wangge/partition"
)

// A draft's log is the rows of draft_ops with seq 0 … Ops-1; those from
// Head on are what undo left to redo. op and change are text, kept byte
// for byte.

// DraftOps returns the entries of the draft's log with from <= Seq < to,
// in order (to < 0: to the end), in one read transaction; not_found when
// the draft does not exist.
func (dr Drafting) DraftOps(ctx context.Context, id string, from, to int) ([]partition.DraftOp, error) {
	s := dr.s
	// seq is a 32-bit column: keep the bounds in its range.
	from = min(max(from, 0), math.MaxInt32)
	if to > math.MaxInt32 {
		to = -1
	}
	var ops []partition.DraftOp
	err := s.driver.Read(ctx, func(tx Tx) error {
		if _, err := s.loadDraft(ctx, tx, id); err != nil {
			return err
		}
		p := s.dialect.Params()
		query := "SELECT seq, at, op, change FROM draft_ops WHERE draft = " + p.Add(id) + " AND seq >= " + p.Add(from)
		if to >= 0 {
			query += " AND seq < " + p.Add(to)
		}
		rows, err := tx.Query(ctx, query+" ORDER BY seq", p.Args()...)
		if err != nil {
			return err
		}
		defer rows.Close()
		return each(rows, s.dialect.scanDraftOp, func(op partition.DraftOp) error {
			ops = append(ops, op)
			return nil
		}, "operations")
	})
	if err != nil {
		return nil, withContext(err, "read the log of draft %s", id)
	}
	return ops, nil
}

// AppendDraftOp puts op at position Head of the draft's log, dated by the
// store's clock (op.At is not kept), deletes the entries from there on and
// sets Head and Ops to Head+1. Invalid unless op.Seq is Head and Op and
// Change are JSON; conflict unless the draft is open at revision rev.
func (dr Drafting) AppendDraftOp(ctx context.Context, id string, rev int64, op partition.DraftOp) (partition.Draft, error) {
	s := dr.s
	if err := checkOp(id, &op); err != nil {
		return partition.Draft{}, err
	}
	return s.edit(ctx, id, rev, "append to", editable, func(tx Tx, d *partition.Draft, a *partition.AuditEntry) error {
		if op.Seq != d.Head {
			return partition.Errorf(partition.Invalid, "draft %s: the operation's seq is %d, not the head %d", id, op.Seq, d.Head)
		}
		p := s.dialect.Params()
		if err := tx.Exec(ctx, "DELETE FROM draft_ops WHERE draft = "+p.Add(id)+" AND seq >= "+p.Add(d.Head), p.Args()...); err != nil {
			return fmt.Errorf("drop the redo entries: %w", err)
		}
		p = s.dialect.Params()
		query := "INSERT INTO draft_ops (draft, seq, at, op, change) VALUES (" + p.Add(id) + ", " + p.Add(d.Head) + ", " +
			p.Add(s.dialect.EncodeTime(d.UpdatedAt)) + ", " + p.Add(string(op.Op)) + ", " + p.Add(string(op.Change)) + ")"
		if err := tx.Exec(ctx, query, p.Args()...); err != nil {
			return fmt.Errorf("insert operation %d: %w", d.Head, err)
		}
		a.Action, a.Detail = "draft.op", opName(op.Op)
		if len(op.Codes) > 0 {
			a.Codes = op.Codes
		}
		d.Head++
		d.Ops = d.Head
		return nil
	})
}

// scanDraftOp reads seq, at, op and change.
func (d *Dialect) scanDraftOp(row Row) (partition.DraftOp, error) {
	var (
		op         partition.DraftOp
		at         any
		body, chng []byte
	)
	if err := row.Scan(&op.Seq, &at, &body, &chng); err != nil {
		return op, err
	}
	t, err := d.DecodeTime(at)
	if err != nil {
		return op, fmt.Errorf("operation %d: at: %w", op.Seq, err)
	}
	op.At, op.Op, op.Change = t, body, chng
	return op, nil
}

// opName is the "op" member of an operation's JSON (what the audit log
// says was done), "" when it has none.
func opName(op []byte) string {
	var o struct {
		Op string `json:"op"`
	}
	if json.Unmarshal(op, &o) != nil {
		return ""
	}
	return o.Op
}
