package postgis

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/wangge/wangge/partition"
)

// visibleAt is the condition that a row is valid at the version in param.
func visibleAt(param string) string {
	return fmt.Sprintf("valid_from <= %[1]s AND (valid_to IS NULL OR valid_to > %[1]s)", param)
}

// unitSelect lists the columns scanUnit reads; without geometry, geom is NULL.
func unitSelect(noGeometry bool) string {
	g := "geom"
	if noGeometry {
		g = "NULL::bytea"
	}
	return "code, name, level, network, kind, coalesce(parent, ''), households, population, staff, props, " +
		g + ", valid_from, coalesce(valid_to, 0)"
}

// params collects the arguments of a query and names their placeholders.
type params []any

func (p *params) add(v any) string {
	*p = append(*p, v)
	return "$" + strconv.Itoa(len(*p))
}

// unitQuery builds the statement that lists the units q selects at version n.
func unitQuery(q *partition.Query, n int64) (string, []any) {
	var p params
	where := []string{visibleAt(p.add(n))}
	eq := func(col, v string) {
		if v != "" {
			where = append(where, col+" = "+p.add(v))
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
		// A range rather than starts_with or LIKE: a btree serves it in a
		// generic plan too. In the "C" collation every code that starts
		// with the prefix sorts between it and it followed by U+10FFFF, the
		// greatest code point (codes are digits, so none contains it).
		where = append(where, "code >= "+p.add(q.Prefix), "code < "+p.add(q.Prefix+"\U0010FFFF"))
	}
	if b := q.BBox; b != nil {
		// Membership units have a NULL geom, for which && is never true.
		where = append(where, fmt.Sprintf("geom && ST_MakeEnvelope(%s, %s, %s, %s, %d)",
			p.add(b.Min[0]), p.add(b.Min[1]), p.add(b.Max[0]), p.add(b.Max[1]), SRID))
	}
	if q.After != "" {
		where = append(where, "code > "+p.add(string(q.After)))
	}
	sql := "SELECT " + unitSelect(q.NoGeometry) + " FROM units WHERE " + strings.Join(where, " AND ") + " ORDER BY code"
	if q.Limit > 0 {
		sql += " LIMIT " + p.add(q.Limit)
	}
	return sql, p
}

const vesselSelect = "id, name, type, crew, unit, valid_from, coalesce(valid_to, 0)"

// vesselQuery builds the statement that lists the vessels q selects at version n.
func vesselQuery(q *partition.VesselQuery, n int64) (string, []any) {
	var p params
	where := []string{visibleAt(p.add(n))}
	if q.Unit != "" {
		where = append(where, "unit = "+p.add(string(q.Unit)))
	}
	if q.After != "" {
		where = append(where, "id > "+p.add(q.After))
	}
	sql := "SELECT " + vesselSelect + " FROM vessels WHERE " + strings.Join(where, " AND ") + " ORDER BY id"
	if q.Limit > 0 {
		sql += " LIMIT " + p.add(q.Limit)
	}
	return sql, p
}

// scanUnit reads the columns of unitSelect.
func scanUnit(row pgx.Row) (partition.Unit, error) {
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
	if u.Geometry, err = decodeGeometry(g); err != nil {
		return u, fmt.Errorf("unit %s: %w", code, err)
	}
	return u, nil
}

// scanVessel reads the columns of vesselSelect.
func scanVessel(row pgx.Row) (partition.Vessel, error) {
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
