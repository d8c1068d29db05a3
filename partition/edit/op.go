package edit

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/household"
)

// The operations (Op.Op).
const (
	OpReassign   = "reassign"    // Area given to To, taken from its siblings
	OpSplit      = "split"       // Unit cut along Line, or into Count with the partitioner
	OpMerge      = "merge"       // Units (adjacent siblings) into one (Into, or the first)
	OpMoveBorder = "move_border" // the border between Units[0] and Units[1] replaced by Line
	OpDelete     = "delete"      // Unit removed, its area given to Neighbors
	OpCreate     = "create"      // children made under Unit with the partitioner
	OpAttributes = "attributes"  // Name, Kind, Staff, Props of Unit
	OpReplace    = "replace"     // Unit's whole area becomes Area (and attributes), siblings giving and taking
	OpAdd        = "add"         // a new child of Unit at Level whose area is Area, taken from its siblings
)

// Op is one edit operation as a client asks for it (JSON). Coordinates are
// lon/lat on CGCS2000: a client's CRS is converted before.
type Op struct {
	Op        string            `json:"op"`
	Unit      partition.Code    `json:"unit,omitempty"`
	To        partition.Code    `json:"to,omitempty"`
	Units     []partition.Code  `json:"units,omitempty"`
	Into      partition.Code    `json:"into,omitempty"`
	Neighbors []partition.Code  `json:"neighbors,omitempty"`
	Area      *geojson.Geometry `json:"area,omitempty"`
	Line      *geojson.Geometry `json:"line,omitempty"`
	// Split and create with the partitioner: Count children (or siblings,
	// As "siblings"), or the band Min–Max (default: the rule set's).
	Count int    `json:"count,omitempty"`
	As    string `json:"as,omitempty"`
	Min   int    `json:"min,omitempty"`
	Max   int    `json:"max,omitempty"`
	// Level of the unit add makes (default: that of Unit's children).
	Level partition.Level `json:"level,omitempty"`
	// Attributes; nil leaves a field as it is. Props is merged: a key
	// with null removes it.
	Name  *string            `json:"name,omitempty"`
	Kind  *partition.Kind    `json:"kind,omitempty"`
	Staff *[]partition.Staff `json:"staff,omitempty"`
	Props map[string]any     `json:"props,omitempty"`
	// Snap is the ground tolerance within which drawn vertices and edges
	// snap to existing ones (default 0.5 m, at most 50 m).
	Snap *float64 `json:"snap_m,omitempty"`
}

// ParseOp reads one operation, refusing unknown members and trailing data.
func ParseOp(data []byte) (Op, error) {
	var op Op
	err := partition.DecodeStrict(data, &op, "operation")
	return op, err
}

// Env is what operations need besides the State.
type Env struct {
	// Layer counts households; nil moves them in proportion to area,
	// estimated.
	Layer *household.Layer
	// Rules gives the band for the partitioner (split, create).
	Rules *partition.RuleSet
	// Snap is the default snapping tolerance (0: 0.5 m).
	Snap geo.Meters
	// Sliver: a part of a unit of this area or less left by an operation
	// goes to its neighbour (0: 1 m²).
	Sliver geo.SquareMeters
	Limits geo.Limits
	// Seed makes the partitioner's divisions reproducible.
	Seed uint64
}

func (e *Env) sliver() geo.SquareMeters {
	if e.Sliver > 0 {
		return e.Sliver
	}
	return 1
}

func (e *Env) limits() geo.Limits {
	if e.Limits.MaxVertices > 0 {
		return e.Limits
	}
	return geo.DefaultLimits
}

// tolerance is the snapping tolerance the operation asks for.
func (op *Op) tolerance(env *Env) (geo.Meters, error) {
	if op.Snap == nil {
		if env.Snap > 0 {
			return env.Snap, nil
		}
		return 0.5, nil
	}
	if v := *op.Snap; !(v >= 0 && v <= 50) || math.IsNaN(v) {
		return 0, invalid("snap_m", "want 0–50 m, got %v", v)
	}
	return geo.Meters(*op.Snap), nil
}

// invalid is the Invalid error of a field of the operation.
func invalid(field, format string, args ...any) error {
	return &partition.Error{Kind: partition.Invalid, Message: "the operation is refused",
		Problems: []partition.Problem{{Index: -1, Field: field, Message: fmt.Sprintf(format, args...)}}}
}

// area reads Op.Area: a Polygon or MultiPolygon that is a valid boundary.
func (op *Op) area(env *Env) (orb.MultiPolygon, error) {
	if op.Area == nil || op.Area.Coordinates == nil {
		return nil, invalid("area", "missing: want a Polygon or MultiPolygon")
	}
	var mp orb.MultiPolygon
	switch g := op.Area.Coordinates.(type) {
	case orb.Polygon:
		mp = orb.MultiPolygon{g}
	case orb.MultiPolygon:
		mp = g
	default:
		return nil, invalid("area", "want a Polygon or MultiPolygon, got %s", op.Area.Coordinates.GeoJSONType())
	}
	if err := geo.CheckMultiPolygon(mp, env.limits()); err != nil {
		return nil, invalid("area", "%v", err)
	}
	if bad := geo.Validate(mp); bad != nil {
		return nil, invalid("area", "not a valid polygon: %s", bad)
	}
	return mp, nil
}

// line reads Op.Line: a LineString of at least 2 distinct positions.
func (op *Op) line(env *Env) (orb.LineString, error) {
	if op.Line == nil || op.Line.Coordinates == nil {
		return nil, invalid("line", "missing: want a LineString")
	}
	ls, ok := op.Line.Coordinates.(orb.LineString)
	if !ok {
		return nil, invalid("line", "want a LineString, got %s", op.Line.Coordinates.GeoJSONType())
	}
	if len(ls) < 2 || len(ls) > env.limits().MaxVertices {
		return nil, invalid("line", "want 2 to %d positions, got %d", env.limits().MaxVertices, len(ls))
	}
	for i, p := range ls {
		if !(p[0] >= -180 && p[0] <= 180 && p[1] >= -90 && p[1] <= 90) {
			return nil, invalid("line", "position %d (%g, %g) is out of range", i, p[0], p[1])
		}
	}
	return ls, nil
}

// Transform converts the operation's coordinates with tr (nil: none), as
// a client's CRS is converted to CGCS2000 on the way in.
func (op *Op) Transform(tr func(orb.Geometry) orb.Geometry) {
	if tr == nil {
		return
	}
	for _, g := range []*geojson.Geometry{op.Area, op.Line} {
		if g != nil && g.Coordinates != nil {
			g.Coordinates = tr(g.Coordinates)
		}
	}
}
