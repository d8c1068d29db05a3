package postgis

import (
	"fmt"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/store/internal/sqlq"
)

// visibleAt is the condition that a row is valid at the version in param.
func visibleAt(param string) string { return sqlq.VisibleAt(param) }

// unitSelect lists the columns scanUnit reads; without geometry, geom is NULL.
func unitSelect(noGeometry bool) string {
	if noGeometry {
		return sqlq.UnitColumns("NULL::bytea")
	}
	return sqlq.UnitColumns("geom")
}

// unitQuery builds the statement that lists the units q selects at version n.
func unitQuery(q *partition.Query, n int64) (string, []any) {
	p := sqlq.Dollar()
	return sqlq.Units(sqlq.Dialect{NullGeometry: "NULL::bytea", BBox: bboxCondition}, p, q, n), p.Args()
}

// bboxCondition selects the units whose bounding box meets b. The GiST
// index finds the candidates with &&, whose boxes are float32, rounded
// outwards (a box ending at 122.1 ends at 122.1000061 there); the exact box
// of the geometry (ST_XMin…, in float64) decides, as in the GeoPackage
// store. Membership units have a NULL geom, which is in neither.
func bboxCondition(p *sqlq.Params, b orb.Bound) string {
	minX, minY, maxX, maxY := p.Add(b.Min[0]), p.Add(b.Min[1]), p.Add(b.Max[0]), p.Add(b.Max[1])
	return fmt.Sprintf("geom && ST_MakeEnvelope(%[1]s, %[2]s, %[3]s, %[4]s, %[5]d)"+
		" AND ST_XMin(geom) <= %[3]s AND ST_XMax(geom) >= %[1]s AND ST_YMin(geom) <= %[4]s AND ST_YMax(geom) >= %[2]s",
		minX, minY, maxX, maxY, SRID)
}

const vesselSelect = sqlq.VesselColumns

// vesselQuery builds the statement that lists the vessels q selects at version n.
func vesselQuery(q *partition.VesselQuery, n int64) (string, []any) {
	p := sqlq.Dollar()
	return sqlq.Vessels(p, q, n), p.Args()
}

// scanUnit reads the columns of unitSelect.
func scanUnit(row sqlq.Scanner) (partition.Unit, error) { return sqlq.ScanUnit(row, decodeGeometry) }

// scanVessel reads the columns of vesselSelect.
func scanVessel(row sqlq.Scanner) (partition.Vessel, error) { return sqlq.ScanVessel(row) }
