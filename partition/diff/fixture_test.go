package diff

import (
	"cmp"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/partition"
)

// The fixtures are drawn in ASCII: each character is a cell of step
// degrees, the first row northmost, a letter the code of the unit that
// holds the cell, '.' no unit. Cells at the same row and column have the
// same coordinates in every drawing, so shared edges match exactly.
const (
	originLon, originLat = 118.7, 32.0
	step                 = 0.001 // ≈ 94 m × 111 m at Nanjing
)

// cell is the square at row r, column c.
func cell(r, c int) orb.Polygon {
	x0, x1 := originLon+float64(c)*step, originLon+float64(c+1)*step
	y0, y1 := originLat-float64(r+1)*step, originLat-float64(r)*step
	return orb.Polygon{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}
}

// cellArea is the area of the cell at row r, column c.
func cellArea(r, c int) geo.SquareMeters { return geo.Area(cell(r, c)) }

// shapes returns each letter's cells, unioned, by code.
func shapes(t testing.TB, rows []string) map[partition.Code]orb.MultiPolygon {
	t.Helper()
	cells := map[partition.Code][]orb.MultiPolygon{}
	for r, row := range rows {
		for c, ch := range row {
			if ch != '.' {
				cells[partition.Code(ch)] = append(cells[partition.Code(ch)], orb.MultiPolygon{cell(r, c)})
			}
		}
	}
	out := map[partition.Code]orb.MultiPolygon{}
	for code, cs := range cells {
		u, err := geo.Union(cs...)
		if err != nil {
			t.Fatal(err)
		}
		out[code] = u
	}
	return out
}

// drawn returns the units of a drawing, grids of the land network in code
// order, each with households and population from hh (0 if absent).
func drawn(t testing.TB, hh map[partition.Code][2]int, rows ...string) []partition.Unit {
	t.Helper()
	var units []partition.Unit
	for code, mp := range shapes(t, rows) {
		units = append(units, partition.Unit{
			Code: code, Name: "grid " + string(code), Level: partition.LevelGrid, Network: partition.NetworkLand,
			Kind: partition.KindComprehensive, Parent: "P", Households: hh[code][0], Population: hh[code][1], Geometry: mp,
		})
	}
	slices.SortFunc(units, func(a, b partition.Unit) int { return cmp.Compare(a.Code, b.Code) })
	return units
}

// pair is a piece's From and To.
type pair struct{ from, to partition.Code }

// cellPieces is the oracle: the area of each (from, to) pair of codes that
// differ cell by cell between two drawings of the same size, '.' being
// nobody ("").
func cellPieces(from, to []string) map[pair]geo.SquareMeters {
	out := map[pair]geo.SquareMeters{}
	code := func(ch byte) partition.Code {
		if ch == '.' {
			return ""
		}
		return partition.Code(ch)
	}
	for r := range from {
		for c := 0; c < len(from[r]); c++ {
			a, b := code(from[r][c]), code(to[r][c])
			if a != b {
				out[pair{a, b}] += cellArea(r, c)
			}
		}
	}
	return out
}
