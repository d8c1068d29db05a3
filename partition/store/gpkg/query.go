package gpkg

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo/gpkgwkb"
	"github.com/wangge/wangge/partition/store/internal/sqlstore"
)

// dialect is the SQL of the GeoPackage: SQLite's, with geometries as
// GeoPackage binary and times as text.
func dialect() sqlstore.Dialect {
	return sqlstore.Dialect{
		Params:         sqlstore.Question,
		NullGeometry:   "NULL",
		BBox:           bboxCondition,
		In:             inJSON,
		EncodeGeometry: encodeGeometry,
		DecodeGeometry: decodeGeometry,
		EncodeTime:     func(t time.Time) any { return formatTime(t) },
		DecodeTime:     parseTime,
	}
}

// timeLayout is how published_at is stored: UTC, RFC 3339 with exactly nine
// fraction digits, so that comparing the text compares the times.
const timeLayout = "2006-01-02T15:04:05.000000000Z07:00"

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// parseTime reads a stored published_at; NULL is the zero time.
func parseTime(v any) (time.Time, error) {
	switch v := v.(type) {
	case nil:
		return time.Time{}, nil
	case string:
		return time.Parse(time.RFC3339Nano, v)
	}
	return time.Time{}, fmt.Errorf("got a %T, want RFC 3339 text", v)
}

// bboxCondition selects the units whose bounding box intersects b. The
// R-tree finds the candidates; its boxes are float32, rounded outwards, so
// the exact envelope of the geometry header decides. Membership units have a
// NULL geom, which is in neither.
func bboxCondition(p *sqlstore.Params, b orb.Bound) string {
	minX, minY, maxX, maxY := p.Add(b.Min[0]), p.Add(b.Min[1]), p.Add(b.Max[0]), p.Add(b.Max[1])
	return fmt.Sprintf("fid IN (SELECT id FROM rtree_units_geom WHERE minx <= %[3]s AND maxx >= %[1]s AND miny <= %[4]s AND maxy >= %[2]s)"+
		" AND ST_MinX(geom) <= %[3]s AND ST_MaxX(geom) >= %[1]s AND ST_MinY(geom) <= %[4]s AND ST_MaxY(geom) >= %[2]s",
		minX, minY, maxX, maxY)
}

// inJSON is the rest of the condition that a column is one of keys, passed
// as one JSON array.
func inJSON(p *sqlstore.Params, keys []string) string {
	return "IN (SELECT value FROM json_each(" + p.Add(jsonArray(keys)) + "))"
}

// jsonArray returns ss as a JSON array.
func jsonArray(ss []string) string {
	b, _ := json.Marshal(ss) // a []string always marshals
	return string(b)
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
