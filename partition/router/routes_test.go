package router

import (
	"testing"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/internal/synth"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/store/storetest"
)

// TestRoutesAgreeWithRoute: the grouped, cache-warmed Routes, and
// RoutesOrdered over a Sorter's order, give every
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
			grouped := make([]Result, len(pts))
			for i := 0; i < len(pts); {
				n := min(1+i%37, len(pts)-i)
				ix.Routes(pts[i:i+n], grouped[i:i+n])
				i += n
			}
			var s Sorter
			order := s.Order(ix, pts)
			checkOrder(t, ix, pts, order)
			ordered := make([]Result, len(pts))
			for k := 0; k < len(order); { // runs of uneven lengths, as the cores take them
				n := min(1+k%1001, len(order)-k)
				ix.RoutesOrdered(pts, order[k:k+n], ordered)
				k += n
			}
			for name, out := range map[string][]Result{"Routes": grouped, "RoutesOrdered": ordered} {
				bad := 0
				for i, p := range pts {
					want := ix.Route(p)
					got := AppendJSON(nil, &out[i], [2]float64(p))
					if !sameResult(out[i], want) || string(got) != string(AppendJSON(nil, &want, [2]float64(p))) {
						if bad++; bad <= 5 {
							t.Errorf("point %d %v: %s gave %+v, Route %+v", i, p, name, out[i], want)
						}
					}
				}
				if bad > 0 {
					t.Errorf("%s: %d of %d points differ", name, bad, len(pts))
				}
			}
		})
	}
}

// checkOrder: order is a permutation of pts' indexes along the index's
// Z-order, ties in input order.
func checkOrder(t *testing.T, ix *Index, pts []orb.Point, order []int32) {
	t.Helper()
	if len(order) != len(pts) {
		t.Fatalf("order has %d indexes for %d points", len(order), len(pts))
	}
	seen := make([]bool, len(pts))
	for k, i := range order {
		if seen[i] {
			t.Fatalf("order holds %d twice", i)
		}
		seen[i] = true
		if k == 0 {
			continue
		}
		a, b := ix.zorder.Key(pts[order[k-1]]), ix.zorder.Key(pts[i])
		if a > b || a == b && order[k-1] > i {
			t.Fatalf("order[%d] = %d (key %#x) after %d (key %#x)", k, i, b, order[k-1], a)
		}
	}
}
