package postgis

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/store/internal/sqlq"
)

// read runs fn in a read-only REPEATABLE READ transaction: the version an
// AsOf selects and the rows valid in it come from one snapshot, so a reader
// sees a version whole or not at all. Errors of fn are returned unchanged.
func (s *Store) read(ctx context.Context, fn func(pgx.Tx) error) error {
	return pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, fn)
}

// Versions lists the published versions, oldest first.
func (s *Store) Versions(ctx context.Context) ([]partition.Version, error) {
	rows, err := s.pool.Query(ctx, "SELECT number, published_at, coalesce(note, '') FROM versions ORDER BY number")
	if err != nil {
		return nil, fmt.Errorf("list versions: %w", err)
	}
	vs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (partition.Version, error) {
		var v partition.Version
		err := r.Scan(&v.Number, &v.PublishedAt, &v.Note)
		return v, err
	})
	if err != nil {
		return nil, fmt.Errorf("list versions: %w", err)
	}
	return vs, nil
}

// Resolve returns the version at selects: by number (which wins when both
// are set), by time (the last version published at or before it), or the
// latest. It returns a not_found *partition.Error when there is none.
func (s *Store) Resolve(ctx context.Context, at partition.AsOf) (partition.Version, error) {
	return resolve(ctx, s.pool, at)
}

// queryRower is what resolve needs of a pool or a transaction.
type queryRower interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func resolve(ctx context.Context, q queryRower, at partition.AsOf) (partition.Version, error) {
	const cols = "SELECT number, published_at, coalesce(note, '') FROM versions "
	var row pgx.Row
	switch {
	case at.Version != 0:
		row = q.QueryRow(ctx, cols+"WHERE number = $1", at.Version)
	case !at.Time.IsZero():
		row = q.QueryRow(ctx, cols+"WHERE published_at <= $1 ORDER BY number DESC LIMIT 1", at.Time)
	default:
		row = q.QueryRow(ctx, cols+"ORDER BY number DESC LIMIT 1")
	}
	var v partition.Version
	err := row.Scan(&v.Number, &v.PublishedAt, &v.Note)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return v, sqlq.NoVersion(at)
	case err != nil:
		return v, fmt.Errorf("resolve version: %w", err)
	}
	return v, nil
}

// Units calls fn for each unit q selects, in code order, streaming the rows.
// The latest version of an empty store has no units; a version that does not
// exist is a not_found error. It returns fn's first error unchanged.
func (s *Store) Units(ctx context.Context, q partition.Query, fn func(partition.Unit) error) error {
	return s.read(ctx, func(tx pgx.Tx) error {
		v, err := resolve(ctx, tx, q.AsOf)
		if ok, err := sqlq.ForList(q.AsOf, err); !ok {
			return err
		}
		sql, args := unitQuery(&q, v.Number)
		rows, err := tx.Query(ctx, sql, args...)
		if err != nil {
			return fmt.Errorf("list units: %w", err)
		}
		defer rows.Close()
		return sqlq.Each(rows, scanUnit, fn, "units")
	})
}

// Unit returns the unit with that code in the version at selects; a
// not_found *partition.Error when the version or the unit does not exist.
func (s *Store) Unit(ctx context.Context, code partition.Code, at partition.AsOf) (partition.Unit, error) {
	var u partition.Unit
	err := s.read(ctx, func(tx pgx.Tx) error {
		v, err := resolve(ctx, tx, at)
		if err != nil {
			return err
		}
		row := tx.QueryRow(ctx, "SELECT "+unitSelect(false)+" FROM units WHERE code = $1 AND "+visibleAt("$2"), string(code), v.Number)
		u, err = scanUnit(row)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			return partition.Errorf(partition.NotFound, "unit %s does not exist in version %d", code, v.Number)
		case err != nil:
			return fmt.Errorf("load unit %s: %w", code, err)
		}
		return nil
	})
	return u, err
}

// Vessels calls fn for each vessel q selects, in id order, streaming the
// rows. It returns fn's first error unchanged.
func (s *Store) Vessels(ctx context.Context, q partition.VesselQuery, fn func(partition.Vessel) error) error {
	return s.read(ctx, func(tx pgx.Tx) error {
		v, err := resolve(ctx, tx, q.AsOf)
		if ok, err := sqlq.ForList(q.AsOf, err); !ok {
			return err
		}
		sql, args := vesselQuery(&q, v.Number)
		rows, err := tx.Query(ctx, sql, args...)
		if err != nil {
			return fmt.Errorf("list vessels: %w", err)
		}
		defer rows.Close()
		return sqlq.Each(rows, scanVessel, fn, "vessels")
	})
}

// Vessel returns the vessel with that id in the version at selects; a
// not_found *partition.Error when the version or the vessel does not exist.
func (s *Store) Vessel(ctx context.Context, id string, at partition.AsOf) (partition.Vessel, error) {
	var vs partition.Vessel
	err := s.read(ctx, func(tx pgx.Tx) error {
		v, err := resolve(ctx, tx, at)
		if err != nil {
			return err
		}
		row := tx.QueryRow(ctx, "SELECT "+vesselSelect+" FROM vessels WHERE id = $1 AND "+visibleAt("$2"), id, v.Number)
		vs, err = scanVessel(row)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			return partition.Errorf(partition.NotFound, "vessel %s does not exist in version %d", id, v.Number)
		case err != nil:
			return fmt.Errorf("load vessel %s: %w", id, err)
		}
		return nil
	})
	return vs, err
}
