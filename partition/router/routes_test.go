package router

import (
	"testing"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/internal/synth"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/store/storetest"
)

// TestRoutesAgreeWithRoute: the grouped, cache-warmed Routes gives every
// point exactly the answer Route gives (unit, evidence, neighbour,
// nearest), and the same encoded JSON, on the sample (both networks, a
// hole, a multipolygon, points outside) and on a synth tiling, with points
// on vertices and edges, in runs of lengths that are not multiples of the
// group size.
func TestRoutesAgreeWithRoute(t *testing.T) {
	for _, tc := range []struct {
		name  string
		units []partition.Unit
	}{
		{"storetest.Sample", storetest.Sample().Units},
		{"synth", synthUnits(synth.Options{Origin: orb.Point{121.9, 30.5}, CellDeg: 0.0025, Cols: 40, Rows: 25, BlockCols: 10, BlockRows: 5, EdgeVertices: 13, Jitter: 0.2, Seed: 1})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ix, err := New(partition.Version{Number: 1}, tc.units, Options{})
			if err != nil {
				t.Fatal(err)
			}
			pts := testPoints(tc.units, 30_000, 5)
			out := make([]Result, len(pts))
			for i := 0; i < len(pts); {
				n := min(1+i%37, len(pts)-i)
				ix.Routes(pts[i:i+n], out[i:i+n])
				i += n
			}
			bad := 0
			for i, p := range pts {
				want := ix.Route(p)
				got := AppendJSON(nil, &out[i], [2]float64(p))
				if out[i] != want || string(got) != string(AppendJSON(nil, &want, [2]float64(p))) {
					if bad++; bad <= 5 {
						t.Errorf("point %d %v: Routes gave %+v, Route %+v", i, p, out[i], want)
					}
				}
			}
			if bad > 0 {
				t.Errorf("%d of %d points differ", bad, len(pts))
			}
		})
	}
}
