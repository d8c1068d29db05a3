package gpkg

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"path/filepath"
	"runtime"
	"strconv"
	"time"

	"modernc.org/sqlite"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/store/internal/sqlstore"
)

// SRSID is the spatial reference of every stored geometry: CGCS2000 lon/lat.
const SRSID = 4490

// busyTimeout is how long a statement waits for a lock another process
// holds (a writer, or a checkpoint) before it fails.
const busyTimeout = 10 * time.Second

// Options configure a Store.
type Options struct {
	// Logger receives migration and publish events; nil discards them.
	Logger *slog.Logger
	// Limits bound each geometry a publish accepts; zero means geo.DefaultLimits.
	Limits geo.Limits
}

// Store is the GeoPackage implementation of partition.Store. It is safe for
// concurrent use by many goroutines. Publishes take turns on one writer
// connection (and BEGIN IMMEDIATE, against other processes); reads use a
// pool of read-only connections and go on while a publish runs.
type Store struct {
	w        *sql.DB // one connection, every transaction BEGIN IMMEDIATE
	r        *sql.DB // read-only connections
	sqlstore *sqlstore.Store
	// Drafting is the store's partition.DraftStore: drafts, their logs
	// and the household layers (written once, in sqlstore).
	sqlstore.Drafting
	// Access is the store's partition.AccessStore: tokens and the audit
	// log.
	sqlstore.Access
	log    *slog.Logger
	limits geo.Limits
}

var (
	_ partition.Store      = (*Store)(nil)
	_ partition.DraftStore = (*Store)(nil)
)

// Open opens the GeoPackage at path, creating it when absent, and applies
// the embedded migrations that are not applied yet. The file is put in WAL
// mode, so that readers never wait for a publish.
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open gpkg store %s: %w", path, err)
	}
	// A Driver of our own carries the SQL functions the R-tree triggers
	// call, without registering anything process-wide.
	drv := &sqlite.Driver{}
	if err := registerFunctions(drv); err != nil {
		return nil, fmt.Errorf("open gpkg store %s: %w", path, err)
	}
	s := &Store{log: opts.Logger, limits: opts.Limits}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.limits == (geo.Limits{}) {
		s.limits = geo.DefaultLimits
	}
	s.sqlstore = sqlstore.New(engine{s}, dialect(), s.log, s.limits)
	s.Drafting = s.sqlstore.Drafting()
	s.Access = s.sqlstore.Access()
	busyMillis := strconv.FormatInt(busyTimeout.Milliseconds(), 10)
	s.w = sql.OpenDB(connector{drv: drv, dsn: dsn(abs, url.Values{
		"_busy_timeout": {busyMillis},
		"_foreign_keys": {"1"},
		"_journal_mode": {"WAL"},
		"_txlock":       {"immediate"},
	})})
	s.w.SetMaxOpenConns(1)
	s.w.SetMaxIdleConns(1)
	if err := s.migrateRetrying(ctx); err != nil {
		s.w.Close()
		return nil, fmt.Errorf("open gpkg store %s: %w", path, err)
	}
	s.r = sql.OpenDB(connector{drv: drv, dsn: dsn(abs, url.Values{
		"_busy_timeout": {busyMillis},
		"_foreign_keys": {"1"},
		"_query_only":   {"1"},
	})})
	n := max(4, runtime.GOMAXPROCS(0))
	s.r.SetMaxOpenConns(n)
	s.r.SetMaxIdleConns(n)
	return s, nil
}

// dsn returns a SQLite URI for the file at an absolute path with the
// driver's parameters.
func dsn(path string, params url.Values) string {
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(path), RawQuery: params.Encode()}
	return u.String()
}

// Close closes every connection. Unless another process has the file open,
// the last one checkpoints the write-ahead log into the file and removes
// it, so that the .gpkg alone holds everything.
func (s *Store) Close() error {
	return errors.Join(s.r.Close(), s.w.Close())
}

// connector opens connections to one file with a Driver of our own.
type connector struct {
	drv *sqlite.Driver
	dsn string
}

func (c connector) Connect(ctx context.Context) (driver.Conn, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return c.drv.Open(c.dsn)
}

func (c connector) Driver() driver.Driver { return c.drv }

// write runs fn in a BEGIN IMMEDIATE transaction on the writer connection
// and commits it. Errors of fn are returned unchanged.
func (s *Store) write(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}
