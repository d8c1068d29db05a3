package diff

import (
	"fmt"
	"io"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/partition"
)

// PieceProperties returns a piece's GeoJSON properties: from, to (null for
// nobody), level, network, area_m2 (to the cm²), households, population and
// estimated.
func PieceProperties(p *Piece) map[string]any {
	return map[string]any{
		"from": codeOrNull(p.From), "to": codeOrNull(p.To), "level": string(p.Level), "network": string(p.Network),
		"area_m2": roundArea(p.Area), "households": p.Households, "population": p.Population, "estimated": p.Estimated,
	}
}

// PieceFeature returns the piece as a GeoJSON Feature; transform, when not
// nil, converts a copy of the geometry for output.
func PieceFeature(p *Piece, transform func(orb.Geometry) orb.Geometry) *geojson.Feature {
	var g orb.Geometry = p.Geometry
	if transform != nil {
		g = transform(orb.Clone(p.Geometry))
	}
	return &geojson.Feature{Type: "Feature", Geometry: g, Properties: PieceProperties(p)}
}

// changeJSON is an AttributeChange as the `changed` member has it.
type changeJSON struct {
	Code  string `json:"code"`
	Field string `json:"field"`
	From  any    `json:"from"`
	To    any    `json:"to"`
}

// WriteGeoJSON writes r as an RFC 7946 FeatureCollection with one feature
// per piece (PieceProperties), in r's order, and the foreign members added
// and removed (codes), changed (objects {code, field, from, to}; a
// geometry's from and to are its areas in m²) and summary. transform, when
// not nil, converts geometries for output.
func WriteGeoJSON(w io.Writer, r *Result, transform func(orb.Geometry) orb.Geometry) error {
	cw := partition.NewCollectionWriter(w, nil)
	for i := range r.Pieces {
		if err := cw.Feature(PieceFeature(&r.Pieces[i], transform)); err != nil {
			return fmt.Errorf("write piece %d: %w", i, err)
		}
	}
	changed := make([]changeJSON, len(r.Changed))
	for i, c := range r.Changed {
		changed[i] = changeJSON{Code: string(c.Code), Field: c.Field, From: jsonValue(c.From), To: jsonValue(c.To)}
	}
	sum := r.Summary
	sum.Levels = make([]LevelSummary, len(r.Summary.Levels))
	for i, l := range r.Summary.Levels {
		l.Area = geo.SquareMeters(roundArea(l.Area))
		sum.Levels[i] = l
	}
	err := cw.CloseWith(map[string]any{"added": codeList(r.Added), "removed": codeList(r.Removed), "changed": changed, "summary": sum})
	if err != nil {
		return fmt.Errorf("write differences: %w", err)
	}
	return nil
}

// jsonValue is v as a change writes it: areas to the cm², an empty code as
// null.
func jsonValue(v any) any {
	switch v := v.(type) {
	case geo.SquareMeters:
		return roundArea(v)
	case partition.Code:
		return codeOrNull(v)
	}
	return v
}

func codeOrNull(c partition.Code) any {
	if c == "" {
		return nil
	}
	return string(c)
}

// codeList is cs as strings, never nil.
func codeList(cs []partition.Code) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = string(c)
	}
	return out
}

func roundArea(a geo.SquareMeters) float64 { return math.Round(float64(a)*100) / 100 }
