package ogc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/edit"
)

// inFeature is the GeoJSON Feature of a write (POST, PUT) or the members
// of one a PATCH gives (a JSON merge patch, RFC 7396).
//
// Its properties are those a feature of the collection has: name, kind
// and staff can change, and so can the free properties the unit has
// (null removes one); code, level, network, parent, households and
// population are the server's — computed, or kept by the tiling — and may
// only be given back as they are (or null). Any other property is refused,
// except as null (clients send every field of their layer); a POST may
// give free properties of its own and names the new unit's parent.
type inFeature struct {
	id       string
	geometry orb.MultiPolygon // nil when not given (a PATCH)
	props    map[string]json.RawMessage
}

// featureMembers are the members a Feature may have; bbox and links are
// ignored.
var featureMembers = []string{"type", "id", "geometry", "properties", "bbox", "links"}

// readFeature reads the body as a Feature, its coordinates in CRS in.
func (h *Handler) readFeature(c *gin.Context, in refSys, patch bool) (*inFeature, error) {
	data, err := h.readBody(c)
	if err != nil {
		return nil, err
	}
	var m map[string]json.RawMessage
	if err := partition.DecodeStrict(data, &m, "feature"); err != nil {
		return nil, err
	}
	if m == nil {
		return nil, fieldError("", "the body is null: want a GeoJSON Feature")
	}
	for k := range m {
		if !slices.Contains(featureMembers, k) {
			return nil, fieldError(k, "not a member of a Feature here: want type, id, geometry, properties")
		}
	}
	f := &inFeature{}
	if t, ok := m["type"]; ok || !patch {
		var s string
		if json.Unmarshal(t, &s) != nil || s != "Feature" {
			return nil, fieldError("type", "want \"Feature\", got %s", orNothing(t))
		}
	}
	if raw, ok := m["id"]; ok && !isNull(raw) {
		var v any
		if err := json.Unmarshal(raw, &v); err != nil {
			return nil, fieldError("id", "%v", err)
		}
		f.id = fmt.Sprint(v)
	}
	if raw, ok := m["geometry"]; ok || !patch {
		if f.geometry, err = readArea(raw, in); err != nil {
			return nil, err
		}
	}
	if raw, ok := m["properties"]; ok && !isNull(raw) {
		if err := json.Unmarshal(raw, &f.props); err != nil {
			return nil, fieldError("properties", "want an object: %v", err)
		}
	}
	return f, nil
}

// readArea reads a geometry that must be a unit's area, in CRS in.
func readArea(raw json.RawMessage, in refSys) (orb.MultiPolygon, error) {
	if isNull(raw) {
		return nil, fieldError("geometry", "missing: a unit has an area: want a Polygon or MultiPolygon")
	}
	g, err := geojson.UnmarshalGeometry(raw)
	if err != nil {
		return nil, fieldError("geometry", "%v", err)
	}
	var mp orb.MultiPolygon
	switch x := g.Coordinates.(type) {
	case orb.Polygon:
		mp = orb.MultiPolygon{x}
	case orb.MultiPolygon:
		mp = x
	default:
		return nil, fieldError("geometry", "want a Polygon or MultiPolygon, got %s", g.Type)
	}
	if in.latFirst {
		mp = swapAxes(mp).(orb.MultiPolygon)
	}
	if err := geo.CheckMultiPolygon(mp, geo.DefaultLimits); err != nil {
		return nil, fieldError("geometry", "%v (coordinates in %s)", err, in.uri)
	}
	if bad := geo.Validate(mp); bad != nil {
		return nil, fieldError("geometry", "not a valid polygon: %s", bad)
	}
	return mp, nil
}

// changeOp is the operation that makes u what a PUT (or a PATCH) of f
// asks: replace when the geometry changes (with the attributes that
// change), attributes when only they do; changed is false when f asks for
// u as it is.
func (f *inFeature) changeOp(u *partition.Unit, patch bool) (op edit.Op, changed bool, err error) {
	op = edit.Op{Unit: u.Code}
	attrs := false
	if !patch {
		for _, k := range []string{"name"} {
			if raw, ok := f.props[k]; !ok || isNull(raw) {
				return op, false, fieldError("properties."+k, "missing: a unit has a %s (a PUT gives the whole feature)", k)
			}
		}
	}
	for k, raw := range f.props {
		a, err := f.attribute(u, &op, k, raw)
		if err != nil {
			return op, false, err
		}
		attrs = attrs || a
	}
	if !patch {
		attrs = f.dropMissing(u, &op) || attrs
	}
	geom := f.geometry != nil && !orb.Equal(f.geometry, u.Geometry)
	switch {
	case geom:
		op.Op, op.Area = edit.OpReplace, geojson.NewGeometry(f.geometry)
	case attrs:
		op.Op = edit.OpAttributes
	default:
		return op, false, nil
	}
	return op, true, nil
}

// dropMissing removes what a PUT leaves out: the unit's free properties
// and staff not in f.
func (f *inFeature) dropMissing(u *partition.Unit, op *edit.Op) bool {
	changed := false
	for k := range u.Props {
		if _, ok := f.props[k]; !ok {
			if op.Props == nil {
				op.Props = map[string]any{}
			}
			op.Props[k] = nil
			changed = true
		}
	}
	if _, ok := f.props["staff"]; !ok && len(u.Staff) > 0 {
		op.Staff = &[]partition.Staff{}
		changed = true
	}
	return changed
}

