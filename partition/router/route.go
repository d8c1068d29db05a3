package router

import (
	"math"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/index"
	"github.com/wangge/wangge/partition"
)

// probe is how far beyond the nearest boundary point the neighbour is
// looked for.
const probe geo.Meters = 0.5

// Result is the answer for one point, with its evidence.
type Result struct {
	ix *Index
	// Point is the point routed, lon/lat on CGCS2000.
	Point orb.Point
	// Resolved is false when no unit contains the point or lies within the
	// tolerance of it.
	Resolved bool
	// Approximate is true when no unit contains the point and the unit is
	// the nearest one, within the tolerance.
	Approximate bool
	// Distance is, for an exact answer, the distance from the point to the
	// nearest boundary of its unit; otherwise the distance from the point to
	// the nearest unit (the one answered, or named as Nearest).
	Distance geo.Meters
	// NearBoundary is true when an exact answer lies within the margin of
	// its unit's boundary; Neighbor is then the unit across it, if any.
	NearBoundary bool

	unit, neighbor, nearest int32
}

// Unit is the deepest unit containing the point (or nearest to it, when
// approximate); nil when unresolved.
func (r *Result) Unit() *partition.Unit { return r.ix.unitAt(r.unit) }

// Chain is the unit and its ancestors, root first; nil when unresolved.
func (r *Result) Chain() []*partition.Unit {
	if r.unit < 0 {
		return nil
	}
	return r.ix.chainOf(r.unit)
}

// Neighbor is the unit on the other side of the nearest boundary, when the
// point is near it and there is one.
func (r *Result) Neighbor() *partition.Unit { return r.ix.unitAt(r.neighbor) }

// Nearest is, for an unresolved point, the nearest unit.
func (r *Result) Nearest() *partition.Unit { return r.ix.unitAt(r.nearest) }

// Version is the version that answered.
func (r *Result) Version() partition.Version { return r.ix.version }

func (ix *Index) unitAt(i int32) *partition.Unit {
	if i < 0 {
		return nil
	}
	return &ix.units[i].unit
}

// Locate returns the code of the deepest unit containing p (lon/lat on
// CGCS2000) by the boundary rule, without evidence: the fast path.
func (ix *Index) Locate(p orb.Point) (partition.Code, bool) {
	if ix.raster == nil {
		return "", false
	}
	if s := ix.raster.Locate(p); s >= 0 {
		return ix.shapeCode[s], true
	}
	return "", false
}

func (ix *Index) locate(p orb.Point) int32 {
	if ix.raster == nil {
		return -1
	}
	if s := ix.raster.Locate(p); s >= 0 {
		return ix.shapeUnit[s]
	}
	return -1
}

// locateShape returns the shape and the unit that locate finds; -1, -1
// for none.
func (ix *Index) locateShape(p orb.Point) (shape, unit int32) {
	if ix.raster == nil {
		return -1, -1
	}
	s := ix.raster.Locate(p)
	if s < 0 {
		return -1, -1
	}
	return s, ix.shapeUnit[s]
}

// Route resolves p (lon/lat on CGCS2000, finite) with its evidence.
func (ix *Index) Route(p orb.Point) Result {
	s, _ := ix.locateShape(p)
	r, q, m, ok := ix.route(p, s)
	if ok {
		r.neighbor = ix.across(r.unit, p, q, m)
	}
	return r
}

// route resolves p, located in shape s (-1 for none), with its evidence
// but for the neighbour: when ok, the point is near its unit's boundary q
// and the neighbour is the unit across q (see across).
func (ix *Index) route(p orb.Point, s int32) (r Result, q orb.Point, m index.Metric, ok bool) {
	r = Result{ix: ix, Point: p, unit: -1, neighbor: -1, nearest: -1}
	m = metric(p)
	if s >= 0 {
		r.unit, r.Resolved = ix.shapeUnit[s], true
		q, _, _ = ix.shapes.NearestBoundary(s, p, m, math.Inf(1))
		r.Distance = ix.boundaryDistance(p, q)
		if r.Distance < ix.opts.Margin {
			r.NearBoundary = true
			return r, q, m, true
		}
		return r, q, m, false
	}
	u, q, ok := ix.nearestUnit(p, m, float64(ix.opts.Tolerance))
	if ok {
		r.unit, r.Resolved, r.Distance = u, true, geo.Distance(p, q)
		// A point exactly on the outline of the whole division (east or
		// north, where the boundary rule puts it outside) is on its unit's
		// boundary: an exact answer, not an approximate one.
		r.Approximate = r.Distance > 1e-6 // a micrometre: the point's own rounding
		r.NearBoundary = !r.Approximate
		return r, q, m, false
	}
	if u, q, ok = ix.farthestSearch(p, m); ok {
		r.nearest, r.Distance = u, geo.Distance(p, q)
	}
	return r, q, m, false
}

