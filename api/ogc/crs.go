package ogc

import (
	"fmt"
	"strings"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/api/internal/param"
)

// The coordinate reference systems offered, by their OGC URIs.
const (
	CRS84    = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
	EPSG4490 = "http://www.opengis.net/def/crs/EPSG/0/4490"
	EPSG4326 = "http://www.opengis.net/def/crs/EPSG/0/4326"
)

// crsList is the `crs` member of every collection, the default first.
var crsList = []string{CRS84, EPSG4490, EPSG4326}

// refSys is a supported CRS: its URI and whether its first axis is latitude.
type refSys struct {
	uri      string
	latFirst bool
}

// parseCRS accepts one of the URIs of crsList (and the usual short forms);
// an empty value is CRS84.
func parseCRS(v string) (refSys, bool) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", strings.ToLower(CRS84), "[ogc:crs84]", "ogc:crs84", "urn:ogc:def:crs:ogc:1.3:crs84":
		return refSys{uri: CRS84}, true
	case strings.ToLower(EPSG4490), "[epsg:4490]", "epsg:4490", "urn:ogc:def:crs:epsg::4490":
		return refSys{uri: EPSG4490, latFirst: true}, true
	case strings.ToLower(EPSG4326), "[epsg:4326]", "epsg:4326", "urn:ogc:def:crs:epsg::4326":
		return refSys{uri: EPSG4326, latFirst: true}, true
	}
	return refSys{}, false
}

// transform returns the output transform from stored lon/lat to r, nil for
// none. CGCS2000 and WGS 84 agree to centimetres: only the axes swap.
func (r refSys) transform() func(orb.Geometry) orb.Geometry {
	if !r.latFirst {
		return nil
	}
	return func(g orb.Geometry) orb.Geometry { return swapAxes(g) }
}

// swapAxes swaps the two coordinates of every point of g in place and
// returns it; partition.Feature hands it a copy.
func swapAxes(g orb.Geometry) orb.Geometry {
	mp, ok := g.(orb.MultiPolygon)
	if !ok {
		return g
	}
	for _, p := range mp {
		for _, r := range p {
			for i := range r {
				r[i][0], r[i][1] = r[i][1], r[i][0]
			}
		}
	}
	return mp
}

// parseBBox parses the 4 (or 6, with heights that are ignored) numbers of
// `bbox` in the axis order of r and returns the lon/lat bound.
func parseBBox(v string, r refSys) (orb.Bound, error) {
	f, err := param.Floats(v)
	if err != nil {
		return orb.Bound{}, fmt.Errorf("bbox %q: %v", v, err)
	}
	if len(f) != 4 && len(f) != 6 {
		return orb.Bound{}, fmt.Errorf("bbox %q: want 4 numbers (or 6 with heights)", v)
	}
	if len(f) == 6 {
		f = []float64{f[0], f[1], f[3], f[4]}
	}
	if r.latFirst {
		f[0], f[1], f[2], f[3] = f[1], f[0], f[3], f[2]
	}
	if f[0] > f[2] || f[1] > f[3] || f[0] < -180 || f[2] > 180 || f[1] < -90 || f[3] > 90 {
		order := "minLon,minLat,maxLon,maxLat"
		if r.latFirst {
			order = "minLat,minLon,maxLat,maxLon"
		}
		return orb.Bound{}, fmt.Errorf("bbox %q: want %s in %s, min ≤ max, within ±180° and ±90° (a box across the antimeridian is not supported)", v, order, r.uri)
	}
	return orb.Bound{Min: orb.Point{f[0], f[1]}, Max: orb.Point{f[2], f[3]}}, nil
}
