package main

import (
	"fmt"
	"sort"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
)

// The county's sea area is not in any source (boundaries README §7), so the
// generator defines one: the rectangle 121°30′–123°00′ E, 30°24′–31°00′ N
// (about 9,500 km², near the 8,700 km² usually quoted), less every part of
// the county's land polygon. It is cut along the national 10′×10′
// fishing-area lines: 9 columns and 4 rows (the southern row 6′ high), 36
// cells; the quarterCells cells with the most island land are quartered
// into 5′ cells, the finer near-shore grids, for 75 fishing grids in all.
const (
	seaWest, seaEast   = 121.5, 123.0
	seaSouth, seaNorth = 30.4, 31.0
	seaCols            = 9
	quarterCells       = 13
)

// seaRows are the parallels of the cell rows, south to north.
func seaRows() []float64 { return []float64{seaSouth, 30.5, 30 + 40.0/60, 30 + 50.0/60, seaNorth} }

// seaColLines returns the meridians of the cell columns, west to east.
func seaColLines() []float64 {
	out := make([]float64, seaCols+1)
	for i := range out {
		out[i] = seaWest + float64(i)/6
	}
	out[seaCols] = seaEast
	return out
}

// aquaculture is one of the seven aquaculture bases, a rectangle on whole
// minutes next to an island (land cut out), named for where it lies.
type aquaculture struct {
	Name string
	Box  orb.Bound
}

// minutes builds a bound from degrees and minutes east and north.
func minutes(w, e, s, n float64) orb.Bound {
	return orb.Bound{Min: orb.Point{122 + w/60, 30 + s/60}, Max: orb.Point{122 + e/60, 30 + n/60}}
}

func aquacultureBases() []aquaculture {
	return []aquaculture{
		{"枸杞北贻贝养殖网格", minutes(45, 48, 44, 46)},
		{"枸杞南贻贝养殖网格", minutes(45, 48, 39, 41)},
		{"嵊山东养殖网格", minutes(50, 53, 42, 44)},
		{"花鸟南养殖网格", minutes(39, 42, 48, 50)},
		{"黄龙东养殖网格", minutes(35, 38, 39, 41)},
		{"泗礁北养殖网格", minutes(27, 30, 46, 48)},
		{"大洋山南养殖网格", minutes(3, 6, 32, 34)},
	}
}

// seaCell is a fishing-area cell before land and aquaculture are cut out.
type seaCell struct {
	Box   orb.Bound
	Label string // e.g. 122°20′–122°30′E 30°40′–30°50′N
	Size  string // 10′ or 5′
}

// fishingCells returns the cells of the sea area, quartering the
// quarterCells cells with the most island land (the corridor not counted).
func fishingCells(islands orb.MultiPolygon) ([]seaCell, error) {
	cols, rows := seaColLines(), seaRows()
	type ranked struct {
		cell seaCell
		land geo.SquareMeters
	}
	var cells []ranked
	for r := 0; r+1 < len(rows); r++ {
		for c := 0; c+1 < len(cols); c++ {
			b := orb.Bound{Min: orb.Point{cols[c], rows[r]}, Max: orb.Point{cols[c+1], rows[r+1]}}
			x, err := geo.Clip(islands, b)
			if err != nil {
				return nil, fmt.Errorf("island land in cell %v: %w", b, err)
			}
			cells = append(cells, ranked{seaCell{Box: b, Size: "10′"}, geo.Area(x)})
		}
	}
	order := make([]int, len(cells))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool { return cells[order[i]].land > cells[order[j]].land })
	quarter := map[int]bool{}
	for _, i := range order[:quarterCells] {
		quarter[i] = true
	}
	var out []seaCell
	for i, c := range cells {
		if !quarter[i] {
			out = append(out, c.cell)
			continue
		}
		b := c.cell.Box
		mx, my := (b.Min[0]+b.Max[0])/2, (b.Min[1]+b.Max[1])/2
		for _, q := range []orb.Bound{
			{Min: b.Min, Max: orb.Point{mx, my}}, {Min: orb.Point{mx, b.Min[1]}, Max: orb.Point{b.Max[0], my}},
			{Min: orb.Point{b.Min[0], my}, Max: orb.Point{mx, b.Max[1]}}, {Min: orb.Point{mx, my}, Max: b.Max},
		} {
			out = append(out, seaCell{Box: q, Size: "5′"})
		}
	}
	for i := range out {
		out[i].Label = dms(out[i].Box)
	}
	return out, nil
}

// dms labels a cell by its corners in degrees and minutes.
func dms(b orb.Bound) string {
	f := func(x float64) string {
		d := int(x)
		m := (x - float64(d)) * 60
		return fmt.Sprintf("%d°%02.0f′", d, m)
	}
	return fmt.Sprintf("%s–%sE %s–%sN", f(b.Min[0]), f(b.Max[0]), f(b.Min[1]), f(b.Max[1]))
}
