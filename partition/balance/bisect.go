package balance

import (
	"math"
	"sort"
)

// bisect divides atoms (connected) into k children numbered from first by
// recursive inertial bisection: the atoms are cut by a straight line
// across one of five directions (the principal axis and every 45°) where
// the effective weight on one side is k1/k of the whole, k1 = k/2; the
// direction with the shortest cut wins; pieces cut off from their side are
// handed to the other side; each side is divided again.
func (gr *grouping) bisect(atoms []int32, k, first int) {
	if k <= 1 || len(atoms) <= 1 {
		for _, a := range atoms {
			gr.put(a, int32(first))
		}
		return
	}
	k1 := k / 2
	ew, total := gr.effWeights(atoms)
	w := make(map[int32]float64, len(atoms))
	for i, a := range atoms {
		w[a] = ew[i]
	}
	target := total * float64(k1) / float64(k)
	var bestA, bestB []int32
	bestCut := math.Inf(1)
	for _, dir := range gr.directions(atoms, w) {
		a, b := gr.splitAlong(atoms, w, dir, target)
		if len(a) == 0 || len(b) == 0 {
			continue
		}
		if c := gr.cutLength(a, b); c < bestCut {
			bestA, bestB, bestCut = a, b, c
		}
	}
	if bestA == nil {
		bestA, bestB = atoms[:len(atoms)/2], atoms[len(atoms)/2:]
	}
	bestA, bestB = gr.connect(bestA, bestB, w)
	gr.bisect(bestA, k1, first)
	gr.bisect(bestB, k-k1, first+k1)
}

// directions are unit vectors: the principal axis of the weighted atoms and
// the four directions 0°, 45°, 90°, 135°.
func (gr *grouping) directions(atoms []int32, w map[int32]float64) [][2]float64 {
	s := gr.d.s
	var sw, mx, my float64
	for _, a := range atoms {
		sw += w[a]
		mx += w[a] * s.atoms[a].xy[0]
		my += w[a] * s.atoms[a].xy[1]
	}
	out := [][2]float64{{1, 0}, {math.Sqrt2 / 2, math.Sqrt2 / 2}, {0, 1}, {-math.Sqrt2 / 2, math.Sqrt2 / 2}}
	if sw == 0 {
		return out
	}
	mx, my = mx/sw, my/sw
	var sxx, sxy, syy float64
	for _, a := range atoms {
		dx, dy := s.atoms[a].xy[0]-mx, s.atoms[a].xy[1]-my
		sxx += w[a] * dx * dx
		sxy += w[a] * dx * dy
		syy += w[a] * dy * dy
	}
	th := 0.5 * math.Atan2(2*sxy, sxx-syy)
	return append([][2]float64{{math.Cos(th), math.Sin(th)}}, out...)
}

// splitAlong sorts atoms along dir and cuts where the weight reaches target.
func (gr *grouping) splitAlong(atoms []int32, w map[int32]float64, dir [2]float64, target float64) ([]int32, []int32) {
	s := gr.d.s
	order := append([]int32(nil), atoms...)
	proj := func(a int32) float64 { return s.atoms[a].xy[0]*dir[0] + s.atoms[a].xy[1]*dir[1] }
	sort.Slice(order, func(i, j int) bool {
		pi, pj := proj(order[i]), proj(order[j])
		return pi < pj || pi == pj && order[i] < order[j]
	})
	acc := 0.0
	for i, a := range order {
		if acc+w[a]/2 >= target {
			return order[:i], order[i:]
		}
		acc += w[a]
	}
	return order, nil
}

// cutLength is the length of the border between sides a and b.
func (gr *grouping) cutLength(a, b []int32) float64 {
	gr.stamp++
	for _, x := range b {
		gr.seen[x] = gr.stamp
	}
	s := gr.d.s
	c := 0.0
	for _, x := range a {
		for k, y := range s.adj[x] {
			if gr.seen[y] == gr.stamp {
				c += s.border[x][k]
			}
		}
	}
	return c
}

// connect hands every piece of a side that is cut off from the side's
// heaviest piece to the other side, until both sides are connected.
func (gr *grouping) connect(a, b []int32, w map[int32]float64) ([]int32, []int32) {
	for range 8 {
		a2, movedA := gr.keepMain(a, w)
		b = append(b, movedA...)
		b2, movedB := gr.keepMain(b, w)
		a = append(a2, movedB...)
		b = b2
		if len(movedA) == 0 && len(movedB) == 0 {
			break
		}
	}
	return a, b
}

// keepMain splits side into its heaviest connected piece and the rest.
func (gr *grouping) keepMain(side []int32, w map[int32]float64) ([]int32, []int32) {
	comps := gr.d.s.componentsOf(side, func(a int32, k int) bool { return gr.open(a, k) })
	if len(comps) <= 1 {
		return side, nil
	}
	main, mainW := 0, -1.0
	for i, c := range comps {
		cw := 0.0
		for _, a := range c {
			cw += w[a] + 1e-9
		}
		if cw > mainW {
			main, mainW = i, cw
		}
	}
	var rest []int32
	for i, c := range comps {
		if i != main {
			rest = append(rest, c...)
		}
	}
	return comps[main], rest
}
