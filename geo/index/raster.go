package index

import (
	"fmt"
	"math"
	"runtime"

	"github.com/paulmach/orb"
)

// boundaryTag marks a cell entry as an offset into the candidate pool.
const boundaryTag = 1 << 31

// Options size a raster.
type Options struct {
	// Cells is about how many cells the raster has; 0 picks
	// max(4·shapes, 2·vertices), within [1024, 1<<25].
	Cells int
	// Parent, when not nil, is each shape's enclosing shape (by id, -1 for
	// none): a tree in which a shape's descendants are painted after it.
	// A shape then covers a cell wholly only over its own ancestors: the
	// other shapes the cell held (an overlapping sibling, say) stay in its
	// list beneath the new shape, so that every shape containing a point
	// is in that point's cell (Candidates) but for those hidden by their own
	// descendants. Without it, a shape that covers a cell wholly hides
	// everything painted there before it.
	Parent []int32
}

// Raster is a flat lon/lat grid over a set of shapes, immutable once built
// and safe for concurrent use.
type Raster struct {
	shapes     *Shapes
	minX, minY float64
	cw, ch     float64 // cell width and height, degrees
	invW, invH float64
	nx, ny     int
	// cells: 0 = no shape, 1+id = wholly inside shape id, boundaryTag|off =
	// a boundary cell whose pool entry is [fallback, n, id1 … idn].
	cells []uint32
	pool  []int32
}

// Build paints the shapes in the given order, the lowest priority first:
// where shapes overlap, a later one wins. Shapes not in order are left out.
func Build(s *Shapes, order []int32, opts Options) (*Raster, error) {
	if len(order) == 0 {
		return &Raster{shapes: s, nx: 0, ny: 0}, nil
	}
	r := &Raster{shapes: s}
	if err := r.size(order, opts); err != nil {
		return nil, err
	}
	if opts.Parent != nil && len(opts.Parent) != s.Len() {
		return nil, fmt.Errorf("%d parents for %d shapes", len(opts.Parent), s.Len())
	}
	b := newBuilder(r, runtime.GOMAXPROCS(0), opts.Parent)
	b.paintAll(order)
	b.finish()
	return r, nil
}

// size picks the extent and the cell size: square cells on the ground.
func (r *Raster) size(order []int32, opts Options) error {
	ext := r.shapes.Bound(order[0])
	verts := 0
	for _, id := range order {
		ext = ext.Union(r.shapes.Bound(id))
	}
	verts = r.shapes.Vertices()
	target := opts.Cells
	if target <= 0 {
		target = min(max(4*len(order), 2*verts, 1024), 1<<25)
	}
	w, h := ext.Max[0]-ext.Min[0], ext.Max[1]-ext.Min[1]
	if !(w >= 0 && h >= 0) || math.IsInf(w, 0) || math.IsInf(h, 0) {
		return fmt.Errorf("shapes have no finite extent")
	}
	cos := math.Max(math.Cos(ext.Center()[1]*math.Pi/180), 0.01)
	ch := math.Sqrt(math.Max(w*cos, 1e-9) * math.Max(h, 1e-9) / float64(target))
	if ch <= 0 || math.IsNaN(ch) {
		ch = 1e-4
	}
	r.ch, r.cw = ch, ch/cos
	r.nx = int(w/r.cw) + 2
	r.ny = int(h/r.ch) + 2
	if r.nx*r.ny > 1<<26 {
		return fmt.Errorf("raster of %d×%d cells is too large", r.nx, r.ny)
	}
	// Centre the grid on the extent, leaving at least half a cell around it.
	r.minX = ext.Min[0] - (float64(r.nx)*r.cw-w)/2
	r.minY = ext.Min[1] - (float64(r.ny)*r.ch-h)/2
	r.invW, r.invH = 1/r.cw, 1/r.ch
	r.cells = make([]uint32, r.nx*r.ny)
	return nil
}

