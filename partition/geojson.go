package partition

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// reserved are the property names that map onto Unit fields; every other
// property of an imported feature is kept in Unit.Props.
var reserved = map[string]bool{
	"code": true, "name": true, "level": true, "network": true, "kind": true, "parent": true,
	"households": true, "population": true, "staff": true, "valid_from": true, "valid_to": true,
}

// DecodeOptions control how a FeatureCollection becomes a changeset.
type DecodeOptions struct {
	// Transform converts a geometry to CGCS2000 lon/lat in place (from the
	// input's crs); nil leaves coordinates as they are.
	Transform func(orb.Geometry) orb.Geometry
	// MaxFeatures refuses collections with more features; 0 = no limit.
	MaxFeatures int
}

// Decoded is a decoded FeatureCollection.
type Decoded struct {
	Changeset
	// SoftParents are the indices of units whose parent came from a DataV
	// `acroutes`/`parent.adcode` rather than an explicit `parent`: such a
	// parent is a hint, dropped (the unit becomes a root) when the parent
	// exists neither in the input nor in the store.
	SoftParents []int
}

// rawCollection is a FeatureCollection with wangge's foreign members:
// `vessels`, and `retire`, the codes a publish retires (a partitioner's
// proposal carries the children it merged away).
type rawCollection struct {
	Type     string            `json:"type"`
	Features []json.RawMessage `json:"features"`
	Vessels  []json.RawMessage `json:"vessels"`
	Retire   []string          `json:"retire"`
}

type rawFeature struct {
	Type       string          `json:"type"`
	Geometry   json.RawMessage `json:"geometry"`
	Properties map[string]any  `json:"properties"`
}

// DecodeFeatureCollection reads an RFC 7946 FeatureCollection of units (the
// properties of DESIGN.md, or DataV's adcode/name/level/acroutes) and an
// optional `vessels` member into a changeset. Every problem is reported with
// the feature's index and code in one *Error of kind Invalid.
func DecodeFeatureCollection(r io.Reader, opts DecodeOptions) (Decoded, error) {
	var out Decoded
	data, err := io.ReadAll(r)
	if err != nil {
		return out, fmt.Errorf("read feature collection: %w", err)
	}
	var fc rawCollection
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&fc); err != nil {
		return out, &Error{Kind: Invalid, Message: "invalid JSON: " + jsonErrorText(data, err)}
	}
	if err := EndOfJSON(dec, data); err != nil {
		return out, err
	}
	if fc.Type != "FeatureCollection" {
		return out, Errorf(Invalid, "want a GeoJSON FeatureCollection, got type %q", fc.Type)
	}
	if opts.MaxFeatures > 0 && len(fc.Features) > opts.MaxFeatures {
		return out, Errorf(TooLarge, "%d features, more than the limit of %d", len(fc.Features), opts.MaxFeatures)
	}
	var problems []Problem
	for i, raw := range fc.Features {
		if !utf8.Valid(raw) { // encoding/json would quietly make it U+FFFD
			problems = append(problems, Problem{Index: i, Code: rawCode(raw), Message: "invalid UTF-8 in the feature (names and properties must be UTF-8 text)"})
		}
		u, soft, ps := decodeFeature(raw, opts)
		for _, p := range ps {
			p.Index = i
			problems = append(problems, p)
		}
		if soft {
			out.SoftParents = append(out.SoftParents, i)
		}
		out.Units = append(out.Units, u)
	}
	for i, raw := range fc.Vessels {
		v, err := decodeVessel(raw)
		if err != nil {
			problems = append(problems, Problem{Index: -1, Code: v.ID, Field: fmt.Sprintf("vessels[%d]", i), Message: err.Error()})
		}
		out.Vessels = append(out.Vessels, v)
	}
	for i, c := range fc.Retire {
		if c == "" {
			problems = append(problems, Problem{Index: -1, Field: fmt.Sprintf("retire[%d]", i), Message: "empty code"})
			continue
		}
		out.DeleteUnits = append(out.DeleteUnits, Code(c))
	}
	if len(problems) == 0 && !utf8.Valid(data) {
		line, col := lineCol(data, int64(invalidUTF8At(data)))
		problems = append(problems, Problem{Index: -1, Message: fmt.Sprintf("invalid UTF-8 (line %d, column %d)", line, col)})
	}
	if len(problems) > 0 {
		return out, &Error{Kind: Invalid, Message: fmt.Sprintf("%d problems in the input, nothing was written", len(problems)), Problems: problems}
	}
	return out, nil
}

// invalidUTF8At is the offset of data's first byte that is not UTF-8.
func invalidUTF8At(data []byte) int {
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return len(data)
}

