package gpkg

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/store/internal/sqlq"
)

// timeLayout is how published_at is stored: UTC, RFC 3339 with exactly nine
// fraction digits, so that comparing the text compares the times.
const timeLayout = "2006-01-02T15:04:05.000000000Z07:00"

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// Versions lists the published versions, oldest first.
func (s *Store) Versions(ctx context.Context) ([]partition.Version, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT number, published_at, note FROM versions ORDER BY number")
	if err != nil {
		return nil, fmt.Errorf("list versions: %w", err)
	}
	defer rows.Close()
	var vs []partition.Version
	for rows.Next() {
		v, err := scanVersion(rows)
		if err != nil {
			return nil, fmt.Errorf("list versions: %w", err)
		}
		vs = append(vs, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list versions: %w", err)
	}
	return vs, nil
}

func scanVersion(row scanner) (partition.Version, error) {
	var (
		v  partition.Version
		at string
	)
	if err := row.Scan(&v.Number, &at, &v.Note); err != nil {
		return v, err
	}
	t, err := time.Parse(time.RFC3339Nano, at)
	if err != nil {
		return v, fmt.Errorf("version %d: published_at: %w", v.Number, err)
	}
	v.PublishedAt = t
	return v, nil
}

// Resolve returns the version at selects: by number (which wins when both
// are set), by time (the last version published at or before it), or the
// latest. It returns a not_found *partition.Error when there is none.
func (s *Store) Resolve(ctx context.Context, at partition.AsOf) (partition.Version, error) {
	var v partition.Version
	err := s.read(ctx, func(tx *sql.Tx) error {
		var err error
		v, err = resolve(ctx, tx, at)
		return err
	})
	return v, err
}

func resolve(ctx context.Context, tx *sql.Tx, at partition.AsOf) (partition.Version, error) {
	const cols = "SELECT number, published_at, note FROM versions "
	var row *sql.Row
	switch {
	case at.Version != 0:
		row = tx.QueryRowContext(ctx, cols+"WHERE number = ?", at.Version)
	case !at.Time.IsZero():
		row = tx.QueryRowContext(ctx, cols+"WHERE published_at <= ? ORDER BY number DESC LIMIT 1", formatTime(at.Time))
	default:
		row = tx.QueryRowContext(ctx, cols+"ORDER BY number DESC LIMIT 1")
	}
	v, err := scanVersion(row)
	switch {
	case errors.Is(err, sql.ErrNoRows):
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
	return s.read(ctx, func(tx *sql.Tx) error {
		v, err := resolve(ctx, tx, q.AsOf)
		if ok, err := sqlq.ForList(q.AsOf, err); !ok {
			return err
		}
		query, args := unitQuery(&q, v.Number)
		rows, err := tx.QueryContext(ctx, query, args...)
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
	err := s.read(ctx, func(tx *sql.Tx) error {
		v, err := resolve(ctx, tx, at)
		if err != nil {
			return err
		}
		row := tx.QueryRowContext(ctx, "SELECT "+unitSelect(false)+" FROM units WHERE code = ?1 AND "+visibleAt("?2"), string(code), v.Number)
		u, err = scanUnit(row)
		switch {
		case errors.Is(err, sql.ErrNoRows):
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
	return s.read(ctx, func(tx *sql.Tx) error {
		v, err := resolve(ctx, tx, q.AsOf)
		if ok, err := sqlq.ForList(q.AsOf, err); !ok {
			return err
		}
		query, args := vesselQuery(&q, v.Number)
		rows, err := tx.QueryContext(ctx, query, args...)
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
	err := s.read(ctx, func(tx *sql.Tx) error {
		v, err := resolve(ctx, tx, at)
		if err != nil {
			return err
		}
		row := tx.QueryRowContext(ctx, "SELECT "+vesselSelect+" FROM vessels WHERE id = ?1 AND "+visibleAt("?2"), id, v.Number)
		vs, err = scanVessel(row)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return partition.Errorf(partition.NotFound, "vessel %s does not exist in version %d", id, v.Number)
		case err != nil:
			return fmt.Errorf("load vessel %s: %w", id, err)
		}
		return nil
	})
	return vs, err
}
