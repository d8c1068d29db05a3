package draft_test

import (
	"context"
	"testing"

	"github.com/wangge/wangge/internal/teststore"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/edit"
)

// TestSplitByCount merges the micro-grids of a grid of the sample into one
// and divides it again with the partitioner into as many: about that many
// come out, holding the grid's households, and the draft tiles.
func TestSplitByCount(t *testing.T) {
	ctx := context.Background()
	s := teststore.Both(t, "t_draft_count")["gpkg"]
	publishSample(t, s)
	svc := service(s)
	d, err := svc.Create(ctx, "330922100000", partition.AsOf{}, "")
	if err != nil {
		t.Fatal(err)
	}
	const grid = "330922100001001"
	_, units, _ := svc.Units(ctx, d.ID)
	var kids []partition.Code
	hh := 0
	for _, u := range units {
		if u.Parent == grid {
			kids = append(kids, u.Code)
			hh += u.Households
		}
	}
	if _, err := svc.Apply(ctx, d.ID, -1, edit.Op{Op: edit.OpMerge, Units: kids}); err != nil {
		t.Fatal(err)
	}
	res, err := svc.Apply(ctx, d.ID, -1, edit.Op{Op: edit.OpSplit, Unit: kids[0], Count: len(kids)})
	if err != nil {
		t.Fatal(err)
	}
	_, units, _ = svc.Units(ctx, d.ID)
	n, got := 0, 0
	for _, u := range units {
		if u.Parent == grid {
			n++
			got += u.Households
		}
	}
	if n != len(kids) {
		t.Errorf("split into %d micro-grids, asked for %d", n, len(kids))
	}
	if got != hh {
		t.Errorf("the micro-grids hold %d households, the grid's were %d", got, hh)
	}
	if res.Summary.Errors != 0 {
		t.Errorf("%d error findings after the split", res.Summary.Errors)
	}
	t.Logf("%d micro-grids merged and split again into %d (households %d)", len(kids), n, got)
}
