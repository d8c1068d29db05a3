package geo

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// The reasons SplitByLine refuses a line; test for them with errors.Is.
var (
	// ErrLineNotSimple: the line crosses or touches itself, doubles back
	// along itself, is closed, or has fewer than 2 distinct vertices.
	ErrLineNotSimple = errors.New("line is not simple")
	// ErrLineEndsInside: an end of the line lies in the interior of the
	// polygon, so the line does not cut it through.
	ErrLineEndsInside = errors.New("line ends inside the polygon")
	// ErrNoCut: the line leaves one side empty: it misses the polygon, only
	// touches its boundary or runs along it.
	ErrNoCut = errors.New("line does not cut the polygon")
	// ErrExtensionCrosses: the line's extension past one of its ends (along
	// its end segment) would re-enter the polygon's interior, so it would cut
	// where nothing was drawn, or would cross the line or the other
	// extension.
	ErrExtensionCrosses = errors.New("extension of the line past its end crosses the polygon or the line")
)

// splitTol is how near the boundary an end of the line may be and still
// count as on it (an end snapped onto an edge is on it only to rounding,
// about 1e-9 m), and how long a stretch of the line or of its extension must
// be to count as running through the interior.
const splitTol Meters = 1e-6

// minPiece is the smallest area a piece of a side may have: smaller ones
// are noise of the floating-point overlay and are dropped.
const minPiece SquareMeters = 1e-4

// SplitByLine cuts mp along line into the part left of the line (walking
// from its first vertex to its last) and the part right of it. The line is
// extended past both ends along its end segments to a box well outside mp
// and closed around that box into a ring H on the line's left side; left is
// mp ∩ H and right is mp − H, both by the overlay (so in the lon/lat plane,
// where the line's segments are straight). left ∪ right is mp and the two
// share the cut edges, with no area in common; a line that crosses mp
// several times may give multipart sides.
//
// mp must pass CheckMultiPolygon and be valid (see MakeValid): an invalid
// mp is refused with the reason. The line must be simple (else
// ErrLineNotSimple). Its ends must lie outside mp or on its boundary, where
// "on" means within 1 µm, as an end snapped onto an edge is (else
// ErrLineEndsInside). The extensions must stay out of mp's interior and
// cross neither the line nor each other (else ErrExtensionCrosses). When a
// side comes out empty, as when the line misses mp or only touches or
// follows its boundary, the error is ErrNoCut. Pieces of less than 1e-4 m²
// are dropped; both sides are valid and oriented as by OrientRings.
func SplitByLine(mp orb.MultiPolygon, line orb.LineString) (left, right orb.MultiPolygon, err error) {
	line = orb.LineString(appendDistinct(nil, line))
	if len(line) < 2 {
		return nil, nil, fmt.Errorf("split: line has %d distinct vertices, 2 are needed: %w", len(line), ErrLineNotSimple)
	}
	if bad := Validate(mp); bad != nil {
		return nil, nil, fmt.Errorf("split: polygon is not valid: %s", bad)
	}
	if at, ok := lineMeetsItself(line); ok {
		return nil, nil, fmt.Errorf("split: line meets itself at (%.7f, %.7f): %w", at[0], at[1], ErrLineNotSimple)
	}
	c := newCutter(mp)
	for _, end := range [2]orb.Point{line[0], line[len(line)-1]} {
		if c.interior(end) {
			return nil, nil, fmt.Errorf("split: end (%.7f, %.7f): %w", end[0], end[1], ErrLineEndsInside)
		}
	}
	if !c.entered(line) {
		return nil, nil, fmt.Errorf("split: line never enters the polygon's interior: %w", ErrNoCut)
	}
	h, err := c.leftRing(line)
	if err != nil {
		return nil, nil, fmt.Errorf("split: %w", err)
	}
	return c.sides(h)
}

func appendDistinct(dst, pts []orb.Point) []orb.Point {
	for _, p := range pts {
		dst = appendNew(dst, p)
	}
	return dst
}

