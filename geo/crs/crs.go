package crs

import (
	"fmt"
	"strings"

	"github.com/paulmach/orb"
)

// CRS names a geographic coordinate system. The zero value is not a valid
// CRS; use the constants or [Parse].
type CRS string

// The coordinate systems this package converts between.
const (
	WGS84    CRS = "wgs84"    // EPSG:4326, GPS and OpenStreetMap
	CGCS2000 CRS = "cgcs2000" // EPSG:4490, China's official datum; same as WGS84 here
	GCJ02    CRS = "gcj02"    // offset datum of Amap, Tencent and Google China
	BD09     CRS = "bd09"     // Baidu's offset of GCJ-02
)

// Parse accepts a coordinate system name, case-insensitively, with
// surrounding spaces ignored: the canonical names "wgs84", "cgcs2000",
// "gcj02" and "bd09"; the hyphenated "wgs-84", "gcj-02" and "bd-09";
// "epsg:4326", "crs84" and "epsg:4490"; the OGC URIs
// http://www.opengis.net/def/crs/OGC/1.3/CRS84,
// http://www.opengis.net/def/crs/EPSG/0/4326 and
// http://www.opengis.net/def/crs/EPSG/0/4490; and the URNs
// urn:ogc:def:crs:OGC:1.3:CRS84, urn:ogc:def:crs:EPSG::4326 and
// urn:ogc:def:crs:EPSG::4490 of old GeoJSON "crs" members. An EPSG code
// names the datum only: coordinates stay longitude, latitude. The error
// for any other value lists these spellings.
func Parse(s string) (CRS, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "wgs84", "wgs-84", "epsg:4326", "crs84",
		"http://www.opengis.net/def/crs/ogc/1.3/crs84",
		"http://www.opengis.net/def/crs/epsg/0/4326",
		"urn:ogc:def:crs:ogc:1.3:crs84",
		"urn:ogc:def:crs:epsg::4326":
		return WGS84, nil
	case "cgcs2000", "epsg:4490",
		"http://www.opengis.net/def/crs/epsg/0/4490",
		"urn:ogc:def:crs:epsg::4490":
		return CGCS2000, nil
	case "gcj02", "gcj-02":
		return GCJ02, nil
	case "bd09", "bd-09":
		return BD09, nil
	}
	return "", fmt.Errorf("unknown coordinate system %q: %s", s, spellings)
}

// spellings lists what [Parse] accepts, for error messages.
const spellings = "want wgs84 (also wgs-84, EPSG:4326, CRS84), cgcs2000 (EPSG:4490), gcj02 (gcj-02) or bd09 (bd-09), in any case, " +
	"or an OGC URI: http://www.opengis.net/def/crs/OGC/1.3/CRS84, http://www.opengis.net/def/crs/EPSG/0/4326, http://www.opengis.net/def/crs/EPSG/0/4490"

// String returns the canonical name, which [Parse] accepts.
func (c CRS) String() string { return string(c) }

// valid reports whether c is one of the constants.
func (c CRS) valid() bool {
	switch c {
	case WGS84, CGCS2000, GCJ02, BD09:
		return true
	}
	return false
}

// mustValid panics on a CRS that is not one of the constants: such a value
// can only come from a conversion in code, never from [Parse].
func (c CRS) mustValid() {
	if !c.valid() {
		panic(fmt.Sprintf("crs: unknown coordinate system %q", string(c)))
	}
}

// ToWGS84 converts p from the system from to WGS84.
// It panics if from is not one of the constants.
func ToWGS84(p orb.Point, from CRS) orb.Point {
	from.mustValid()
	switch from {
	case GCJ02:
		return gcj02ToWGS84(p)
	case BD09:
		return gcj02ToWGS84(bd09ToGCJ02(p))
	}
	return p
}

// FromWGS84 converts p from WGS84 to the system to.
// It panics if to is not one of the constants.
func FromWGS84(p orb.Point, to CRS) orb.Point {
	to.mustValid()
	switch to {
	case GCJ02:
		return wgs84ToGCJ02(p)
	case BD09:
		return gcj02ToBD09(wgs84ToGCJ02(p))
	}
	return p
}

// Convert converts p from the system from to the system to. Converting
// between GCJ-02 and BD-09 does not pass through WGS84, so it is exact even
// outside China's bounding box. It panics if from or to is not one of the
// constants.
func Convert(p orb.Point, from, to CRS) orb.Point {
	from.mustValid()
	to.mustValid()
	switch {
	case from == to:
		return p
	case from == GCJ02 && to == BD09:
		return gcj02ToBD09(p)
	case from == BD09 && to == GCJ02:
		return bd09ToGCJ02(p)
	}
	return FromWGS84(ToWGS84(p, from), to)
}

// ConvertGeometry returns a copy of g with every coordinate converted from
// the system from to the system to; g itself is not modified. A Bound has its
// two corners converted, which is not in general the bound of the converted
// area. A nil geometry gives nil. It panics if from or to is not one of the
// constants, or on a geometry type orb does not define.
func ConvertGeometry(g orb.Geometry, from, to CRS) orb.Geometry {
	from.mustValid()
	to.mustValid()
	if g == nil {
		return nil
	}
	return convertCopy(orb.Clone(g), func(p orb.Point) orb.Point { return Convert(p, from, to) })
}

// Transform returns a function that converts a geometry from one system to
// another (as ConvertGeometry, returning a copy), or nil when the two are the
// same here — WGS84 and CGCS2000 are one — so that callers can skip the work.
func Transform(from, to CRS) func(orb.Geometry) orb.Geometry {
	from.mustValid()
	to.mustValid()
	if from == to || (from == WGS84 || from == CGCS2000) && (to == WGS84 || to == CGCS2000) {
		return nil
	}
	return func(g orb.Geometry) orb.Geometry { return ConvertGeometry(g, from, to) }
}

// convertCopy applies f to every point of g, which must be a fresh copy: its
// slices are changed in place, and value types are returned converted.
func convertCopy(g orb.Geometry, f func(orb.Point) orb.Point) orb.Geometry {
	switch g := g.(type) {
	case orb.Point:
		return f(g)
	case orb.Bound:
		return orb.Bound{Min: f(g.Min), Max: f(g.Max)}
	case orb.MultiPoint:
		convertPoints(g, f)
	case orb.LineString:
		convertPoints(g, f)
	case orb.Ring:
		convertPoints(g, f)
	case orb.MultiLineString:
		for _, ls := range g {
			convertPoints(ls, f)
		}
	case orb.Polygon:
		for _, r := range g {
			convertPoints(r, f)
		}
	case orb.MultiPolygon:
		for _, p := range g {
			for _, r := range p {
				convertPoints(r, f)
			}
		}
	case orb.Collection:
		for i, c := range g {
			g[i] = convertCopy(c, f)
		}
	default:
		panic(fmt.Sprintf("crs: unsupported geometry type %T", g))
	}
	return g
}

func convertPoints(ps []orb.Point, f func(orb.Point) orb.Point) {
	for i, p := range ps {
		ps[i] = f(p)
	}
}
