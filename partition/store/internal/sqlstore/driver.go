package sqlstore

import (
	"context"
	"time"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/partition"
)

// Driver is what a SQL store supplies to run the shared logic: its
// connections and transactions, its clock and its work after a publish.
// The Tx values it hands out are its own; its hooks get them back.
type Driver interface {
	// DB runs statements outside any transaction, each on its own snapshot:
	// for reads of one statement.
	DB() Tx
	// Read runs fn in a read-only transaction in which every statement sees
	// the same snapshot, so that a reader sees a version whole or not at
	// all. Errors of fn are returned unchanged.
	Read(ctx context.Context, fn func(Tx) error) error
	// Write runs fn in a transaction that holds the store's write lock, so
	// that writers (of any process) take turns while readers go on, and
	// commits it when fn succeeds. Errors of fn are returned unchanged.
	Write(ctx context.Context, fn func(Tx) error) error
	// Now is the time by the store's clock, for dating a version.
	Now(ctx context.Context, tx Tx) (time.Time, error)
	// Published does the store's own work at the end of a publish in tx,
	// just before commit.
	Published(ctx context.Context, tx Tx, p Publication) error
}

// Publication is what a publish wrote, for Driver.Published.
type Publication struct {
	Version partition.Version
	Units   bool // some units were added, replaced or retired
	Vessels bool // some vessels were added, replaced or retired
}

// Tx runs the statements of a transaction (or, from Driver.DB, of a pool).
type Tx interface {
	Query(ctx context.Context, sql string, args ...any) (Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) Row
	Exec(ctx context.Context, sql string, args ...any) error
	// Insert writes n rows into table in bulk (COPY, or one prepared
	// statement), row(i) giving the values of the i-th in the order of
	// columns. An error of row is returned unchanged.
	Insert(ctx context.Context, table string, columns []string, n int, row func(i int) ([]any, error)) error
}

// Row is a row of either driver. A row that does not exist scans as an
// error that is sql.ErrNoRows (pgx.ErrNoRows is one).
type Row interface {
	Scan(dest ...any) error
}

// Rows is a result set of either driver.
type Rows interface {
	Row
	Next() bool
	Err() error
	Close()
}

// Dialect is the SQL a store speaks and how it encodes values: pure
// functions, no I/O.
type Dialect struct {
	// Params starts the arguments of a statement, with the store's
	// placeholders (Dollar or Question).
	Params func() *Params
	// NullGeometry is the geometry column's NULL, e.g. "NULL::bytea".
	NullGeometry string
	// BBox is the condition that a unit's bounding box meets b.
	BBox func(p *Params, b orb.Bound) string
	// In is the rest of the condition that a text column is one of keys,
	// e.g. "= ANY($2)".
	In func(p *Params, keys []string) string
	// EncodeGeometry turns a geometry into the geometry column's bytes; nil
	// (SQL NULL) for a unit without one.
	EncodeGeometry func(orb.MultiPolygon) ([]byte, error)
	// DecodeGeometry turns the geometry column's bytes into a geometry; nil
	// bytes (SQL NULL) give nil.
	DecodeGeometry func([]byte) (orb.MultiPolygon, error)
	// EncodeTime is the argument that stands for t in the published_at column.
	EncodeTime func(t time.Time) any
	// DecodeTime turns a published_at value, as scanned into an any, into a
	// time; nil (SQL NULL) gives the zero time.
	DecodeTime func(v any) (time.Time, error)
}
