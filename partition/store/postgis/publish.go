package postgis

import (
	"context"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/store/internal/sqlstore"
)

// Publish checks cs against the latest version and applies it as a new
// version, in one transaction that holds an exclusive lock on the versions
// table, so publishers (of every replica) take turns while readers go on.
// Errors of CheckChangeset are returned unchanged. On commit, listeners of
// Channel() receive the new version number.
func (s *Store) Publish(ctx context.Context, cs partition.Changeset) (partition.Version, error) {
	return s.sqlstore.Publish(ctx, cs)
}

// Write runs fn in a transaction that first takes an exclusive lock on the
// versions table, which publishers of every replica take in turn; readers
// go on. It commits when fn succeeds. Errors of fn are returned unchanged.
func (e engine) Write(ctx context.Context, fn func(sqlstore.Tx) error) error {
	return pgx.BeginFunc(ctx, e.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "LOCK TABLE versions IN EXCLUSIVE MODE"); err != nil {
			return fmt.Errorf("lock versions: %w", err)
		}
		return fn(pgTx{tx})
	})
}

// Published notifies the store's channel of the new version number, which
// PostgreSQL delivers on commit, never for a rolled back publish.
func (e engine) Published(ctx context.Context, tx sqlstore.Tx, p sqlstore.Publication) error {
	n := p.Version.Number
	if err := tx.Exec(ctx, "SELECT pg_notify($1, $2)", e.channel, strconv.FormatInt(n, 10)); err != nil {
		return fmt.Errorf("notify version %d: %w", n, err)
	}
	return nil
}
