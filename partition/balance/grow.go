package balance

import (
	"container/heap"
	"math"
	"sort"
)

// Empty land weighs a little in seeding, bisection and growth, so that
// children share it out instead of one child taking all of it: the region's
// area counts as landShare of its households.
const landShare = 0.15

// effWeights are the atoms' households plus their share of land.
func (gr *grouping) effWeights(atoms []int32) ([]float64, float64) {
	s := gr.d.s
	var w, area float64
	for _, a := range atoms {
		w += float64(s.atoms[a].w)
		area += float64(s.atoms[a].area)
	}
	perM2 := 0.0
	if area > 0 {
		perM2 = landShare * math.Max(w, 1) / area
	}
	out := make([]float64, len(atoms))
	total := 0.0
	for i, a := range atoms {
		out[i] = float64(s.atoms[a].w) + perM2*float64(s.atoms[a].area)
		total += out[i]
	}
	return out, total
}

// seeds cuts the region's atoms, in Hilbert-curve order (its grid moved by
// the seed), into k runs of
// equal effective weight and returns, per run, the atom nearest the run's
// weighted centre.
func (gr *grouping) seeds(atoms []int32, k int, seed uint64) []int32 {
	s := gr.d.s
	order := append([]int32(nil), atoms...)
	side := float64(s.g.lat.cell)
	// the seed moves the curve's grid, for another proposal
	ox, oy := int64(seed*2654435761%4096), int64(seed*40503%4096)
	key := make(map[int32]uint64, len(order))
	for _, a := range order {
		xy := s.atoms[a].xy
		key[a] = hilbert(uint32(int64(math.Floor(xy[0]/side))+ox+1<<14), uint32(int64(math.Floor(xy[1]/side))+oy+1<<14))
	}
	sort.Slice(order, func(i, j int) bool {
		ki, kj := key[order[i]], key[order[j]]
		return ki < kj || ki == kj && order[i] < order[j]
	})
	ew, total := gr.effWeights(order)
	out := make([]int32, 0, k)
	start, acc := 0, 0.0
	for i := range order {
		acc += ew[i]
		if float64(len(out)+1)*total/float64(k) <= acc+1e-9 || i == len(order)-1 {
			out = append(out, nearestToCentre(s, order[start:i+1], ew[start:i+1]))
			start = i + 1
			if len(out) == k {
				break
			}
		}
	}
	for len(out) < k { // fewer atoms than children: repeat the last
		out = append(out, order[len(order)-1])
	}
	return out
}

func nearestToCentre(s *atomSet, run []int32, w []float64) int32 {
	var cx, cy, sw float64
	for i, a := range run {
		cx += w[i] * s.atoms[a].xy[0]
		cy += w[i] * s.atoms[a].xy[1]
		sw += w[i]
	}
	if sw == 0 {
		return run[len(run)/2]
	}
	cx, cy = cx/sw, cy/sw
	best, bestD := run[0], math.Inf(1)
	for _, a := range run {
		if d := math.Hypot(s.atoms[a].xy[0]-cx, s.atoms[a].xy[1]-cy); d < bestD {
			best, bestD = a, d
		}
	}
	return best
}

// hilbert is the distance of (x, y) along a Hilbert curve over a
// 65536×65536 grid.
func hilbert(x, y uint32) uint64 {
	const n = 1 << 16
	x, y = x%n, y%n
	var d uint64
	for sq := uint32(n / 2); sq > 0; sq /= 2 {
		var rx, ry uint32
		if x&sq > 0 {
			rx = 1
		}
		if y&sq > 0 {
			ry = 1
		}
		d += uint64(sq) * uint64(sq) * uint64((3*rx)^ry)
		if ry == 0 {
			if rx == 1 {
				x, y = n-1-x, n-1-y
			}
			x, y = y, x
		}
	}
	return d
}

// grow divides a region by growing its k children at once from seeds: the
// child with the least load (households and land against its share) takes
// the unassigned atom nearest its seed among those it touches.
func (gr *grouping) grow(rg *region, seed uint64) {
	s := gr.d.s
	seeds := gr.seeds(rg.atoms, rg.k, seed)
	ew, total := gr.effWeights(rg.atoms)
	eff := make(map[int32]float64, len(rg.atoms))
	for i, a := range rg.atoms {
		eff[a] = ew[i]
	}
	target := total / float64(rg.k)
	fronts := make([]frontier, rg.k)
	load := make([]float64, rg.k)
	cq := &childQueue{load: load}
	for i, a := range seeds {
		c := int32(rg.first + i)
		if gr.child[a] >= 0 {
			continue
		}
		gr.put(a, c)
		load[i] += eff[a] / target
		gr.pushNeighbours(&fronts[i], a, s.atoms[a].xy)
		heap.Push(cq, i)
	}
	for cq.Len() > 0 {
		i := heap.Pop(cq).(int)
		c := int32(rg.first + i)
		f := &fronts[i]
		for f.Len() > 0 {
			it := heap.Pop(f).(item)
			if gr.child[it.a] >= 0 {
				continue
			}
			gr.put(it.a, c)
			load[i] += eff[it.a] / target
			gr.pushNeighbours(f, it.a, s.atoms[seeds[i]].xy)
			heap.Push(cq, i)
			break
		}
	}
	gr.fillLeftovers(rg)
}

func (gr *grouping) pushNeighbours(f *frontier, a int32, centre [2]float64) {
	s := gr.d.s
	for k, b := range s.adj[a] {
		if gr.child[b] < 0 && gr.open(a, k) {
			xy := s.atoms[b].xy
			heap.Push(f, item{a: b, d: math.Hypot(xy[0]-centre[0], xy[1]-centre[1])})
		}
	}
}

// fillLeftovers gives atoms no child reached (cut off by a dead-end
// barrier) to an assigned neighbour, repeatedly.
func (gr *grouping) fillLeftovers(rg *region) {
	s := gr.d.s
	for changed := true; changed; {
		changed = false
		for _, a := range rg.atoms {
			if gr.child[a] >= 0 {
				continue
			}
			for _, b := range s.adj[a] {
				if gr.child[b] >= 0 && gr.d.regionOf[b] == gr.d.regionOf[a] {
					gr.put(a, gr.child[b])
					changed = true
					break
				}
			}
		}
	}
}

type item struct {
	a int32
	d float64
}

// frontier is a min-heap of atoms by distance.
type frontier []item

func (f frontier) Len() int { return len(f) }
func (f frontier) Less(i, j int) bool {
	return f[i].d < f[j].d || f[i].d == f[j].d && f[i].a < f[j].a
}
func (f frontier) Swap(i, j int) { f[i], f[j] = f[j], f[i] }
func (f *frontier) Push(x any)   { *f = append(*f, x.(item)) }
func (f *frontier) Pop() any {
	old := *f
	x := old[len(old)-1]
	*f = old[:len(old)-1]
	return x
}

// childQueue is a min-heap of children by load.
type childQueue struct {
	ids  []int
	load []float64
}

func (q *childQueue) Len() int { return len(q.ids) }
func (q *childQueue) Less(i, j int) bool {
	a, b := q.ids[i], q.ids[j]
	return q.load[a] < q.load[b] || q.load[a] == q.load[b] && a < b
}
func (q *childQueue) Swap(i, j int) { q.ids[i], q.ids[j] = q.ids[j], q.ids[i] }
func (q *childQueue) Push(x any)    { q.ids = append(q.ids, x.(int)) }
func (q *childQueue) Pop() any {
	x := q.ids[len(q.ids)-1]
	q.ids = q.ids[:len(q.ids)-1]
	return x
}
