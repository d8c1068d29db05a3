package main

import (
	"math"
	"math/rand/v2"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
)

// household is one SYNTHETIC building entrance: a point and the households
// and people behind it.
type household struct {
	Point      orb.Point
	Households int
	Population int
}

// settlement is a cluster of households: a Gaussian around a centre near the
// coast of an island.
type settlement struct {
	Island orb.Polygon
	Center orb.Point
	Sigma  float64 // metres
	Share  float64
}

// minInhabited is the smallest island (m²) that gets a settlement, and
// minVillage the smallest that gets more than a handful of households.
const (
	minInhabited geo.SquareMeters = 150_000
	minVillage   geo.SquareMeters = 300_000
)

// islandHouseholds splits a town's total households among its islands
// (largest first): none for an island under minInhabited; 2–8 for one
// under minVillage (too few for a micro-grid of their own: the partitioner
// joins such an island to a neighbouring child and says so in its note);
// for the others a share growing with the area (km²^0.7), rounded to whole
// multiples of unit households (a grid's worth, at least one) so that the
// island can be divided into grids within the band; the largest island
// takes the rest.
func islandHouseholds(rng *rand.Rand, islands orb.MultiPolygon, total, unit int) []int {
	out := make([]int, len(islands))
	var weight float64
	for i, isl := range islands {
		a := geo.Area(isl)
		switch {
		case i == 0:
			weight += math.Pow(float64(a)/1e6, 0.7)
		case a < minInhabited:
		case a < minVillage:
			out[i] = 2 + rng.IntN(7)
		default:
			weight += math.Pow(float64(a)/1e6, 0.7)
		}
	}
	rest := total
	for _, n := range out {
		rest -= n
	}
	share := float64(rest)
	for i := len(islands) - 1; i > 0; i-- {
		a := geo.Area(islands[i])
		if a < minVillage {
			continue
		}
		q := max(1, int(share*math.Pow(float64(a)/1e6, 0.7)/weight/float64(unit)+0.5))
		if rest-q*unit < unit {
			break // the largest island keeps at least a grid's worth
		}
		out[i] = q * unit
		rest -= q * unit
	}
	out[0] = rest
	return out
}

// townHouseholds draws the SYNTHETIC households of a town, total in all,
// island by island (islandHouseholds).
func townHouseholds(rng *rand.Rand, islands orb.MultiPolygon, total, unit int) []household {
	var out []household
	for i, n := range islandHouseholds(rng, islands, total, unit) {
		if n > 0 {
			out = append(out, sampleHouseholds(rng, settlements(rng, islands[i:i+1]), n)...)
		}
	}
	return out
}

// settlements places a few clusters on each inhabited island:
// one per 2.5 km² or so, at most 6, each at a point of the coast pulled a
// fifth to a third of the way towards the island's centre, as fishing
// villages and ports sit; an island's share of the town grows with its area.
func settlements(rng *rand.Rand, islands orb.MultiPolygon) []settlement {
	var out []settlement
	for _, isl := range islands {
		a := geo.Area(isl)
		if a < minInhabited && len(out) > 0 {
			continue
		}
		km2 := float64(a) / 1e6
		n := min(6, 1+int(km2/2.5))
		c := centroid(isl)
		for range n {
			center, ok := coastalPoint(rng, isl, c)
			if !ok {
				continue
			}
			out = append(out, settlement{Island: isl, Center: center, Sigma: 120 + 200*rng.Float64(), Share: math.Pow(km2, 0.7) / float64(n)})
		}
	}
	return out
}

// coastalPoint picks a vertex of the shell and moves it inland; it gives up
// after a few tries on a shape where that point falls outside.
func coastalPoint(rng *rand.Rand, isl orb.Polygon, c orb.Point) (orb.Point, bool) {
	shell := isl[0]
	for range 20 {
		v := shell[rng.IntN(len(shell)-1)]
		f := 0.2 + 0.15*rng.Float64()
		p := orb.Point{v[0] + f*(c[0]-v[0]), v[1] + f*(c[1]-v[1])}
		if geo.PolygonContains(isl, p) {
			return p, true
		}
	}
	return orb.Point{}, false
}

// sampleHouseholds draws building entrances from the settlements until they
// hold exactly total households: 1–3 households each, 2–3 people per
// household. Points are rounded to 7 decimals and kept only when they lie
// inside their island, so that they fall in exactly one unit later.
func sampleHouseholds(rng *rand.Rand, ss []settlement, total int) []household {
	var sum float64
	for _, s := range ss {
		sum += s.Share
	}
	var out []household
	left := total
	for left > 0 {
		s := pick(rng, ss, sum)
		kx, ky := geo.MetersPerDegree(s.Center[1])
		p := roundPoint(orb.Point{s.Center[0] + rng.NormFloat64()*s.Sigma/kx, s.Center[1] + rng.NormFloat64()*s.Sigma/ky})
		if !geo.PolygonContains(s.Island, p) {
			continue
		}
		w := min(left, []int{1, 1, 1, 1, 1, 2, 2, 2, 3, 3}[rng.IntN(10)])
		pop := 0
		for range w {
			pop += 2 + rng.IntN(2)
		}
		out = append(out, household{Point: p, Households: w, Population: pop})
		left -= w
	}
	return out
}

func pick(rng *rand.Rand, ss []settlement, sum float64) settlement {
	x := rng.Float64() * sum
	for _, s := range ss {
		if x < s.Share {
			return s
		}
		x -= s.Share
	}
	return ss[len(ss)-1]
}
