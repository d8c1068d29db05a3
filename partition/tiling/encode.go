package tiling

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/partition"
)

// header is what a findings collection carries before its features, as
// foreign members: counts and the per-parent summaries.
type header struct {
	Type     string              `json:"type"`
	Errors   int                 `json:"errors"`
	Warnings int                 `json:"warnings"`
	Summary  []partition.Summary `json:"summary"`
}

// WriteGeoJSON writes the report as an RFC 7946 FeatureCollection of
// findings (properties of partition.FindingProperties; geometry the defect:
// a Point for invalid, a MultiPolygon otherwise), with `errors`, `warnings`
// and `summary` (one entry per parent: children, covered_pct, gap_m2,
// overlap_m2, outside_m2…) as foreign members. transform, when not nil,
// converts geometries for output; decimals > 0 rounds coordinates.
func WriteGeoJSON(w io.Writer, rep *Report, transform func(orb.Geometry) orb.Geometry, decimals int) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	errs, warns := rep.Count()
	h := header{Type: "FeatureCollection", Errors: errs, Warnings: warns, Summary: roundSummaries(rep.Summaries)}
	b, err := json.Marshal(h)
	if err != nil {
		return fmt.Errorf("encode summary: %w", err)
	}
	bw.Write(b[:len(b)-1])
	bw.WriteString(`,"features":[`)
	for i := range rep.Findings {
		f := rep.Findings[i]
		if decimals > 0 && f.Geometry != nil {
			f.Geometry = roundGeometry(orb.Clone(f.Geometry), decimals)
		}
		b, err := partition.FindingFeature(&f, transform).MarshalJSON()
		if err != nil {
			return fmt.Errorf("encode finding %d: %w", i, err)
		}
		if i > 0 {
			bw.WriteString(",\n")
		} else {
			bw.WriteString("\n")
		}
		bw.Write(b)
	}
	bw.WriteString("\n]}\n")
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write findings: %w", err)
	}
	return nil
}

// roundSummaries rounds areas to 0.01 m² and percentages to 1e-6.
func roundSummaries(ss []partition.Summary) []partition.Summary {
	out := make([]partition.Summary, len(ss))
	for i, s := range ss {
		r := func(x float64, p float64) float64 { return math.Round(x*p) / p }
		s.Area = typedRound(s.Area)
		s.Gap, s.Overlap, s.Outside = typedRound(s.Gap), typedRound(s.Overlap), typedRound(s.Outside)
		s.CoveredPct = r(s.CoveredPct, 1e6)
		out[i] = s
	}
	return out
}

func typedRound[T ~float64](x T) T { return T(math.Round(float64(x)*100) / 100) }

func roundGeometry(g orb.Geometry, decimals int) orb.Geometry {
	p := math.Pow(10, float64(decimals))
	r := func(pt *orb.Point) { pt[0], pt[1] = math.Round(pt[0]*p)/p, math.Round(pt[1]*p)/p }
	switch g := g.(type) {
	case orb.Point:
		r(&g)
		return g
	case orb.MultiPolygon:
		for _, pg := range g {
			for _, ring := range pg {
				for k := range ring {
					r(&ring[k])
				}
			}
		}
	}
	return g
}
