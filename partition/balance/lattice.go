package balance

import (
	"errors"
	"math"
	"sort"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
)

// lattice is a grid of square cells in lon/lat: vertical lines x(i) and
// horizontal lines y(j). A lattice vertex is always computed from its
// indices, so every use of it is bit-identical.
type lattice struct {
	x0, y0, dx, dy float64
	nx, ny         int // cells; lines run from 0 to nx (ny)
	cell           geo.Meters
}

// offsets are the fractions of a cell by which the lattice is moved off the
// bounding box, tried in turn until the parent is in general position with
// respect to the lattice (irrational, so that round coordinates never fall
// on a line).
var offsets = [...]float64{0.6180339887498949, 0.4142135623730950, 0.7320508075688772, 0.2360679774997897, 0.5772156649015329}

// newLattice covers b with cells of about side metres, moved by the given
// fraction of a cell.
func newLattice(b orb.Bound, side geo.Meters, offset float64) lattice {
	kx, ky := geo.MetersPerDegree((b.Min[1] + b.Max[1]) / 2)
	l := lattice{dx: float64(side) / kx, dy: float64(side) / ky, cell: side}
	l.x0 = b.Min[0] - offset*l.dx
	l.y0 = b.Min[1] - offset*l.dy
	l.nx = int(math.Ceil((b.Max[0]-l.x0)/l.dx)) + 1
	l.ny = int(math.Ceil((b.Max[1]-l.y0)/l.dy)) + 1
	return l
}

func (l *lattice) x(i int) float64 { return l.x0 + float64(i)*l.dx }
func (l *lattice) y(j int) float64 { return l.y0 + float64(j)*l.dy }

// cellOf is the cell containing p (approximately on lines: callers look in
// the neighbouring cells too).
func (l *lattice) cellOf(p orb.Point) (int, int) {
	return int(math.Floor((p[0] - l.x0) / l.dx)), int(math.Floor((p[1] - l.y0) / l.dy))
}

func (l *lattice) cellKey(i, j int) int64 { return int64(j)*int64(l.nx+2) + int64(i) }

// linesBetween returns the indices k of lines v(k) strictly between lo and
// hi (lo < hi), and an error when one equals either end (not in general
// position).
func linesBetween(v func(int) float64, origin, step, lo, hi float64) (int, int, error) {
	k0 := int(math.Floor((lo-origin)/step)) - 1
	for v(k0) <= lo {
		if v(k0) == lo {
			return 0, 0, errDegenerate
		}
		k0++
	}
	k1 := int(math.Ceil((hi-origin)/step)) + 1
	for v(k1) >= hi {
		if v(k1) == hi {
			return 0, 0, errDegenerate
		}
		k1--
	}
	return k0, k1, nil
}

// errDegenerate: a vertex lies on a lattice line or an edge passes through
// a lattice vertex; the lattice is moved and the cut tried again.
var errDegenerate = errors.New("parent not in general position with respect to the lattice")

// crossing is where a ring edge crosses a lattice line: at coordinate c
// along the line (y on a vertical line, x on a horizontal one).
type crossing struct {
	c   float64
	vid int32
}

// nodeEdge returns the points where the edge a→b crosses lattice lines,
// ordered from a to b. Each point is computed from the edge's endpoints in
// lexicographic order, so the edge walked either way gives the same bits.
func (l *lattice) nodeEdge(a, b orb.Point, buf []nodePt) ([]nodePt, error) {
	buf = buf[:0]
	p, q := a, b
	if q[0] < p[0] || (q[0] == p[0] && q[1] < p[1]) {
		p, q = q, p
	}
	if p[0] != q[0] {
		i0, i1, err := linesBetween(l.x, l.x0, l.dx, p[0], q[0])
		if err != nil {
			return nil, err
		}
		for i := i0; i <= i1; i++ {
			x := l.x(i)
			y := p[1] + (x-p[0])*(q[1]-p[1])/(q[0]-p[0])
			buf = append(buf, nodePt{pt: orb.Point{x, y}, vertical: true, line: i})
		}
	}
	lo, hi := min(p[1], q[1]), max(p[1], q[1])
	if lo != hi {
		j0, j1, err := linesBetween(l.y, l.y0, l.dy, lo, hi)
		if err != nil {
			return nil, err
		}
		for j := j0; j <= j1; j++ {
			y := l.y(j)
			x := p[0] + (y-p[1])*(q[0]-p[0])/(q[1]-p[1])
			buf = append(buf, nodePt{pt: orb.Point{x, y}, line: j})
		}
	}
	// order from a to b along the edge's longer axis
	ax := 0
	if math.Abs(b[1]-a[1]) > math.Abs(b[0]-a[0]) {
		ax = 1
	}
	sign := 1.0
	if b[ax] < a[ax] {
		sign = -1
	}
	sort.Slice(buf, func(i, j int) bool { return sign*buf[i].pt[ax] < sign*buf[j].pt[ax] })
	for k := range buf {
		n := buf[k]
		if n.vertical && isLatticeY(l, n.pt[1]) || !n.vertical && isLatticeX(l, n.pt[0]) {
			return nil, errDegenerate
		}
		if k > 0 && buf[k-1].pt == n.pt {
			return nil, errDegenerate
		}
	}
	return buf, nil
}

type nodePt struct {
	pt       orb.Point
	vertical bool
	line     int
}

func isLatticeX(l *lattice, x float64) bool {
	i := int(math.Round((x - l.x0) / l.dx))
	return l.x(i) == x || l.x(i-1) == x || l.x(i+1) == x
}

func isLatticeY(l *lattice, y float64) bool {
	j := int(math.Round((y - l.y0) / l.dy))
	return l.y(j) == y || l.y(j-1) == y || l.y(j+1) == y
}
