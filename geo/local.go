package geo

import "math"

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
