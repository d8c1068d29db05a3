package router

import (
	"testing"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/internal/synth"
	"github.com/wangge/wangge/partition"
)

// TestOracleSynth100k: a 100,000-cell tiling (400×250 cells of ~57
// vertices under 1,000 blocks under one root), 1,000,000 points.
func TestOracleSynth100k(t *testing.T) {
	n := 1_000_000
	if testing.Short() {
		n = 100_000
	}
	units := synthUnits(synth.Options{Origin: orb.Point{121.9, 30.5}, CellDeg: 0.0025, Cols: 400, Rows: 250, BlockCols: 10, BlockRows: 10, EdgeVertices: 13, Jitter: 0.2, Seed: 1})
	ix, err := New(partition.Version{Number: 1}, units, Options{})
	if err != nil {
		t.Fatal(err)
	}
	st := ix.Stats()
	t.Logf("%d units, %d vertices, raster %d×%d (%d boundary cells), built in %v", st.Units, st.Vertices, st.CellsX, st.CellsY, st.BoundaryCells, st.BuildTime)
	agree(t, ix, newBrute(units), testPoints(units, n, 1))
}
