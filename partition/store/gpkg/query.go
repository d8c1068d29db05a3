package gpkg

import (
	"fmt"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo/gpkgwkb"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/store/internal/sqlq"
)

// visibleAt is the condition that a row is valid at the version in param.
func visibleAt(param string) string { return sqlq.VisibleAt(param) }

// unitSelect lists the columns scanUnit reads; without geometry, geom is NULL.
func unitSelect(noGeometry bool) string {
	if noGeometry {
		return sqlq.UnitColumns("NULL")
	}
	return sqlq.UnitColumns("geom")
}

// unitQuery builds the statement that lists the units q selects at version n.
func unitQuery(q *partition.Query, n int64) (string, []any) {
	p := sqlq.Question()
	return sqlq.Units(sqlq.Dialect{NullGeometry: "NULL", BBox: bboxCondition}, p, q, n), p.Args()
}

// bboxCondition selects the units whose bounding box intersects b. The
// R-tree finds the candidates; its boxes are float32, rounded outwards, so
// the exact envelope of the geometry header decides. Membership units have a
// NULL geom, which is in neither.
func bboxCondition(p *sqlq.Params, b orb.Bound) string {
	minX, minY, maxX, maxY := p.Add(b.Min[0]), p.Add(b.Min[1]), p.Add(b.Max[0]), p.Add(b.Max[1])
	return fmt.Sprintf("fid IN (SELECT id FROM rtree_units_geom WHERE minx <= %[3]s AND maxx >= %[1]s AND miny <= %[4]s AND maxy >= %[2]s)"+
		" AND ST_MinX(geom) <= %[3]s AND ST_MaxX(geom) >= %[1]s AND ST_MinY(geom) <= %[4]s AND ST_MaxY(geom) >= %[2]s",
		minX, minY, maxX, maxY)
}

const vesselSelect = sqlq.VesselColumns

// vesselQuery builds the statement that lists the vessels q selects at version n.
func vesselQuery(q *partition.VesselQuery, n int64) (string, []any) {
	p := sqlq.Question()
	return sqlq.Vessels(p, q, n), p.Args()
}

// scanner is a *sql.Row or *sql.Rows.
type scanner = sqlq.Scanner

// scanUnit reads the columns of unitSelect.
func scanUnit(row scanner) (partition.Unit, error) { return sqlq.ScanUnit(row, decodeGeometry) }

// scanVessel reads the columns of vesselSelect.
func scanVessel(row scanner) (partition.Vessel, error) { return sqlq.ScanVessel(row) }

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
