package routebench

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/internal/synth"
	"github.com/wangge/wangge/partition"
)

// Reference is the benchmarks' dataset: 632×316 = 199,712 cells of 57
// positions (56 distinct vertices) over 121.9–122.9 E, 30.5–31.0 N, under
// 6,241 blocks of 8×4 cells under one root.
var Reference = synth.Options{Origin: orb.Point{121.9, 30.5}, CellDeg: 1.0 / 632, Cols: 632, Rows: 316, BlockCols: 8, BlockRows: 4, EdgeVertices: 13, Jitter: 0.2, Seed: 42}

// Units turns a synth tiling into units: a root (R), its blocks (B00000…)
// and their cells (C000000…), the cells at grid level.
func Units(o synth.Options) []partition.Unit {
	t := synth.Grid(o)
	ext := orb.Bound{Min: o.Origin, Max: orb.Point{o.Origin[0] + float64(o.Cols)*o.CellDeg, o.Origin[1] + float64(o.Rows)*o.CellDeg}}
	units := make([]partition.Unit, 0, 1+len(t.Parents)+len(t.Cells))
	units = append(units, partition.Unit{Code: "R", Name: "root", Level: partition.LevelDistrict, Network: partition.NetworkLand, Kind: partition.KindComprehensive, Geometry: orb.MultiPolygon{ext.ToPolygon()}})
	for i, p := range t.Parents {
		units = append(units, partition.Unit{Code: partition.Code(fmt.Sprintf("B%05d", i)), Level: partition.LevelCommunity, Network: partition.NetworkLand, Kind: partition.KindComprehensive, Parent: "R", Geometry: orb.MultiPolygon{p}})
	}
	for i, p := range t.Cells {
		units = append(units, partition.Unit{Code: partition.Code(fmt.Sprintf("C%06d", i)), Level: partition.LevelGrid, Network: partition.NetworkLand, Kind: partition.KindComprehensive, Parent: partition.Code(fmt.Sprintf("B%05d", t.ParentOf[i])), Geometry: orb.MultiPolygon{p}})
	}
	return units
}

// StoredUnits is the same tiling with codes and names a store accepts
// (partition.CheckChangeset): a district, its streets (bands of 12 block
// rows, each drawn as the rectangle around its blocks), the blocks as
// communities and the cells as grids.
func StoredUnits(o synth.Options) []partition.Unit {
	t := synth.Grid(o)
	const district = "330922"
	unit := func(code, name string, level partition.Level, parent string, mp orb.MultiPolygon) partition.Unit {
		return partition.Unit{Code: partition.Code(code), Name: name, Level: level, Network: partition.NetworkLand, Kind: partition.KindComprehensive, Parent: partition.Code(parent), Geometry: mp}
	}
	ext := orb.Bound{Min: o.Origin, Max: orb.Point{o.Origin[0] + float64(o.Cols)*o.CellDeg, o.Origin[1] + float64(o.Rows)*o.CellDeg}}
	units := []partition.Unit{unit(district+"000000", "district", partition.LevelDistrict, "", orb.MultiPolygon{ext.ToPolygon()})}
	bandOf := func(p orb.Polygon) int {
		return int((p.Bound().Center()[1]-o.Origin[1])/(float64(o.BlockRows)*o.CellDeg)) / 12
	}
	streets := map[int]orb.Bound{}
	blockCode := make([]string, len(t.Parents))
	perStreet := map[int]int{}
	for i, p := range t.Parents {
		b := bandOf(p)
		if sb, ok := streets[b]; ok {
			streets[b] = sb.Union(p.Bound())
		} else {
			streets[b] = p.Bound()
		}
		perStreet[b]++
		blockCode[i] = fmt.Sprintf("%s%03d%03d", district, b+1, perStreet[b])
	}
	for b := 0; b < len(streets); b++ {
		units = append(units, unit(fmt.Sprintf("%s%03d000", district, b+1), fmt.Sprintf("street %d", b+1), partition.LevelStreet, district+"000000", orb.MultiPolygon{streets[b].ToPolygon()}))
	}
	for i, p := range t.Parents {
		units = append(units, unit(blockCode[i], "block "+blockCode[i], partition.LevelCommunity, fmt.Sprintf("%s000", blockCode[i][:9]), orb.MultiPolygon{p}))
	}
	perBlock := make([]int, len(t.Parents))
	for i, p := range t.Cells {
		b := t.ParentOf[i]
		perBlock[b]++
		code := fmt.Sprintf("%s%03d", blockCode[b], perBlock[b])
		units = append(units, unit(code, "cell "+code, partition.LevelGrid, blockCode[b], orb.MultiPolygon{p}))
	}
	return units
}

// Points draws n points uniformly over the tiling's extent.
func Points(o synth.Options, n int, seed uint64) []orb.Point {
	rng := rand.New(rand.NewPCG(seed, 3))
	w, h := float64(o.Cols)*o.CellDeg, float64(o.Rows)*o.CellDeg
	pts := make([]orb.Point, n)
	for i := range pts {
		pts[i] = orb.Point{o.Origin[0] + w*rng.Float64(), o.Origin[1] + h*rng.Float64()}
	}
	return pts
}

// Median is the median of xs (the mean of the middle two for an even
// count); 0 for none.
func Median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(xs))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// Human writes a rate as 1.23M, 98k or 512.
func Human(x float64) string {
	switch {
	case x >= 1e6:
		return fmt.Sprintf("%.2fM", x/1e6)
	case x >= 1e3:
		return fmt.Sprintf("%.0fk", x/1e3)
	}
	return fmt.Sprintf("%.0f", x)
}
