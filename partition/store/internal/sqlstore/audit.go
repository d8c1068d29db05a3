package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/wangge/wangge/partition"
)

// The audit log: every write appends one entry, in the transaction of the
// write, so that the log holds a write exactly when the write committed.
// Entries are numbered 1, 2, … in the order of the writes, which take
// turns (Driver.Write). The schema's triggers refuse to change or delete
// an entry.

// maxAuditLimit bounds one page of the log.
const maxAuditLimit = 10_000

// auditColumns lists the columns scanAudit reads.
const auditColumns = "seq, at, actor, role, action, coalesce(draft, ''), coalesce(version, 0), coalesce(revision, 0), codes, detail"

// audit appends e to the log in tx, with the actor ctx carries and the
// store's clock, and indexes its codes.
func (s *Store) audit(ctx context.Context, tx Tx, e partition.AuditEntry) error {
	if a, ok := partition.ActorOf(ctx); ok {
		e.Actor, e.Role = a.Name, a.Role
	}
	var err error
	if e.At, err = s.now(ctx, tx); err != nil {
		return err
	}
	if err := tx.QueryRow(ctx, "SELECT coalesce(max(seq), 0) + 1 FROM audit").Scan(&e.Seq); err != nil {
		return fmt.Errorf("audit: next entry: %w", err)
	}
	codes := make([]string, len(e.Codes))
	for i, c := range e.Codes {
		codes[i] = string(c)
	}
	p := s.dialect.Params()
	query := "INSERT INTO audit (seq, at, actor, role, action, draft, version, revision, codes, detail) VALUES (" +
		p.Add(e.Seq) + ", " + p.Add(s.dialect.EncodeTime(e.At)) + ", " + p.Add(e.Actor) + ", " + p.Add(string(e.Role)) + ", " +
		p.Add(e.Action) + ", " + p.Add(nullIfEmpty(e.Draft)) + ", " + p.Add(nullIfZero(e.Version)) + ", " +
		p.Add(nullIfZero(e.Revision)) + ", " + p.Add(strings.Join(codes, " ")) + ", " + p.Add(e.Detail) + ")"
	if err := tx.Exec(ctx, query, p.Args()...); err != nil {
		return fmt.Errorf("audit: insert entry %d: %w", e.Seq, err)
	}
	codes = distinct(codes)
	if len(codes) == 0 {
		return nil
	}
	err = tx.Insert(ctx, "audit_codes", []string{"entry", "code"}, len(codes), func(i int) ([]any, error) {
		return []any{e.Seq, codes[i]}, nil
	})
	if err != nil {
		return fmt.Errorf("audit: index entry %d: %w", e.Seq, err)
	}
	return nil
}

// AuditVersion appends the entry e of a publish of version e.Version,
// whose codes are the units it wrote and retired.
func (s *Store) AuditVersion(ctx context.Context, tx Tx, e partition.AuditEntry) error {
	var err error
	if e.Codes, err = s.versionCodes(ctx, tx, e.Version); err != nil {
		return err
	}
	return s.audit(ctx, tx, e)
}

// versionCodes are the codes of the units version n wrote or retired, read
// back from its rows, in order.
func (s *Store) versionCodes(ctx context.Context, tx Tx, n int64) ([]partition.Code, error) {
	p := s.dialect.Params()
	v := p.Add(n)
	rows, err := tx.Query(ctx, "SELECT DISTINCT code FROM units WHERE valid_from = "+v+" OR valid_to = "+v+" ORDER BY code", p.Args()...)
	if err != nil {
		return nil, fmt.Errorf("audit: codes of version %d: %w", n, err)
	}
	defer rows.Close()
	var codes []partition.Code
	err = each(rows, func(r Row) (partition.Code, error) {
		var c string
		err := r.Scan(&c)
		return partition.Code(c), err
	}, func(c partition.Code) error {
		codes = append(codes, c)
		return nil
	}, "codes")
	if err != nil {
		return nil, fmt.Errorf("audit: codes of version %d: %w", n, err)
	}
	return codes, nil
}

// Audit returns the entries q selects, oldest first.
func (s *Store) Audit(ctx context.Context, q partition.AuditQuery) ([]partition.AuditEntry, error) {
	if q.Limit <= 0 || q.Limit > maxAuditLimit {
		q.Limit = maxAuditLimit
	}
	p := s.dialect.Params()
	where := []string{"seq > " + p.Add(q.After)}
	if q.Code != "" {
		where = append(where, "seq IN (SELECT entry FROM audit_codes WHERE code LIKE "+p.Add(likePrefix(string(q.Code)))+" ESCAPE '\\')")
	}
	if !q.Since.IsZero() {
		where = append(where, "at >= "+p.Add(s.dialect.EncodeTime(q.Since)))
	}
	if q.Draft != "" {
		where = append(where, "draft = "+p.Add(q.Draft))
	}
	query := "SELECT " + auditColumns + " FROM audit WHERE " + strings.Join(where, " AND ") + " ORDER BY seq LIMIT " + p.Add(q.Limit)
	return s.auditEntries(ctx, s.driver.DB(), query, p.Args())
}

// auditEntries runs a query of auditColumns.
func (s *Store) auditEntries(ctx context.Context, tx Tx, query string, args []any) ([]partition.AuditEntry, error) {
	rows, err := tx.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("read the audit log: %w", err)
	}
	defer rows.Close()
	var es []partition.AuditEntry
	err = each(rows, s.dialect.scanAudit, func(e partition.AuditEntry) error {
		es = append(es, e)
		return nil
	}, "audit entries")
	return es, err
}

// missed is the Stale error of a write that expected revision rev of d:
// it names the changes made since, from the audit log.
func (s *Store) missed(ctx context.Context, tx Tx, d *partition.Draft, rev int64) error {
	p := s.dialect.Params()
	query := "SELECT " + auditColumns + " FROM audit WHERE draft = " + p.Add(d.ID) + " AND revision > " + p.Add(rev) + " ORDER BY seq LIMIT 100"
	es, err := s.auditEntries(ctx, tx, query, p.Args())
	if err != nil {
		return fmt.Errorf("read the changes draft %s missed: %w", d.ID, err)
	}
	return partition.StaleDraft(*d, rev, es)
}

func (d *Dialect) scanAudit(row Row) (partition.AuditEntry, error) {
	var (
		e           partition.AuditEntry
		at          any
		role, codes string
	)
	if err := row.Scan(&e.Seq, &at, &e.Actor, &role, &e.Action, &e.Draft, &e.Version, &e.Revision, &codes, &e.Detail); err != nil {
		return e, err
	}
	t, err := d.DecodeTime(at)
	if err != nil {
		return e, fmt.Errorf("audit entry %d: at: %w", e.Seq, err)
	}
	e.At, e.Role = t, partition.Role(role)
	e.Codes = []partition.Code{}
	for _, c := range strings.Fields(codes) {
		e.Codes = append(e.Codes, partition.Code(c))
	}
	return e, nil
}

// likePrefix is the LIKE pattern of the strings that start with prefix
// (escaping with \).
func likePrefix(prefix string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(prefix) + "%"
}

// distinct returns the strings of ss once each, in their first order.
func distinct(ss []string) []string {
	seen := make(map[string]bool, len(ss))
	out := ss[:0:0]
	for _, s := range ss {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// nullIfEmpty is s, or SQL NULL for "".
func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
