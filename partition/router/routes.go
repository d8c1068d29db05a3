package router

import (
	"github.com/paulmach/orb"
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
		ix.routeGroup(pts[:n], out[:n])
		pts, out = pts[n:], out[n:]
	}
}

func (ix *Index) routeGroup(pts []orb.Point, out []Result) {
	if ix.raster == nil {
		for i, p := range pts {
			out[i] = ix.Route(p)
		}
		return
	}
	var shape [routeGroup]int32
	ix.raster.Warm(pts)
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
	ix.warmJSON(out)
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

// warmJSON brings into the CPU cache the encoded fragments (see
// AppendJSON) of the units and neighbours of rs that have them already,
// level by level across rs. It changes nothing; the result is a checksum
// with no meaning (see index.Raster.Warm).
func (ix *Index) warmJSON(rs []Result) uint64 {
	var fs [2 * routeGroup]*fragments
	n := 0
	for i := range rs {
		for _, u := range [2]int32{rs[i].unit, rs[i].neighbor} {
			if u >= 0 && n < len(fs) {
				fs[n] = ix.frags[u].Load()
				n++
			}
		}
	}
	var sum uint64
	for _, f := range fs[:n] {
		if f != nil {
			sum += uint64(len(f.buf))
		}
	}
	for _, f := range fs[:n] {
		if f == nil {
			continue
		}
		for k := 0; k < len(f.buf); k += 64 {
			sum += uint64(f.buf[k])
		}
	}
	return sum
}