// rawCode is the feature's properties.code, as far as it can be read, for
// naming a feature whose text is not UTF-8.
func rawCode(raw json.RawMessage) string {
	var f struct {
		Properties struct {
			Code   string      `json:"code"`
			Adcode json.Number `json:"adcode"`
		} `json:"properties"`
	}
	if json.Unmarshal(raw, &f) != nil {
		return ""
	}
	if f.Properties.Code != "" {
		return f.Properties.Code
	}
	return f.Properties.Adcode.String()
}

// jsonErrorText names the line and column of a syntax error.
func jsonErrorText(data []byte, err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	off := int64(-1)
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	}
	if off < 0 || off > int64(len(data)) {
		return err.Error()
	}
	line, col := lineCol(data, off)
	return fmt.Sprintf("%v (line %d, column %d)", err, line, col)
}

// lineCol is the line and column (from 1) of byte offset off of data.
func lineCol(data []byte, off int64) (line int, col int64) {
	return 1 + bytes.Count(data[:off], []byte("\n")), off - int64(bytes.LastIndexByte(data[:off], '\n'))
}

func decodeFeature(raw json.RawMessage, opts DecodeOptions) (Unit, bool, []Problem) {
	var u Unit
	var f rawFeature
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&f); err != nil {
		return u, false, []Problem{{Message: "not a GeoJSON Feature: " + err.Error()}}
	}
	if f.Type != "Feature" {
		return u, false, []Problem{{Message: fmt.Sprintf("want a Feature, got type %q", f.Type)}}
	}
	p := props(f.Properties)
	var soft bool
	if _, native := f.Properties["code"]; !native && f.Properties["adcode"] != nil {
		soft = p.dataV(&u)
	} else {
		p.native(&u)
	}
	u.Geometry = p.geometry(f.Geometry, opts.Transform)
	p.code = string(u.Code)
	for i := range p.problems {
		p.problems[i].Code = p.code
	}
	return u, soft, p.problems
}

// props reads typed values out of a property map, collecting problems.
type propReader struct {
	m        map[string]any
	code     string
	problems []Problem
}

func props(m map[string]any) *propReader { return &propReader{m: m} }

func (p *propReader) fail(field, format string, args ...any) {
	p.problems = append(p.problems, Problem{Field: field, Message: fmt.Sprintf(format, args...)})
}

func (p *propReader) str(key string) string {
	switch v := p.m[key].(type) {
	case nil:
		return ""
	case string:
		return v
	case json.Number:
		return v.String()
	default:
		p.fail(key, "want a string, got %v", v)
		return ""
	}
}

func (p *propReader) count(key string) int {
	v, ok := p.m[key]
	if !ok || v == nil {
		return 0
	}
	n, isNum := v.(json.Number)
	i, err := strconv.ParseInt(string(n), 10, 64)
	if !isNum || err != nil || i < 0 || i > math.MaxInt32 {
		p.fail(key, "want a whole number ≥ 0, got %v", v)
		return 0
	}
	return int(i)
}

func (p *propReader) native(u *Unit) {
	u.Code = Code(p.str("code"))
	u.Name = p.str("name")
	u.Parent = Code(p.str("parent"))
	u.Level = Level(p.str("level"))
	u.Kind = Kind(p.str("kind"))
	if u.Kind == "" {
		u.Kind = KindComprehensive
	}
	u.Network = Network(p.str("network"))
	if u.Network == "" {
		u.Network = u.Kind.Network()
	}
	u.Households = p.count("households")
	u.Population = p.count("population")
	u.Staff = p.staff()
	u.Props = p.rest(reserved)
	if u.Code == "" {
		p.fail("code", "missing code")
	}
}

// dataV maps DataV.GeoAtlas properties: a 6-digit adcode becomes the
// 12-digit code, `level` city/district is kept, and the parent comes from
// `parent.adcode` or the last of `acroutes` (a soft parent).
func (p *propReader) dataV(u *Unit) bool {
	u.Code = Code(padCode(p.str("adcode")))
	u.Name = p.str("name")
	u.Level = Level(p.str("level"))
	u.Kind, u.Network = KindComprehensive, NetworkLand
	var parent string
	if po, ok := p.m["parent"].(map[string]any); ok {
		if n, ok := po["adcode"].(json.Number); ok {
			parent = n.String()
		}
	}
	if routes, ok := p.m["acroutes"].([]any); ok && parent == "" && len(routes) > 0 {
		if n, ok := routes[len(routes)-1].(json.Number); ok {
			parent = n.String()
		}
	}
	skip := map[string]bool{"adcode": true, "parent": true}
	for k := range reserved {
		skip[k] = true
	}
	u.Props = p.rest(skip)
	if parent == "" || parent == "100000" || strings.HasSuffix(parent, "0000") {
		return false // country or province: not a unit wangge keeps
	}
	u.Parent = Code(padCode(parent))
	return true
}

