// Package synth generates valid tilings for tests and benchmarks: a
// jittered lattice whose shared edges are drawn once and used by both
// neighbours, so that the cells tile their blocks, and the blocks tile the
// whole, exactly (bit-identical shared vertices, no gap, no overlap).
package synth

import (
	"math"
	"math/rand/v2"

	"github.com/paulmach/orb"
)

// Options shape a tiling. Cells are Cols×Rows; parents are blocks of
// BlockCols×BlockRows cells (Cols and Rows must be multiples of them).
type Options struct {
	Origin       orb.Point // south-west corner, lon/lat
	CellDeg      float64   // cell size in degrees
	Cols, Rows   int
	BlockCols    int
	BlockRows    int
	EdgeVertices int     // extra vertices on each cell edge (a cell has 4·(EdgeVertices+1) vertices)
	Jitter       float64 // lattice jitter as a fraction of the cell size, < 0.25
	Seed         uint64
}

// Tiling is the generated cells and blocks.
type Tiling struct {
	Cells    []orb.Polygon // row-major, south to north, west to east
	Parents  []orb.Polygon // blocks, row-major
	ParentOf []int         // block index of each cell
	Opts     Options
}

// Grid generates the tiling. Each cell is a counter-clockwise ring.
func Grid(o Options) Tiling {
	g := lattice(o)
	t := Tiling{Opts: o}
	for r := 0; r < o.Rows; r++ {
		for c := 0; c < o.Cols; c++ {
			t.Cells = append(t.Cells, orb.Polygon{g.ring(c, r, c+1, r+1)})
			t.ParentOf = append(t.ParentOf, (r/o.BlockRows)*(o.Cols/o.BlockCols)+c/o.BlockCols)
		}
	}
	for br := 0; br < o.Rows/o.BlockRows; br++ {
		for bc := 0; bc < o.Cols/o.BlockCols; bc++ {
			t.Parents = append(t.Parents, orb.Polygon{g.ring(bc*o.BlockCols, br*o.BlockRows, (bc+1)*o.BlockCols, (br+1)*o.BlockRows)})
		}
	}
	return t
}

// Vertices counts every position of the cells' rings.
func (t Tiling) Vertices() int {
	n := 0
	for _, p := range t.Cells {
		n += len(p[0])
	}
	return n
}

type grid struct {
	o     Options
	nodes [][]orb.Point // (Rows+1)×(Cols+1) jittered lattice nodes
	seed  uint64
}

func lattice(o Options) *grid {
	rng := rand.New(rand.NewPCG(o.Seed, 0x9e3779b97f4a7c15))
	g := &grid{o: o, seed: o.Seed}
	for r := 0; r <= o.Rows; r++ {
		row := make([]orb.Point, o.Cols+1)
		for c := 0; c <= o.Cols; c++ {
			x := o.Origin[0] + float64(c)*o.CellDeg
			y := o.Origin[1] + float64(r)*o.CellDeg
			if c > 0 && c < o.Cols && r > 0 && r < o.Rows { // the outline stays a rectangle
				x += (rng.Float64()*2 - 1) * o.Jitter * o.CellDeg
				y += (rng.Float64()*2 - 1) * o.Jitter * o.CellDeg
			}
			row[c] = orb.Point{x, y}
		}
		g.nodes = append(g.nodes, row)
	}
	return g
}

// edge returns the points strictly between lattice nodes a and b, from a to
// b, displaced sideways by a deterministic wiggle: the same for both cells
// that share the edge, whichever direction they walk it. Edges on the outline
// stay straight.
func (g *grid) edge(ca, ra, cb, rb int) []orb.Point {
	rev := ca > cb || ra > rb
	if rev {
		ca, ra, cb, rb = cb, rb, ca, ra
	}
	a, b := g.nodes[ra][ca], g.nodes[rb][cb]
	outline := (ca == cb && (ca == 0 || ca == g.o.Cols)) || (ra == rb && (ra == 0 || ra == g.o.Rows))
	n := g.o.EdgeVertices
	pts := make([]orb.Point, n)
	dx, dy := b[0]-a[0], b[1]-a[1]
	phase := float64((uint64(ca)*73856093^uint64(ra)*19349663^uint64(cb)*83492791^g.seed)%1000) / 1000 * 2 * math.Pi
	for i := 1; i <= n; i++ {
		f := float64(i) / float64(n+1)
		w := 0.0
		if !outline {
			w = 0.06 * math.Sin(f*math.Pi) * math.Sin(3*f*math.Pi+phase) // ≤ 6% of the edge, sideways
		}
		pts[i-1] = orb.Point{a[0] + f*dx - w*dy, a[1] + f*dy + w*dx}
	}
	if rev {
		for i, j := 0, len(pts)-1; i < j; i, j = i+1, j-1 {
			pts[i], pts[j] = pts[j], pts[i]
		}
	}
	return pts
}

// ring walks the boundary of the node rectangle [c0,c1]×[r0,r1]
// counter-clockwise: along the south side east, the east side north, the
// north side west, the west side south.
func (g *grid) ring(c0, r0, c1, r1 int) orb.Ring {
	var ring orb.Ring
	walk := func(ca, ra, cb, rb int) {
		ring = append(ring, g.nodes[ra][ca])
		ring = append(ring, g.edge(ca, ra, cb, rb)...)
	}
	for c := c0; c < c1; c++ {
		walk(c, r0, c+1, r0)
	}
	for r := r0; r < r1; r++ {
		walk(c1, r, c1, r+1)
	}
	for c := c1; c > c0; c-- {
		walk(c, r1, c-1, r1)
	}
	for r := r1; r > r0; r-- {
		walk(c0, r, c0, r-1)
	}
	return append(ring, ring[0])
}
