package cores

import (
	"sync/atomic"
	"testing"
)

// TestRuns: every index is covered exactly once, in runs no longer than
// asked, for sizes around the run length and none.
func TestRuns(t *testing.T) {
	for _, tc := range []struct{ n, run int }{{0, 4}, {1, 4}, {4, 4}, {5, 4}, {1000, 7}, {100_000, 4096}} {
		seen := make([]atomic.Int32, tc.n)
		var bad atomic.Bool
		Runs(tc.n, tc.run, func(lo, hi int) {
			if hi-lo > tc.run || lo >= hi {
				bad.Store(true)
			}
			for i := lo; i < hi; i++ {
				seen[i].Add(1)
			}
		})
		if bad.Load() {
			t.Errorf("n=%d run=%d: a run longer than asked or empty", tc.n, tc.run)
		}
		for i := range seen {
			if c := seen[i].Load(); c != 1 {
				t.Fatalf("n=%d run=%d: index %d covered %d times", tc.n, tc.run, i, c)
			}
		}
	}
}
