package main

import (
	"context"
	"math/rand/v2"
	"sort"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/partition"
)

// Config is what one generation takes.
type Config struct {
	Source string // the DataV county outline, GCJ-02
	Seed   uint64
	// PerGrid is the households a town gets per grid it plans (town.Grids,
	// 77 in all), and the unit an inhabited island's households are
	// rounded to (islandHouseholds).
	PerGrid int
	// The bands the partitioner (balance.Divide) divides each level to.
	// Grids and micro-grids: inside Zhejiang's 300–500 and 50–80, narrowed
	// so that the partitioner, which aims at the middle of the band, makes
	// about the county's 77 grids and 332 micro-grids. Communities have no
	// standard: the minimum is one grid's worth, so that an island village
	// (a whole number of PerGrid) is a community of its own, and the middle
	// (1,700) is high enough that the pieces of a large island hold more
	// than 1,200 households (k pieces of a total nearest k × 1,700 hold at
	// least 0.75 × 1,700 each when equal): from 1,200 on every total can be
	// divided into grids of 300–375 (4 × 375 ≥ 5 × 300).
	Community, Grid, Micro band
}

// DefaultConfig is the configuration of the committed sample. Grids are
// cut on 30 m lattice cells, finer than the partitioner's own choice for a
// band this narrow, so that its repair can bring every grid into the band.
func DefaultConfig() Config {
	return Config{Source: "../shared/data/boundaries/330922_shengsi.geojson", Seed: 330922, PerGrid: 330,
		Community: band{Min: 330, Max: 3070}, Grid: band{Min: 300, Max: 375, Cell: 30}, Micro: band{Min: 60, Max: 80}}
}

// County is the generated sample: every unit (land and sea), the vessel
// registry and the SYNTHETIC households.
type County struct {
	Units      []partition.Unit
	Vessels    []partition.Vessel
	Households []household
	// Levels are the partitioner's figures for communities, grids and
	// micro-grids.
	Levels [3]levelStats
}

// Generate builds the county. The same Config gives the same County.
func Generate(ctx context.Context, cfg Config) (*County, error) {
	county, err := readCounty(cfg.Source)
	if err != nil {
		return nil, err
	}
	ts := towns()
	parts, err := placeTowns(county, ts)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x5eed_330922))
	var islands orb.MultiPolygon
	hh := make([][]household, len(ts))
	for i, t := range ts {
		islands = append(islands, parts[i].Islands...)
		hh[i] = townHouseholds(rng, parts[i].Islands, t.Grids*cfg.PerGrid, cfg.PerGrid)
	}
	land, err := buildLand(ctx, parts, ts, hh, cfg)
	if err != nil {
		return nil, err
	}
	out := &County{Units: []partition.Unit{{Code: countyCode, Name: "嵊泗县", Level: partition.LevelDistrict, Network: partition.NetworkLand,
		Kind: partition.KindComprehensive, Geometry: county, Props: map[string]any{
			"source":    "DataV.GeoAtlas 330922 (GCJ-02, converted to CGCS2000, rounded to 7 decimals); see data/sample/README.md",
			"synthetic": "the boundary is real; households, staff, vessels and every unit below the county are SYNTHETIC",
		}}}}
	for _, hs := range hh {
		out.Households = append(out.Households, hs...)
	}
	sb := seaBuilder{rng: rng}
	if err := sb.build(county, islands); err != nil {
		return nil, err
	}
	for i := range land.units {
		if u := &land.units[i]; u.Level == partition.LevelStreet {
			out.Units[0].Households += u.Households
			out.Units[0].Population += u.Population
		}
	}
	out.Units = append(out.Units, land.units...)
	out.Units = append(out.Units, sb.units...)
	sort.SliceStable(out.Units[1:], func(i, j int) bool { return unitLess(&out.Units[1+i], &out.Units[1+j]) })
	out.Vessels = sb.vessels
	out.Levels = land.stats
	return out, nil
}

// landResult is the land network and the partitioner's figures per level.
type landResult struct {
	units []partition.Unit
	stats [3]levelStats
}

// buildLand divides the towns (parts[i] and hh[i] are the land and the
// households of town i) into communities, grids and micro-grids with the
// partitioner.
func buildLand(ctx context.Context, parts []landParts, ts []town, hh [][]household, cfg Config) (landResult, error) {
	lb := newLandBuilder(cfg)
	for i, t := range ts {
		if err := lb.town(ctx, t, parts[i].Geometry, hh[i]); err != nil {
			return landResult{}, err
		}
	}
	return landResult{units: lb.units, stats: lb.stats}, nil
}

// unitLess orders units land before sea, then by level from the top, then
// by code.
func unitLess(a, b *partition.Unit) bool {
	if a.Network != b.Network {
		return a.Network == partition.NetworkLand
	}
	if da, db := a.Level.Depth(), b.Level.Depth(); da != db {
		return da < db
	}
	return a.Code < b.Code
}
