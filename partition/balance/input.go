package balance

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/household"
)

// Decoding of the partitioner's inputs, shared by the CLI and the API. Every
// problem is reported with the feature's index in one invalid
// *partition.Error; transform (may be nil) converts coordinates to CGCS2000.

// DecodeHouseholds reads a household layer (household.Decode's format:
// Points with an optional `households`, a whole number ≥ 1, default 1).
func DecodeHouseholds(data []byte, transform func(orb.Geometry) orb.Geometry, maxFeatures int) ([]Household, error) {
	pts, err := household.Decode(data, transform, maxFeatures)
	if err != nil {
		return nil, err
	}
	out := make([]Household, len(pts))
	for i, p := range pts {
		out[i] = Household{Point: p.Point, Weight: p.Households}
	}
	return out, nil
}

// DecodeBarriers reads a FeatureCollection of LineStrings or
// MultiLineStrings (polygons count by their rings).
func DecodeBarriers(data []byte, transform func(orb.Geometry) orb.Geometry, maxFeatures int) ([]orb.LineString, error) {
	fc, err := collection(data, "barriers", maxFeatures)
	if err != nil {
		return nil, err
	}
	var out []orb.LineString
	var ps []partition.Problem
	for i, f := range fc.Features {
		g := f.Geometry
		if g != nil && transform != nil {
			g = transform(g)
		}
		switch g := g.(type) {
		case orb.LineString:
			out = append(out, g)
		case orb.MultiLineString:
			out = append(out, g...)
		case orb.Polygon:
			for _, r := range g {
				out = append(out, orb.LineString(r))
			}
		case orb.MultiPolygon:
			for _, p := range g {
				for _, r := range p {
					out = append(out, orb.LineString(r))
				}
			}
		default:
			ps = append(ps, partition.Problem{Index: i, Field: "geometry", Message: fmt.Sprintf("want a LineString, got %s", geomType(f.Geometry))})
		}
	}
	if len(ps) > 0 {
		return nil, &partition.Error{Kind: partition.Invalid, Message: fmt.Sprintf("barriers: %d unusable features", len(ps)), Problems: ps}
	}
	return out, nil
}

// DecodeUnits reads a FeatureCollection of units (DESIGN.md properties, or
// DataV's), as partition.DecodeFeatureCollection does.
func DecodeUnits(data []byte, transform func(orb.Geometry) orb.Geometry, maxFeatures int) ([]partition.Unit, error) {
	d, err := partition.DecodeFeatureCollection(bytes.NewReader(data), partition.DecodeOptions{Transform: transform, MaxFeatures: maxFeatures})
	if err != nil {
		return nil, err
	}
	return d.Units, nil
}

// DecodeParent reads the first polygonal unit of a FeatureCollection, or a
// single Feature.
func DecodeParent(data []byte, transform func(orb.Geometry) orb.Geometry) (partition.Unit, error) {
	var head struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return partition.Unit{}, partition.Errorf(partition.Invalid, "parent: invalid JSON: %v", err)
	}
	if head.Type == "Feature" {
		data = append(append([]byte(`{"type":"FeatureCollection","features":[`), data...), "]}"...)
	}
	units, err := DecodeUnits(data, transform, 0)
	if err != nil {
		return partition.Unit{}, fmt.Errorf("parent: %w", err)
	}
	for _, u := range units {
		if len(u.Geometry) > 0 {
			return u, nil
		}
	}
	return partition.Unit{}, partition.Errorf(partition.Invalid, "parent: no feature with a polygon")
}

func collection(data []byte, what string, maxFeatures int) (*geojson.FeatureCollection, error) {
	fc, err := geojson.UnmarshalFeatureCollection(data)
	if err != nil {
		return nil, partition.Errorf(partition.Invalid, "%s: want a GeoJSON FeatureCollection: %v", what, err)
	}
	if maxFeatures > 0 && len(fc.Features) > maxFeatures {
		return nil, partition.Errorf(partition.TooLarge, "%s: %d features, more than the limit of %d", what, len(fc.Features), maxFeatures)
	}
	return fc, nil
}

func geomType(g orb.Geometry) string {
	if g == nil {
		return "no geometry"
	}
	return g.GeoJSONType()
}

// Band is the household range a rule set gives children of a level.
func Band(rs *partition.RuleSet, l partition.Level) (lo, hi int, err error) {
	lr, ok := rs.Levels[l]
	if !ok || lr.Households == nil || lr.Households.Max == 0 {
		return 0, 0, partition.Errorf(partition.Invalid, "rule set %s has no household range with a maximum for level %s", rs.Name, l)
	}
	return lr.Households.Min, lr.Households.Max, nil
}

// CurrentOf keeps the units that can be current children of parent: not the
// parent itself, polygonal, and with parent as their parent (or none given).
func CurrentOf(parent partition.Code, units []partition.Unit) []partition.Unit {
	var out []partition.Unit
	for _, u := range units {
		if u.Code != parent && u.Polygonal() && len(u.Geometry) > 0 && (u.Parent == "" || u.Parent == parent) {
			out = append(out, u)
		}
	}
	return out
}
