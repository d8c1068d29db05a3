package index

import (
	"math"
	"slices"
	"sync"

	"github.com/paulmach/orb"
)

// margin is how close, as a fraction of the cell size, a boundary may pass
// to a cell to make it a boundary cell.
const margin = 1e-6

// builder paints shapes onto the raster: per cell, the latest shape that
// covers it wholly (fallback) and the list of later shapes whose boundary
// crosses it (a linked list in node arrays, newest first). Cell arrays hold
// shape ids and node indexes plus one, so that the zeroed arrays fresh from
// make mean "none" and need no initialising pass. The rows are cut into
// bands painted in parallel, each with node arrays of its own: every band
// paints every shape in order, clipped to its rows, so the result is the
// same whatever the number of bands.
type builder struct {
	r        *Raster
	parent   []int32 // Options.Parent
	fallback []int32 // 1+shape
	head     []int32 // 1+node of the cell's band
	bands    []band
}

// band is a run of rows [row0, row1) and the list nodes of its cells.
type band struct {
	row0, row1 int
	nodeID     []int32
	nodeNext   []int32 // 1+node
	scan       scanline
}

func newBuilder(r *Raster, bands int, parent []int32) *builder {
	n := r.nx * r.ny
	b := &builder{r: r, parent: parent, fallback: make([]int32, n), head: make([]int32, n)}
	bands = max(1, min(bands, r.ny))
	for k := range bands {
		room := r.shapes.Vertices()/bands + 1024
		b.bands = append(b.bands, band{row0: k * r.ny / bands, row1: (k + 1) * r.ny / bands,
			nodeID: make([]int32, 0, room), nodeNext: make([]int32, 0, room)})
	}
	return b
}

// paintAll paints the shapes in order, the bands in parallel.
func (b *builder) paintAll(order []int32) {
	var wg sync.WaitGroup
	for k := range b.bands {
		wg.Go(func() {
			for _, id := range order {
				b.paint(id, &b.bands[k])
			}
		})
	}
	wg.Wait()
}

// paint marks the cells of band bd that shape id's boundary crosses, then
// the cells it covers wholly: those become its own, their lists cleared
// (the shape outranks everything painted before it).
func (b *builder) paint(id int32, bd *band) {
	s := b.r.shapes
	sh := &s.shapes[id]
	c0, r0 := b.r.cellOf(sh.bound.Min)
	c1, r1 := b.r.cellOf(sh.bound.Max)
	// The boundary marks reach a margin beyond the bounds' cells at most
	// one row further.
	if r1+1 < bd.row0 || r0-1 >= bd.row1 {
		return
	}
	mark := id + 1
	for _, pt := range s.parts[sh.part0:sh.part1] {
		for _, rg := range s.rings[pt.ring0:pt.ring1] {
			for k := rg.start; k < rg.end-1; k++ {
				b.segment(s.pts[k], s.pts[k+1], bd.row0, bd.row1, func(c int) {
					if !bd.marked(b, c, id) {
						bd.nodeID = append(bd.nodeID, id)
						bd.nodeNext = append(bd.nodeNext, b.head[c])
						b.head[c] = int32(len(bd.nodeID))
					}
				})
			}
		}
	}
	rowA, rowB := max(r0, bd.row0), min(r1, bd.row1-1)
	scan := sh.only.end > 0 && rowA <= rowB
	if scan {
		bd.scan.crossings(b, sh.only, rowA, rowB)
	}
	for row := rowA; row <= rowB; row++ {
		for col := c0; col <= c1; {
			c := row*b.r.nx + col
			if bd.marked(b, c, id) {
				col++
				continue
			}
			end := col // a run of cells this shape's boundary does not touch
			for end <= c1 && !bd.marked(b, row*b.r.nx+end, id) {
				end++
			}
			var in bool
			if scan {
				in = bd.scan.inside(row-rowA, b.center(col, row)[0])
			} else {
				in = s.Contains(id, b.center(col, row))
			}
			if in {
				for k := row*b.r.nx + col; k < row*b.r.nx+end; k++ {
					if b.parent == nil || b.covers(bd, k, id) {
						b.fallback[k], b.head[k] = mark, 0
					} else {
						b.over(bd, k, id)
					}
				}
			}
			col = end
		}
	}
}

