package proposal

import (
	"fmt"
	"io"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/wangge/wangge/partition"
)

// checkSummary is the tiling check of a proposal as a foreign member:
// counts, per-parent summaries and the findings as GeoJSON features.
type checkSummary struct {
	Errors   int                 `json:"errors"`
	Warnings int                 `json:"warnings"`
	Summary  []partition.Summary `json:"summary"`
	Findings []*geojson.Feature  `json:"findings"`
}

// WriteGeoJSON writes a proposal as a FeatureCollection that publishes as
// it is (POST /v1/versions, wangge import): the children, then the
// re-divided descendants, as unit features; the foreign members `report`,
// `moves` (rebalancing), `retire` (the codes publishing retires),
// `attention` and `tiling` (the check of the affected subtree). transform
// (may be nil) converts a copy of each geometry for output.
func WriteGeoJSON(w io.Writer, p *Proposal, transform func(orb.Geometry) orb.Geometry) error {
	cw := partition.NewCollectionWriter(w, nil)
	for _, us := range [][]partition.Unit{p.Children, p.Descendants} {
		for i := range us {
			if err := cw.Unit(&us[i], transform); err != nil {
				return fmt.Errorf("write proposal: %w", err)
			}
		}
	}
	errs, warns := p.Check.Count()
	cs := checkSummary{Errors: errs, Warnings: warns, Summary: p.Check.Summaries, Findings: []*geojson.Feature{}}
	for i := range p.Check.Findings {
		cs.Findings = append(cs.Findings, partition.FindingFeature(&p.Check.Findings[i], transform))
	}
	trailer := map[string]any{"report": p.Report, "retire": nonNil(p.Retire), "attention": nonNil(p.Attention), "tiling": cs}
	if p.Moves != nil {
		trailer["moves"] = p.Moves
	}
	if err := cw.CloseWith(trailer); err != nil {
		return fmt.Errorf("write proposal: %w", err)
	}
	return nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
