package gpkg

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo/gpkgwkb"
	"github.com/wangge/wangge/partition"
)

// Publish checks cs against the latest version and applies it as a new
// version, in one BEGIN IMMEDIATE transaction on the writer connection, so
// that publishers (of this and any other process) take turns while readers
// go on. Errors of CheckChangeset are returned unchanged.
func (s *Store) Publish(ctx context.Context, cs partition.Changeset) (partition.Version, error) {
	start := time.Now()
	var v partition.Version
	err := s.write(ctx, func(tx *sql.Tx) error {
		var err error
		v, err = s.publish(ctx, tx, &cs)
		return err
	})
	if err != nil {
		if partition.KindOf(err) != partition.Internal {
			return partition.Version{}, err
		}
		return partition.Version{}, fmt.Errorf("publish: %w", err)
	}
	s.log.InfoContext(ctx, "published", "version", v.Number, "units", len(cs.Units), "retired", len(cs.DeleteUnits),
		"vessels", len(cs.Vessels), "retired_vessels", len(cs.DeleteVessels), "took", time.Since(start))
	return v, nil
}

func (s *Store) publish(ctx context.Context, tx *sql.Tx, cs *partition.Changeset) (partition.Version, error) {
	if err := partition.CheckChangeset(ctx, cs, newLookup(tx), s.limits); err != nil {
		return partition.Version{}, err
	}
	v, prev, err := beginVersion(ctx, tx, cs.Note)
	if err != nil {
		return v, err
	}
	if err := writeRows(ctx, tx, cs, v.Number); err != nil {
		return v, fmt.Errorf("version %d: %w", v.Number, err)
	}
	return stampVersion(ctx, tx, v, prev)
}

// beginVersion inserts the row of the next version, dated now, and returns
// it with the date of the version before it (zero when none).
func beginVersion(ctx context.Context, tx *sql.Tx, note string) (partition.Version, time.Time, error) {
	var (
		n    int64
		last string
		prev time.Time
	)
	if err := tx.QueryRowContext(ctx, "SELECT coalesce(max(number), 0) + 1, coalesce(max(published_at), '') FROM versions").Scan(&n, &last); err != nil {
		return partition.Version{}, prev, fmt.Errorf("next version: %w", err)
	}
	if last != "" {
		var err error
		if prev, err = time.Parse(time.RFC3339Nano, last); err != nil {
			return partition.Version{}, prev, fmt.Errorf("version %d: published_at: %w", n-1, err)
		}
	}
	v := partition.Version{Number: n, PublishedAt: stampAfter(time.Now(), prev), Note: note}
	if _, err := tx.ExecContext(ctx, "INSERT INTO versions (number, published_at, note) VALUES (?, ?, ?)", n, formatTime(v.PublishedAt), v.Note); err != nil {
		return v, prev, fmt.Errorf("insert version %d: %w", n, err)
	}
	return v, prev, nil
}

// stampVersion dates v as late as possible, just before commit, so that a
// version is not dated long before readers can see it.
func stampVersion(ctx context.Context, tx *sql.Tx, v partition.Version, prev time.Time) (partition.Version, error) {
	if now := stampAfter(time.Now(), prev); now.After(v.PublishedAt) {
		v.PublishedAt = now
		if _, err := tx.ExecContext(ctx, "UPDATE versions SET published_at = ? WHERE number = ?", formatTime(now), v.Number); err != nil {
			return v, fmt.Errorf("stamp version %d: %w", v.Number, err)
		}
	}
	return v, nil
}

