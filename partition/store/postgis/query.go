package postgis

import (
	"fmt"
	"time"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/partition/store/internal/sqlstore"
)

// dialect is the SQL of PostgreSQL with PostGIS: geometries as EWKB,
// times as timestamptz.
func dialect() sqlstore.Dialect {
	return sqlstore.Dialect{
		Params:         sqlstore.Dollar,
		NullGeometry:   "NULL::bytea",
		BBox:           bboxCondition,
		In:             func(p *sqlstore.Params, keys []string) string { return "= ANY(" + p.Add(keys) + ")" },
		EncodeGeometry: encodeGeometry,
		DecodeGeometry: decodeGeometry,
		EncodeTime:     func(t time.Time) any { return t },
		DecodeTime:     decodeTime,
	}
}

// decodeTime reads a timestamptz as pgx scans it into an any; NULL is the
// zero time.
func decodeTime(v any) (time.Time, error) {
	switch v := v.(type) {
	case nil:
		return time.Time{}, nil
	case time.Time:
		return v, nil
	}
	return time.Time{}, fmt.Errorf("got a %T, want a timestamptz", v)
}

// bboxCondition selects the units whose bounding box meets b. The GiST
// index finds the candidates with &&, whose boxes are float32, rounded
// outwards (a box ending at 122.1 ends at 122.1000061 there); the exact box
// of the geometry (ST_XMin…, in float64) decides, as in the GeoPackage
// store. Membership units have a NULL geom, which is in neither.
func bboxCondition(p *sqlstore.Params, b orb.Bound) string {
	minX, minY, maxX, maxY := p.Add(b.Min[0]), p.Add(b.Min[1]), p.Add(b.Max[0]), p.Add(b.Max[1])
	return fmt.Sprintf("geom && ST_MakeEnvelope(%[1]s, %[2]s, %[3]s, %[4]s, %[5]d)"+
		" AND ST_XMin(geom) <= %[3]s AND ST_XMax(geom) >= %[1]s AND ST_YMin(geom) <= %[4]s AND ST_YMax(geom) >= %[2]s",
		minX, minY, maxX, maxY, SRID)
}
