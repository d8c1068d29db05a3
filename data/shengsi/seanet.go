package main

import (
	"fmt"
	"math/rand/v2"
	"sort"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/partition"
)

// The sea network's figures, the real county's (DESIGN.md).
const (
	formations       = 213
	fishingVessels   = 1132
	transportVessels = 36
	countyCode       = partition.Code("330922000000")
	seaPrefix        = "330922900000" // sea grids: 330922 900 000 NNN, as in storetest.Sample
)

// seaBuilder builds the sea network and the vessel registry.
type seaBuilder struct {
	rng     *rand.Rand
	units   []partition.Unit
	vessels []partition.Vessel
}

func (s *seaBuilder) add(u partition.Unit) {
	u.Network = partition.NetworkSea
	if u.Parent == "" {
		u.Parent = countyCode
	}
	if u.Level == "" {
		u.Level = partition.LevelGrid
	}
	u.Props["synthetic"] = syntheticNote
	s.units = append(s.units, u)
}

// build makes the fishing grids (cells less land and aquaculture bases),
// the aquaculture grids (bases less land), the transport grids and the
// formations, and deals the vessels out to them.
func (s *seaBuilder) build(county, islands orb.MultiPolygon) error {
	cells, err := fishingCells(islands)
	if err != nil {
		return err
	}
	bases := aquacultureBases()
	cut := []orb.MultiPolygon{county}
	for _, b := range bases {
		cut = append(cut, orb.MultiPolygon{b.Box.ToPolygon()})
	}
	notFishing, err := geo.Union(cut...)
	if err != nil {
		return fmt.Errorf("land and aquaculture: %w", err)
	}
	var fishing []partition.Unit
	for i, c := range cells {
		g, err := geo.Difference(orb.MultiPolygon{c.Box.ToPolygon()}, notFishing)
		if err != nil {
			return fmt.Errorf("fishing cell %s: %w", c.Label, err)
		}
		fishing = append(fishing, partition.Unit{Code: seaCode(i + 1), Name: fmt.Sprintf("渔区作业网格%02d", i+1), Kind: partition.KindFishing,
			Geometry: g, Staff: roster(s.rng, false), Props: map[string]any{"fishing_cell": c.Label, "cell_size": c.Size}})
	}
	for _, u := range fishing {
		s.add(u)
	}
	for i, b := range bases {
		g, err := geo.Difference(orb.MultiPolygon{b.Box.ToPolygon()}, county)
		if err != nil {
			return fmt.Errorf("aquaculture base %s: %w", b.Name, err)
		}
		s.add(partition.Unit{Code: seaCode(len(cells) + i + 1), Name: b.Name, Kind: partition.KindAquaculture, Geometry: g,
			Staff: roster(s.rng, false), Props: map[string]any{"area_label": dms(b.Box)}})
	}
	transport := []partition.Code{seaCode(len(cells) + len(bases) + 1), seaCode(len(cells) + len(bases) + 2)}
	for i, name := range []string{"洋山港区专属运输网格", "泗礁客货专属运输网格"} {
		s.add(partition.Unit{Code: transport[i], Name: name, Kind: partition.KindTransport, Staff: roster(s.rng, false), Props: map[string]any{}})
	}
	s.formations(fishing)
	s.transportVessels(transport)
	return nil
}

func seaCode(n int) partition.Code { return partition.Code(fmt.Sprintf("%s%03d", seaPrefix, n)) }

// formations puts 213 formations under the fishing grids, 3 each, 2 in the
// grids with the least sea; and 1,132 fishing vessels into them, 5 or 6
// each.
func (s *seaBuilder) formations(fishing []partition.Unit) {
	per := make([]int, len(fishing))
	for i := range per {
		per[i] = formations / len(fishing)
	}
	bySize := make([]int, len(fishing))
	for i := range bySize {
		bySize[i] = i
	}
	sort.SliceStable(bySize, func(a, b int) bool {
		return geo.Area(fishing[bySize[a]].Geometry) > geo.Area(fishing[bySize[b]].Geometry)
	})
	for _, i := range bySize[:formations%len(fishing)] {
		per[i]++
	}
	var codes []partition.Code
	for i, f := range fishing {
		for k := range per[i] {
			code := partition.Code(fmt.Sprintf("%s%03d", f.Code, k+1))
			codes = append(codes, code)
			s.add(partition.Unit{Code: code, Name: fmt.Sprintf("%s第%d编组", f.Name, k+1), Level: partition.LevelMicrogrid,
				Kind: partition.KindFormation, Parent: f.Code, Props: map[string]any{}})
		}
	}
	sizes := make([]int, len(codes))
	for i := range sizes {
		sizes[i] = fishingVessels / len(codes)
	}
	for _, i := range s.rng.Perm(len(codes))[:fishingVessels%len(codes)] {
		sizes[i]++
	}
	numbers := s.rng.Perm(90_000)[:fishingVessels]
	sort.Ints(numbers)
	n := 0
	for i, code := range codes {
		for range sizes[i] {
			id := fmt.Sprintf("浙嵊渔%05d", 10_000+numbers[n])
			s.vessels = append(s.vessels, partition.Vessel{ID: id, Name: id, Type: partition.VesselFishing, Crew: 4 + s.rng.IntN(9), Unit: code})
			n++
		}
	}
}

// transportVessels puts 36 transport ships into the two transport grids,
// 20 and 16.
func (s *seaBuilder) transportVessels(grids []partition.Code) {
	for i := range transportVessels {
		unit := grids[0]
		if i >= 20 {
			unit = grids[1]
		}
		s.vessels = append(s.vessels, partition.Vessel{ID: fmt.Sprintf("浙嵊运%03d", i+1), Name: fmt.Sprintf("嵊运%d号", i+1),
			Type: partition.VesselTransport, Crew: 6 + s.rng.IntN(15), Unit: unit})
	}
}