// writeRows writes the rows of version n: it ends the current rows of every
// changed or retired unit and vessel and inserts the new ones.
func writeRows(ctx context.Context, tx *sql.Tx, cs *partition.Changeset, n int64) error {
	codes := make([]string, 0, len(cs.Units)+len(cs.DeleteUnits))
	for _, u := range cs.Units {
		codes = append(codes, string(u.Code))
	}
	for _, c := range cs.DeleteUnits {
		codes = append(codes, string(c))
	}
	if err := retire(ctx, tx, "UPDATE units SET valid_to = ?1 WHERE valid_to IS NULL AND code IN (SELECT value FROM json_each(?2))", codes, n); err != nil {
		return fmt.Errorf("retire units: %w", err)
	}
	ext, err := insertUnits(ctx, tx, cs.Units, n)
	if err != nil {
		return err
	}
	ids := make([]string, 0, len(cs.Vessels)+len(cs.DeleteVessels))
	for _, v := range cs.Vessels {
		ids = append(ids, v.ID)
	}
	ids = append(ids, cs.DeleteVessels...)
	if err := retire(ctx, tx, "UPDATE vessels SET valid_to = ?1 WHERE valid_to IS NULL AND id IN (SELECT value FROM json_each(?2))", ids, n); err != nil {
		return fmt.Errorf("retire vessels: %w", err)
	}
	if err := insertVessels(ctx, tx, cs.Vessels, n); err != nil {
		return err
	}
	return touchContents(ctx, tx, len(codes) > 0, len(ids) > 0, ext)
}

// stampAfter returns now in UTC to the microsecond (PostgreSQL's
// precision), or 1µs after prev when the clock has not moved past it, so
// that publication times strictly increase.
func stampAfter(now, prev time.Time) time.Time {
	t := now.UTC().Truncate(time.Microsecond)
	if !prev.IsZero() && !t.After(prev) {
		t = prev.Add(time.Microsecond).UTC()
	}
	return t
}

// retire runs update, which ends at version ?1 the current rows whose key
// is in the JSON array ?2, in one statement.
func retire(ctx context.Context, tx *sql.Tx, update string, keys []string, n int64) error {
	if len(keys) == 0 {
		return nil
	}
	b, err := json.Marshal(keys)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, update, n, string(b))
	return err
}

