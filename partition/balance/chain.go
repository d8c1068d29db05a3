package balance

import (
	"context"
	"math"
	"sort"
)

// neighbours are the children sharing an open edge with child c, in order.
func (gr *grouping) neighbours(c int32) []int32 {
	s := gr.d.s
	set := map[int32]bool{}
	for _, a := range gr.members[c] {
		for k, b := range s.adj[a] {
			if d := gr.child[b]; d != c && d >= 0 && gr.open(a, k) {
				set[d] = true
			}
		}
	}
	out := make([]int32, 0, len(set))
	for d := range set {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// chain moves households along a path of neighbouring children: from an
// over-full c towards the nearest child with room, or towards an
// under-full c from the nearest child with some to spare; every child in
// between passes on about what it receives and stays in its band.
func (gr *grouping) chain(c int32) bool {
	over := gr.w[c] > gr.hi[c]
	parent := map[int32]int32{c: -1}
	frontier := []int32{c}
	tried := 0
	for hop := 0; hop < maxHops && len(frontier) > 0 && tried < 12; hop++ {
		var next []int32
		for _, x := range frontier {
			for _, y := range gr.neighbours(x) {
				if _, ok := parent[y]; ok {
					continue
				}
				parent[y] = x
				next = append(next, y)
			}
		}
		for _, z := range next {
			if tried >= 12 {
				break
			}
			if over && gr.w[z] >= gr.hi[z] || !over && gr.w[z] <= gr.lo[z] {
				continue
			}
			tried++
			path := []int32{}
			for x := z; x >= 0; x = parent[x] {
				path = append(path, x)
			}
			if over { // c … z: reverse to start at c
				for i, j := 0, len(path)-1; i < j; i, j = i+1, j-1 {
					path[i], path[j] = path[j], path[i]
				}
			}
			if gr.push(path, over) {
				return true
			}
		}
		frontier = next
	}
	return false
}

// push moves atoms across each hop of path, path[0] giving first: each
// child passes on at least what it received (and what puts it back under its
// maximum), staying at or above its minimum. The moves are kept only if the
// children's total violation went down.
func (gr *grouping) push(path []int32, over bool) bool {
	before := 0
	for _, x := range path {
		before += gr.violation(x)
	}
	var done []move
	undo := func() {
		for i := len(done) - 1; i >= 0; i-- {
			gr.put(done[i].a, done[i].from)
		}
	}
	last := len(path) - 1
	var need int
	if over {
		need = gr.w[path[0]] - gr.hi[path[0]]
	} else {
		need = min(gr.lo[path[last]]-gr.w[path[last]], gr.w[path[0]]-gr.lo[path[0]])
	}
	for i := 0; i < last; i++ {
		from, to := path[i], path[i+1]
		if i > 0 {
			need = max(need, gr.w[from]-gr.hi[from])
		}
		toHi := math.MaxInt
		if i+1 == last {
			toHi = gr.hi[to]
		}
		given := 0
		for given < need {
			a := gr.pickAtom(from, to, need-given, gr.lo[from], math.MaxInt, toHi)
			if a < 0 {
				// no household on the border: move the border across empty
				// land towards the nearest one
				if !gr.corridor(from, to, &done) {
					break
				}
				continue
			}
			done = append(done, move{a: a, from: from, to: to})
			given += gr.d.s.atoms[a].w
			gr.put(a, to)
		}
		if given == 0 {
			undo()
			return false
		}
		need = given
	}
	after := 0
	for _, x := range path {
		after += gr.violation(x)
	}
	if after >= before {
		undo()
		return false
	}
	return true
}

// pickAtom is the atom of from, bordering to, whose weight is nearest want
// such that from ends within [lo, hi] and to at most toHi, and from stays
// connected; -1 if none.
func (gr *grouping) pickAtom(from, to int32, want, lo, hi, toHi int) int32 {
	s := gr.d.s
	type cand struct {
		a    int32
		diff int
		comp float64
	}
	var cs []cand
	for _, a := range gr.members[from] {
		wa := s.atoms[a].w
		if wa == 0 || gr.w[from]-wa < lo || gr.w[from]-wa > hi || gr.w[to]+wa > toHi {
			continue
		}
		touches := false
		for k, b := range s.adj[a] {
			if gr.child[b] == to && gr.open(a, k) {
				touches = true
				break
			}
		}
		if !touches {
			continue
		}
		bf, bt := gr.borders(a, from, to)
		d := wa - want
		if d < 0 {
			d = -d
		}
		cs = append(cs, cand{a, d, bf - bt})
	}
	sort.Slice(cs, func(i, j int) bool {
		x, y := cs[i], cs[j]
		if x.diff != y.diff {
			return x.diff < y.diff
		}
		if x.comp != y.comp {
			return x.comp < y.comp
		}
		return x.a < y.a
	})
	for _, c := range cs {
		if gr.connectedWithout(from, c.a) {
			return c.a
		}
	}
	return -1
}

// polish moves a boundary atom to the neighbouring child it shares more
// border with, when both stay in their bands (or get no worse) and the
// giver stays connected: borders get shorter, children more compact.
func (gr *grouping) polish(ctx context.Context) error {
	s := gr.d.s
	for range polishPasses {
		if err := ctx.Err(); err != nil {
			return err
		}
		moved := 0
		for c := range gr.members {
			for i := 0; i < len(gr.members[c]); i++ {
				a := gr.members[c][i]
				d, gain := gr.bestBorder(a, int32(c))
				if d < 0 || gain <= 1e-9 {
					continue
				}
				wa := s.atoms[a].w
				vb := gr.violation(int32(c)) + gr.violation(d)
				va := viol(gr.w[c]-wa, gr.lo[c], gr.hi[c]) + viol(gr.w[d]+wa, gr.lo[d], gr.hi[d])
				if va > vb || !gr.connectedWithout(int32(c), a) {
					continue
				}
				gr.put(a, d)
				moved++
			}
		}
		if moved == 0 {
			break
		}
	}
	return nil
}

// bestBorder is the neighbouring child of a (open edge) with which a shares
// the most border beyond what it shares with its own child c, and by how
// much.
func (gr *grouping) bestBorder(a, c int32) (int32, float64) {
	s := gr.d.s
	own := 0.0
	other := map[int32]float64{}
	for k, b := range s.adj[a] {
		d := gr.child[b]
		switch {
		case d == c:
			own += s.border[a][k]
		case d >= 0 && gr.open(a, k):
			other[d] += s.border[a][k]
		}
	}
	best, bestM := int32(-1), 0.0
	for d, m := range other {
		if m > bestM || m == bestM && d < best {
			best, bestM = d, m
		}
	}
	return best, bestM - own
}

// corridorDepth bounds how many empty atoms a corridor may cross.
const corridorDepth = 8

// corridor moves the empty atoms of from that lie between to and from's
// nearest atom with households (breadth-first from the border, at most
// corridorDepth deep) to to, each only if from stays connected. It reports
// whether any moved.
func (gr *grouping) corridor(from, to int32, done *[]move) bool {
	s := gr.d.s
	gr.stamp++
	prev := map[int32]int32{}
	var queue []int32
	for _, a := range gr.members[from] {
		if s.atoms[a].w > 0 {
			continue
		}
		for k, b := range s.adj[a] {
			if gr.child[b] == to && gr.open(a, k) {
				gr.seen[a] = gr.stamp
				prev[a] = -1
				queue = append(queue, a)
				break
			}
		}
	}
	depth := map[int32]int{}
	for q := 0; q < len(queue); q++ {
		x := queue[q]
		for k, y := range s.adj[x] {
			if gr.seen[y] == gr.stamp || gr.child[y] != from || !gr.open(x, k) {
				continue
			}
			gr.seen[y] = gr.stamp
			if s.atoms[y].w > 0 { // found: move the empty path border … x
				var path []int32
				for z := x; z >= 0; z = prev[z] {
					path = append(path, z)
				}
				moved := false
				for i := len(path) - 1; i >= 0; i-- {
					z := path[i]
					if !gr.connectedWithout(from, z) {
						break
					}
					*done = append(*done, move{a: z, from: from, to: to})
					gr.put(z, to)
					moved = true
				}
				return moved
			}
			if depth[x] < corridorDepth {
				prev[y], depth[y] = x, depth[x]+1
				queue = append(queue, y)
			}
		}
	}
	return false
}
