package ogc

import (
	"github.com/paulmach/orb"

	"github.com/wangge/wangge/partition"
)

// Collection is one feature collection: the polygonal units of one level
// and network.
type Collection struct {
	ID          string
	Title       string
	Description string
	Level       partition.Level
	Network     partition.Network
	// Findings marks the collection of tiling-check findings, which come
	// from Config.Findings rather than from a store query.
	Findings bool
}

// world is the bound that selects every unit with a polygon: the stores'
// bbox filter never matches a membership unit.
var world = orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}}

// Query returns the store query of the collection's units at a version.
// The sea network has membership units (groups of vessels, no polygon) at
// grid level; a bbox keeps them out, so that every feature has a geometry.
func (c *Collection) Query(at partition.AsOf) partition.Query {
	q := partition.Query{AsOf: at, Level: c.Level, Network: c.Network}
	if c.Network == partition.NetworkSea {
		b := world
		q.BBox = &b
	}
	return q
}

// Collections returns the catalog, from the top level down, land first.
func Collections() []Collection {
	return []Collection{
		{ID: "cities", Title: "Cities 市", Level: partition.LevelCity, Network: partition.NetworkLand,
			Description: "Cities (市), the roots of a provincial deployment."},
		{ID: "districts", Title: "Districts 区/县", Level: partition.LevelDistrict, Network: partition.NetworkLand,
			Description: "Districts and counties (区/县)."},
		{ID: "streets", Title: "Streets 街道/乡镇", Level: partition.LevelStreet, Network: partition.NetworkLand,
			Description: "Streets, towns and townships (街道/乡镇)."},
		{ID: "communities", Title: "Communities 社区/村", Level: partition.LevelCommunity, Network: partition.NetworkLand,
			Description: "Communities and villages (社区/村)."},
		{ID: "grids", Title: "Grids 网格", Level: partition.LevelGrid, Network: partition.NetworkLand,
			Description: "Land grids (网格), comprehensive and exclusive."},
		{ID: "microgrids", Title: "Micro-grids 微网格", Level: partition.LevelMicrogrid, Network: partition.NetworkLand,
			Description: "Land micro-grids (微网格), the smallest units."},
		{ID: "sea-grids", Title: "Sea grids 海上网格", Level: partition.LevelGrid, Network: partition.NetworkSea,
			Description: "Polygonal grids of the sea network: fishing-operation (渔区作业) and aquaculture (专属养殖) grids."},
	}
}

// Lookup returns the collection with that id.
func Lookup(id string) (Collection, bool) {
	for _, c := range Collections() {
		if c.ID == id {
			return c, true
		}
	}
	return Collection{}, false
}
