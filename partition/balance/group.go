package balance

import (
	"context"
	"fmt"
	"math"
	"time"
)

// grouping is an assignment of atoms to children.
type grouping struct {
	d       *division
	method  string
	child   []int32 // per atom; -1 unassigned
	w       []int   // households per child
	area    []float64
	members [][]int32
	pos     []int32 // index of each atom in its child's members
	region  []int32 // region of each child
	lo, hi  []int   // band each child is held to
	seen    []int32 // scratch for searches, stamped
	stamp   int32
	joined  map[int32]joinedIslands
	grown   map[int32]bool // children grown to the minimum area (growSlivers)
	// frugal (rebalancing): prefer moves of fewer households, keep the
	// current borders elsewhere (no polish, no contiguity hand-offs).
	frugal   bool
	original []int32 // rebalancing: each atom's current child
}

func newGrouping(d *division, method string) *grouping {
	n := len(d.s.atoms)
	gr := &grouping{d: d, method: method, child: make([]int32, n), pos: make([]int32, n), seen: make([]int32, n),
		w: make([]int, d.children), area: make([]float64, d.children), members: make([][]int32, d.children),
		region: make([]int32, d.children), lo: make([]int, d.children), hi: make([]int, d.children)}
	for i := range gr.child {
		gr.child[i] = -1
	}
	for r, rg := range d.regions {
		lo, hi := d.min, d.max
		if !rg.feasible && rg.k > 0 {
			lo, hi = min(lo, rg.w/rg.k), max(hi, (rg.w+rg.k-1)/rg.k)
		}
		for c := rg.first; c < rg.first+rg.k && c < d.children; c++ {
			gr.region[c], gr.lo[c], gr.hi[c] = int32(r), lo, hi
		}
	}
	return gr
}

func (gr *grouping) put(a int32, c int32) {
	if old := gr.child[a]; old >= 0 {
		m := gr.members[old]
		i := gr.pos[a]
		last := m[len(m)-1]
		m[i], gr.pos[last] = last, i
		gr.members[old] = m[:len(m)-1]
		gr.w[old] -= gr.d.s.atoms[a].w
		gr.area[old] -= float64(gr.d.s.atoms[a].area)
	}
	gr.child[a] = c
	gr.pos[a] = int32(len(gr.members[c]))
	gr.members[c] = append(gr.members[c], a)
	gr.w[c] += gr.d.s.atoms[a].w
	gr.area[c] += float64(gr.d.s.atoms[a].area)
}

// group runs the requested method, or both, and returns the better
// grouping with the figures of each tried.
func (d *division) group(ctx context.Context, o Options) (*grouping, []MethodFigures, error) {
	methods := []string{MethodGrow, MethodBisect}
	if o.Method != MethodBest {
		methods = []string{o.Method}
	}
	var best *grouping
	var bestF MethodFigures
	var figs []MethodFigures
	for _, m := range methods {
		start := time.Now()
		gr := newGrouping(d, m)
		if err := gr.run(ctx, o.Seed); err != nil {
			return nil, nil, fmt.Errorf("group by %s: %w", m, err)
		}
		f := gr.figures()
		f.Elapsed = time.Since(start)
		figs = append(figs, f)
		if best == nil || better(f, bestF) {
			best, bestF = gr, f
		}
	}
	return best, figs, nil
}

// better: more children within range, then a higher mean Polsby–Popper.
func better(a, b MethodFigures) bool {
	if a.WithinRange != b.WithinRange {
		return a.WithinRange > b.WithinRange
	}
	return a.MeanPP > b.MeanPP+1e-9
}

func (gr *grouping) run(ctx context.Context, seed uint64) error {
	for r := range gr.d.regions {
		if err := ctx.Err(); err != nil {
			return err
		}
		rg := &gr.d.regions[r]
		if rg.k == 1 {
			for _, a := range rg.atoms {
				gr.put(a, int32(rg.first))
			}
			continue
		}
		switch gr.method {
		case MethodGrow:
			gr.grow(rg, seed)
		default:
			gr.bisect(rg.atoms, rg.k, rg.first)
		}
	}
	if err := gr.repair(ctx); err != nil {
		return err
	}
	gr.growSlivers()
	gr.joinIslands()
	return nil
}

// open reports whether the grouping may join a with its k-th neighbour.
func (gr *grouping) open(a int32, k int) bool {
	b := gr.d.s.adj[a][k]
	return gr.d.open[a][k] && gr.d.regionOf[a] == gr.d.regionOf[b]
}

// figures measures the grouping: households per child against the band,
// and Polsby–Popper from the atoms' areas and the length of the edges
// between children (in local metres, good to a few parts in a thousand).
func (gr *grouping) figures() MethodFigures {
	s := gr.d.s
	g := s.g
	per := make([]float64, len(gr.w))
	for h := range g.from {
		a := s.heAtom[h]
		if a < 0 {
			continue
		}
		t := g.twin[h]
		if t >= 0 && gr.child[s.heAtom[t]] == gr.child[a] {
			continue
		}
		p, q := s.local(g.pts[g.from[h]]), s.local(g.pts[g.to[h]])
		per[gr.child[a]] += math.Hypot(q[0]-p[0], q[1]-p[1])
	}
	f := MethodFigures{Method: gr.method, MinPP: 1}
	for c := range gr.w {
		if gr.d.regions[gr.region[c]].feasible {
			f.Feasible++
			if gr.w[c] >= gr.d.min && gr.w[c] <= gr.d.max {
				f.WithinRange++
			}
		}
		pp := 0.0
		if per[c] > 0 {
			pp = 4 * math.Pi * gr.area[c] / (per[c] * per[c])
		}
		f.MeanPP += pp
		f.MinPP = min(f.MinPP, pp)
	}
	if len(gr.w) > 0 {
		f.MeanPP /= float64(len(gr.w))
	}
	return f
}
