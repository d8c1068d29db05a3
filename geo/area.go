package geo

import (
	"math"

	"github.com/paulmach/orb"
)

// SquareMeters is an area on the ground, in square metres.
type SquareMeters float64

// Area is the area of g on the GRS80 ellipsoid. Polygon, MultiPolygon and
// Ring have an area; a Collection has the sum of its members'; a Bound is the
// lon/lat rectangle whose north and south edges follow parallels; any other
// geometry has none (0).
//
// Edges are geodesics, as in PostGIS geography, and ring orientation does not
// matter: a polygon's area is that of its shell less those of its holes.
// Parts of a multipolygon are simply added up, so an overlap between two
// parts is counted twice (as ST_Area does); union them first if that
// matters. Rings must not enclose a pole, and no edge may span 180° of
// longitude or more.
//
// Method: on the cylindrical equal-area projection of the authalic latitude,
// areas are exact and a ring's area is the shoelace sum (a²/2)·|∮ q dλ|, with
// q the authalic function of the latitude. Taking each edge as the
// projection's straight line would be off by up to 1e-5 of a real county's
// area (edges are not geodesics there); so ∫ q dλ is taken along the
// geodesic itself, by quadrature (see edgeIntegral). Against PostGIS
// ST_Area(geography), which uses Karney's geodesic polygon area, the real
// county and city boundaries agree to 2e-11 (the GRS80/WGS84 difference) and
// shapes with edges of up to 10° to 2e-9.
func Area(g orb.Geometry) SquareMeters {
	switch g := g.(type) {
	case orb.Ring:
		return SquareMeters(math.Abs(ringArea(g)))
	case orb.Polygon:
		return polygonArea(g)
	case orb.MultiPolygon:
		var sum SquareMeters
		for _, p := range g {
			sum += polygonArea(p)
		}
		return sum
	case orb.Collection:
		var sum SquareMeters
		for _, c := range g {
			sum += Area(c)
		}
		return sum
	case orb.Bound:
		dq := authalicQ(math.Sin(g.Max[1]*radPerDeg)) - authalicQ(math.Sin(g.Min[1]*radPerDeg))
		return SquareMeters(grs80A * grs80A / 2 * math.Abs((g.Max[0]-g.Min[0])*radPerDeg*dq))
	}
	return 0
}

func polygonArea(p orb.Polygon) SquareMeters {
	if len(p) == 0 {
		return 0
	}
	a := math.Abs(ringArea(p[0]))
	for _, hole := range p[1:] {
		a -= math.Abs(ringArea(hole))
	}
	return SquareMeters(a)
}

// ringArea is the signed area of r in square metres, positive when r runs
// counter-clockwise in lon/lat. An unclosed ring is closed implicitly.
func ringArea(r orb.Ring) float64 {
	if len(r) < 3 {
		return 0
	}
	// Integrating q - q0 rather than q gives the same closed-ring sum with
	// much smaller terms, so less rounding.
	q0 := authalicQ(math.Sin(clampLat(r[0][1]) * radPerDeg))
	var sum float64
	for i, p := range r {
		next := r[0]
		if i+1 < len(r) {
			next = r[i+1]
		}
		sum += edgeIntegral(p, next, q0)
	}
	return -grs80A * grs80A / 2 * sum
}

// The two-point Gauss–Legendre rule on [0, 1]: nodes ½ ∓ ½/√3, weights ½,
// exact for cubics. An edge is cut into pieces spanning at most maxPieceDeg
// of longitude and of latitude; county edges, far shorter, take one piece.
const (
	gaussLo     = 0.5 - 0.5/1.7320508075688772935274463
	gaussHi     = 0.5 + 0.5/1.7320508075688772935274463
	maxPieceDeg = 0.5
)

// edgeIntegral is ∫ (q(φ) - q0) dλ along the geodesic from p to next, the
// shorter way round in longitude.
//
// A geodesic is a great circle on the auxiliary sphere of reduced latitude β
// (tan β = (1-f)·tan φ) and auxiliary longitude ω, with dλ/dω =
// √(1-e²cos²β) (Karney, "Algorithms for geodesics", J. Geodesy 87, 2013,
// §2). So, with u running uniformly in ω from 0 to 1 along the edge,
//
//	tan β(u) = (tan β1·sin((1-u)Δω) + tan β2·sin(uΔω)) / sin Δω,
//	∫ q dλ  = Δλ · ∫ q·k du / ∫ k du,   k = √(1-e²cos²β),
//
// both integrals by Gauss–Legendre quadrature. Δω is first taken as Δλ / k
// at the endpoints' mean tan β, then as Δλ over the mean k along the path
// until that settles to 1e-7; the first guess is that close for edges
// spanning less than about half a degree of latitude, so county edges take
// one pass.
func edgeIntegral(p, next orb.Point, q0 float64) float64 {
	dLon := next[0] - p[0]
	switch {
	case dLon > 180:
		dLon -= 360
	case dLon < -180:
		dLon += 360
	}
	if dLon == 0 {
		return 0 // a meridian: q dλ vanishes
	}
	dl := dLon * radPerDeg
	e := auxEdge{
		tb1: (1 - grs80F) * math.Tan(clampLat(p[1])*radPerDeg),
		tb2: (1 - grs80F) * math.Tan(clampLat(next[1])*radPerDeg),
		n:   math.Ceil(math.Max(math.Abs(dLon), math.Abs(next[1]-p[1])) / maxPieceDeg),
		q0:  q0,
	}
	tbm := (e.tb1 + e.tb2) / 2
	dw := dl / math.Sqrt(1-grs80E2/(1+tbm*tbm))
	var qk, kMean float64
	for range 4 {
		qk, kMean = e.integrate(dw)
		refined := dl / kMean
		settled := math.Abs(refined-dw) <= 1e-7*math.Abs(dw)
		dw = refined
		if settled {
			break
		}
	}
	return dl * qk / kMean
}

// auxEdge is an edge on the auxiliary sphere: the tangents of its endpoints'
// reduced latitudes, its number of quadrature pieces and the q subtracted.
type auxEdge struct {
	tb1, tb2, n, q0 float64
}

// integrate returns the means of (q-q0)·k and of k over the great circle
// spanning dw of auxiliary longitude.
func (e auxEdge) integrate(dw float64) (qk, k float64) {
	sinDw := math.Sin(dw)
	for i := 0.0; i < e.n; i++ {
		for _, node := range [2]float64{gaussLo, gaussHi} {
			u := (i + node) / e.n
			tb := (e.tb1*math.Sin((1-u)*dw) + e.tb2*math.Sin(u*dw)) / sinDw
			kk := math.Sqrt(1 - grs80E2/(1+tb*tb))
			tp := tb / (1 - grs80F)
			qk += (authalicQ(tp/math.Sqrt(1+tp*tp)) - e.q0) * kk
			k += kk
		}
	}
	return qk / (2 * e.n), k / (2 * e.n)
}

// authalicQ is q(φ) = (1-e²)·(sin φ/(1-e²sin²φ) + atanh(e·sin φ)/e), from
// sin φ: the area between the equator and φ per radian of longitude is
// a²/2·q(φ) (Snyder, Map Projections: A Working Manual, eq. 3-12).
func authalicQ(sinPhi float64) float64 {
	return (1 - grs80E2) * (sinPhi/(1-grs80E2*sinPhi*sinPhi) + math.Atanh(grs80E*sinPhi)/grs80E)
}

// clampLat keeps a latitude a hair off the poles, where tan φ is infinite.
func clampLat(lat float64) float64 {
	const limit = 90 - 1e-9
	return math.Max(-limit, math.Min(limit, lat))
}
