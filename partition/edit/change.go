package edit

import (
	"sort"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/partition"
)

// Change is what one operation did, enough to redo and undo it exactly:
// the units it touched as they were and as they are. A code in Before and
// not in After was removed; in After and not in Before, added.
type Change struct {
	Op     string           `json:"op"`
	Before []partition.Unit `json:"before"`
	After  []partition.Unit `json:"after"`
	// Moves are the areas, households and population that changed hands,
	// at every level the operation reached.
	Moves []Move `json:"moves"`
	// Estimated are the codes whose households became estimated by area
	// (there is no household layer); WasEstimated the removed codes that
	// were.
	Estimated    []partition.Code `json:"estimated,omitempty"`
	WasEstimated []partition.Code `json:"was_estimated,omitempty"`
	// Families are the parents whose children the operation changed: the
	// families to check again.
	Families []partition.Code `json:"families"`
	// Recoded maps the old codes of units that moved under a new parent
	// (and had to take a code of its space) to their new codes.
	Recoded map[partition.Code]partition.Code `json:"recoded,omitempty"`
}

// Move is one piece that changed hands: from a unit to another of the same
// level. To is empty when the piece went to no unit (a unit without
// children received area that its source's children covered: the detail
// below it is dropped there).
type Move struct {
	From       partition.Code   `json:"from"`
	To         partition.Code   `json:"to"`
	Level      partition.Level  `json:"level"`
	Area       geo.SquareMeters `json:"area_m2"`
	Households int              `json:"households"`
	Population int              `json:"population"`
	// Estimated: moved in proportion to area (no household layer).
	Estimated bool `json:"estimated,omitempty"`
}

// Codes returns the codes the change touched, sorted.
func (c *Change) Codes() []partition.Code {
	seen := map[partition.Code]bool{}
	for _, u := range c.Before {
		seen[u.Code] = true
	}
	for _, u := range c.After {
		seen[u.Code] = true
	}
	out := make([]partition.Code, 0, len(seen))
	for code := range seen {
		out = append(out, code)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
