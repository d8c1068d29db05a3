package balance

import (
	"context"
	"fmt"
	"sort"

	"github.com/wangge/wangge/internal/unionfind"
)

// region is a connected group of atoms divided on its own into k children:
// an island, or the part of one between barriers.
type region struct {
	atoms    []int32
	w        int
	k        int
	feasible bool
	note     string
	first    int // index of its first child
}

// division is the atoms, their regions and the islands to join to the
// nearest child once the regions are divided.
type division struct {
	s        *atomSet
	min, max int
	open     [][]bool // per atom, per neighbour: usable by the grouping
	regionOf []int32  // -1 for an island to join
	regions  []region
	joins    [][]int32 // islands (atom lists) to join to the nearest child
	children int
}

// fits reports whether w households can be split into children of the band.
func (d *division) fits(w int) bool {
	lo, hi := (w+d.max-1)/d.max, w/d.min
	return w > 0 && lo <= hi
}

// childCount is the number of children for w households: the count nearest
// w over the band's middle among those that fit, else the one that strays
// least from the band.
func (d *division) childCount(w int) int {
	mid := float64(d.min+d.max) / 2
	lo, hi := (w+d.max-1)/d.max, w/d.min
	k := int(float64(w)/mid + 0.5)
	if lo <= hi {
		return max(lo, min(hi, k))
	}
	best, bestV := 1, -1.0
	for c := max(1, hi); c <= lo; c++ {
		per := float64(w) / float64(c)
		v := max(float64(d.min)-per, per-float64(d.max)) / float64(d.min)
		if bestV < 0 || v < bestV {
			best, bestV = c, v
		}
	}
	return best
}

// plan finds the islands and barrier regions and how many children each
// gets.
func plan(ctx context.Context, s *atomSet, bar *barrierIndex, o Options) (*division, error) {
	d := &division{s: s, min: o.Min, max: o.Max, regionOf: make([]int32, len(s.atoms))}
	d.open = make([][]bool, len(s.atoms))
	comp := make([]int32, len(s.atoms)) // barrier components
	for a := range s.atoms {
		if a%8192 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		d.open[a] = make([]bool, len(s.adj[a]))
		for k, b := range s.adj[a] {
			d.open[a][k] = !bar.blocks(s, int32(a), b)
		}
	}
	islands := s.components(func(a int32, k int) bool { return true })
	ncomp := 0
	for a := range comp {
		comp[a] = -1
	}
	for _, isl := range islands {
		for _, c := range s.componentsOf(isl, func(a int32, k int) bool { return d.open[a][k] }) {
			for _, a := range c {
				comp[a] = int32(ncomp)
			}
			ncomp++
		}
	}
	merged := d.mergeBarrierRegions(comp, ncomp)
	// open edges between components merged into one region
	for a := range s.atoms {
		for k, b := range s.adj[a] {
			if comp[a] != comp[b] && merged.Find(int(comp[a])) == merged.Find(int(comp[b])) {
				d.open[a][k] = true
			}
		}
	}
	d.makeRegions(islands, comp, merged, o)
	return d, nil
}

// mergeBarrierRegions merges barrier components that cannot hold children
// of the band with a neighbour across the barrier, until every component
// fits or has no neighbour left.
func (d *division) mergeBarrierRegions(comp []int32, n int) unionfind.Sets {
	s := d.s
	uf := unionfind.New(n)
	w := make([]int, n)
	for a := range s.atoms {
		w[comp[a]] += s.atoms[a].w
	}
	border := map[[2]int]float64{}
	for a := range s.atoms {
		for k, b := range s.adj[a] {
			if ca, cb := int(comp[a]), int(comp[b]); ca != cb {
				border[[2]int{ca, cb}] += s.border[a][k]
			}
		}
	}
	for changed := true; changed; {
		changed = false
		for c := range n {
			if uf.Find(c) != c || d.fits(w[c]) {
				continue
			}
			nb := d.bestNeighbour(c, uf, w, border)
			if nb < 0 {
				continue
			}
			uf.Union(nb, c) // c stays the root
			w[uf.Find(c)] = w[c] + w[nb]
			changed = true
		}
	}
	return uf
}

// bestNeighbour is the component to merge c with: one with which the union
// fits (the lightest such), else the one sharing the longest border.
func (d *division) bestNeighbour(c int, uf unionfind.Sets, w []int, border map[[2]int]float64) int {
	shared := map[int]float64{}
	for k, m := range border {
		if uf.Find(k[0]) == c && uf.Find(k[1]) != c {
			shared[uf.Find(k[1])] += m
		}
	}
	keys := make([]int, 0, len(shared))
	for k := range shared {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	best, bestFit, bestLen := -1, false, -1.0
	for _, nb := range keys {
		fit := d.fits(w[c] + w[nb])
		switch {
		case fit && (!bestFit || w[nb] < w[best]):
			best, bestFit = nb, true
		case !fit && !bestFit && shared[nb] > bestLen:
			best, bestLen = nb, shared[nb]
		}
	}
	return best
}

// makeRegions turns merged components into regions, deciding for small and
// uninhabited islands.
func (d *division) makeRegions(islands [][]int32, comp []int32, uf unionfind.Sets, o Options) {
	s := d.s
	total := 0
	for a := range s.atoms {
		total += s.atoms[a].w
	}
	byRoot := map[int]int{}
	for _, isl := range islands {
		w := 0
		for _, a := range isl {
			w += s.atoms[a].w
		}
		if w == 0 && total > 0 || w < d.min && o.JoinSmallIslands {
			d.joins = append(d.joins, isl)
			for _, a := range isl {
				d.regionOf[a] = -1
			}
			continue
		}
		for _, a := range isl {
			root := uf.Find(int(comp[a]))
			r, ok := byRoot[root]
			if !ok {
				r = len(d.regions)
				byRoot[root] = r
				d.regions = append(d.regions, region{})
			}
			d.regionOf[a] = int32(r)
			d.regions[r].atoms = append(d.regions[r].atoms, a)
			d.regions[r].w += s.atoms[a].w
		}
	}
	if len(d.regions) == 0 { // every island joined (none inhabited, or all below the minimum): the largest is one child
		sort.SliceStable(d.joins, func(i, j int) bool { return len(d.joins[i]) > len(d.joins[j]) })
		isl := d.joins[0]
		d.joins = d.joins[1:]
		rg := region{atoms: isl}
		for _, a := range isl {
			d.regionOf[a] = 0
			rg.w += s.atoms[a].w
		}
		d.regions = append(d.regions, rg)
	}
	for r := range d.regions {
		rg := &d.regions[r]
		rg.first = d.children
		rg.feasible = d.fits(rg.w)
		rg.k = d.childCount(rg.w)
		if rg.w == 0 {
			rg.k = 1
		}
		d.children += rg.k
		switch {
		case rg.w == 0:
			rg.note = "no households at all"
		case rg.w < d.min && len(islands) > 1:
			rg.note = fmt.Sprintf("island with %d households, below the minimum %d", rg.w, d.min)
		case !rg.feasible:
			rg.note = fmt.Sprintf("%d households cannot be split into children of %d–%d", rg.w, d.min, d.max)
		}
	}
}
