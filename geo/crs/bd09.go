package crs

import (
	"math"

	"github.com/paulmach/orb"
)

// Baidu's published BD-09 constants: the angular factor x_pi = π·3000/180 and
// the final shift in degrees.
const (
	baiduXPi      = math.Pi * 3000 / 180
	baiduShiftLon = 0.0065
	baiduShiftLat = 0.006
)

// gcj02ToBD09 is Baidu's published forward formula. Unlike GCJ-02 it has no
// bounding box: it applies everywhere.
func gcj02ToBD09(p orb.Point) orb.Point {
	x, y := p[0], p[1]
	z := math.Hypot(x, y) + 0.00002*math.Sin(y*baiduXPi)
	theta := math.Atan2(y, x) + 0.000003*math.Cos(x*baiduXPi)
	return orb.Point{z*math.Cos(theta) + baiduShiftLon, z*math.Sin(theta) + baiduShiftLat}
}

// bd09ToGCJ02 inverts gcj02ToBD09 exactly. The usual closed-form inverse
// (subtracting the perturbation evaluated at the BD-09 point) is off by up
// to about 2e-6° (0.2 m) in China; it serves as the starting point of the
// same fixed-point iteration as the GCJ-02 inverse, run to 1e-10°.
func bd09ToGCJ02(b orb.Point) orb.Point {
	x, y := b[0]-baiduShiftLon, b[1]-baiduShiftLat
	z := math.Hypot(x, y) - 0.00002*math.Sin(y*baiduXPi)
	theta := math.Atan2(y, x) - 0.000003*math.Cos(x*baiduXPi)
	start := orb.Point{z * math.Cos(theta), z * math.Sin(theta)}
	return invertFrom(start, b, gcj02ToBD09)
}
