package postgis

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"

	"github.com/jackc/pgx/v5"
)

// migrations are applied in file name order, each once, each in its own
// transaction, and recorded in schema_migrations.
//
//go:embed migrations/*.sql
var migrations embed.FS

// migrate creates the schema and the postgis extension when absent, then
// applies the migrations not applied yet. Every step holds a transaction
// advisory lock named after the schema, so replicas that start together wait
// for each other instead of racing.
func (s *Store) migrate(ctx context.Context) error {
	created, err := s.bootstrap(ctx)
	if err != nil {
		return err
	}
	if created {
		// Connections opened before the extension existed did not register
		// the geometry type.
		s.pool.Reset()
	}
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
	return nil
}

// lockMigrations takes the advisory lock that serializes migrations of this
// store's schema until the transaction ends.
func (s *Store) lockMigrations(ctx context.Context, tx pgx.Tx) error {
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", "wangge.migrate:"+s.schema); err != nil {
		return fmt.Errorf("lock migrations: %w", err)
	}
	return nil
}

// bootstrap creates the schema, the postgis extension and the
// schema_migrations table when they are absent. It reports whether it
// created the extension.
func (s *Store) bootstrap(ctx context.Context) (created bool, err error) {
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := s.lockMigrations(ctx, tx); err != nil {
			return err
		}
		if s.schema != "" {
			if _, err := tx.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+pgx.Identifier{s.schema}.Sanitize()); err != nil {
				return fmt.Errorf("create schema %s: %w", s.schema, err)
			}
		}
		var have bool
		if err := tx.QueryRow(ctx, "SELECT to_regtype('geometry') IS NOT NULL").Scan(&have); err != nil {
			return fmt.Errorf("look for postgis: %w", err)
		}
		if !have {
			// The extension is database-wide: one lock for every schema.
			if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtextextended('wangge.postgis', 0))"); err != nil {
				return fmt.Errorf("lock extension creation: %w", err)
			}
			if _, err := tx.Exec(ctx, "CREATE EXTENSION IF NOT EXISTS postgis SCHEMA public"); err != nil {
				return fmt.Errorf("create extension postgis: %w", err)
			}
			created = true
		}
		_, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version    text PRIMARY KEY,
			applied_at timestamptz NOT NULL DEFAULT now()
		)`)
		if err != nil {
			return fmt.Errorf("create schema_migrations: %w", err)
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("bootstrap: %w", err)
	}
	return created, nil
}

// apply applies one migration unless it is recorded as applied.
func (s *Store) apply(ctx context.Context, name string) error {
	body, err := migrations.ReadFile(name)
	if err != nil {
		return fmt.Errorf("read migration %s: %w", name, err)
	}
	version := name[len("migrations/"):]
	applied := false
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := s.lockMigrations(ctx, tx); err != nil {
			return err
		}
		var done bool
		if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = $1)", version).Scan(&done); err != nil {
			return fmt.Errorf("check: %w", err)
		}
		if done {
			return nil
		}
		// Without arguments Exec uses the simple protocol, which runs every
		// statement of the file.
		if _, err := tx.Exec(ctx, string(body)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "INSERT INTO schema_migrations (version) VALUES ($1)", version); err != nil {
			return fmt.Errorf("record: %w", err)
		}
		applied = true
		return nil
	})
	if err != nil {
		return fmt.Errorf("migration %s: %w", version, err)
	}
	if applied {
		s.log.InfoContext(ctx, "applied migration", "version", version, "schema", s.schema)
	}
	return nil
}
