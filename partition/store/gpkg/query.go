package gpkg

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo/gpkgwkb"
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
		g = "NULL"
	}
	return "code, name, level, network, kind, coalesce(parent, ''), households, population, staff, props, " +
		g + ", valid_from, coalesce(valid_to, 0)"
}

// params collects the arguments of a query and names their placeholders
// ?1, ?2 …, so that one argument can be used twice.
type params []any

func (p *params) add(v any) string {
	*p = append(*p, v)
	return "?" + strconv.Itoa(len(*p))
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
		// A range rather than LIKE (case-insensitive) or GLOB (wildcards):
		// in the BINARY collation every code that starts with the prefix
		// sorts between it and it followed by U+10FFFF, whose UTF-8 bytes no
		// valid code contains; the code index serves it.
		where = append(where, "code >= "+p.add(q.Prefix), "code < "+p.add(q.Prefix+"\U0010FFFF"))
	}
	if b := q.BBox; b != nil {
		where = append(where, bboxCondition(&p, *b))
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

// bboxCondition selects the units whose bounding box intersects b. The
// R-tree finds the candidates; its boxes are float32, rounded outwards, so
// the exact envelope of the geometry header decides. Membership units have a
// NULL geom, which is in neither.
func bboxCondition(p *params, b orb.Bound) string {
	minX, minY, maxX, maxY := p.add(b.Min[0]), p.add(b.Min[1]), p.add(b.Max[0]), p.add(b.Max[1])
	return fmt.Sprintf("fid IN (SELECT id FROM rtree_units_geom WHERE minx <= %[3]s AND maxx >= %[1]s AND miny <= %[4]s AND maxy >= %[2]s)"+
		" AND ST_MinX(geom) <= %[3]s AND ST_MaxX(geom) >= %[1]s AND ST_MinY(geom) <= %[4]s AND ST_MaxY(geom) >= %[2]s",
		minX, minY, maxX, maxY)
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

// scanner is a *sql.Row or *sql.Rows.
type scanner interface {
	Scan(dest ...any) error
}

// scanUnit reads the columns of unitSelect.
func scanUnit(row scanner) (partition.Unit, error) {
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
func scanVessel(row scanner) (partition.Vessel, error) {
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

// encodeGeometry returns mp as a GeoPackage binary geometry with SRS 4490,
// or nil (SQL NULL) for a unit without geometry. Coordinates are copied as
// they are: no ring is reoriented, closed or deduplicated.
func encodeGeometry(mp orb.MultiPolygon) ([]byte, error) {
	if mp == nil {
		return nil, nil
	}
	b, err := gpkgwkb.Marshal(mp, SRSID)
	if err != nil {
		return nil, fmt.Errorf("encode geometry: %w", err)
	}
	return b, nil
}

// decodeGeometry turns a stored geometry into a multipolygon; nil bytes (SQL
// NULL) give a nil geometry. A Polygon, as another tool may have written,
// becomes a one-part MultiPolygon.
func decodeGeometry(b []byte) (orb.MultiPolygon, error) {
	if b == nil {
		return nil, nil
	}
	g, h, err := gpkgwkb.Unmarshal(b)
	if err != nil {
		return nil, fmt.Errorf("decode geometry: %w", err)
	}
	if h.SRSID != SRSID {
		return nil, fmt.Errorf("decode geometry: got srs_id %d, want %d", h.SRSID, SRSID)
	}
	switch g := g.(type) {
	case orb.MultiPolygon:
		return g, nil
	case orb.Polygon:
		return orb.MultiPolygon{g}, nil
	}
	return nil, fmt.Errorf("decode geometry: got a %s, want a MultiPolygon", g.GeoJSONType())
}
