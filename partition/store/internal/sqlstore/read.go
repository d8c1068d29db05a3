package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/wangge/wangge/partition"
)

// Versions lists the published versions, oldest first (nil when none), in
// one statement.
func (s *Store) Versions(ctx context.Context) ([]partition.Version, error) {
	rows, err := s.driver.DB().Query(ctx, "SELECT "+versionColumns+" FROM versions ORDER BY number")
	if err != nil {
		return nil, fmt.Errorf("list versions: %w", err)
	}
	defer rows.Close()
	var vs []partition.Version
	err = each(rows, s.dialect.scanVersion, func(v partition.Version) error {
		vs = append(vs, v)
		return nil
	}, "versions")
	if err != nil {
		return nil, err
	}
	return vs, nil
}

// Resolve returns the version at selects: by number (which wins when both
// are set), by time (the last version published at or before it), or the
// latest. It returns a not_found *partition.Error when there is none. It
// reads in one statement.
func (s *Store) Resolve(ctx context.Context, at partition.AsOf) (partition.Version, error) {
	return s.resolve(ctx, s.driver.DB(), at)
}

func (s *Store) resolve(ctx context.Context, tx Tx, at partition.AsOf) (partition.Version, error) {
	const cols = "SELECT " + versionColumns + " FROM versions "
	p := s.dialect.Params()
	var row Row
	switch {
	case at.Version != 0:
		row = tx.QueryRow(ctx, cols+"WHERE number = "+p.Add(at.Version), p.Args()...)
	case !at.Time.IsZero():
		row = tx.QueryRow(ctx, cols+"WHERE published_at <= "+p.Add(s.dialect.EncodeTime(at.Time))+" ORDER BY number DESC LIMIT 1", p.Args()...)
	default:
		row = tx.QueryRow(ctx, cols+"ORDER BY number DESC LIMIT 1")
	}
	v, err := s.dialect.scanVersion(row)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return v, noVersion(at)
	case err != nil:
		return v, fmt.Errorf("resolve version: %w", err)
	}
	return v, nil
}

// Units calls fn for each unit q selects, in code order, streaming the rows
// of one read transaction. The latest version of an empty store has no
// units; a version that does not exist is a not_found error. It returns
// fn's first error unchanged.
func (s *Store) Units(ctx context.Context, q partition.Query, fn func(partition.Unit) error) error {
	query := func(p *Params, n int64) string { return s.dialect.unitsQuery(p, &q, n) }
	return list(ctx, s, q.AsOf, query, s.dialect.scanUnit, fn, "units")
}

// Unit returns the unit with that code in the version at selects; a
// not_found *partition.Error when the version or the unit does not exist.
func (s *Store) Unit(ctx context.Context, code partition.Code, at partition.AsOf) (partition.Unit, error) {
	query := func(p *Params, n int64) string {
		return "SELECT " + unitColumns("geom") + " FROM units WHERE code = " + p.Add(string(code)) + " AND " + visibleAt(p.Add(n))
	}
	return one(ctx, s, at, query, s.dialect.scanUnit, "unit", string(code))
}

// Vessels calls fn for each vessel q selects, in id order, streaming the
// rows of one read transaction. It returns fn's first error unchanged.
func (s *Store) Vessels(ctx context.Context, q partition.VesselQuery, fn func(partition.Vessel) error) error {
	query := func(p *Params, n int64) string { return vesselsQuery(p, &q, n) }
	return list(ctx, s, q.AsOf, query, scanVessel, fn, "vessels")
}

// Vessel returns the vessel with that id in the version at selects; a
// not_found *partition.Error when the version or the vessel does not exist.
func (s *Store) Vessel(ctx context.Context, id string, at partition.AsOf) (partition.Vessel, error) {
	query := func(p *Params, n int64) string {
		return "SELECT " + vesselColumns + " FROM vessels WHERE id = " + p.Add(id) + " AND " + visibleAt(p.Add(n))
	}
	return one(ctx, s, at, query, scanVessel, "vessel", id)
}

// list resolves at and streams the rows that query(p, version) selects to
// fn, in one read transaction; what names the rows in errors. The latest
// version of an empty store has no rows. It returns fn's first error
// unchanged.
func list[T any](ctx context.Context, s *Store, at partition.AsOf, query func(*Params, int64) string,
	scan func(Row) (T, error), fn func(T) error, what string) error {
	return s.driver.Read(ctx, func(tx Tx) error {
		v, err := s.resolve(ctx, tx, at)
		if ok, err := forList(at, err); !ok {
			return err
		}
		p := s.dialect.Params()
		rows, err := tx.Query(ctx, query(p, v.Number), p.Args()...)
		if err != nil {
			return fmt.Errorf("list %s: %w", what, err)
		}
		defer rows.Close()
		return each(rows, scan, fn, what)
	})
}

// one resolves at and reads the row that query(p, version) selects, in one
// read transaction: the what with that key, a not_found *partition.Error
// when there is none.
func one[T any](ctx context.Context, s *Store, at partition.AsOf, query func(*Params, int64) string,
	scan func(Row) (T, error), what, key string) (T, error) {
	var x T
	err := s.driver.Read(ctx, func(tx Tx) error {
		v, err := s.resolve(ctx, tx, at)
		if err != nil {
			return err
		}
		p := s.dialect.Params()
		x, err = scan(tx.QueryRow(ctx, query(p, v.Number), p.Args()...))
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return partition.Errorf(partition.NotFound, "%s %s does not exist in version %d", what, key, v.Number)
		case err != nil:
			return fmt.Errorf("load %s %s: %w", what, key, err)
		}
		return nil
	})
	return x, err
}
