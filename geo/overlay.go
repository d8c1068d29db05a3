package geo

import (
	"fmt"

	"github.com/paulmach/orb"
	sf "github.com/peterstace/simplefeatures/geom"
)

// Overlay operations on lon/lat polygons, by simplefeatures' pure-Go port of
// JTS OverlayNG (robust: it falls back to snapping when floating-point
// noding fails). Inputs must be valid (see MakeValid); results are valid and
// keep only their polygonal parts: where inputs merely touch, the lines and
// points of contact are dropped. The plane is lon/lat, so edges are straight
// in degrees; areas of results are measured on the ellipsoid with Area.

// Intersection is the part of a that lies in b.
func Intersection(a, b orb.MultiPolygon) (orb.MultiPolygon, error) {
	return binary("intersection", sf.Intersection, a, b)
}

// Difference is the part of a that does not lie in b.
func Difference(a, b orb.MultiPolygon) (orb.MultiPolygon, error) {
	return binary("difference", sf.Difference, a, b)
}

// SymmetricDifference is the part that lies in exactly one of a and b.
func SymmetricDifference(a, b orb.MultiPolygon) (orb.MultiPolygon, error) {
	return binary("symmetric difference", sf.SymmetricDifference, a, b)
}

// Union merges the given multipolygons into one valid multipolygon.
func Union(parts ...orb.MultiPolygon) (orb.MultiPolygon, error) {
	gs := make([]sf.Geometry, 0, len(parts))
	for _, p := range parts {
		if len(p) > 0 {
			gs = append(gs, toSF(p).AsGeometry())
		}
	}
	if len(gs) == 0 {
		return nil, nil
	}
	g, err := sf.UnionMany(gs)
	if err != nil {
		return nil, fmt.Errorf("union of %d polygons: %w", len(gs), err)
	}
	return fromSF(g)
}

// Clip is the part of mp inside the lon/lat rectangle b.
func Clip(mp orb.MultiPolygon, b orb.Bound) (orb.MultiPolygon, error) {
	return Intersection(mp, orb.MultiPolygon{b.ToPolygon()})
}

func binary(op string, fn func(a, b sf.Geometry) (sf.Geometry, error), a, b orb.MultiPolygon) (orb.MultiPolygon, error) {
	g, err := fn(toSF(a).AsGeometry(), toSF(b).AsGeometry())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	out, err := fromSF(g)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	return out, nil
}

// Intersects reports whether a and b have any point in common, boundaries
// included.
func Intersects(a, b orb.MultiPolygon) bool {
	return sf.Intersects(toSF(a).AsGeometry(), toSF(b).AsGeometry())
}
