package postgis

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/wangge/wangge/partition/store/internal/sqlstore"
)

// engine is the sqlstore.Driver of a Store: its pool, the server's clock
// and the notification of a publish.
type engine struct {
	pool    *pgxpool.Pool
	channel string
}

var _ sqlstore.Driver = engine{}

// DB runs one-statement reads on the pool, without a transaction.
func (e engine) DB() sqlstore.Tx { return pgTx{e.pool} }

// Read runs fn in a read-only REPEATABLE READ transaction: the version an
// AsOf selects and the rows valid in it come from one snapshot, so a reader
// sees a version whole or not at all. Errors of fn are returned unchanged.
func (e engine) Read(ctx context.Context, fn func(sqlstore.Tx) error) error {
	opts := pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}
	return pgx.BeginTxFunc(ctx, e.pool, opts, func(tx pgx.Tx) error { return fn(pgTx{tx}) })
}

// Now is the server's clock_timestamp(), so that every replica dates
// versions by one clock.
func (engine) Now(ctx context.Context, tx sqlstore.Tx) (time.Time, error) {
	var now time.Time
	err := tx.QueryRow(ctx, "SELECT clock_timestamp()").Scan(&now)
	return now, err
}

// querier is what pgTx needs of a pgx.Tx or a *pgxpool.Pool.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	CopyFrom(ctx context.Context, table pgx.Identifier, columns []string, src pgx.CopyFromSource) (int64, error)
}

// pgTx is a sqlstore.Tx over pgx.
type pgTx struct{ q querier }

func (t pgTx) Query(ctx context.Context, sql string, args ...any) (sqlstore.Rows, error) {
	rows, err := t.q.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	return rows, nil
}

func (t pgTx) QueryRow(ctx context.Context, sql string, args ...any) sqlstore.Row {
	return t.q.QueryRow(ctx, sql, args...)
}

func (t pgTx) Exec(ctx context.Context, sql string, args ...any) error {
	_, err := t.q.Exec(ctx, sql, args...)
	return err
}

// Insert inserts the rows with COPY, encoding one row at a time.
func (t pgTx) Insert(ctx context.Context, table string, columns []string, n int, row func(int) ([]any, error)) error {
	// pgx reports an error of the source as the server's error; keep ours,
	// which may be a *partition.Error.
	var rowErr error
	src := pgx.CopyFromSlice(n, func(i int) ([]any, error) {
		vals, err := row(i)
		rowErr = err
		return vals, err
	})
	if _, err := t.q.CopyFrom(ctx, pgx.Identifier{table}, columns, src); err != nil {
		if rowErr != nil {
			return rowErr
		}
		return fmt.Errorf("copy %s: %w", table, err)
	}
	return nil
}
