package synth

import (
	"fmt"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/partition"
)

// Community is a community (330922100001) tiled exactly by 16 grids of a 4×4
// synth tiling near Shengsi, each with the given households, as units: the
// community first, then its grids 330922100001001…016.
func Community(households int) []partition.Unit {
	tl := Grid(Options{Origin: orb.Point{122.40, 30.70}, CellDeg: 0.002, Cols: 4, Rows: 4, BlockCols: 4, BlockRows: 4, EdgeVertices: 8, Jitter: 0.15, Seed: 3})
	units := []partition.Unit{{Code: "330922100001", Name: "社区", Level: partition.LevelCommunity, Kind: partition.KindComprehensive,
		Network: partition.NetworkLand, Geometry: orb.MultiPolygon{tl.Parents[0]}}}
	for i, c := range tl.Cells {
		units = append(units, partition.Unit{Code: partition.Code(fmt.Sprintf("330922100001%03d", i+1)), Name: fmt.Sprintf("网格%d", i+1),
			Level: partition.LevelGrid, Kind: partition.KindComprehensive, Network: partition.NetworkLand, Parent: "330922100001",
			Households: households, Geometry: orb.MultiPolygon{c}})
	}
	return units
}
