package main

import (
	"fmt"
	"math"
	"os"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/crs"
)

// readCounty reads the DataV county file (GCJ-02), converts it to CGCS2000
// and rounds every coordinate to 7 decimals (about 1 cm). Rounding happens
// here, before any unit is cut from the county, so that every later cut
// starts from the same coordinates and shared edges stay bit-identical.
func readCounty(path string) (orb.MultiPolygon, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read county outline: %w", err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(b)
	if err != nil {
		return nil, fmt.Errorf("decode county outline %s: %w", path, err)
	}
	if len(fc.Features) != 1 {
		return nil, fmt.Errorf("county outline %s: %d features, want 1", path, len(fc.Features))
	}
	var mp orb.MultiPolygon
	switch g := fc.Features[0].Geometry.(type) {
	case orb.MultiPolygon:
		mp = g
	case orb.Polygon:
		mp = orb.MultiPolygon{g}
	default:
		return nil, fmt.Errorf("county outline %s: geometry is %T, want a (multi)polygon", path, g)
	}
	mp = crs.ConvertGeometry(mp, crs.GCJ02, crs.CGCS2000).(orb.MultiPolygon)
	mp = roundMultiPolygon(mp)
	if bad := geo.Validate(mp); bad != nil {
		return nil, fmt.Errorf("county outline %s after conversion: %s", path, bad)
	}
	return mp, nil
}

// round7 rounds a coordinate to 7 decimals.
func round7(x float64) float64 { return math.Round(x*1e7) / 1e7 }

func roundPoint(p orb.Point) orb.Point { return orb.Point{round7(p[0]), round7(p[1])} }

// roundMultiPolygon rounds every position and drops positions that rounding
// made equal to the one before.
func roundMultiPolygon(mp orb.MultiPolygon) orb.MultiPolygon {
	out := make(orb.MultiPolygon, 0, len(mp))
	for _, p := range mp {
		q := make(orb.Polygon, 0, len(p))
		for _, r := range p {
			nr := make(orb.Ring, 0, len(r))
			for _, pt := range r {
				pt = roundPoint(pt)
				if len(nr) > 0 && nr[len(nr)-1] == pt {
					continue
				}
				nr = append(nr, pt)
			}
			q = append(q, nr)
		}
		out = append(out, q)
	}
	return out
}

// centroid is the area-weighted centroid of a polygon's shell in the
// lon/lat plane: close enough to place an island.
func centroid(p orb.Polygon) orb.Point {
	r := p[0]
	var a, cx, cy float64
	for i := 0; i+1 < len(r); i++ {
		x0, y0, x1, y1 := r[i][0], r[i][1], r[i+1][0], r[i+1][1]
		c := x0*y1 - x1*y0
		a += c
		cx += (x0 + x1) * c
		cy += (y0 + y1) * c
	}
	if a == 0 {
		return r[0]
	}
	return orb.Point{cx / (3 * a), cy / (3 * a)}
}

// groundDistance is the distance in metres between two nearby points, by
// the local planar approximation.
func groundDistance(a, b orb.Point) float64 {
	kx, ky := geo.MetersPerDegree((a[1] + b[1]) / 2)
	return math.Hypot((a[0]-b[0])*kx, (a[1]-b[1])*ky)
}
