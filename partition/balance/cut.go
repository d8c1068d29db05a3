package balance

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
)

// Lattice sizing: about atomsPerChild atoms per child, at most maxAtoms
// atoms over the parent's area, cells no smaller than minSide; a cell is
// halved (down to those limits) while more than a tenth of the households
// lie in cells holding more than a quarter of a child's minimum.
const (
	atomsPerChild = 40
	maxAtoms      = 250_000
	minSide       = 8
	maxSide       = 2000
)

// cellSide picks the lattice cell side for a division, from the
// households within the parent's bounding box (a household file may cover
// much more than the parent: the county's, for one community).
func cellSide(mp orb.MultiPolygon, all []Household, o Options) geo.Meters {
	area := float64(geo.Area(mp))
	b := mp.Bound()
	var hh []Household
	total := 0
	for _, h := range all {
		if b.Contains(h.Point) {
			hh = append(hh, h)
			total += h.Weight
		}
	}
	k := math.Max(1, float64(total)/(float64(o.Min+o.Max)/2))
	side := math.Sqrt(area / (atomsPerChild * k))
	floor := math.Max(minSide, math.Sqrt(area/maxAtoms))
	side = math.Min(maxSide, math.Max(floor, side))
	kx, ky := geo.MetersPerDegree(b.Center()[1])
	for range 4 {
		if side/2 < floor || total == 0 {
			break
		}
		cells := map[[2]int64]int{}
		for _, h := range hh {
			cells[[2]int64{int64(math.Floor(h.Point[0] * kx / side)), int64(math.Floor(h.Point[1] * ky / side))}] += h.Weight
		}
		heavy := 0
		for _, w := range cells {
			if 4*w > o.Min {
				heavy += w
			}
		}
		if 10*heavy <= total {
			break
		}
		side /= 2
	}
	return geo.Meters(math.Round(side*100) / 100)
}

// cut builds the atoms of the regions (valid, oriented multipolygons that
// tile something without overlapping) on a lattice of cells of side metres,
// moving the lattice until the regions are in general position.
func cut(ctx context.Context, regions []orb.MultiPolygon, side geo.Meters) (*atomSet, error) {
	var b orb.Bound
	for i, mp := range regions {
		if i == 0 {
			b = mp.Bound()
		} else {
			b = b.Union(mp.Bound())
		}
	}
	for _, off := range offsets {
		lat := newLattice(b, side, off)
		g, err := buildGraph(ctx, regions, lat)
		if errors.Is(err, errDegenerate) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("cut by a %g m lattice: %w", float64(side), err)
		}
		s, err := buildAtoms(ctx, g, b.Center())
		if err != nil {
			return nil, fmt.Errorf("cut by a %g m lattice: %w", float64(side), err)
		}
		return s, nil
	}
	return nil, fmt.Errorf("cut by a %g m lattice: %w after %d offsets", float64(side), errDegenerate, len(offsets))
}

// assign adds each household's weight to the atom that contains it, under
// geo's boundary rule (the router's): atoms tile the parent and share their
// edges bit for bit, so a household inside the parent lies in exactly one
// atom. A household outside the parent reaches no atom (hhAtom -1) and no
// child; assign returns how many there were, by weight.
func (s *atomSet) assign(hh []Household) (outside int) {
	s.hhAtom = make([]int32, len(hh))
	for i, h := range hh {
		a := s.locateInside(h.Point)
		s.hhAtom[i] = a
		if a < 0 {
			outside += h.Weight
			continue
		}
		s.atoms[a].w += h.Weight
	}
	return outside
}

// locateInside is the atom containing p, or -1.
func (s *atomSet) locateInside(p orb.Point) int32 {
	i, j := s.g.lat.cellOf(p)
	for _, a := range s.byCell[s.g.lat.cellKey(i, j)] {
		if geo.PolygonContains(s.atoms[a].poly, p) {
			return a
		}
	}
	for di := -1; di <= 1; di++ {
		for dj := -1; dj <= 1; dj++ {
			if di == 0 && dj == 0 {
				continue
			}
			for _, a := range s.byCell[s.g.lat.cellKey(i+di, j+dj)] {
				if geo.PolygonContains(s.atoms[a].poly, p) {
					return a
				}
			}
		}
	}
	return -1
}
