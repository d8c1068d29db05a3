package partition

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// FeatureProperties returns a unit's GeoJSON properties as DESIGN.md names
// them; free properties follow, never overriding a named one.
func FeatureProperties(u *Unit) map[string]any {
	m := make(map[string]any, len(u.Props)+9)
	for k, v := range u.Props {
		m[k] = v
	}
	var parent any
	if u.Parent != "" {
		parent = string(u.Parent)
	}
	staff := u.Staff
	if staff == nil {
		staff = []Staff{}
	}
	m["code"], m["name"], m["level"], m["network"], m["kind"] = string(u.Code), u.Name, string(u.Level), string(u.Network), string(u.Kind)
	m["parent"], m["households"], m["population"], m["staff"] = parent, u.Households, u.Population, staff
	return m
}

// Feature returns the unit as a GeoJSON Feature with its code as id.
// transform, when not nil, converts a copy of the geometry for output.
func Feature(u *Unit, transform func(orb.Geometry) orb.Geometry) *geojson.Feature {
	var g orb.Geometry
	if u.Geometry != nil {
		g = u.Geometry
		if transform != nil {
			g = transform(orb.Clone(u.Geometry))
		}
	}
	f := &geojson.Feature{Type: "Feature", ID: string(u.Code), Geometry: g, Properties: FeatureProperties(u)}
	return f
}

// VesselJSON is a vessel as the `vessels` member of a collection has it.
type VesselJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Type string `json:"type"`
	Crew int    `json:"crew"`
	Unit string `json:"unit"`
}

// JSON returns the vessel in its GeoJSON foreign-member form.
func (v *Vessel) JSON() VesselJSON {
	return VesselJSON{ID: v.ID, Name: v.Name, Type: string(v.Type), Crew: v.Crew, Unit: string(v.Unit)}
}

// CollectionWriter streams a FeatureCollection, one feature at a time, with
// constant memory; vessels go in a `vessels` foreign member after the
// features. Call Close to finish the document.
type CollectionWriter struct {
	w        *bufio.Writer
	features int
	vessels  int
	inVessel bool
	extra    map[string]any
	buf      []byte // Unit's encoding, reused
	err      error
}

// NewCollectionWriter starts a collection on w. extra members (e.g.
// numberReturned, links) are written before the features.
func NewCollectionWriter(w io.Writer, extra map[string]any) *CollectionWriter {
	cw := &CollectionWriter{w: bufio.NewWriterSize(w, 64<<10), extra: extra}
	cw.write([]byte(`{"type":"FeatureCollection"`))
	for k, v := range extra {
		b, err := json.Marshal(v)
		if err != nil {
			cw.err = fmt.Errorf("encode member %s: %w", k, err)
			return cw
		}
		kb, _ := json.Marshal(k)
		cw.write([]byte(","))
		cw.write(kb)
		cw.write([]byte(":"))
		cw.write(b)
	}
	cw.write([]byte(`,"features":[`))
	return cw
}

func (cw *CollectionWriter) write(b []byte) {
	if cw.err == nil {
		_, cw.err = cw.w.Write(b)
	}
}

// Feature writes one feature.
func (cw *CollectionWriter) Feature(f *geojson.Feature) error {
	if cw.inVessel {
		return fmt.Errorf("feature after vessels")
	}
	b, err := f.MarshalJSON()
	if err != nil {
		return fmt.Errorf("encode feature %v: %w", f.ID, err)
	}
	if cw.features > 0 {
		cw.write([]byte(","))
	}
	cw.features++
	cw.write(b)
	return cw.err
}

// Unit writes one unit as a feature, as Feature(u, transform) would be
// written, encoded by AppendFeature into a buffer the writer reuses.
func (cw *CollectionWriter) Unit(u *Unit, transform func(orb.Geometry) orb.Geometry) error {
	if cw.inVessel {
		return fmt.Errorf("feature after vessels")
	}
	b, err := AppendFeature(cw.buf[:0], u, transform)
	cw.buf = b[:0]
	if err != nil {
		return err
	}
	if cw.features > 0 {
		cw.write([]byte(","))
	}
	cw.features++
	cw.write(b)
	return cw.err
}

// Vessel writes one vessel into the `vessels` member.
func (cw *CollectionWriter) Vessel(v *Vessel) error {
	if !cw.inVessel {
		cw.write([]byte(`],"vessels":[`))
		cw.inVessel = true
	}
	b, err := json.Marshal(v.JSON())
	if err != nil {
		return fmt.Errorf("encode vessel %s: %w", v.ID, err)
	}
	if cw.vessels > 0 {
		cw.write([]byte(","))
	}
	cw.vessels++
	cw.write(b)
	return cw.err
}

// Count is the number of features written so far.
func (cw *CollectionWriter) Count() int { return cw.features }

// Close ends the document and flushes it.
func (cw *CollectionWriter) Close() error { return cw.CloseWith(nil) }

// CloseWith ends the document with trailer members written after the
// features (and vessels), in key order, and flushes it: for what is known
// only once the features are written, as OGC API's numberReturned and next
// link of a streamed page.
func (cw *CollectionWriter) CloseWith(trailer map[string]any) error {
	cw.write([]byte("]"))
	keys := make([]string, 0, len(trailer))
	for k := range trailer {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		b, err := json.Marshal(trailer[k])
		if err != nil && cw.err == nil {
			cw.err = fmt.Errorf("encode member %s: %w", k, err)
		}
		kb, _ := json.Marshal(k)
		cw.write([]byte(","))
		cw.write(kb)
		cw.write([]byte(":"))
		cw.write(b)
	}
	cw.write([]byte("}\n"))
	if cw.err == nil {
		cw.err = cw.w.Flush()
	}
	return cw.err
}
