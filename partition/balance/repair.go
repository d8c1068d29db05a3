package balance

import (
	"context"
	"sort"
)

// Repair limits: passes over the children out of range, and hops of a
// chain of moves.
const (
	repairPasses = 400
	polishPasses = 6
	maxHops      = 12
)

func viol(w, lo, hi int) int { return max(0, lo-w) + max(0, w-hi) }

func (gr *grouping) violation(c int32) int { return viol(gr.w[c], gr.lo[c], gr.hi[c]) }

// repair makes every child contiguous, then moves boundary atoms between
// neighbouring children, never disconnecting one, until every child is in
// its band or no move helps; then it smooths borders (polish).
func (gr *grouping) repair(ctx context.Context) error {
	if !gr.frugal {
		gr.makeContiguous()
	}
	for range repairPasses {
		if err := ctx.Err(); err != nil {
			return err
		}
		var bad []int32
		for c := range gr.w {
			if gr.violation(int32(c)) > 0 && gr.d.regions[gr.region[c]].k > 1 {
				bad = append(bad, int32(c))
			}
		}
		if len(bad) == 0 {
			break
		}
		sort.Slice(bad, func(i, j int) bool {
			vi, vj := gr.violation(bad[i]), gr.violation(bad[j])
			return vi > vj || vi == vj && bad[i] < bad[j]
		})
		progress := false
		for _, c := range bad {
			if gr.violation(c) > 0 && (gr.direct(c) || gr.chain(c)) {
				progress = true
			}
		}
		if !progress {
			break
		}
	}
	if gr.frugal {
		return nil
	}
	return gr.polish(ctx)
}

// makeContiguous hands every piece of a child cut off from its heaviest
// piece to the neighbouring child it shares most border with.
func (gr *grouping) makeContiguous() {
	s := gr.d.s
	for c := range gr.members {
		comps := s.componentsOf(gr.members[c], func(a int32, k int) bool {
			return gr.open(a, k) && gr.child[s.adj[a][k]] == int32(c)
		})
		if len(comps) <= 1 {
			continue
		}
		main, mainW := 0, -1
		for i, comp := range comps {
			w := len(comp)
			for _, a := range comp {
				w += 1000 * s.atoms[a].w
			}
			if w > mainW {
				main, mainW = i, w
			}
		}
		for i, comp := range comps {
			if i != main {
				gr.handOff(comp, int32(c))
			}
		}
	}
}

// handOff gives a cut-off piece of child c to the neighbour sharing most
// border with it (any neighbour in the region when no edge is open).
func (gr *grouping) handOff(piece []int32, c int32) {
	s := gr.d.s
	shared := map[int32]float64{}
	for _, a := range piece {
		for k, b := range s.adj[a] {
			if d := gr.child[b]; d >= 0 && d != c && gr.d.regionOf[a] == gr.d.regionOf[b] {
				if gr.open(a, k) {
					shared[d] += s.border[a][k]
				} else {
					shared[d] += s.border[a][k] * 1e-6
				}
			}
		}
	}
	best, bestM := int32(-1), -1.0
	for d, m := range shared {
		if m > bestM || m == bestM && d < best {
			best, bestM = d, m
		}
	}
	if best < 0 {
		return
	}
	for _, a := range piece {
		gr.put(a, best)
	}
}

// connectedWithout reports whether removing atom a from child c leaves its
// piece of c connected: whether a's neighbours in c still reach each other
// (a child with an island joined to it has other pieces; they do not
// matter). It searches breadth-first from one neighbour and stops once it
// has seen them all.
func (gr *grouping) connectedWithout(c, a int32) bool {
	s := gr.d.s
	if len(gr.members[c]) <= 1 {
		return false
	}
	gr.stamp++
	want := gr.stamp // neighbours still to reach are marked want
	var start int32 = -1
	left := 0
	for k, b := range s.adj[a] {
		if gr.child[b] == c && gr.open(a, k) && gr.seen[b] != want {
			gr.seen[b] = want
			start = b
			left++
		}
	}
	if left <= 1 {
		return left == 1
	}
	gr.stamp++
	seen := gr.stamp
	gr.seen[a] = seen
	gr.seen[start] = seen
	left--
	queue := []int32{start}
	for q := 0; q < len(queue) && left > 0; q++ {
		x := queue[q]
		for k, y := range s.adj[x] {
			if gr.seen[y] == seen || gr.child[y] != c || !gr.open(x, k) {
				continue
			}
			if gr.seen[y] == want {
				left--
			}
			gr.seen[y] = seen
			queue = append(queue, y)
		}
	}
	return left == 0
}

// borders returns how much border atom a shares with child c and with
// child d.
func (gr *grouping) borders(a, c, d int32) (bc, bd float64) {
	s := gr.d.s
	for k, b := range s.adj[a] {
		switch gr.child[b] {
		case c:
			bc += s.border[a][k]
		case d:
			bd += s.border[a][k]
		}
	}
	return bc, bd
}

type move struct {
	a        int32
	from, to int32
	gain     int     // violation removed
	weight   int     // households moved
	compact  float64 // border added (negative: shorter)
}

// direct tries the best single move of a boundary atom into or out of c.
func (gr *grouping) direct(c int32) bool {
	s := gr.d.s
	over := gr.w[c] > gr.hi[c]
	var cands []move
	consider := func(a, from, to int32) {
		wa := s.atoms[a].w
		if wa == 0 {
			return
		}
		before := gr.violation(from) + gr.violation(to)
		after := viol(gr.w[from]-wa, gr.lo[from], gr.hi[from]) + viol(gr.w[to]+wa, gr.lo[to], gr.hi[to])
		if after >= before {
			return
		}
		bf, bt := gr.borders(a, from, to)
		cands = append(cands, move{a: a, from: from, to: to, gain: before - after, weight: wa, compact: bf - bt})
	}
	for _, a := range gr.members[c] {
		for k, b := range s.adj[a] {
			d := gr.child[b]
			if d == c || d < 0 || !gr.open(a, k) {
				continue
			}
			if over {
				consider(a, c, d)
			} else {
				consider(b, d, c)
			}
		}
	}
	sort.Slice(cands, func(i, j int) bool {
		x, y := cands[i], cands[j]
		if x.gain != y.gain {
			return x.gain > y.gain
		}
		if gr.frugal && x.weight != y.weight {
			return x.weight < y.weight
		}
		if x.compact != y.compact {
			return x.compact < y.compact
		}
		return x.a < y.a || x.a == y.a && x.to < y.to
	})
	for _, m := range cands {
		if gr.child[m.a] == m.from && gr.connectedWithout(m.from, m.a) {
			gr.put(m.a, m.to)
			return true
		}
	}
	return false
}
