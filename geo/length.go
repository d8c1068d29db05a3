package geo

import (
	"math"

	"github.com/paulmach/orb"
)

// Meters is a length on the ground, in metres.
type Meters float64

// The GRS80 ellipsoid, which CGCS2000 uses. WGS84's flattening differs from
// it by 5e-9 of itself, which changes lengths and areas by about 2e-11.
const (
	grs80A    = 6378137.0                 // semi-major axis, metres
	grs80F    = 1 / 298.257222101         // flattening
	grs80B    = grs80A * (1 - grs80F)     // semi-minor axis, metres
	grs80E2   = grs80F * (2 - grs80F)     // first eccentricity squared
	grs80E    = 0.08181919104281579014590 // first eccentricity, √grs80E2
	radPerDeg = math.Pi / 180
)

// Vincenty's iteration stops when the auxiliary longitude changes by less
// than vincentyTol radians (about 6e-8 m on the ground: the distance is
// computed from the last step but one, so a looser 1e-12 would leave errors
// of several micrometres); it fails to converge only for nearly antipodal
// points.
const (
	vincentyTol     = 1e-14
	vincentyMaxIter = 200
)

// Distance is the geodesic (shortest) distance between a and b on the GRS80
// ellipsoid, by Vincenty's inverse formula, which agrees with PostGIS
// ST_Distance(geography) to well under a millimetre. For nearly antipodal
// points, where Vincenty's iteration does not converge, it falls back to the
// great-circle distance on a sphere of the mean radius, which is off by up to
// about 0.1% there (0.06% for exact antipodes on the equator); no boundary in
// China comes near that case.
func Distance(a, b orb.Point) Meters {
	if s, ok := vincenty(a, b); ok {
		return Meters(s)
	}
	return Meters(greatCircle(a, b))
}

// Length is the sum of the geodesic lengths of the segments of ls.
func Length(ls orb.LineString) Meters {
	var sum Meters
	for i := 1; i < len(ls); i++ {
		sum += Distance(ls[i-1], ls[i])
	}
	return sum
}

// vincenty solves the inverse geodesic problem on GRS80 (T. Vincenty, Survey
// Review 23(176), 1975). It reports false if the iteration does not converge.
func vincenty(p1, p2 orb.Point) (float64, bool) {
	L := (p2[0] - p1[0]) * radPerDeg
	u1 := math.Atan2((1-grs80F)*math.Sin(p1[1]*radPerDeg), math.Cos(p1[1]*radPerDeg))
	u2 := math.Atan2((1-grs80F)*math.Sin(p2[1]*radPerDeg), math.Cos(p2[1]*radPerDeg))
	sinU1, cosU1 := math.Sincos(u1)
	sinU2, cosU2 := math.Sincos(u2)

	lambda := L
	for range vincentyMaxIter {
		sinL, cosL := math.Sincos(lambda)
		sinSigma := math.Hypot(cosU2*sinL, cosU1*sinU2-sinU1*cosU2*cosL)
		if sinSigma == 0 {
			return 0, true // coincident points
		}
		cosSigma := sinU1*sinU2 + cosU1*cosU2*cosL
		sigma := math.Atan2(sinSigma, cosSigma)
		sinAlpha := cosU1 * cosU2 * sinL / sinSigma
		cos2Alpha := 1 - sinAlpha*sinAlpha
		cos2SigmaM := 0.0 // on the equator
		if cos2Alpha != 0 {
			cos2SigmaM = cosSigma - 2*sinU1*sinU2/cos2Alpha
		}
		c := grs80F / 16 * cos2Alpha * (4 + grs80F*(4-3*cos2Alpha))
		prev := lambda
		lambda = L + (1-c)*grs80F*sinAlpha*
			(sigma+c*sinSigma*(cos2SigmaM+c*cosSigma*(-1+2*cos2SigmaM*cos2SigmaM)))
		if math.Abs(lambda-prev) < vincentyTol {
			return vincentyLength(cos2Alpha, sigma, sinSigma, cosSigma, cos2SigmaM), true
		}
	}
	return 0, false
}

// vincentyLength is the last step of Vincenty's inverse: the geodesic length
// from the converged quantities on the auxiliary sphere.
func vincentyLength(cos2Alpha, sigma, sinSigma, cosSigma, cos2SigmaM float64) float64 {
	uSq := cos2Alpha * (grs80A*grs80A - grs80B*grs80B) / (grs80B * grs80B)
	A := 1 + uSq/16384*(4096+uSq*(-768+uSq*(320-175*uSq)))
	B := uSq / 1024 * (256 + uSq*(-128+uSq*(74-47*uSq)))
	c2 := cos2SigmaM * cos2SigmaM
	deltaSigma := B * sinSigma * (cos2SigmaM + B/4*(cosSigma*(-1+2*c2)-
		B/6*cos2SigmaM*(-3+4*sinSigma*sinSigma)*(-3+4*c2)))
	return grs80B * A * (sigma - deltaSigma)
}

// greatCircle is the haversine distance on a sphere of GRS80's mean radius
// (2a+b)/3.
func greatCircle(p1, p2 orb.Point) float64 {
	const r = (2*grs80A + grs80B) / 3
	phi1, phi2 := p1[1]*radPerDeg, p2[1]*radPerDeg
	dPhi, dLam := phi2-phi1, (p2[0]-p1[0])*radPerDeg
	h := math.Sin(dPhi/2)*math.Sin(dPhi/2) + math.Cos(phi1)*math.Cos(phi2)*math.Sin(dLam/2)*math.Sin(dLam/2)
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(h)))
}
