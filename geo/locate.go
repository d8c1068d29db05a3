package geo

import "github.com/paulmach/orb"

// The boundary rule. A point p is located as if it were moved by an
// infinitesimal step east and a far smaller step north, to p + (ε, ε²):
//
//   - a point on an edge that is not horizontal belongs to the polygon on the
//     edge's east side;
//   - a point on a horizontal edge belongs to the polygon on its north side;
//   - a point on a vertex belongs to the polygon whose corner at that vertex
//     contains the direction just north of due east.
//
// Because this is one perturbation of the point, not a rule per polygon, it
// gives the same answer in every polygon: when polygons tile an area, every
// point of the area, their shared edges and vertices included, lies in
// exactly one of them. The implementation is the even-odd ray-crossing test
// with a ray going east, counting an edge when one end is at or below p's
// latitude and the other strictly above, and p lies strictly west of it by
// the exact orientation test [Orient]; it never computes an intersection, so
// it does not round.
//
// The rule is half-open: it exists to decide between polygons that share an
// edge, and a point on an edge that faces no other polygon (a gap between
// them, or the outline of the whole tiling) on its east or north side is
// outside by it. [OnEdge] says exactly when a point is on a polygon's
// edge, so that a caller resolving a family of
// polygons can close that side where no other polygon claims the point: the
// router gives such a point to the polygon whose boundary it is on (see
// package partition/router, "Which unit").

// OnEdge reports whether p lies on the closed segment a–b, exactly (by
// [Orient], without rounding).
func OnEdge(a, b, p orb.Point) bool {
	if p[0] < min(a[0], b[0]) || p[0] > max(a[0], b[0]) || p[1] < min(a[1], b[1]) || p[1] > max(a[1], b[1]) {
		return false
	}
	return Orient(a, b, p) == 0
}

// Crosses reports whether the eastward ray from p crosses the edge a–b under
// the boundary rule. Summed over the edges of a ring, the parity says
// whether p is inside. The result does not depend on the edge's direction.
func Crosses(a, b, p orb.Point) bool {
	if a[1] > b[1] {
		a, b = b, a
	}
	if !(a[1] <= p[1] && p[1] < b[1]) {
		return false
	}
	// p strictly west of the upward edge a→b is p strictly left of it.
	if p[0] < a[0] && p[0] < b[0] {
		return true
	}
	if p[0] > a[0] && p[0] > b[0] {
		return false
	}
	return Orient(a, b, p) > 0
}

// RingContains reports whether p is inside the ring under the boundary rule.
// The ring may be open or closed and of either orientation.
func RingContains(r orb.Ring, p orb.Point) bool {
	in := false
	n := len(r)
	if n == 0 {
		return false
	}
	for i, j := 0, n-1; i < n; j, i = i, i+1 {
		if Crosses(r[j], r[i], p) {
			in = !in
		}
	}
	return in
}

// PolygonContains reports whether p is inside the polygon (its shell and
// not its holes) under the boundary rule.
func PolygonContains(pg orb.Polygon, p orb.Point) bool {
	in := false
	for _, r := range pg {
		if RingContains(r, p) {
			in = !in
		}
	}
	return in
}

// MultiPolygonContains reports whether p is inside any part of mp under the
// boundary rule. Parts that touch along an edge share it as polygons of a
// tiling do: a point on it lies in exactly one of them, so it is inside.
func MultiPolygonContains(mp orb.MultiPolygon, p orb.Point) bool {
	for _, pg := range mp {
		if PolygonContains(pg, p) {
			return true
		}
	}
	return false
}