// attribute reads property k of a PUT or PATCH of u into op; it reports
// whether it changes u.
func (f *inFeature) attribute(u *partition.Unit, op *edit.Op, k string, raw json.RawMessage) (bool, error) {
	field := "properties." + k
	switch k {
	case "name":
		var s string
		if isNull(raw) || json.Unmarshal(raw, &s) != nil || s == "" {
			return false, fieldError(field, "want a non-empty string, got %s", raw)
		}
		if s == u.Name {
			return false, nil
		}
		op.Name = &s
		return true, nil
	case "kind":
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return false, fieldError(field, "want a string, got %s", raw)
		}
		if isNull(raw) || partition.Kind(s) == u.Kind {
			return false, nil
		}
		kd := partition.Kind(s)
		op.Kind = &kd
		return true, nil
	case "staff":
		staff, err := readStaff(raw)
		if err != nil {
			return false, err
		}
		if slices.Equal(staff, u.Staff) {
			return false, nil
		}
		op.Staff = &staff
		return true, nil
	case "code", "level", "network", "parent", "households", "population":
		return false, readOnly(u, k, raw)
	}
	old, has := u.Props[k]
	if isNull(raw) {
		if has {
			if op.Props == nil {
				op.Props = map[string]any{}
			}
			op.Props[k] = nil
		}
		return has, nil
	}
	if !has {
		return false, fieldError(field, "%s has no such property: the properties are name, kind, staff (which change), code, level, network, parent, households, population (which the server keeps) and the unit's free properties; add a free property with the attributes operation of /v1/drafts/{id}/ops", u.Code)
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return false, fieldError(field, "%v", err)
	}
	if jsonEqual(v, old) {
		return false, nil
	}
	if op.Props == nil {
		op.Props = map[string]any{}
	}
	op.Props[k] = v
	return true, nil
}

// readOnly refuses a value of one of the server's properties that is not
// the unit's (null is none given).
func readOnly(u *partition.Unit, k string, raw json.RawMessage) error {
	if isNull(raw) {
		return nil
	}
	have := partition.FeatureProperties(u)[k]
	var v any
	if err := json.Unmarshal(raw, &v); err != nil || !jsonEqual(v, have) {
		why := map[string]string{
			"code": "a feature's id", "level": "the collection's", "network": "the collection's",
			"parent":     "a unit moves to another parent by the operations of /v1/drafts/{id}/ops",
			"households": "counted from the household layer as the area changes", "population": "counted from the household layer as the area changes",
		}[k]
		return fieldError("properties."+k, "is %s here, not %s: the server keeps it (%s)", orNothing(mustJSON(have)), raw, why)
	}
	return nil
}

// addOp is the operation a POST of f to col asks: a new unit under
// properties.parent.
func (f *inFeature) addOp(col *Collection) (edit.Op, error) {
	op := edit.Op{Op: edit.OpAdd, Level: col.Level, Area: geojson.NewGeometry(f.geometry)}
	for k, raw := range f.props {
		field := "properties." + k
		var s string
		switch k {
		case "parent", "name", "kind":
			if isNull(raw) {
				continue
			}
			if json.Unmarshal(raw, &s) != nil || s == "" {
				return op, fieldError(field, "want a non-empty string, got %s", raw)
			}
			switch k {
			case "parent":
				op.Unit = partition.Code(s)
			case "name":
				op.Name = &s
			default:
				kd := partition.Kind(s)
				op.Kind = &kd
			}
		case "staff":
			staff, err := readStaff(raw)
			if err != nil {
				return op, err
			}
			op.Staff = &staff
		case "level", "network":
			want := map[string]string{"level": string(col.Level), "network": string(col.Network)}[k]
			if !isNull(raw) && (json.Unmarshal(raw, &s) != nil || s != want) {
				return op, fieldError(field, "want %q (the collection's) or none, got %s", want, raw)
			}
		case "code", "households", "population":
			if !isNull(raw) {
				return op, fieldError(field, "the server gives it (the next free code; households counted from the household layer): leave it out")
			}
		default:
			var v any
			if err := json.Unmarshal(raw, &v); err != nil {
				return op, fieldError(field, "%v", err)
			}
			if v != nil {
				if op.Props == nil {
					op.Props = map[string]any{}
				}
				op.Props[k] = v
			}
		}
	}
	if op.Unit == "" {
		return op, fieldError("properties.parent", "missing: name the code of the unit the new one is carved in")
	}
	return op, nil
}

// readStaff reads staff: a list of {role, name, phone}, or that list as
// a JSON string (as some clients send a field of JSON); null is none.
func readStaff(raw json.RawMessage) ([]partition.Staff, error) {
	if isNull(raw) {
		return []partition.Staff{}, nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		raw = json.RawMessage(s)
	}
	var staff []partition.Staff
	if err := partition.DecodeStrict(raw, &staff, "properties.staff"); err != nil {
		return nil, fieldError("properties.staff", "want a list of {role, name, phone}: %v", err)
	}
	if staff == nil {
		staff = []partition.Staff{}
	}
	return staff, nil
}

func fieldError(field, format string, args ...any) error {
	return &partition.Error{Kind: partition.Invalid, Message: "the feature is refused",
		Problems: []partition.Problem{{Index: -1, Field: field, Message: fmt.Sprintf(format, args...)}}}
}

func isNull(raw json.RawMessage) bool {
	return len(bytes.TrimSpace(raw)) == 0 || string(bytes.TrimSpace(raw)) == "null"
}

func orNothing(raw json.RawMessage) string {
	if len(raw) == 0 {
		return "nothing"
	}
	return string(raw)
}

func mustJSON(v any) json.RawMessage {
	b, _ := json.Marshal(v)
	return b
}

// jsonEqual compares two JSON values as JSON (numbers as numbers).
func jsonEqual(a, b any) bool {
	var x, y any
	if json.Unmarshal(mustJSON(a), &x) != nil || json.Unmarshal(mustJSON(b), &y) != nil {
		return false
	}
	return bytes.Equal(mustJSON(x), mustJSON(y))
}
