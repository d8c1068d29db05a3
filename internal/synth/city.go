package synth

import (
	"fmt"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/partition"
)

// CityRoot is the district at the root of City's units.
const CityRoot partition.Code = "330922000000"

// City is a district (CityRoot) with one street (330922100000) tiled by the
// blocks of Grid(o) as communities (330922100001…), each tiled by its cells
// as grids (codes of partition.ChildCode, row by row within the block),
// every grid with the given households and its parents with their sums.
// The district and the street are the outline of the whole tiling, drawn
// with the cells' own outer vertices, so that every family tiles exactly.
// Units come parents first: the district, the street, then each community
// followed by its grids. At most 999 blocks, and 999 cells per block.
func City(o Options, households int) ([]partition.Unit, error) {
	t := Grid(o)
	outline := orb.MultiPolygon{{lattice(o).ring(0, 0, o.Cols, o.Rows)}}
	district := partition.Unit{Code: CityRoot, Name: "区", Level: partition.LevelDistrict, Kind: partition.KindComprehensive,
		Network: partition.NetworkLand, Households: households * len(t.Cells), Geometry: outline}
	street := district
	street.Name, street.Level, street.Parent = "街道", partition.LevelStreet, district.Code
	var err error
	if street.Code, err = partition.ChildCode(district.Code, partition.LevelStreet, 100); err != nil {
		return nil, err
	}
	cells := make([][]int, len(t.Parents))
	for i, p := range t.ParentOf {
		cells[p] = append(cells[p], i)
	}
	units := []partition.Unit{district, street}
	for b, p := range t.Parents {
		kids, err := cityCommunity(street.Code, b+1, p, t.Cells, cells[b], households)
		if err != nil {
			return nil, err
		}
		units = append(units, kids...)
	}
	return units, nil
}

// cityCommunity is the n-th community of street, outline p, with its
// grids: the cells of index idx.
func cityCommunity(street partition.Code, n int, p orb.Polygon, all []orb.Polygon, idx []int, households int) ([]partition.Unit, error) {
	code, err := partition.ChildCode(street, partition.LevelCommunity, n)
	if err != nil {
		return nil, err
	}
	out := []partition.Unit{{Code: code, Name: fmt.Sprintf("社区%d", n), Level: partition.LevelCommunity, Kind: partition.KindComprehensive,
		Network: partition.NetworkLand, Parent: street, Households: households * len(idx), Geometry: orb.MultiPolygon{p}}}
	for j, i := range idx {
		g, err := partition.ChildCode(code, partition.LevelGrid, j+1)
		if err != nil {
			return nil, fmt.Errorf("community %s: %w", code, err)
		}
		out = append(out, partition.Unit{Code: g, Name: fmt.Sprintf("网格%d-%d", n, j+1), Level: partition.LevelGrid, Kind: partition.KindComprehensive,
			Network: partition.NetworkLand, Parent: code, Households: households, Geometry: orb.MultiPolygon{all[i]}})
	}
	return out, nil
}
