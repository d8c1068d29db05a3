package geo

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"
	sf "github.com/peterstace/simplefeatures/geom"
)

// Limits bounds what one geometry may hold before it is even looked at.
type Limits struct {
	MaxPolygons int // parts per multipolygon
	MaxVertices int // positions per geometry, all rings together
}

// DefaultLimits are generous for real boundaries (a detailed county has a few
// thousand vertices) and still stop a hostile input from exhausting memory.
var DefaultLimits = Limits{MaxPolygons: 100_000, MaxVertices: 5_000_000}

// CheckMultiPolygon refuses what cannot be a boundary at all: no parts, a
// ring with fewer than 4 positions or not closed, NaN, infinite or
// out-of-range coordinates, and a part that is not a valid polygon on its own
// (a ring that crosses itself, a hole outside its shell). Parts of one
// multipolygon that touch or overlap each other are accepted: real data has
// them, and the tiling check reports them.
func CheckMultiPolygon(mp orb.MultiPolygon, lim Limits) error {
	return checkMultiPolygon(mp, lim, true)
}

// CheckStructure refuses only what cannot be read as a boundary at all (no
// parts, a ring with fewer than 4 positions or not closed, NaN or
// out-of-range coordinates, over the limits); a ring that crosses itself
// passes, for the tiling check to report where it crosses.
func CheckStructure(mp orb.MultiPolygon, lim Limits) error {
	return checkMultiPolygon(mp, lim, false)
}

func checkMultiPolygon(mp orb.MultiPolygon, lim Limits, validity bool) error {
	if len(mp) == 0 {
		return fmt.Errorf("geometry is empty")
	}
	if lim.MaxPolygons > 0 && len(mp) > lim.MaxPolygons {
		return fmt.Errorf("geometry has %d polygons, more than the limit of %d", len(mp), lim.MaxPolygons)
	}
	n := 0
	for i, p := range mp {
		for _, r := range p {
			n += len(r)
		}
		if lim.MaxVertices > 0 && n > lim.MaxVertices {
			return fmt.Errorf("geometry has more than %d vertices", lim.MaxVertices)
		}
		if err := checkPolygon(p, validity); err != nil {
			if len(mp) == 1 {
				return err
			}
			return fmt.Errorf("polygon %d: %w", i, err)
		}
	}
	return nil
}

func checkPolygon(p orb.Polygon, validity bool) error {
	if len(p) == 0 {
		return fmt.Errorf("polygon has no rings")
	}
	rings := make([]sf.LineString, len(p))
	for j, r := range p {
		if err := checkRing(r); err != nil {
			return fmt.Errorf("ring %d: %w", j, err)
		}
		flat := make([]float64, 0, 2*len(r))
		for _, pt := range r {
			flat = append(flat, pt[0], pt[1])
		}
		rings[j] = sf.NewLineString(sf.NewSequence(flat, sf.DimXY))
	}
	if !validity {
		return nil
	}
	if err := sf.NewPolygon(rings).Validate(); err != nil {
		return fmt.Errorf("invalid polygon: %w", err)
	}
	return nil
}

func checkRing(r orb.Ring) error {
	for k, pt := range r {
		lon, lat := pt[0], pt[1]
		if math.IsNaN(lon) || math.IsNaN(lat) || math.IsInf(lon, 0) || math.IsInf(lat, 0) {
			return fmt.Errorf("position %d is not a finite number", k)
		}
		if lon < -180 || lon > 180 || lat < -90 || lat > 90 {
			return fmt.Errorf("position %d (%g, %g) is outside lon ±180, lat ±90", k, lon, lat)
		}
	}
	if len(r) < 4 {
		return fmt.Errorf("ring has %d positions, at least 4 are needed", len(r))
	}
	if r[0] != r[len(r)-1] {
		return fmt.Errorf("ring is not closed: first position %v, last %v", r[0], r[len(r)-1])
	}
	return nil
}