// lineMeetsItself returns a point where two segments of line meet other
// than at the vertex that consecutive segments share.
func lineMeetsItself(line orb.LineString) (orb.Point, bool) {
	segs := make([]seg, len(line)-1)
	for i := range segs {
		segs[i] = seg{line[i], line[i+1]}
	}
	idx := newSegIndex(segs)
	for i, s := range segs {
		var at orb.Point
		found := false
		idx.search(segmentBox(s.a, s.b), func(j int, o seg) bool {
			if j <= i {
				return true
			}
			for _, p := range segmentMeets(s.a, s.b, o.a, o.b) {
				if j == i+1 && p == s.b {
					continue
				}
				at, found = p, true
				return false
			}
			return true
		})
		if found {
			return at, true
		}
	}
	return orb.Point{}, false
}

// cutter holds a polygon being split and an index of its edges.
type cutter struct {
	mp    orb.MultiPolygon
	idx   *segIndex
	bound orb.Bound
}

func newCutter(mp orb.MultiPolygon) *cutter {
	return &cutter{mp: mp, idx: newSegIndex(appendSegs(nil, mp, nil)), bound: mp.Bound()}
}

// interior reports whether p lies inside mp farther than splitTol from its
// boundary.
func (c *cutter) interior(p orb.Point) bool {
	return !c.idx.near(p, splitTol) && MultiPolygonContains(c.mp, p)
}

// entered reports whether some segment of line runs through mp's interior.
func (c *cutter) entered(line orb.LineString) bool {
	for i := 0; i+1 < len(line); i++ {
		if c.runsInside(line[i], line[i+1]) {
			return true
		}
	}
	return false
}

// runsInside reports whether a stretch of segment a–b longer than splitTol
// lies in mp's interior: a–b is cut where it meets mp's edges and the
// midpoint of each piece is tested.
func (c *cutter) runsInside(a, b orb.Point) bool {
	ts := []float64{0, 1}
	c.idx.search(segmentBox(a, b), func(_ int, s seg) bool {
		for _, p := range segmentMeets(a, b, s.a, s.b) {
			ts = append(ts, paramOn(a, b, p))
		}
		return true
	})
	slices.Sort(ts)
	for k := 0; k+1 < len(ts); k++ {
		t0, t1 := max(0, ts[k]), min(1, ts[k+1])
		if t1 <= t0 || LocalDistance(pointAt(a, b, t0), pointAt(a, b, t1)) <= splitTol {
			continue
		}
		if c.interior(pointAt(a, b, (t0+t1)/2)) {
			return true
		}
	}
	return false
}

// paramOn is the parameter t of p = a + t·(b−a), for p on segment a–b,
// read on the axis along which a–b extends most.
func paramOn(a, b, p orb.Point) float64 {
	if math.Abs(b[0]-a[0]) >= math.Abs(b[1]-a[1]) {
		return (p[0] - a[0]) / (b[0] - a[0])
	}
	return (p[1] - a[1]) / (b[1] - a[1])
}

// sides overlays mp with the ring h on the line's left.
func (c *cutter) sides(h orb.Ring) (left, right orb.MultiPolygon, err error) {
	hp := orb.MultiPolygon{{h}}
	if left, err = Intersection(c.mp, hp); err != nil {
		return nil, nil, fmt.Errorf("split, left side: %w", err)
	}
	if right, err = Difference(c.mp, hp); err != nil {
		return nil, nil, fmt.Errorf("split, right side: %w", err)
	}
	left, right = OrientRings(dropSmall(left)), OrientRings(dropSmall(right))
	if len(left) == 0 || len(right) == 0 {
		return nil, nil, fmt.Errorf("split: one side is empty: %w", ErrNoCut)
	}
	return left, right, nil
}

// dropSmall removes the polygons of mp smaller than minPiece.
func dropSmall(mp orb.MultiPolygon) orb.MultiPolygon {
	out := mp[:0:0]
	for _, p := range mp {
		if polygonArea(p) >= minPiece {
			out = append(out, p)
		}
	}
	return out
}
