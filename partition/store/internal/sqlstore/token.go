package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/wangge/wangge/partition"
)

// Access is the partition.AccessStore of a SQL store (tokens and the audit
// log), for the stores to embed.
type Access struct{ s *Store }

// Access returns the store's partition.AccessStore.
func (s *Store) Access() Access { return Access{s} }

var _ partition.AccessStore = Access{}

// maxTokenName bounds a token's name, in bytes.
const maxTokenName = 200

const tokenColumns = "name, role, scope, created_at, revoked_at"

// CreateToken stores t (its name, role and scope) with the hash of its
// secret, dated by the store's clock; conflict when a token of that name
// exists, revoked or not, so that names in the audit log stay unambiguous.
func (a Access) CreateToken(ctx context.Context, t partition.Token, hash []byte) (partition.Token, error) {
	s := a.s
	switch {
	case t.Name == "" || len(t.Name) > maxTokenName:
		return t, partition.Errorf(partition.Invalid, "name: want 1 to %d bytes", maxTokenName)
	case len(hash) != 32:
		return t, partition.Errorf(partition.Invalid, "token %s: the hash is %d bytes, not SHA-256's 32", t.Name, len(hash))
	}
	if _, err := partition.ParseRole(string(t.Role)); err != nil {
		return t, err
	}
	t = partition.Token{Name: t.Name, Role: t.Role, Scope: t.Scope}
	err := s.driver.Write(ctx, func(tx Tx) error {
		switch ok, err := s.exists(ctx, tx, "tokens", "name", t.Name); {
		case err != nil:
			return err
		case ok:
			return partition.Errorf(partition.Conflict, "a token named %s exists (names are never reused, revoked or not)", t.Name)
		}
		var err error
		if t.CreatedAt, err = s.now(ctx, tx); err != nil {
			return err
		}
		p := s.dialect.Params()
		query := "INSERT INTO tokens (name, hash, role, scope, created_at) VALUES (" + p.Add(t.Name) + ", " + p.Add(hash) + ", " +
			p.Add(string(t.Role)) + ", " + p.Add(string(t.Scope)) + ", " + p.Add(s.dialect.EncodeTime(t.CreatedAt)) + ")"
		if err := tx.Exec(ctx, query, p.Args()...); err != nil {
			return fmt.Errorf("insert: %w", err)
		}
		return s.audit(ctx, tx, partition.AuditEntry{Action: "token.create", Codes: codesOf(t.Scope),
			Detail: fmt.Sprintf("%s: role %s, scope %q", t.Name, t.Role, t.Scope)})
	})
	if err != nil {
		return partition.Token{}, withContext(err, "create token %s", t.Name)
	}
	return t, nil
}

// Tokens lists the tokens, oldest first.
func (a Access) Tokens(ctx context.Context) ([]partition.Token, error) {
	s := a.s
	rows, err := s.driver.DB().Query(ctx, "SELECT "+tokenColumns+" FROM tokens ORDER BY created_at, name")
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	defer rows.Close()
	var ts []partition.Token
	err = each(rows, s.dialect.scanToken, func(t partition.Token) error {
		ts = append(ts, t)
		return nil
	}, "tokens")
	return ts, err
}

// RevokeToken revokes the token of that name: not_found when none,
// conflict when it is revoked already.
func (a Access) RevokeToken(ctx context.Context, name string) (partition.Token, error) {
	s := a.s
	var t partition.Token
	err := s.driver.Write(ctx, func(tx Tx) error {
		p := s.dialect.Params()
		var err error
		t, err = s.dialect.scanToken(tx.QueryRow(ctx, "SELECT "+tokenColumns+" FROM tokens WHERE name = "+p.Add(name), p.Args()...))
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return partition.Errorf(partition.NotFound, "no token is named %s", name)
		case err != nil:
			return err
		case !t.RevokedAt.IsZero():
			return partition.Errorf(partition.Conflict, "token %s was revoked at %s", name, t.RevokedAt.Format("2006-01-02T15:04:05Z07:00"))
		}
		if t.RevokedAt, err = s.now(ctx, tx); err != nil {
			return err
		}
		p = s.dialect.Params()
		if err := tx.Exec(ctx, "UPDATE tokens SET revoked_at = "+p.Add(s.dialect.EncodeTime(t.RevokedAt))+" WHERE name = "+p.Add(name), p.Args()...); err != nil {
			return fmt.Errorf("update: %w", err)
		}
		return s.audit(ctx, tx, partition.AuditEntry{Action: "token.revoke", Codes: codesOf(t.Scope), Detail: name})
	})
	if err != nil {
		return partition.Token{}, withContext(err, "revoke token %s", name)
	}
	return t, nil
}

// TokenByHash returns the token whose secret hashes to hash; not_found
// when none.
func (a Access) TokenByHash(ctx context.Context, hash []byte) (partition.Token, error) {
	s := a.s
	p := s.dialect.Params()
	t, err := s.dialect.scanToken(s.driver.DB().QueryRow(ctx, "SELECT "+tokenColumns+" FROM tokens WHERE hash = "+p.Add(hash), p.Args()...))
	if errors.Is(err, sql.ErrNoRows) {
		return t, partition.Errorf(partition.NotFound, "no such token")
	}
	return t, withContext(err, "look up a token")
}

// Audit returns the entries of the audit log q selects, oldest first.
func (a Access) Audit(ctx context.Context, q partition.AuditQuery) ([]partition.AuditEntry, error) {
	return a.s.Audit(ctx, q)
}

func (d *Dialect) scanToken(row Row) (partition.Token, error) {
	var (
		t                partition.Token
		role, scope      string
		created, revoked any
	)
	if err := row.Scan(&t.Name, &role, &scope, &created, &revoked); err != nil {
		return t, err
	}
	t.Role, t.Scope = partition.Role(role), partition.Code(scope)
	var err error
	if t.CreatedAt, err = d.DecodeTime(created); err != nil {
		return t, fmt.Errorf("token %s: created_at: %w", t.Name, err)
	}
	if t.RevokedAt, err = d.DecodeTime(revoked); err != nil {
		return t, fmt.Errorf("token %s: revoked_at: %w", t.Name, err)
	}
	return t, nil
}

// codesOf is the scope as the codes of an audit entry (none when empty).
func codesOf(scope partition.Code) []partition.Code {
	if scope == "" {
		return nil
	}
	return []partition.Code{scope}
}
