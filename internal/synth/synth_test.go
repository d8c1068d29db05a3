package synth

import (
	"math"
	"testing"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
)

// TestGridTiles checks the tiling with independent measures: every cell is
// a valid polygon, cell areas add up to their block's and blocks to the
// whole rectangle's (exact tiling would fail this with any gap or overlap of
// measurable area), and every interior edge is shared bit-identically.
func TestGridTiles(t *testing.T) {
	o := Options{Origin: [2]float64{122, 30.5}, CellDeg: 0.01, Cols: 12, Rows: 8, BlockCols: 4, BlockRows: 4, EdgeVertices: 12, Jitter: 0.2, Seed: 7}
	tl := Grid(o)
	if len(tl.Cells) != 96 || len(tl.Parents) != 6 {
		t.Fatalf("got %d cells, %d parents; want 96 and 6", len(tl.Cells), len(tl.Parents))
	}
	sum := make([]float64, len(tl.Parents))
	for i, c := range tl.Cells {
		if err := geo.CheckMultiPolygon(orb.MultiPolygon{c}, geo.DefaultLimits); err != nil {
			t.Fatalf("cell %d: %v", i, err)
		}
		if got := len(c[0]); got != 4*(o.EdgeVertices+1)+1 {
			t.Fatalf("cell %d has %d positions", i, got)
		}
		sum[tl.ParentOf[i]] += float64(geo.Area(c))
	}
	total := 0.0
	for i, p := range tl.Parents {
		a := float64(geo.Area(p))
		total += a
		if math.Abs(sum[i]-a) > 1e-6*a {
			t.Errorf("block %d: cells add up to %.3f m², block is %.3f m²", i, sum[i], a)
		}
	}
	whole := float64(geo.Area(orb.Polygon{{{122, 30.5}, {122.12, 30.5}, {122.12, 30.58}, {122, 30.58}, {122, 30.5}}}))
	if math.Abs(total-whole) > 1e-6*whole {
		t.Errorf("blocks add up to %.3f m², the rectangle is %.3f m²", total, whole)
	}
	edges := map[[2][2]float64]int{}
	for _, c := range tl.Cells {
		r := c[0]
		for k := 0; k+1 < len(r); k++ {
			a, b := r[k], r[k+1]
			if a[0] > b[0] || (a[0] == b[0] && a[1] > b[1]) {
				a, b = b, a
			}
			edges[[2][2]float64{a, b}]++
		}
	}
	for e, n := range edges {
		if n > 2 {
			t.Fatalf("segment %v used %d times", e, n)
		}
	}
}
