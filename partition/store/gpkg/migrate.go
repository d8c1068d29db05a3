package gpkg

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// migrations are applied in file name order, each once, each in its own
// transaction, and recorded in wangge_migrations (GeoPackage owns
// PRAGMA user_version, so it cannot count them).
//
//go:embed migrations/*.sql
var migrations embed.FS

const createMigrations = `CREATE TABLE IF NOT EXISTS wangge_migrations (
	version    TEXT PRIMARY KEY NOT NULL,
	applied_at TEXT NOT NULL
)`

// migrateRetrying runs migrate until it succeeds, fails with another error
// than SQLITE_BUSY, or busyTimeout passes. Processes that create one file
// together race to switch it to WAL, and SQLite reports some of those
// collisions (on PRAGMA journal_mode or the next BEGIN) as SQLITE_BUSY at
// once, without waiting in the busy handler. Migrations are recorded, so a
// retry applies only what is missing.
func (s *Store) migrateRetrying(ctx context.Context) error {
	deadline := time.Now().Add(busyTimeout)
	delay := 5 * time.Millisecond
	for {
		err := s.migrate(ctx)
		if err == nil || !isBusy(err) || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(delay):
		}
		delay = min(2*delay, 100*time.Millisecond)
	}
}

// isBusy reports whether err is SQLite's SQLITE_BUSY, extended or not.
func isBusy(err error) bool {
	var e *sqlite.Error
	return errors.As(err, &e) && e.Code()&0xff == sqlite3.SQLITE_BUSY
}

// migrate applies the migrations not applied yet.
func (s *Store) migrate(ctx context.Context) error {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("list migrations: %w", err)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := s.apply(ctx, name); err != nil {
			return err
		}
	}
	// GDAL reads application_id and user_version from the file's first
	// bytes, not through SQLite: until a checkpoint copies page 1 from the
	// write-ahead log, QGIS would see a file with neither. PASSIVE never
	// waits for readers of other processes.
	if _, err := s.w.ExecContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)"); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	return nil
}

// apply applies one migration unless it is recorded as applied. The writer's
// BEGIN IMMEDIATE makes processes that open a new file together take turns.
func (s *Store) apply(ctx context.Context, name string) error {
	body, err := migrations.ReadFile(name)
	if err != nil {
		return fmt.Errorf("read migration %s: %w", name, err)
	}
	version := path.Base(name)
	applied := false
	err = s.write(ctx, func(tx *sql.Tx) error {
		if err := checkOwned(ctx, tx); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, createMigrations); err != nil {
			return fmt.Errorf("create wangge_migrations: %w", err)
		}
		var done int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM wangge_migrations WHERE version = ?", version).Scan(&done); err != nil {
			return fmt.Errorf("check: %w", err)
		}
		if done > 0 {
			return nil
		}
		// Without arguments the driver runs every statement of the file.
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			return err
		}
		at := time.Now().UTC().Format(time.RFC3339Nano)
		if _, err := tx.ExecContext(ctx, "INSERT INTO wangge_migrations (version, applied_at) VALUES (?, ?)", version, at); err != nil {
			return fmt.Errorf("record: %w", err)
		}
		applied = true
		return nil
	})
	if err != nil {
		return fmt.Errorf("migration %s: %w", version, err)
	}
	if applied {
		s.log.InfoContext(ctx, "applied migration", "version", version)
	}
	return nil
}

// checkOwned refuses a database that has tables but was not made by this
// store (another GeoPackage, any SQLite file), rather than fail half way
// through the first migration.
func checkOwned(ctx context.Context, tx *sql.Tx) error {
	var tables, ours int
	err := tx.QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE name = 'wangge_migrations')
		FROM sqlite_master WHERE type = 'table'`).Scan(&tables, &ours)
	if err != nil {
		return fmt.Errorf("inspect schema: %w", err)
	}
	if tables > 0 && ours == 0 {
		return fmt.Errorf("the file has %d tables but no wangge_migrations: it is not a wangge GeoPackage", tables)
	}
	return nil
}
