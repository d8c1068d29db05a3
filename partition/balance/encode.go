package balance

import (
	"fmt"
	"io"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/partition"
)

// WriteGeoJSON writes a proposal: the children as unit features (with their
// quality figures among the properties), the report and, when rebalancing,
// the moves as foreign members `report` and `moves`. transform (may be nil)
// converts a copy of each geometry for output.
func WriteGeoJSON(w io.Writer, res *Result, moves []Move, transform func(orb.Geometry) orb.Geometry) error {
	cw := partition.NewCollectionWriter(w, nil)
	for i := range res.Children {
		if err := cw.Unit(&res.Children[i], transform); err != nil {
			return fmt.Errorf("write proposal: %w", err)
		}
	}
	trailer := map[string]any{"report": res.Report}
	if moves != nil {
		trailer["moves"] = moves
	}
	if err := cw.CloseWith(trailer); err != nil {
		return fmt.Errorf("write proposal: %w", err)
	}
	return nil
}
