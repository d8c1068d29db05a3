package geo

import (
	"math"

	"github.com/paulmach/orb"
)

// MetersPerDegree returns how many metres one degree of longitude (kx) and
// one of latitude (ky) measure on the GRS80 ellipsoid at latitude lat
// (degrees): N·cosφ and M in metres per radian, times π/180. Near a point,
// dx·kx and dy·ky are a planar approximation of the ground: over a few
// kilometres it differs from [Distance] by parts in a million.
func MetersPerDegree(lat float64) (kx, ky float64) {
	s, c := math.Sincos(lat * radPerDeg)
	w := 1 - grs80E2*s*s
	n := grs80A / math.Sqrt(w)
	m := grs80A * (1 - grs80E2) / (w * math.Sqrt(w))
	return n * c * radPerDeg, m * radPerDeg
}

// LocalDistance is the distance between a and b in the planar approximation
// of the ground at their mean latitude: dx·kx and dy·ky by [MetersPerDegree]
// at (a_lat+b_lat)/2. It costs one Sincos and two square roots where
// [Distance] iterates, and errs by at most [LocalDistanceError] of the
// geodesic distance (checked in the tests against Distance up to 100 km and
// latitude 60°).
func LocalDistance(a, b orb.Point) Meters {
	kx, ky := MetersPerDegree((a[1] + b[1]) / 2)
	return Meters(math.Hypot((b[0]-a[0])*kx, (b[1]-a[1])*ky))
}

// LocalDistanceError bounds how far LocalDistance may be from Distance for
// two points up to d apart at latitudes within ±60°: a relative error that
// grows as (d/R)² (the curvature the plane leaves out) plus a micrometre
// for rounding: under 0.01 mm at 1 km, under a centimetre at 10 km, under
// 7 m at 100 km.
func LocalDistanceError(d Meters) Meters {
	r := float64(d) / 6.0e6 // d over a conservative earth radius
	return Meters(float64(d)*localErrK*r*r) + 1e-6
}

// localErrK: the measured worst case of |LocalDistance−Distance|/d over
// (d/R)² is 0.13 (for d ≤ 100 km, |lat| ≤ 60°; TestLocalDistanceError);
// 0.25 leaves a margin.
const localErrK = 0.25