// padCode turns a 6-digit adcode into a 12-digit division code.
func padCode(s string) string {
	if len(s) == 6 {
		return s + "000000"
	}
	return s
}

func (p *propReader) staff() []Staff {
	v, ok := p.m["staff"]
	if !ok || v == nil {
		return nil
	}
	list, ok := v.([]any)
	if !ok {
		p.fail("staff", "want a list of {role, name, phone}")
		return nil
	}
	out := make([]Staff, 0, len(list))
	for i, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			p.fail(fmt.Sprintf("staff[%d]", i), "want an object {role, name, phone}")
			continue
		}
		sp := props(m)
		out = append(out, Staff{Role: sp.str("role"), Name: sp.str("name"), Phone: sp.str("phone")})
		for _, pr := range sp.problems {
			p.fail(fmt.Sprintf("staff[%d].%s", i, pr.Field), "%s", pr.Message)
		}
	}
	return out
}

// rest returns the properties not in skip, with numbers as float64 (or
// int64 where whole), as JSON would give them back.
func (p *propReader) rest(skip map[string]bool) map[string]any {
	var out map[string]any
	keys := make([]string, 0, len(p.m))
	for k := range p.m {
		if !skip[k] {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		if out == nil {
			out = map[string]any{}
		}
		out[k] = plain(p.m[k])
	}
	return out
}

// plain converts json.Number values to float64, recursively.
func plain(v any) any {
	switch v := v.(type) {
	case json.Number:
		f, _ := v.Float64()
		return f
	case []any:
		for i := range v {
			v[i] = plain(v[i])
		}
	case map[string]any:
		for k := range v {
			v[k] = plain(v[k])
		}
	}
	return v
}

func (p *propReader) geometry(raw json.RawMessage, transform func(orb.Geometry) orb.Geometry) orb.MultiPolygon {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	g, err := geojson.UnmarshalGeometry(raw)
	if err != nil {
		p.fail("geometry", "not a GeoJSON geometry: %v", err)
		return nil
	}
	var mp orb.MultiPolygon
	switch c := g.Geometry().(type) {
	case orb.Polygon:
		mp = orb.MultiPolygon{c}
	case orb.MultiPolygon:
		mp = c
	default:
		p.fail("geometry", "a %s is not areal: want a Polygon or MultiPolygon", g.Type)
		return nil
	}
	if mp == nil {
		mp = orb.MultiPolygon{}
	}
	if transform != nil && finite(mp) {
		mp = transform(mp).(orb.MultiPolygon)
	}
	return mp
}

// finite reports whether every coordinate is a finite number within range,
// so that a datum shift can be applied to it; others are refused later.
func finite(mp orb.MultiPolygon) bool {
	for _, p := range mp {
		for _, r := range p {
			for _, pt := range r {
				if math.IsNaN(pt[0]+pt[1]) || math.IsInf(pt[0]+pt[1], 0) || math.Abs(pt[0]) > 180 || math.Abs(pt[1]) > 90 {
					return false
				}
			}
		}
	}
	return true
}

func decodeVessel(raw json.RawMessage) (Vessel, error) {
	var w struct {
		ID   string `json:"id"`
		Name string `json:"name"`
		Type string `json:"type"`
		Crew int    `json:"crew"`
		Unit string `json:"unit"`
	}
	if err := json.Unmarshal(raw, &w); err != nil {
		return Vessel{}, fmt.Errorf("not a vessel {id, name, type, crew, unit}: %w", err)
	}
	return Vessel{ID: w.ID, Name: w.Name, Type: VesselType(w.Type), Crew: w.Crew, Unit: Code(w.Unit)}, nil
}

// ResolveSoftParents drops each soft (DataV-derived) parent that exists
// neither in the changeset nor in the store's latest version: the unit is
// imported as a root, as a county deployment starts at its county. It
// returns the codes of the units whose parent was dropped.
func ResolveSoftParents(ctx context.Context, d *Decoded, s Store) ([]Code, error) {
	in := make(map[Code]bool, len(d.Units))
	for _, u := range d.Units {
		in[u.Code] = true
	}
	var dropped []Code
	for _, i := range d.SoftParents {
		u := &d.Units[i]
		if u.Parent == "" || in[u.Parent] {
			continue
		}
		_, err := s.Unit(ctx, u.Parent, AsOf{})
		if err != nil && KindOf(err) == NotFound {
			dropped = append(dropped, u.Code)
			u.Parent = ""
		} else if err != nil {
			return nil, fmt.Errorf("look up parent %s of %s: %w", u.Parent, u.Code, err)
		}
	}
	return dropped, nil
}
