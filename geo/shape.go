package geo

import (
	"math"

	"github.com/paulmach/orb"
)

// OrientRings returns mp with every shell counter-clockwise and every hole
// clockwise in the lon/lat plane (rings are reversed in a copy where needed;
// mp itself is not changed). Consistent orientation lets shared edges be
// matched: two neighbours walk their common edge in opposite directions.
func OrientRings(mp orb.MultiPolygon) orb.MultiPolygon {
	out := make(orb.MultiPolygon, len(mp))
	for i, p := range mp {
		q := make(orb.Polygon, len(p))
		for j, r := range p {
			ccw := planarSignedArea(r) > 0
			if ccw == (j == 0) {
				q[j] = r
				continue
			}
			rev := make(orb.Ring, len(r))
			for k := range r {
				rev[k] = r[len(r)-1-k]
			}
			q[j] = rev
		}
		out[i] = q
	}
	return out
}

// planarSignedArea is the shoelace area of r in square degrees, positive
// when r runs counter-clockwise.
func planarSignedArea(r orb.Ring) float64 {
	if len(r) < 3 {
		return 0
	}
	var s float64
	x0, y0 := r[0][0], r[0][1]
	for i := 1; i+1 < len(r); i++ {
		s += (r[i][0]-x0)*(r[i+1][1]-y0) - (r[i+1][0]-x0)*(r[i][1]-y0)
	}
	return s / 2
}

// Perimeter is the geodesic length of every ring of mp.
func Perimeter(mp orb.MultiPolygon) Meters {
	var sum Meters
	for _, p := range mp {
		for _, r := range p {
			sum += Length(orb.LineString(r))
		}
	}
	return sum
}

// MeanWidth is 2·area/perimeter, the width of a long thin strip (a strip of
// length L and width w has area L·w and perimeter about 2L); for a compact
// shape it is about half its diameter. 0 for an empty mp.
func MeanWidth(mp orb.MultiPolygon) Meters {
	p := Perimeter(mp)
	if p == 0 {
		return 0
	}
	return Meters(2 * float64(Area(mp)) / float64(p))
}

// FlatArea is the area of mp in the lon/lat plane — where RFC 7946 draws
// edges as straight lines and the overlay computes — scaled to square
// metres by MetersPerDegree at each ring's mean latitude. It is not a
// measure of the ground (use Area); it tells a piece that overlay left with
// no width in the plane, whose geodesic edges still enclose a sliver, from a
// real one.
func FlatArea(mp orb.MultiPolygon) SquareMeters {
	var sum float64
	for _, p := range mp {
		for j, r := range p {
			if len(r) < 3 {
				continue
			}
			o := r[0]
			var a, lat float64
			for k := 1; k+1 < len(r); k++ {
				a += (r[k][0]-o[0])*(r[k+1][1]-o[1]) - (r[k+1][0]-o[0])*(r[k][1]-o[1])
			}
			for _, pt := range r {
				lat += pt[1]
			}
			kx, ky := MetersPerDegree(lat / float64(len(r)))
			a = math.Abs(a) / 2 * kx * ky
			if j == 0 {
				sum += a
			} else {
				sum -= a
			}
		}
	}
	return SquareMeters(math.Abs(sum))
}