// scanline holds, for the rows of one shape of a single ring, the
// longitudes where the ring crosses each row's centre line, by the
// boundary rule of Crosses (an edge counts when one end is at or below the
// line and the other strictly above). The centre of a cell that no
// boundary mark touches is inside exactly when an odd number of them lie
// east of it: the same answer as Shapes.Contains, without its pass over
// the ring for every run of cells. It is exact although the crossings are
// interpolated: such a centre lies at least half a cell from every
// crossing of its row, since the cells a segment passes through (and a
// margin beyond) are marked, and the interpolation errs by far less.
type scanline struct {
	start []int32   // row k's crossings are xs[start[k]:start[k+1]]
	xs    []float64 // by row
	tmpX  []float64 // the crossings in ring order, and their rows
	tmpR  []int32
	next  []int32
}

// crossings fills the scanline for ring rg over rows [rowA, rowB].
func (sc *scanline) crossings(b *builder, rg ring, rowA, rowB int) {
	r, pts := b.r, b.r.shapes.pts
	n := rowB - rowA + 1
	sc.start = slices.Grow(sc.start[:0], n+1)[:n+1]
	clear(sc.start)
	sc.tmpX, sc.tmpR = sc.tmpX[:0], sc.tmpR[:0]
	for k := rg.start; k < rg.end-1; k++ {
		lo, hi := pts[k], pts[k+1]
		if lo[1] > hi[1] {
			lo, hi = hi, lo
		}
		if lo[1] == hi[1] {
			continue
		}
		// The rows whose centre line y satisfies lo.y <= y < hi.y, found
		// with a row to spare and then decided by that exact comparison.
		first := max(rowA, int(math.Floor((lo[1]-r.minY)/r.ch-0.5)))
		last := min(rowB, int(math.Ceil((hi[1]-r.minY)/r.ch-0.5)))
		for row := first; row <= last; row++ {
			y := b.center(0, row)[1]
			if lo[1] <= y && y < hi[1] {
				sc.tmpX = append(sc.tmpX, lo[0]+(y-lo[1])*(hi[0]-lo[0])/(hi[1]-lo[1]))
				sc.tmpR = append(sc.tmpR, int32(row-rowA))
				sc.start[row-rowA+1]++
			}
		}
	}
	for k := 1; k <= n; k++ {
		sc.start[k] += sc.start[k-1]
	}
	sc.xs = slices.Grow(sc.xs[:0], len(sc.tmpX))[:len(sc.tmpX)]
	sc.next = append(sc.next[:0], sc.start[:n]...) // each row's next free place
	for j, x := range sc.tmpX {
		row := sc.tmpR[j]
		sc.xs[sc.next[row]] = x
		sc.next[row]++
	}
}

// inside reports whether an odd number of row k's crossings lie east of x.
func (sc *scanline) inside(k int, x float64) bool {
	in := false
	for _, cx := range sc.xs[sc.start[k]:sc.start[k+1]] {
		if x < cx {
			in = !in
		}
	}
	return in
}

// covers reports whether shape id, covering cell c wholly, may take it for
// its own: everything the cell holds is an ancestor of id.
func (b *builder) covers(bd *band, c int, id int32) bool {
	if f := b.fallback[c] - 1; f >= 0 && !b.ancestor(f, id) {
		return false
	}
	for j := b.head[c]; j > 0; j = bd.nodeNext[j-1] {
		if !b.ancestor(bd.nodeID[j-1], id) {
			return false
		}
	}
	return true
}

// ancestor reports whether shape a is an ancestor of shape id.
func (b *builder) ancestor(a, id int32) bool {
	for k := b.parent[id]; k >= 0; k = b.parent[k] {
		if k == a {
			return true
		}
	}
	return false
}