// boundaryDistance is the distance from p to its unit's nearest boundary
// point q: geo.LocalDistance, which errs by at most
// geo.LocalDistanceError (under 0.01 mm at 1 km), and the exact geodesic
// distance when that error could put the point on the wrong side of the
// margin, so near_boundary is decided exactly.
func (ix *Index) boundaryDistance(p, q orb.Point) geo.Meters {
	d := geo.LocalDistance(p, q)
	if diff := d - ix.opts.Margin; diff <= geo.LocalDistanceError(d) && -diff <= geo.LocalDistanceError(d) {
		return geo.Distance(p, q)
	}
	return d
}

func metric(p orb.Point) index.Metric {
	kx, ky := geo.MetersPerDegree(p[1])
	return index.Metric{Kx: kx, Ky: ky}
}

// across returns the unit just beyond boundary point q seen from p (or,
// when p is on the boundary, the first unit other than u found a probe's
// length west, south, east or north of it); -1 when there is none.
func (ix *Index) across(u int32, p, q orb.Point, m index.Metric) int32 {
	if pr, ok := probeBeyond(p, q, m); ok {
		return ix.otherAt(u, pr)
	}
	sx, sy := float64(probe)/m.Kx, float64(probe)/m.Ky
	for _, d := range [...]orb.Point{{-sx, 0}, {0, -sy}, {sx, 0}, {0, sy}} {
		if v := ix.locate(orb.Point{q[0] + d[0], q[1] + d[1]}); v >= 0 && v != u {
			return v
		}
	}
	return -1
}

// probeBeyond is the point a probe's length beyond boundary point q on the
// line from p; ok is false when p is on the boundary (within a millimetre
// of q), where the line has no direction.
func probeBeyond(p, q orb.Point, m index.Metric) (orb.Point, bool) {
	dx, dy := (q[0]-p[0])*m.Kx, (q[1]-p[1])*m.Ky
	d := math.Hypot(dx, dy)
	if !(d > 1e-3) {
		return orb.Point{}, false
	}
	k := float64(probe) / d
	return orb.Point{q[0] + dx*k/m.Kx, q[1] + dy*k/m.Ky}, true
}

// otherAt is the unit at pr when it is not u, else -1.
func (ix *Index) otherAt(u int32, pr orb.Point) int32 {
	if v := ix.locate(pr); v != u {
		return v
	}
	return -1
}

// nearestUnit finds the unit whose boundary is nearest to p within radius
// metres: on a tie, the higher ranked (so the deepest unit of an outline
// shared along a chain).
func (ix *Index) nearestUnit(p orb.Point, m index.Metric, radius float64) (int32, orb.Point, bool) {
	if ix.raster == nil {
		return -1, orb.Point{}, false
	}
	box := orb.Bound{Min: orb.Point{p[0] - radius/m.Kx, p[1] - radius/m.Ky}, Max: orb.Point{p[0] + radius/m.Kx, p[1] + radius/m.Ky}}
	best, bu, bq := radius*radius, int32(-1), orb.Point{}
	seen := map[int32]bool{}
	ix.raster.Near(box, func(s int32) bool {
		if seen[s] {
			return true
		}
		seen[s] = true
		u := ix.shapeUnit[s]
		q, d2, ok := ix.shapes.NearestBoundary(s, p, m, math.Nextafter(best, math.Inf(1)))
		if ok && (d2 < best || bu < 0 || ix.rank[u] > ix.rank[bu]) {
			best, bu, bq = d2, u, q
		}
		return true
	})
	return bu, bq, bu >= 0
}

// farthestSearch finds the nearest unit at any distance, doubling the
// search radius until one turns up or the search covers the whole index.
func (ix *Index) farthestSearch(p orb.Point, m index.Metric) (int32, orb.Point, bool) {
	if ix.raster == nil {
		return -1, orb.Point{}, false
	}
	ext := ix.raster.Extent()
	for radius := 4 * float64(ix.opts.Tolerance); ; radius *= 2 {
		if u, q, ok := ix.nearestUnit(p, m, radius); ok {
			return u, q, true
		}
		if p[0]-radius/m.Kx <= ext.Min[0] && p[0]+radius/m.Kx >= ext.Max[0] &&
			p[1]-radius/m.Ky <= ext.Min[1] && p[1]+radius/m.Ky >= ext.Max[1] {
			return -1, orb.Point{}, false
		}
	}
}
