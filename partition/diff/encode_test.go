package diff

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/wangge/wangge/partition"
)

// TestWriteGeoJSON: one feature per piece with its properties (nobody as
// null), the foreign members, a transform applied to a copy; the document
// reads back as a FeatureCollection with orb's decoder.
func TestWriteGeoJSON(t *testing.T) {
	hh := map[partition.Code][2]int{"A": {40, 100}}
	from := drawn(t, hh, "AAB.", "AAB.")
	to := drawn(t, hh, "ABBB", "ABBD")
	to[0].Name = "renamed"
	r := compare(t, from, to, DefaultOptions())
	orig := orb.Clone(r.Pieces[0].Geometry)
	shift := func(g orb.Geometry) orb.Geometry {
		mp := g.(orb.MultiPolygon)
		for _, pg := range mp {
			for _, ring := range pg {
				for i := range ring {
					ring[i][0] += 1
				}
			}
		}
		return mp
	}
	var buf bytes.Buffer
	if err := WriteGeoJSON(&buf, &r, shift); err != nil {
		t.Fatal(err)
	}
	if !orb.Equal(orig, r.Pieces[0].Geometry) {
		t.Error("the transform changed the result's geometry")
	}
	fc, err := geojson.UnmarshalFeatureCollection(buf.Bytes())
	if err != nil {
		t.Fatalf("orb cannot read it back: %v", err)
	}
	if len(fc.Features) != len(r.Pieces) {
		t.Fatalf("got %d features, want %d", len(fc.Features), len(r.Pieces))
	}
	for i, f := range fc.Features {
		p := r.Pieces[i]
		if got, want := f.Geometry.Bound().Min[0], p.Geometry.Bound().Min[0]+1; math.Abs(got-want) > 1e-12 {
			t.Errorf("feature %d: west edge %v, want %v (transformed)", i, got, want)
		}
		for k, want := range map[string]any{"from": code(p.From), "to": code(p.To), "level": "grid", "network": "land",
			"households": float64(p.Households), "population": float64(p.Population), "estimated": true} {
			if f.Properties[k] != want {
				t.Errorf("feature %d: %s is %v, want %v", i, k, f.Properties[k], want)
			}
		}
		if a := f.Properties["area_m2"].(float64); math.Abs(a-float64(p.Area)) > 0.005 {
			t.Errorf("feature %d: area_m2 %v, want %.3f", i, a, p.Area)
		}
	}
	var doc struct {
		Added, Removed []string
		Changed        []map[string]any
		Summary        Summary
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Added) != 1 || doc.Added[0] != "D" || doc.Removed == nil || len(doc.Removed) != 0 {
		t.Errorf("got added %v removed %v, want [D] and []", doc.Added, doc.Removed)
	}
	if len(doc.Changed) != len(r.Changed) || doc.Changed[0]["field"] != "name" || doc.Changed[0]["to"] != "renamed" {
		t.Errorf("got changed %v, want %d changes starting with A's name", doc.Changed, len(r.Changed))
	}
	if doc.Summary.Pieces != len(r.Pieces) || len(doc.Summary.Levels) != 1 || doc.Summary.Levels[0].Households != r.Summary.Levels[0].Households {
		t.Errorf("got summary %+v, want %+v", doc.Summary, r.Summary)
	}
}

func code(c partition.Code) any {
	if c == "" {
		return nil
	}
	return string(c)
}
