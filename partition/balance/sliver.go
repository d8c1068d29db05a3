package balance

import "sort"

// No child is a sliver: every child of a region divided in several holds at
// least minArea — one full lattice cell, or the region's mean share when
// that is smaller. A dense building on a scrap of coast can make the
// grouping's best child a single 1 m² atom; such a child is grown, atom by
// atom, by the neighbouring atoms that cost the fewest households (then
// share the longest border with it), never disconnecting or shrinking a
// neighbour below the minimum itself, until it reaches the minimum. The
// band gives way to the area: the grown child's note says how many
// households it holds.

// minArea is the least area, m², a child of region r may have.
func (gr *grouping) minArea(r int32) float64 {
	rg := &gr.d.regions[r]
	if rg.k <= 1 {
		return 0
	}
	cell := float64(gr.d.s.g.lat.cell)
	area := 0.0
	for _, a := range rg.atoms {
		area += float64(gr.d.s.atoms[a].area)
	}
	return min(cell*cell, area/float64(rg.k))
}

// growSlivers grows every non-empty child below its region's minimum area.
func (gr *grouping) growSlivers() {
	mins := make([]float64, len(gr.d.regions))
	for r := range mins {
		mins[r] = gr.minArea(int32(r))
	}
	for c := range gr.w {
		if len(gr.members[c]) > 0 && gr.area[c] < mins[gr.region[c]] {
			gr.grow1(int32(c), mins)
		}
	}
}

// grow1 adds neighbouring atoms to child c until it holds the minimum
// area of its region, or no neighbour can give one.
func (gr *grouping) grow1(c int32, mins []float64) {
	s := gr.d.s
	for gr.area[c] < mins[gr.region[c]] {
		type cand struct {
			a, from int32
			w       int
			border  float64
		}
		var cands []cand
		seen := map[int32]bool{}
		for _, a := range gr.members[c] {
			for k, b := range s.adj[a] {
				d := gr.child[b]
				if d == c || d < 0 || seen[b] || !gr.open(a, k) {
					continue
				}
				seen[b] = true
				_, border := gr.borders(b, d, c)
				cands = append(cands, cand{a: b, from: d, w: s.atoms[b].w, border: border})
			}
		}
		sort.Slice(cands, func(i, j int) bool {
			x, y := cands[i], cands[j]
			if x.w != y.w {
				return x.w < y.w
			}
			if x.border != y.border {
				return x.border > y.border
			}
			return x.a < y.a
		})
		moved := false
		for _, m := range cands {
			rest := gr.area[m.from] - float64(s.atoms[m.a].area)
			if rest >= mins[gr.region[m.from]] && gr.connectedWithout(m.from, m.a) {
				gr.put(m.a, c)
				moved = true
				break
			}
		}
		if !moved {
			return
		}
		if gr.grown == nil {
			gr.grown = map[int32]bool{}
		}
		gr.grown[c] = true
	}
}
