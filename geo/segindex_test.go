package geo

import (
	"testing"

	"github.com/paulmach/orb"
)

// TestSegIndexSearchStops: a search ends when its callback says so, though
// simplefeatures' RangeSearch, told rtree.Stop, ends only the loop over one
// node of the tree and goes on with the rest.
func TestSegIndexSearchStops(t *testing.T) {
	segs := make([]seg, 100)
	for i := range segs {
		segs[i] = seg{orb.Point{0, 0}, orb.Point{1, 1}}
	}
	idx := newSegIndex(segs)
	calls := 0
	idx.search(segmentBox(orb.Point{0, 0}, orb.Point{1, 1}), func(int, seg) bool { calls++; return false })
	if calls != 1 {
		t.Errorf("got %d calls after the first said stop, want 1", calls)
	}
	if !idx.near(orb.Point{0.5, 0.5}, 1e-6) || idx.near(orb.Point{0.5, 0.6}, 1) {
		t.Error("near: got the wrong answer for a point on a segment or 10 km off it")
	}
}
