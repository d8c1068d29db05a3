package household

import (
	"fmt"
	"math"
	"unicode/utf8"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/wangge/wangge/partition"
)

// Decode reads a household layer: a GeoJSON FeatureCollection of Points (or
// MultiPoints, each point counted with the feature's figures), each with
// optional `households` (a whole number ≥ 1, default 1), `population` (a
// whole number ≥ 0, default 0) and `address` (text). It is the input format
// of the partitioner too. Every problem is reported with the feature's
// index in one Invalid *partition.Error; transform (may be nil) converts
// coordinates to CGCS2000; more than maxFeatures (when > 0) is TooLarge.
func Decode(data []byte, transform func(orb.Geometry) orb.Geometry, maxFeatures int) ([]partition.HouseholdPoint, error) {
	fc, err := geojson.UnmarshalFeatureCollection(data)
	if err != nil {
		return nil, partition.Errorf(partition.Invalid, "households: want a GeoJSON FeatureCollection: %v", err)
	}
	if maxFeatures > 0 && len(fc.Features) > maxFeatures {
		return nil, partition.Errorf(partition.TooLarge, "households: %d features, more than the limit of %d", len(fc.Features), maxFeatures)
	}
	var out []partition.HouseholdPoint
	var ps []partition.Problem
	for i, f := range fc.Features {
		hp, pts, p := decodeFeature(i, f, transform)
		if len(p) > 0 {
			ps = append(ps, p...)
			continue
		}
		for _, pt := range pts {
			hp.Point = pt
			out = append(out, hp)
		}
	}
	if len(ps) > 0 {
		bad := map[int]bool{}
		for _, p := range ps {
			bad[p.Index] = true
		}
		return nil, &partition.Error{Kind: partition.Invalid, Message: fmt.Sprintf("households: %d unusable features", len(bad)), Problems: ps}
	}
	return out, nil
}

func decodeFeature(i int, f *geojson.Feature, transform func(orb.Geometry) orb.Geometry) (partition.HouseholdPoint, []orb.Point, []partition.Problem) {
	var ps []partition.Problem
	bad := func(field, format string, args ...any) {
		ps = append(ps, partition.Problem{Index: i, Field: field, Message: fmt.Sprintf(format, args...)})
	}
	hp := partition.HouseholdPoint{Households: 1}
	if n, ok, err := whole(f.Properties, "households", 1); err != "" {
		bad("households", "want a whole number ≥ 1, got %v", err)
	} else if ok {
		hp.Households = n
	}
	if n, ok, err := whole(f.Properties, "population", 0); err != "" {
		bad("population", "want a whole number ≥ 0, got %v", err)
	} else if ok {
		hp.Population = n
	}
	if v, ok := f.Properties["address"]; ok && v != nil {
		s, isText := v.(string)
		if !isText || len(s) > 500 || !utf8.ValidString(s) {
			bad("address", "want text of at most 500 bytes")
		}
		hp.Address = s
	}
	g := f.Geometry
	if g != nil && transform != nil {
		g = transform(g)
	}
	var pts []orb.Point
	switch g := g.(type) {
	case orb.Point:
		pts = []orb.Point{g}
	case orb.MultiPoint:
		pts = g
	default:
		bad("geometry", "want a Point, got %s", geomType(f.Geometry))
	}
	for _, p := range pts {
		if !(p[0] >= -180 && p[0] <= 180 && p[1] >= -90 && p[1] <= 90) {
			bad("geometry", "coordinates (%g, %g) out of range", p[0], p[1])
		}
	}
	return hp, pts, ps
}

// whole reads a whole-number property of at least lo (and at most 10⁶):
// ok when present, err the bad value as text.
func whole(props geojson.Properties, key string, lo int) (n int, ok bool, err string) {
	v, present := props[key]
	if !present || v == nil {
		return 0, false, ""
	}
	x, isNum := v.(float64)
	if !isNum || x < float64(lo) || x != math.Trunc(x) || x > 1e6 {
		return 0, false, fmt.Sprint(v)
	}
	return int(x), true, ""
}

func geomType(g orb.Geometry) string {
	if g == nil {
		return "no geometry"
	}
	return g.GeoJSONType()
}
