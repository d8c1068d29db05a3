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

// bboxCondition selects the units whose bounding box meets b. Membership
// units have a NULL geom, for which && is never true.
func bboxCondition(p *sqlq.Params, b orb.Bound) string {
	return fmt.Sprintf("geom && ST_MakeEnvelope(%s, %s, %s, %s, %d)",
		p.Add(b.Min[0]), p.Add(b.Min[1]), p.Add(b.Max[0]), p.Add(b.Max[1]), SRID)
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
