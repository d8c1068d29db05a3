// Package sqlq is what the two SQL stores (PostGIS and GeoPackage) share:
// the version-range predicate, the statements that list units and vessels,
// and the scanning of their rows. Each store supplies its placeholder style,
// its bounding-box condition and its geometry decoder.
package sqlq

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/partition"
)

// Params collects the arguments of a statement and renders their
// placeholders, so that one argument can be used twice.
type Params struct {
	args   []any
	prefix string
}

// Dollar numbers placeholders $1, $2 … (PostgreSQL).
func Dollar() *Params { return &Params{prefix: "$"} }

// Question numbers placeholders ?1, ?2 … (SQLite).
func Question() *Params { return &Params{prefix: "?"} }

// Add appends v and returns its placeholder.
func (p *Params) Add(v any) string {
	p.args = append(p.args, v)
	return p.prefix + strconv.Itoa(len(p.args))
}

// Args are the arguments added so far.
func (p *Params) Args() []any { return p.args }

// VisibleAt is the condition that a row is valid at the version in param.
func VisibleAt(param string) string {
	return fmt.Sprintf("valid_from <= %[1]s AND (valid_to IS NULL OR valid_to > %[1]s)", param)
}

// UnitColumns lists the columns ScanUnit reads, with geom as the geometry
// expression (a NULL of the right type when geometry is not wanted).
func UnitColumns(geom string) string {
	return "code, name, level, network, kind, coalesce(parent, ''), households, population, staff, props, " +
		geom + ", valid_from, coalesce(valid_to, 0)"
}

// Dialect is what differs between the stores when listing units.
type Dialect struct {
	NullGeometry string                          // the geometry column's NULL, e.g. "NULL::bytea"
	BBox         func(*Params, orb.Bound) string // the condition that a unit's box meets b
}

// Units builds the statement that lists the units q selects at version n,
// in code order (descending with q.Reverse).
func Units(d Dialect, p *Params, q *partition.Query, n int64) string {
	where := []string{VisibleAt(p.Add(n))}
	eq := func(col, v string) {
		if v != "" {
			where = append(where, col+" = "+p.Add(v))
		}
	}
	eq("level", string(q.Level))
	eq("network", string(q.Network))
	eq("kind", string(q.Kind))
	eq("parent", string(q.Parent))
	if q.Roots {
		where = append(where, "parent IS NULL")
	}
	if q.Prefix != "" {
		// A range rather than LIKE, GLOB or starts_with: a btree serves it,
		// in a generic plan too. In a byte-wise collation every code that
		// starts with the prefix sorts between it and it followed by
		// U+10FFFF, the greatest code point (codes are digits).
		where = append(where, "code >= "+p.Add(q.Prefix), "code < "+p.Add(q.Prefix+"\U0010FFFF"))
	}
	if q.BBox != nil {
		where = append(where, d.BBox(p, *q.BBox))
	}
	if q.After != "" {
		where = append(where, "code > "+p.Add(string(q.After)))
	}
	if q.Before != "" {
		where = append(where, "code < "+p.Add(string(q.Before)))
	}
	geom := "geom"
	if q.NoGeometry {
		geom = d.NullGeometry
	}
	order := " ORDER BY code"
	if q.Reverse {
		order += " DESC"
	}
	sql := "SELECT " + UnitColumns(geom) + " FROM units WHERE " + strings.Join(where, " AND ") + order
	if q.Limit > 0 {
		sql += " LIMIT " + p.Add(q.Limit)
	}
	return sql
}

// VesselColumns lists the columns ScanVessel reads.
const VesselColumns = "id, name, type, crew, unit, valid_from, coalesce(valid_to, 0)"

// Vessels builds the statement that lists the vessels q selects at version
// n, in id order.
func Vessels(p *Params, q *partition.VesselQuery, n int64) string {
	where := []string{VisibleAt(p.Add(n))}
	if q.Unit != "" {
		where = append(where, "unit = "+p.Add(string(q.Unit)))
	}
	if q.After != "" {
		where = append(where, "id > "+p.Add(q.After))
	}
	sql := "SELECT " + VesselColumns + " FROM vessels WHERE " + strings.Join(where, " AND ") + " ORDER BY id"
	if q.Limit > 0 {
		sql += " LIMIT " + p.Add(q.Limit)
	}
	return sql
}

// Scanner is a row of either driver.
type Scanner interface {
	Scan(dest ...any) error
}

// ScanUnit reads the columns of UnitColumns; decode turns the stored
// geometry (nil for SQL NULL) into a multipolygon.
func ScanUnit(row Scanner, decode func([]byte) (orb.MultiPolygon, error)) (partition.Unit, error) {
	var (
		u                    partition.Unit
		code, parent         string
		level, network, kind string
		staff, props, g      []byte
	)
	err := row.Scan(&code, &u.Name, &level, &network, &kind, &parent, &u.Households, &u.Population,
		&staff, &props, &g, &u.ValidFrom, &u.ValidTo)
	if err != nil {
		return u, err
	}
	u.Code, u.Parent = partition.Code(code), partition.Code(parent)
	u.Level, u.Network, u.Kind = partition.Level(level), partition.Network(network), partition.Kind(kind)
	if staff != nil {
		if err := json.Unmarshal(staff, &u.Staff); err != nil {
			return u, fmt.Errorf("unit %s: decode staff: %w", code, err)
		}
	}
	if props != nil {
		if err := json.Unmarshal(props, &u.Props); err != nil {
			return u, fmt.Errorf("unit %s: decode props: %w", code, err)
		}
	}
	if u.Geometry, err = decode(g); err != nil {
		return u, fmt.Errorf("unit %s: %w", code, err)
	}
	return u, nil
}

// ScanVessel reads the columns of VesselColumns.
func ScanVessel(row Scanner) (partition.Vessel, error) {
	var (
		v         partition.Vessel
		typ, unit string
	)
	if err := row.Scan(&v.ID, &v.Name, &typ, &v.Crew, &unit, &v.ValidFrom, &v.ValidTo); err != nil {
		return v, err
	}
	v.Type, v.Unit = partition.VesselType(typ), partition.Code(unit)
	return v, nil
}

// Rows is a result set of either driver.
type Rows interface {
	Scanner
	Next() bool
	Err() error
}

// Each scans every row with scan and hands it to fn, stopping at fn's first
// error, which it returns unchanged; what names the list in other errors.
// The caller closes rows.
func Each[T any](rows Rows, scan func(Scanner) (T, error), fn func(T) error, what string) error {
	for rows.Next() {
		x, err := scan(rows)
		if err != nil {
			return fmt.Errorf("list %s: %w", what, err)
		}
		if err := fn(x); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("list %s: %w", what, err)
	}
	return nil
}

// NoVersion is the not_found error for an AsOf that selects no version.
func NoVersion(at partition.AsOf) error {
	switch {
	case at.Version != 0:
		return partition.Errorf(partition.NotFound, "version %d does not exist", at.Version)
	case !at.Time.IsZero():
		return partition.Errorf(partition.NotFound, "no version was published at or before %s", at.Time.Format(time.RFC3339Nano))
	}
	return partition.Errorf(partition.NotFound, "no version has been published")
}

// ForList turns the error of resolving a listing's version into the
// listing's: the latest version of an empty store lists nothing (ok false,
// no error); any other error stands.
func ForList(at partition.AsOf, err error) (ok bool, _ error) {
	if err == nil {
		return true, nil
	}
	if at.Latest() && partition.KindOf(err) == partition.NotFound {
		return false, nil
	}
	return false, err
}
