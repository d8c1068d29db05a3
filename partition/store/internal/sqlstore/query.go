package sqlstore

import (
	"fmt"
	"strconv"
	"strings"

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

// visibleAt is the condition that a row is valid at the version in param.
func visibleAt(param string) string {
	return fmt.Sprintf("valid_from <= %[1]s AND (valid_to IS NULL OR valid_to > %[1]s)", param)
}

// versionColumns lists the columns scanVersion reads.
const versionColumns = "number, published_at, coalesce(note, '')"

// unitColumns lists the columns scanUnit reads, with geom as the geometry
// expression (a NULL of the right type when geometry is not wanted).
func unitColumns(geom string) string {
	return "code, name, level, network, kind, coalesce(parent, ''), households, population, staff, props, " +
		geom + ", valid_from, coalesce(valid_to, 0)"
}

// unitsQuery builds the statement that lists the units q selects at
// version n, in code order (descending with q.Reverse).
func (d *Dialect) unitsQuery(p *Params, q *partition.Query, n int64) string {
	where := []string{visibleAt(p.Add(n))}
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
	sql := "SELECT " + unitColumns(geom) + " FROM units WHERE " + strings.Join(where, " AND ") + order
	if q.Limit > 0 {
		sql += " LIMIT " + p.Add(q.Limit)
	}
	return sql
}

// vesselColumns lists the columns scanVessel reads.
const vesselColumns = "id, name, type, crew, unit, valid_from, coalesce(valid_to, 0)"

// vesselsQuery builds the statement that lists the vessels q selects at
// version n, in id order.
func vesselsQuery(p *Params, q *partition.VesselQuery, n int64) string {
	where := []string{visibleAt(p.Add(n))}
	if q.Unit != "" {
		where = append(where, "unit = "+p.Add(string(q.Unit)))
	}
	if q.After != "" {
		where = append(where, "id > "+p.Add(q.After))
	}
	sql := "SELECT " + vesselColumns + " FROM vessels WHERE " + strings.Join(where, " AND ") + " ORDER BY id"
	if q.Limit > 0 {
		sql += " LIMIT " + p.Add(q.Limit)
	}
	return sql
}
