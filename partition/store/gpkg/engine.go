package gpkg

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/wangge/wangge/partition/store/internal/sqlstore"
)

// engine is the sqlstore.Driver of a Store: its read-only pool, its writer
// connection, the process clock and the upkeep of gpkg_contents.
type engine struct{ s *Store }

var _ sqlstore.Driver = engine{}

// DB runs one-statement reads on the read-only pool.
func (d engine) DB() sqlstore.Tx { return sqlTx{d.s.r} }

// Read runs fn in a read transaction on the read-only pool: every statement
// of fn sees the same snapshot of the file, so a reader sees a version
// whole or not at all. Errors of fn are returned unchanged.
func (d engine) Read(ctx context.Context, fn func(sqlstore.Tx) error) error {
	t, err := d.s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("begin read: %w", err)
	}
	// A read-only transaction has nothing to commit.
	defer t.Rollback()
	return fn(sqlTx{t})
}

// Write runs fn in a BEGIN IMMEDIATE transaction on the writer connection.
func (d engine) Write(ctx context.Context, fn func(sqlstore.Tx) error) error {
	return d.s.write(ctx, func(t *sql.Tx) error { return fn(sqlTx{t}) })
}

// Now is the process clock in UTC: SQLite has no clock of its own to the
// microsecond.
func (engine) Now(context.Context, sqlstore.Tx) (time.Time, error) { return time.Now().UTC(), nil }

// Published keeps gpkg_contents' last_change current (sqlTx.Insert keeps the
// extent).
func (engine) Published(ctx context.Context, t sqlstore.Tx, p sqlstore.Publication) error {
	return touchContents(ctx, t, p.Units, p.Vessels)
}

// querier is what sqlTx needs of a *sql.DB or a *sql.Tx.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

// sqlTx is a sqlstore.Tx over database/sql.
type sqlTx struct{ q querier }

func (t sqlTx) Query(ctx context.Context, query string, args ...any) (sqlstore.Rows, error) {
	r, err := t.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return rows{r}, nil
}

func (t sqlTx) QueryRow(ctx context.Context, query string, args ...any) sqlstore.Row {
	return t.q.QueryRowContext(ctx, query, args...)
}

func (t sqlTx) Exec(ctx context.Context, query string, args ...any) error {
	_, err := t.q.ExecContext(ctx, query, args...)
	return err
}

// Insert inserts the rows with one prepared statement. The R-tree triggers
// index each row, and the extent of units in gpkg_contents grows by that of
// the geometries inserted.
func (t sqlTx) Insert(ctx context.Context, table string, columns []string, n int, row func(int) ([]any, error)) error {
	ins, err := prepareInsert(ctx, t.q, table, columns)
	if err != nil {
		return err
	}
	defer ins.close()
	for i := range n {
		vals, err := row(i)
		if err != nil {
			return err
		}
		if err := ins.exec(ctx, vals); err != nil {
			return err
		}
	}
	return growExtent(ctx, t, ins.ext)
}

// rows are *sql.Rows closed as a sqlstore.Rows is.
type rows struct{ *sql.Rows }

func (r rows) Close() { r.Rows.Close() }

// inserter inserts rows into one table with one prepared statement, and
// keeps the extent of the geometries it wrote (of the column geom).
type inserter struct {
	stmt  *sql.Stmt
	table string
	geom  int // the index of geom in the row, -1 when none
	ext   extent
}

// prepareInsert prepares the insert of rows of columns into table; table
// and columns are constants, never input.
func prepareInsert(ctx context.Context, q querier, table string, columns []string) (*inserter, error) {
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(columns)), ", ")
	stmt, err := q.PrepareContext(ctx, "INSERT INTO "+table+" ("+strings.Join(columns, ", ")+") VALUES ("+marks+")")
	if err != nil {
		return nil, fmt.Errorf("prepare insert %s: %w", table, err)
	}
	ins := &inserter{stmt: stmt, table: table, geom: -1}
	for i, c := range columns {
		if c == "geom" {
			ins.geom = i
		}
	}
	return ins, nil
}

// exec inserts one row; its first value (a code or an id) names it in errors.
func (ins *inserter) exec(ctx context.Context, row []any) error {
	if _, err := ins.stmt.ExecContext(ctx, row...); err != nil {
		return fmt.Errorf("insert %v into %s: %w", row[0], ins.table, err)
	}
	if ins.geom >= 0 {
		if g, _ := row[ins.geom].([]byte); g != nil {
			ins.ext.addGeometry(g)
		}
	}
	return nil
}

func (ins *inserter) close() { ins.stmt.Close() }
