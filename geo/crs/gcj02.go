package crs

import (
	"math"

	"github.com/paulmach/orb"
)

// The published GCJ-02 formula works on the Krasovsky 1940 ellipsoid.
const (
	krasovskyA  = 6378245.0              // semi-major axis, metres
	krasovskyE2 = 0.00669342162296594323 // first eccentricity squared
	degPerRad   = 180 / math.Pi          // degrees in one radian
	inverseTol  = 1e-10                  // degrees; both inverses stop below this
	maxIter     = 30                     // cap on inverse iterations
	chinaMinLon = 72.004                 // China's rough bounding box, as in
	chinaMaxLon = 137.8347               // gcoord and eviltransform (npm
	chinaMinLat = 0.8293                 // coordtransform uses a tighter
	chinaMaxLat = 55.8271                // one); no offset outside it
)

// outOfChina reports whether GCJ-02 leaves the point (lon, lat) unchanged.
func outOfChina(lon, lat float64) bool {
	return lon < chinaMinLon || lon > chinaMaxLon || lat < chinaMinLat || lat > chinaMaxLat
}

// wgs84ToGCJ02 applies the published forward offset inside China.
func wgs84ToGCJ02(p orb.Point) orb.Point {
	if outOfChina(p[0], p[1]) {
		return p
	}
	return gcj02Offset(p)
}

// gcj02Offset applies the forward offset without the bounding-box test.
func gcj02Offset(p orb.Point) orb.Point {
	lon, lat := p[0], p[1]
	x, y := lon-105, lat-35
	dLon, dLat := offsetLon(x, y), offsetLat(x, y)
	rad := lat / degPerRad
	s := math.Sin(rad)
	m := 1 - krasovskyE2*s*s
	sm := math.Sqrt(m)
	dLon = dLon * degPerRad / (krasovskyA / sm * math.Cos(rad))
	dLat = dLat * degPerRad / (krasovskyA * (1 - krasovskyE2) / (m * sm))
	return orb.Point{lon + dLon, lat + dLat}
}

// offsetLat is the published latitude offset polynomial, in metres on the
// Krasovsky ellipsoid, of x = lon-105, y = lat-35.
func offsetLat(x, y float64) float64 {
	r := -100 + 2*x + 3*y + 0.2*y*y + 0.1*x*y + 0.2*math.Sqrt(math.Abs(x))
	r += (20*math.Sin(6*x*math.Pi) + 20*math.Sin(2*x*math.Pi)) * 2 / 3
	r += (20*math.Sin(y*math.Pi) + 40*math.Sin(y/3*math.Pi)) * 2 / 3
	r += (160*math.Sin(y/12*math.Pi) + 320*math.Sin(y*math.Pi/30)) * 2 / 3
	return r
}

// offsetLon is the published longitude offset polynomial, in metres on the
// Krasovsky ellipsoid, of x = lon-105, y = lat-35.
func offsetLon(x, y float64) float64 {
	r := 300 + x + 2*y + 0.1*x*x + 0.1*x*y + 0.1*math.Sqrt(math.Abs(x))
	r += (20*math.Sin(6*x*math.Pi) + 20*math.Sin(2*x*math.Pi)) * 2 / 3
	r += (20*math.Sin(x*math.Pi) + 40*math.Sin(x/3*math.Pi)) * 2 / 3
	r += (150*math.Sin(x/12*math.Pi) + 300*math.Sin(x/30*math.Pi)) * 2 / 3
	return r
}

// gcj02ToWGS84 inverts the forward offset by fixed-point iteration: the
// offset changes by less than 0.3% of a step between neighbouring points, so
// each step gains more than two digits and at most 5 steps reach 1e-10°.
// A point outside China's box is returned unchanged, as the forward leaves
// it. The iteration itself ignores the box, so a GCJ-02 point just inside
// its edge may map to a WGS84 point just outside, whose forward is then
// unchanged: the published formula is discontinuous there.
func gcj02ToWGS84(g orb.Point) orb.Point {
	if outOfChina(g[0], g[1]) {
		return g
	}
	return invertFrom(g, g, gcj02Offset)
}

// invertFrom solves forward(w) = target for w, starting at start, by the
// fixed-point iteration w ← w − (forward(w) − target). That converges fast
// for a forward that moves points by a smooth, slowly varying offset. It
// stops once a step is below inverseTol degrees, or after maxIter steps.
func invertFrom(start, target orb.Point, forward func(orb.Point) orb.Point) orb.Point {
	w := start
	for range maxIter {
		f := forward(w)
		dx, dy := f[0]-target[0], f[1]-target[1]
		w = orb.Point{w[0] - dx, w[1] - dy}
		if math.Abs(dx) < inverseTol && math.Abs(dy) < inverseTol {
			break
		}
	}
	return w
}
