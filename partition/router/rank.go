package router

import (
	"cmp"
	"slices"

	"github.com/wangge/wangge/partition"
)

// Rank classes, lowest first (see the package documentation).
const (
	classSeaContainer = iota // land units that contain sea units
	classSea                 // fishing and aquaculture grids
	classLand                // every other land unit
)

// paintOrder returns the polygonal units' indexes from the lowest rank to
// the highest, the order in which the raster paints them.
func paintOrder(units []entry) []int32 {
	container := make([]bool, len(units))
	for i := range units {
		if units[i].unit.Network != partition.NetworkSea {
			continue
		}
		for p := units[i].parent; p >= 0; p = units[p].parent {
			if units[p].unit.Network == partition.NetworkLand {
				container[p] = true
			}
		}
	}
	var order []int32
	for i := range units {
		if units[i].shape >= 0 {
			order = append(order, int32(i))
		}
	}
	class := func(i int32) int {
		switch {
		case units[i].unit.Network == partition.NetworkSea:
			return classSea
		case container[i]:
			return classSeaContainer
		}
		return classLand
	}
	slices.SortFunc(order, func(a, b int32) int {
		if c := cmp.Compare(class(a), class(b)); c != 0 {
			return c
		}
		if c := cmp.Compare(units[a].depth, units[b].depth); c != 0 {
			return c
		}
		return cmp.Compare(units[b].unit.Code, units[a].unit.Code) // smaller code ranks higher
	})
	return order
}
