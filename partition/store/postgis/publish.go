package postgis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/wangge/wangge/partition"
)

// Publish checks cs against the latest version and applies it as a new
// version, in one transaction that holds an exclusive lock on the versions
// table, so publishers (of every replica) take turns while readers go on.
// Errors of CheckChangeset are returned unchanged. On commit, listeners of
// Channel() receive the new version number.
func (s *Store) Publish(ctx context.Context, cs partition.Changeset) (partition.Version, error) {
	start := time.Now()
	var v partition.Version
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		v, err = s.publish(ctx, tx, &cs)
		return err
	})
	if err != nil {
		var perr *partition.Error
		if errors.As(err, &perr) {
			return partition.Version{}, err
		}
		return partition.Version{}, fmt.Errorf("publish: %w", err)
	}
	s.log.InfoContext(ctx, "published", "version", v.Number, "units", len(cs.Units), "retired", len(cs.DeleteUnits),
		"vessels", len(cs.Vessels), "retired_vessels", len(cs.DeleteVessels), "took", time.Since(start))
	return v, nil
}

func (s *Store) publish(ctx context.Context, tx pgx.Tx, cs *partition.Changeset) (partition.Version, error) {
	if _, err := tx.Exec(ctx, "LOCK TABLE versions IN EXCLUSIVE MODE"); err != nil {
		return partition.Version{}, fmt.Errorf("lock versions: %w", err)
	}
	look := &lookup{tx: tx, units: map[partition.Code]cachedUnit{}}
	if err := partition.CheckChangeset(ctx, cs, look, s.limits); err != nil {
		return partition.Version{}, err
	}
	var n int64
	err := tx.QueryRow(ctx, `INSERT INTO versions (number, published_at, note)
		SELECT coalesce(max(number), 0) + 1, greatest(clock_timestamp(), max(published_at) + interval '1 microsecond'), nullif($1, '')
		FROM versions
		RETURNING number`, cs.Note).Scan(&n)
	if err != nil {
		return partition.Version{}, fmt.Errorf("insert version: %w", err)
	}
	if err := retire(ctx, tx, "units", "code", unitCodes(cs), n); err != nil {
		return partition.Version{}, err
	}
	if err := copyUnits(ctx, tx, cs.Units, n); err != nil {
		return partition.Version{}, err
	}
	if err := retire(ctx, tx, "vessels", "id", vesselIDs(cs), n); err != nil {
		return partition.Version{}, err
	}
	if err := copyVessels(ctx, tx, cs.Vessels, n); err != nil {
		return partition.Version{}, err
	}
	return s.stamp(ctx, tx, n)
}

// stamp sets the version's publication time as late as possible, just before
// commit, so that a version is not dated long before readers can see it; it
// stays strictly after the previous version's.
func (s *Store) stamp(ctx context.Context, tx pgx.Tx, n int64) (partition.Version, error) {
	v := partition.Version{Number: n}
	err := tx.QueryRow(ctx, `UPDATE versions SET published_at = greatest(clock_timestamp(), published_at)
		WHERE number = $1
		RETURNING published_at, coalesce(note, '')`, n).Scan(&v.PublishedAt, &v.Note)
	if err != nil {
		return v, fmt.Errorf("stamp version %d: %w", n, err)
	}
	// Delivered on commit, never for a rolled back publish.
	if _, err := tx.Exec(ctx, "SELECT pg_notify($1, $2)", s.channel, strconv.FormatInt(n, 10)); err != nil {
		return v, fmt.Errorf("notify version %d: %w", n, err)
	}
	return v, nil
}

// unitCodes returns the codes whose current rows the changeset ends.
func unitCodes(cs *partition.Changeset) []string {
	out := make([]string, 0, len(cs.Units)+len(cs.DeleteUnits))
	for _, u := range cs.Units {
		out = append(out, string(u.Code))
	}
	for _, c := range cs.DeleteUnits {
		out = append(out, string(c))
	}
	return out
}

// vesselIDs returns the ids whose current rows the changeset ends.
func vesselIDs(cs *partition.Changeset) []string {
	out := make([]string, 0, len(cs.Vessels)+len(cs.DeleteVessels))
	for _, v := range cs.Vessels {
		out = append(out, v.ID)
	}
	return append(out, cs.DeleteVessels...)
}

// retire ends, at version n, the current rows of table whose key is in keys.
// table and key are constants of this package, never input.
func retire(ctx context.Context, tx pgx.Tx, table, key string, keys []string, n int64) error {
	if len(keys) == 0 {
		return nil
	}
	sql := fmt.Sprintf("UPDATE %s SET valid_to = $1 WHERE %s = ANY($2) AND valid_to IS NULL", table, key)
	if _, err := tx.Exec(ctx, sql, n, keys); err != nil {
		return fmt.Errorf("retire %s: %w", table, err)
	}
	return nil
}

// copyUnits inserts units as rows valid from version n with COPY, encoding
// one row at a time.
func copyUnits(ctx context.Context, tx pgx.Tx, units []partition.Unit, n int64) error {
	if len(units) == 0 {
		return nil
	}
	// pgx reports an error of the source as the server's error; keep ours,
	// which may be a *partition.Error.
	var rowErr error
	src := pgx.CopyFromSlice(len(units), func(i int) ([]any, error) {
		row, err := unitRow(&units[i], n)
		rowErr = err
		return row, err
	})
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"units"}, []string{"code", "name", "level", "network", "kind", "parent",
		"households", "population", "staff", "props", "geom", "valid_from"}, src); err != nil {
		if rowErr != nil {
			return rowErr
		}
		return fmt.Errorf("copy units: %w", err)
	}
	return nil
}

func unitRow(u *partition.Unit, n int64) ([]any, error) {
	var parent any
	if u.Parent != "" {
		parent = string(u.Parent)
	}
	staff, err := jsonOrNull(len(u.Staff) > 0, u.Staff)
	if err != nil {
		return nil, fmt.Errorf("unit %s: encode staff: %w", u.Code, err)
	}
	props, err := jsonOrNull(len(u.Props) > 0, u.Props)
	if err != nil {
		return nil, partition.Errorf(partition.Invalid, "unit %s: properties are not JSON: %v", u.Code, err)
	}
	g, err := encodeGeometry(u.Geometry)
	if err != nil {
		return nil, fmt.Errorf("unit %s: %w", u.Code, err)
	}
	return []any{string(u.Code), u.Name, string(u.Level), string(u.Network), string(u.Kind), parent,
		u.Households, u.Population, staff, props, g, n}, nil
}

// jsonOrNull returns v as JSON, or nil (SQL NULL) when present is false.
func jsonOrNull(present bool, v any) ([]byte, error) {
	if !present {
		return nil, nil
	}
	return json.Marshal(v)
}

// copyVessels inserts vessels as rows valid from version n with COPY.
func copyVessels(ctx context.Context, tx pgx.Tx, vessels []partition.Vessel, n int64) error {
	if len(vessels) == 0 {
		return nil
	}
	src := pgx.CopyFromSlice(len(vessels), func(i int) ([]any, error) {
		v := &vessels[i]
		return []any{v.ID, v.Name, string(v.Type), v.Crew, string(v.Unit), n}, nil
	})
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"vessels"}, []string{"id", "name", "type", "crew", "unit", "valid_from"}, src); err != nil {
		return fmt.Errorf("copy vessels: %w", err)
	}
	return nil
}
