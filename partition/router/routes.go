package router

import (
	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo/index"
	"github.com/wangge/wangge/internal/cores"
)

// routeGroup is how many points Routes takes at a time.
const routeGroup = 16

// Routes routes pts[i] into out[i] (out must be at least as long as pts),
// each answer exactly what Route gives, but a group of points at a time:
// before each step of the group's lookups (locating the points, locating
// the neighbours' probe points, reading the units' encoded answers) it
// warms the memory that step will read for all of the group's points (see
// index.Raster.Warm), so that their cache misses overlap instead of
// following one another. On an index far larger than the CPU caches this
// is several times faster than calling Route point by point.
func (ix *Index) Routes(pts []orb.Point, out []Result) {
	out = out[:len(pts)]
	for len(pts) > 0 {
		n := min(len(pts), routeGroup)
		ix.routeGroup(pts[:n], out[:n], true)
		pts, out = pts[n:], out[n:]
	}
}

// routeGroup routes up to routeGroup points. scattered says that the
// points come in no particular order: each step then warms the memory it
// reads first (raster cells and candidates, shapes, encoded answers).
// Otherwise the points follow the Z-order and much of that memory is in the
// cache already: only the shapes and the probe points are warmed, the
// steps where that measured faster (BenchmarkRoutesOrdered).
func (ix *Index) routeGroup(pts []orb.Point, out []Result, scattered bool) {
	if ix.raster == nil {
		for i, p := range pts {
			out[i] = ix.Route(p)
		}
		return
	}
	var shape [routeGroup]int32
	if scattered {
		ix.raster.Warm(pts)
	}
	for i, p := range pts {
		shape[i] = ix.raster.Locate(p)
	}
	ix.warmShapes(shape[:len(pts)])
	var probes [routeGroup]orb.Point
	var of [routeGroup]int
	k := 0
	for i, p := range pts {
		r, q, m, ok := ix.route(p, shape[i])
		if ok {
			if pr, single := probeBeyond(p, q, m); single {
				probes[k], of[k] = pr, i
				k++
			} else {
				r.neighbor = ix.across(r.unit, p, q, m)
			}
		}
		out[i] = r
	}
	if k > 0 {
		ix.raster.Warm(probes[:k])
		for j, pr := range probes[:k] {
			out[of[j]].neighbor = ix.otherAt(out[of[j]].unit, pr)
		}
	}
	if scattered {
		ix.warmJSON(out)
	}
}

// warmShapes brings into the CPU cache the units of the shapes found and
// what the nearest boundary reads of them (see index.Shapes.Warm).
func (ix *Index) warmShapes(shape []int32) uint64 {
	var ids [routeGroup]int32
	var sum uint64
	n := 0
	for _, s := range shape {
		if s >= 0 {
			sum += uint64(ix.shapeUnit[s])
			ids[n] = s
			n++
		}
	}
	return sum + ix.shapes.Warm(ids[:n])
}

// warmJSON brings into the CPU cache the encoded entries (see AppendJSON)
// of the units and neighbours of rs. It changes nothing; the result is a
// checksum with no meaning (see index.Raster.Warm).
func (ix *Index) warmJSON(rs []Result) uint64 {
	var sum uint64
	for i := range rs {
		for _, u := range [2]int32{rs[i].unit, rs[i].neighbor} {
			if u >= 0 {
				sum += uint64(ix.enc.at[u].start)
			}
		}
	}
	for i := range rs {
		for _, u := range [2]int32{rs[i].unit, rs[i].neighbor} {
			if u < 0 {
				continue
			}
			sp := ix.enc.at[u]
			end := sp.end
			if sp.owner == u { // its own contact follows its entry
				end = sp.contactEnd
			}
			for k := sp.start; k < end; k += 64 {
				sum += uint64(ix.enc.buf[k])
			}
		}
	}
	return sum
}

// WarmJSON brings into the CPU cache what AppendJSON reads for rs, all
// answers of one index, so that encoding a run of answers that were routed
// in another order (see RoutesOrdered) does not wait on one cache miss
// after another. It changes nothing.
func WarmJSON(rs []Result) {
	if len(rs) > 0 && rs[0].ix != nil {
		rs[0].ix.warmJSON(rs)
	}
}

// Sorter puts the points of a batch in the order in which routing them is
// fastest: along the Z-order curve that the index stores its shapes along,
// so that points near each other are routed one after another and read
// memory that is already in the CPU cache (see index.ZOrder). It keeps its
// buffers from call to call; it is not safe for concurrent use.
type Sorter struct {
	keys, tmp []uint64
	order     []int32
}

// Order returns the indexes of pts in that order (points with the same
// place on the curve in input order). The slice is the Sorter's: valid
// until its next call.
func (s *Sorter) Order(ix *Index, pts []orb.Point) []int32 {
	n := len(pts)
	if cap(s.keys) < n {
		s.keys, s.tmp, s.order = make([]uint64, n), make([]uint64, n), make([]int32, n)
	}
	s.keys, s.tmp, s.order = s.keys[:n], s.tmp[:n], s.order[:n]
	for i, p := range pts {
		s.keys[i] = uint64(ix.zorder.Key(p))<<32 | uint64(i)
	}
	for k, key := range index.SortKeys(s.keys, s.tmp) {
		s.order[k] = int32(uint32(key))
	}
	return s.order
}

// RoutesOrdered routes pts[i] into out[i] for each i of order, in that
// order: each answer exactly what Route gives. With order from a Sorter
// over the whole batch (split into runs, one per core, if need be), a large
// batch routes far faster than in the order given.
func (ix *Index) RoutesOrdered(pts []orb.Point, order []int32, out []Result) {
	var in [routeGroup]orb.Point
	var res [routeGroup]Result
	for len(order) > 0 {
		n := min(len(order), routeGroup)
		for k, i := range order[:n] {
			in[k] = pts[i]
		}
		ix.routeGroup(in[:n], res[:n], false)
		for k, i := range order[:n] {
			out[i] = res[k]
		}
		order = order[n:]
	}
}

// batchRun is how many points, consecutive in a Sorter's order, a core
// takes at a time in RouteBatch.
const batchRun = 4096

// RouteBatch routes pts[i] into out[i] (out at least as long as pts) the
// fastest way for a large batch: in s's order (see Sorter), on every core,
// each core taking the next run of that order as it is done with its
// last. Each answer is exactly what Route gives.
func (ix *Index) RouteBatch(pts []orb.Point, out []Result, s *Sorter) {
	order := s.Order(ix, pts)
	cores.Runs(len(order), batchRun, func(lo, hi int) {
		ix.RoutesOrdered(pts, order[lo:hi], out)
	})
}