// Locate returns the highest-priority shape containing p by the boundary
// rule, or -1 when none does.
func (r *Raster) Locate(p orb.Point) int32 {
	fx := (p[0] - r.minX) * r.invW
	fy := (p[1] - r.minY) * r.invH
	if !(fx >= 0 && fy >= 0 && fx < float64(r.nx) && fy < float64(r.ny)) {
		return -1
	}
	e := r.cells[int(fy)*r.nx+int(fx)]
	if e&boundaryTag == 0 {
		return int32(e) - 1
	}
	off := e &^ boundaryTag
	n := r.pool[off+1]
	for _, id := range r.pool[off+2 : off+2+uint32(n)] {
		if r.shapes.Contains(id, p) {
			return id
		}
	}
	return r.pool[off]
}

// Candidates returns the shapes p's cell holds, as Locate reads them: the
// boundary cell's list, highest priority first, and the shape that covers
// the cell beneath them (-1 for none); for a cell wholly inside one shape,
// no list and that shape; for a point off the grid, nothing and -1. The
// list is the raster's own memory: read it, do not keep it.
func (r *Raster) Candidates(p orb.Point) (list []int32, under int32) {
	fx := (p[0] - r.minX) * r.invW
	fy := (p[1] - r.minY) * r.invH
	if !(fx >= 0 && fy >= 0 && fx < float64(r.nx) && fy < float64(r.ny)) {
		return nil, -1
	}
	e := r.cells[int(fy)*r.nx+int(fx)]
	if e&boundaryTag == 0 {
		return nil, int32(e) - 1
	}
	off := e &^ boundaryTag
	n := r.pool[off+1]
	return r.pool[off+2 : off+2+uint32(n)], r.pool[off]
}

// Shapes returns the shapes the raster indexes.
func (r *Raster) Shapes() *Shapes { return r.shapes }

// Cells returns the grid's size and how many of its cells are boundary
// cells.
func (r *Raster) Cells() (nx, ny, boundary int) {
	for _, e := range r.cells {
		if e&boundaryTag != 0 {
			boundary++
		}
	}
	return r.nx, r.ny, boundary
}

// Bytes is the memory the raster holds, without the shapes.
func (r *Raster) Bytes() int { return cap(r.cells)*4 + cap(r.pool)*4 }

// Extent is the area the grid covers.
func (r *Raster) Extent() orb.Bound {
	return orb.Bound{Min: orb.Point{r.minX, r.minY}, Max: orb.Point{r.minX + float64(r.nx)*r.cw, r.minY + float64(r.ny)*r.ch}}
}

// Near calls fn with every shape that has a boundary or an interior cell in
// the cells that b overlaps, highest priority first within a cell; a shape
// may come more than once. It stops when fn returns false.
func (r *Raster) Near(b orb.Bound, fn func(id int32) bool) {
	if r.nx == 0 {
		return
	}
	c0, r0 := r.cellOf(b.Min)
	c1, r1 := r.cellOf(b.Max)
	for row := r0; row <= r1; row++ {
		for col := c0; col <= c1; col++ {
			e := r.cells[row*r.nx+col]
			if e&boundaryTag == 0 {
				if e != 0 && !fn(int32(e)-1) {
					return
				}
				continue
			}
			off := e &^ boundaryTag
			n := r.pool[off+1]
			for _, id := range r.pool[off+2 : off+2+uint32(n)] {
				if !fn(id) {
					return
				}
			}
			if fb := r.pool[off]; fb >= 0 && !fn(fb) {
				return
			}
		}
	}
}

// cellOf returns the column and row of p, clamped to the grid.
func (r *Raster) cellOf(p orb.Point) (col, row int) {
	fx := (p[0] - r.minX) * r.invW
	fy := (p[1] - r.minY) * r.invH
	return clamp(fx, r.nx), clamp(fy, r.ny)
}

// clamp is int(f) within [0, n-1]; NaN gives 0.
func clamp(f float64, n int) int {
	switch {
	case !(f > 0):
		return 0
	case f >= float64(n-1):
		return n - 1
	}
	return int(f)
}
