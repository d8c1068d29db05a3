package geo

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"
)

// leftRing builds the ring H of SplitByLine: from where the extension
// before the line's first vertex meets a box well outside mp and the line,
// to where the extension past its last vertex meets the box, and back
// counter-clockwise along the box. H is simple when the line is and the
// extensions cross neither the line nor each other, and it holds the
// line's left side within the box.
func (c *cutter) leftRing(line orb.LineString) (orb.Ring, error) {
	n := len(line)
	box := c.bound.Union(line.Bound())
	pad := math.Max(box.Max[0]-box.Min[0], box.Max[1]-box.Min[1]) + 0.01
	box.Min = orb.Point{box.Min[0] - pad, box.Min[1] - pad}
	box.Max = orb.Point{box.Max[0] + pad, box.Max[1] + pad}

	s, e := line[0], line[n-1]
	p0 := exitPoint(s, orb.Point{s[0] - line[1][0], s[1] - line[1][1]}, box)
	p1 := exitPoint(e, orb.Point{e[0] - line[n-2][0], e[1] - line[n-2][1]}, box)
	for _, ray := range [2]seg{{s, p0}, {e, p1}} {
		if c.runsInside(ray.a, ray.b) {
			return nil, fmt.Errorf("extension from (%.7f, %.7f) enters the polygon: %w", ray.a[0], ray.a[1], ErrExtensionCrosses)
		}
	}
	if raysCross(line, p0, p1) {
		return nil, fmt.Errorf("an extension of the line crosses the line or the other extension: %w", ErrExtensionCrosses)
	}
	h := make(orb.Ring, 0, n+7)
	h = append(h, p0)
	h = append(h, line...)
	h = append(h, p1)
	h = append(h, boxCorners(box, p1, p0)...)
	return append(h, p0), nil
}

// exitPoint is where the ray from o (inside box) in direction d leaves
// box, with the coordinate of the side it leaves by set exactly.
func exitPoint(o, d orb.Point, box orb.Bound) orb.Point {
	t, axis, side := math.Inf(1), 0, 0.0
	for k := range 2 {
		var bound float64
		switch {
		case d[k] > 0:
			bound = box.Max[k]
		case d[k] < 0:
			bound = box.Min[k]
		default:
			continue
		}
		if tk := (bound - o[k]) / d[k]; tk < t {
			t, axis, side = tk, k, bound
		}
	}
	p := orb.Point{o[0] + t*d[0], o[1] + t*d[1]}
	p[axis] = side
	other := 1 - axis
	p[other] = math.Max(box.Min[other], math.Min(box.Max[other], p[other]))
	return p
}

// boxPos is the position of p on the boundary of box, counter-clockwise
// from the south-west corner: 0 to 1 along the south side, 1 to 2 along the
// east side, 2 to 3 along the north, 3 to 4 along the west.
func boxPos(p orb.Point, box orb.Bound) float64 {
	w, h := box.Max[0]-box.Min[0], box.Max[1]-box.Min[1]
	switch {
	case p[1] == box.Min[1]:
		return (p[0] - box.Min[0]) / w
	case p[0] == box.Max[0]:
		return 1 + (p[1]-box.Min[1])/h
	case p[1] == box.Max[1]:
		return 2 + (box.Max[0]-p[0])/w
	}
	return 3 + (box.Max[1]-p[1])/h
}

// boxCorners lists the corners of box met walking its boundary
// counter-clockwise from p to q, both on it, excluding p and q.
func boxCorners(box orb.Bound, p, q orb.Point) []orb.Point {
	corners := [4]orb.Point{box.Min, {box.Max[0], box.Min[1]}, box.Max, {box.Min[0], box.Max[1]}}
	sp, sq := boxPos(p, box), boxPos(q, box)
	if sq <= sp {
		sq += 4
	}
	var out []orb.Point
	for k := math.Floor(sp) + 1; k < sq; k++ {
		out = append(out, corners[int(k)%4])
	}
	return out
}

// raysCross reports whether the extension line[0]–p0 or line[n-1]–p1
// meets the line anywhere but at its own end, or the two meet each other.
func raysCross(line orb.LineString, p0, p1 orb.Point) bool {
	n := len(line)
	s, e := line[0], line[n-1]
	if len(segmentMeets(s, p0, e, p1)) > 0 {
		return true
	}
	for k := 0; k+1 < n; k++ {
		a, b := line[k], line[k+1]
		if k > 0 && len(segmentMeets(s, p0, a, b)) > 0 {
			return true
		}
		if k < n-2 && len(segmentMeets(e, p1, a, b)) > 0 {
			return true
		}
	}
	return false
}
