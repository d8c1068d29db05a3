package geo

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/paulmach/orb"
	sf "github.com/peterstace/simplefeatures/geom"
)

// Invalidity says why a polygon or multipolygon is not valid in the OGC
// simple-features sense, and where.
type Invalidity struct {
	Reason string    // e.g. "ring self-intersects", "parts overlap or touch along a line"
	At     orb.Point // the self-intersection or the point where parts meet
}

func (v *Invalidity) String() string {
	return fmt.Sprintf("%s at (%.7f, %.7f)", v.Reason, v.At[0], v.At[1])
}

// Validate checks mp for OGC validity (simple closed rings, holes inside
// their shell and not crossing it, parts whose interiors do not meet and
// whose boundaries touch at points only) and returns nil when it is valid.
// It assumes the checks of CheckMultiPolygon (finite coordinates, closed
// rings of 4+ positions) have passed.
//
// The location is the one simplefeatures' validation reports, except for a
// ring that is not simple: simplefeatures names the ring's first vertex
// there, so the first self-intersection is found here instead.
func Validate(mp orb.MultiPolygon) *Invalidity {
	err := toSF(mp).Validate()
	if err == nil {
		return nil
	}
	reason := violation(err)
	at, _ := errorLocation(err)
	for _, p := range mp {
		for _, r := range p {
			if pts := ringSelfIntersections(r, true); len(pts) > 0 {
				return &Invalidity{Reason: "ring self-intersects", At: pts[0]}
			}
		}
	}
	return &Invalidity{Reason: reason, At: at}
}

// violation turns simplefeatures' innermost message into plain words.
func violation(err error) string {
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 {
		msg = msg[i+2:]
	}
	if i := strings.Index(msg, " (at or near"); i >= 0 {
		msg = msg[:i]
	}
	switch msg {
	case "multipolygon child polygons touch at multiple points":
		return "parts overlap or touch along a line"
	case "polygon ring not simple":
		return "ring self-intersects"
	}
	return msg
}

// errorLocation reads the location that simplefeatures attaches to its
// validation errors. Its error type is unexported, so the exported fields
// Location (an XY) and HasLocation are read by reflection; the test of this
// package fails if a new simplefeatures version drops them.
func errorLocation(err error) (orb.Point, bool) {
	for e := err; e != nil; e = errors.Unwrap(e) {
		v := reflect.ValueOf(e)
		if v.Kind() != reflect.Struct {
			continue
		}
		has, loc := v.FieldByName("HasLocation"), v.FieldByName("Location")
		if !has.IsValid() || !loc.IsValid() || has.Kind() != reflect.Bool || !has.Bool() || !loc.CanInterface() {
			continue
		}
		if xy, ok := loc.Interface().(sf.XY); ok {
			return orb.Point{xy.X, xy.Y}, true
		}
	}
	return orb.Point{}, false
}

// MakeValid returns a valid multipolygon covering what mp means, for the
// overlay operations (there is no MakeValid in pure-Go simplefeatures):
//   - a part whose rings cross themselves or each other is noded at every
//     crossing, cut into simple loops, and the loops are combined by the
//     even-odd rule (a point is inside when an odd number of loops encloses
//     it), as PostGIS ST_MakeValid's linework method does: a bow-tie becomes
//     its two triangles;
//   - parts that overlap or touch along a line are unioned, so that shared
//     area counts once (ST_MakeValid keeps the touching line as a separate
//     LineString, which has no area; the areas agree).
//
// A valid mp is returned as is.
func MakeValid(mp orb.MultiPolygon) (orb.MultiPolygon, error) {
	if toSF(mp).Validate() == nil {
		return mp, nil
	}
	parts := make([]orb.MultiPolygon, 0, len(mp))
	for i, p := range mp {
		if polygonToSF(p).Validate() == nil {
			parts = append(parts, orb.MultiPolygon{p})
			continue
		}
		fixed, err := evenOdd(p)
		if err != nil {
			return nil, fmt.Errorf("make polygon %d valid: %w", i, err)
		}
		parts = append(parts, fixed)
	}
	if len(parts) == 1 {
		return parts[0], nil
	}
	u, err := Union(parts...)
	if err != nil {
		return nil, fmt.Errorf("make valid: %w", err)
	}
	return u, nil
}

// evenOdd rebuilds a polygon with crossing rings as the even-odd
// combination of the simple loops of all its rings.
func evenOdd(p orb.Polygon) (orb.MultiPolygon, error) {
	var out orb.MultiPolygon
	for _, r := range p {
		for _, loop := range simpleLoops(r) {
			piece := orb.MultiPolygon{{loop}}
			if polygonToSF(piece[0]).Validate() != nil {
				continue // a degenerate (zero-area) loop
			}
			if out == nil {
				out = piece
				continue
			}
			x, err := SymmetricDifference(out, piece)
			if err != nil {
				return nil, err
			}
			out = x
		}
	}
	return out, nil
}