const insertUnit = `INSERT INTO units (geom, code, name, level, network, kind, parent,
	households, population, staff, props, valid_from) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// insertUnits inserts units as rows valid from version n with one prepared
// statement, and returns the extent of their geometries (ok false when none
// has one). The R-tree triggers index each row.
func insertUnits(ctx context.Context, tx *sql.Tx, units []partition.Unit, n int64) (extent, error) {
	if len(units) == 0 {
		return extent{}, nil
	}
	ins, err := newUnitInserter(ctx, tx, n)
	if err != nil {
		return extent{}, err
	}
	defer ins.close()
	for i := range units {
		if err := ins.insert(ctx, &units[i]); err != nil {
			return ins.ext, err
		}
	}
	return ins.ext, nil
}

// unitInserter inserts units one at a time as rows valid from one version,
// with one prepared statement, and keeps the extent of what it wrote.
type unitInserter struct {
	stmt *sql.Stmt
	n    int64
	ext  extent
}

func newUnitInserter(ctx context.Context, tx *sql.Tx, n int64) (*unitInserter, error) {
	stmt, err := tx.PrepareContext(ctx, insertUnit)
	if err != nil {
		return nil, fmt.Errorf("prepare insert units: %w", err)
	}
	return &unitInserter{stmt: stmt, n: n}, nil
}

func (ins *unitInserter) insert(ctx context.Context, u *partition.Unit) error {
	row, env, err := unitRow(u, ins.n)
	if err != nil {
		return err
	}
	if _, err := ins.stmt.ExecContext(ctx, row...); err != nil {
		return fmt.Errorf("insert unit %s: %w", u.Code, err)
	}
	if env != nil {
		ins.ext.add(*env)
	}
	return nil
}

func (ins *unitInserter) close() { ins.stmt.Close() }

// unitRow returns the arguments of insertUnit for u, and the envelope of
// its geometry (nil for none). Properties that JSON cannot hold (NaN) are
// invalid input.
func unitRow(u *partition.Unit, n int64) ([]any, *orb.Bound, error) {
	var parent any
	if u.Parent != "" {
		parent = string(u.Parent)
	}
	staff, err := jsonOrNull(len(u.Staff) > 0, u.Staff)
	if err != nil {
		return nil, nil, fmt.Errorf("unit %s: encode staff: %w", u.Code, err)
	}
	props, err := jsonOrNull(len(u.Props) > 0, u.Props)
	if err != nil {
		return nil, nil, partition.Errorf(partition.Invalid, "unit %s: properties are not JSON: %v", u.Code, err)
	}
	g, err := encodeGeometry(u.Geometry)
	if err != nil {
		return nil, nil, fmt.Errorf("unit %s: %w", u.Code, err)
	}
	var env *orb.Bound
	if g != nil {
		if h, err := gpkgwkb.ParseHeader(g); err == nil && h.HasEnvelope {
			env = &h.Envelope
		}
	}
	// A BLOB geometry, TEXT JSON: GDAL reads a JSON column as a string.
	return []any{g, string(u.Code), u.Name, string(u.Level), string(u.Network), string(u.Kind), parent,
		u.Households, u.Population, staff, props, n}, env, nil
}

// jsonOrNull returns v as JSON text, or nil (SQL NULL) when present is false.
func jsonOrNull(present bool, v any) (any, error) {
	if !present {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

const insertVessel = "INSERT INTO vessels (id, name, type, crew, unit, valid_from) VALUES (?, ?, ?, ?, ?, ?)"

// insertVessels inserts vessels as rows valid from version n.
func insertVessels(ctx context.Context, tx *sql.Tx, vessels []partition.Vessel, n int64) error {
	if len(vessels) == 0 {
		return nil
	}
	stmt, err := tx.PrepareContext(ctx, insertVessel)
	if err != nil {
		return fmt.Errorf("prepare insert vessels: %w", err)
	}
	defer stmt.Close()
	for i := range vessels {
		v := &vessels[i]
		if _, err := stmt.ExecContext(ctx, v.ID, v.Name, string(v.Type), v.Crew, string(v.Unit), n); err != nil {
			return fmt.Errorf("insert vessel %s: %w", v.ID, err)
		}
	}
	return nil
}

// extent is the union of the envelopes of the geometries a publish writes.
type extent struct {
	bound orb.Bound
	ok    bool
}

func (e *extent) add(b orb.Bound) {
	if !e.ok {
		e.bound, e.ok = b, true
		return
	}
	e.bound = e.bound.Union(b)
}

// touchContents keeps gpkg_contents current, as GeoPackage asks: the
// last_change of the tables the publish wrote, and the extent of the
// feature tables grown by ext. Rows are never deleted, so the extent of
// units only grows; units_current gets the same, which may exceed the
// latest version's after a retirement, as the extent may.
func touchContents(ctx context.Context, tx *sql.Tx, units, vessels bool, ext extent) error {
	tables := []string{"versions"}
	if units {
		tables = append(tables, "units", "units_current")
	}
	if vessels {
		tables = append(tables, "vessels")
	}
	b, err := json.Marshal(tables)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE gpkg_contents SET last_change = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
		WHERE table_name IN (SELECT value FROM json_each(?))`, string(b))
	if err != nil {
		return fmt.Errorf("update gpkg_contents: %w", err)
	}
	if !ext.ok {
		return nil
	}
	_, err = tx.ExecContext(ctx, `UPDATE gpkg_contents SET
		min_x = min(coalesce(min_x, ?1), ?1), min_y = min(coalesce(min_y, ?2), ?2),
		max_x = max(coalesce(max_x, ?3), ?3), max_y = max(coalesce(max_y, ?4), ?4)
		WHERE table_name IN ('units', 'units_current')`, ext.bound.Min[0], ext.bound.Min[1], ext.bound.Max[0], ext.bound.Max[1])
	if err != nil {
		return fmt.Errorf("update gpkg_contents extent: %w", err)
	}
	return nil
}