// over paints shape id over cell c, which it covers wholly but which holds
// shapes that are not its ancestors: those stay, in the list beneath id
// (the fallback too, unless an ancestor); the ancestors go.
func (b *builder) over(bd *band, c int, id int32) {
	if f := b.fallback[c] - 1; f >= 0 && b.ancestor(f, id) {
		b.fallback[c] = 0
	}
	var keep []int32
	for j := b.head[c]; j > 0; j = bd.nodeNext[j-1] {
		if !b.ancestor(bd.nodeID[j-1], id) {
			keep = append(keep, bd.nodeID[j-1])
		}
	}
	b.head[c] = 0
	for _, k := range slices.Backward(keep) {
		bd.nodeID = append(bd.nodeID, k)
		bd.nodeNext = append(bd.nodeNext, b.head[c])
		b.head[c] = int32(len(bd.nodeID))
	}
	bd.nodeID = append(bd.nodeID, id)
	bd.nodeNext = append(bd.nodeNext, b.head[c])
	b.head[c] = int32(len(bd.nodeID))
}

// marked reports whether shape id marked cell c of the band as a boundary
// cell: the shape being painted adds its nodes last, so its mark, when
// there is one, heads the cell's list.
func (bd *band) marked(b *builder, c int, id int32) bool {
	h := b.head[c]
	return h != 0 && bd.nodeID[h-1] == id
}

func (b *builder) center(col, row int) orb.Point {
	return orb.Point{b.r.minX + (float64(col)+0.5)*b.r.cw, b.r.minY + (float64(row)+0.5)*b.r.ch}
}

// segment calls fn with every cell of rows [lo, hi) that the segment a–b
// comes within the margin of: row by row, the columns between the
// segment's longitudes at the row's (widened) bottom and top.
func (b *builder) segment(a, c orb.Point, rlo, rhi int, fn func(cell int)) {
	r := b.r
	mx, my := margin*r.cw, margin*r.ch
	ylo, yhi := math.Min(a[1], c[1]), math.Max(a[1], c[1])
	_, row0 := r.cellOf(orb.Point{a[0], ylo - my})
	_, row1 := r.cellOf(orb.Point{a[0], yhi + my})
	for row := max(row0, rlo); row <= min(row1, rhi-1); row++ {
		lo := math.Max(r.minY+float64(row)*r.ch-my, ylo)
		hi := math.Min(r.minY+float64(row+1)*r.ch+my, yhi)
		if lo > hi {
			continue
		}
		xa, xb := a[0], c[0]
		if dy := c[1] - a[1]; dy != 0 {
			xa = a[0] + (lo-a[1])*(c[0]-a[0])/dy
			xb = a[0] + (hi-a[1])*(c[0]-a[0])/dy
		}
		if xa > xb {
			xa, xb = xb, xa
		}
		col0, _ := r.cellOf(orb.Point{xa - mx, lo})
		col1, _ := r.cellOf(orb.Point{xb + mx, lo})
		for col := col0; col <= col1; col++ {
			fn(row*r.nx + col)
		}
	}
}

// finish writes the cells and the candidate pool.
func (b *builder) finish() {
	r := b.r
	nodes, boundary := 0, 0
	for k := range b.bands {
		nodes += len(b.bands[k].nodeID)
	}
	for _, h := range b.head {
		if h != 0 {
			boundary++
		}
	}
	// Exactly what the cells need, or a little more (nodes of cells that a
	// later shape filled are left out): Bytes counts this allocation.
	r.pool = make([]int32, 0, 2*boundary+nodes)
	for k := range b.bands {
		bd := &b.bands[k]
		for c := bd.row0 * r.nx; c < bd.row1*r.nx; c++ {
			if b.head[c] == 0 {
				r.cells[c] = uint32(b.fallback[c])
				continue
			}
			off := len(r.pool)
			r.pool = append(r.pool, b.fallback[c]-1, 0)
			n := int32(0)
			for j := b.head[c]; j > 0; j = bd.nodeNext[j-1] {
				r.pool = append(r.pool, bd.nodeID[j-1])
				n++
			}
			r.pool[off+1] = n
			r.cells[c] = boundaryTag | uint32(off)
		}
	}
}
