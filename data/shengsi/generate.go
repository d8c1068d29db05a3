package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/partition"
)

// Config is what one generation takes.
type Config struct {
	Source   string // the DataV county outline, GCJ-02
	Seed     uint64
	PerMicro int // households per micro-grid (76: 332 micro-grids hold about 25,000)
	Grids    int // land grids (77)
	Extra5   int // grids with 5 micro-grids instead of 4 (24: 332 micro-grids)
}

// DefaultConfig is the configuration of the committed sample.
func DefaultConfig() Config {
	return Config{Source: "../shared/data/boundaries/330922_shengsi.geojson", Seed: 330922, PerMicro: 76, Grids: 77, Extra5: 24}
}

// County is the generated sample: every unit (land and sea), the vessel
// registry and the SYNTHETIC households.
type County struct {
	Units      []partition.Unit
	Vessels    []partition.Vessel
	Households []household
}

// Generate builds the county. The same Config gives the same County.
func Generate(ctx context.Context, cfg Config) (*County, error) {
	county, err := readCounty(cfg.Source)
	if err != nil {
		return nil, err
	}
	ts := towns()
	sum := 0
	for _, t := range ts {
		sum += t.Grids
	}
	if sum != cfg.Grids {
		return nil, fmt.Errorf("the towns have %d grids, the configuration wants %d", sum, cfg.Grids)
	}
	parts, err := placeTowns(county, ts)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x5eed_330922))
	micro := microPlan(rng, cfg.Grids, cfg.Extra5)
	var islands orb.MultiPolygon
	hh := make([][]household, len(ts))
	for i := range ts {
		islands = append(islands, parts[i].Islands...)
		hh[i] = sampleHouseholds(rng, settlements(rng, parts[i].Islands), households(micro, ts, i, cfg.PerMicro))
	}
	land, err := buildLand(ctx, county, ts, micro, hh, cfg.Seed)
	if err != nil {
		return nil, err
	}
	county = land.county
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
	return out, nil
}

// households is how many households town i gets: PerMicro for each of
// its micro-grids.
func households(micro []int, ts []town, i, perMicro int) int {
	first := 0
	for _, t := range ts[:i] {
		first += t.Grids
	}
	total := 0
	for _, m := range micro[first : first+ts[i].Grids] {
		total += m * perMicro
	}
	return total
}

// landResult is the land network and the county polygon it was cut from.
type landResult struct {
	county orb.MultiPolygon
	units  []partition.Unit
}

// buildLand divides the towns (hh[i] are the households of town i) and
// repeats the division from a county with the cut vertices put into its
// coastline (addEdgeVertices) until no cut adds a vertex to it: then every
// unit along a stretch of coast has the same vertices.
func buildLand(ctx context.Context, county orb.MultiPolygon, ts []town, micro []int, hh [][]household, seed uint64) (landResult, error) {
	for pass := 0; pass < 4; pass++ {
		parts, err := placeTowns(county, ts)
		if err != nil {
			return landResult{}, err
		}
		lb := landBuilder{rng: rand.New(rand.NewPCG(seed, 0x57aff))}
		first := 0
		for i, t := range ts {
			if err := ctx.Err(); err != nil {
				return landResult{}, err
			}
			if err := lb.town(t, parts[i], micro[first:first+t.Grids], hh[i]); err != nil {
				return landResult{}, err
			}
			first += t.Grids
		}
		next, added := addEdgeVertices(county, lb.units)
		if added == 0 {
			return landResult{county: county, units: lb.units}, nil
		}
		county = next
	}
	return landResult{}, fmt.Errorf("cut vertices still missing from the coastline after 4 passes")
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
