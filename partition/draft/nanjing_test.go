package draft_test

import (
	"context"
	"math"
	"os"
	"testing"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo/crs"
	"github.com/wangge/wangge/internal/shareddata"
	"github.com/wangge/wangge/internal/teststore"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/diff"
	"github.com/wangge/wangge/partition/draft"
)

// edition reads a DataV file of shared/data/boundaries, GCJ-02 converted.
func edition(t *testing.T, name string) []partition.Unit {
	t.Helper()
	r, err := os.Open(shareddata.Boundary(t, name))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	tr := func(g orb.Geometry) orb.Geometry { return crs.ConvertGeometry(g, crs.GCJ02, crs.CGCS2000) }
	d, err := partition.DecodeFeatureCollection(r, partition.DecodeOptions{Transform: tr})
	if err != nil {
		t.Fatal(err)
	}
	return d.Units
}

// TestDiffNanjingVersions imports the two editions of Nanjing's districts
// as two versions under the city and diffs them through the store: the
// pieces are those of comparing the files themselves (which
// partition/diff checks against PostGIS), so nothing is lost on the way
// through either store.
func TestDiffNanjingVersions(t *testing.T) {
	ctx := context.Background()
	city := edition(t, "320100_nanjing_outline.geojson")
	old, now := edition(t, "320100_nanjing_full_2021.geojson"), edition(t, "320100_nanjing_full.geojson")
	want, err := diff.Compare(ctx, append(append([]partition.Unit(nil), city...), old...), append(append([]partition.Unit(nil), city...), now...), diff.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	if len(want.Pieces) == 0 {
		t.Fatal("the editions differ in no piece")
	}
	for name, s := range teststore.Both(t, "t_draft_nanjing") {
		t.Run(name, func(t *testing.T) {
			v1 := publish(t, s, append(append([]partition.Unit(nil), city...), old...))
			v2 := publish(t, s, now)
			got, err := service(s).Diff(ctx, draft.Side{At: partition.AsOf{Version: v1.Number}}, draft.Side{At: partition.AsOf{Version: v2.Number}}, city[0].Code)
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Pieces) != len(want.Pieces) {
				t.Fatalf("%d pieces through the store, %d from the files", len(got.Pieces), len(want.Pieces))
			}
			for i, p := range got.Pieces {
				w := want.Pieces[i]
				if p.From != w.From || p.To != w.To || math.Abs(float64(p.Area-w.Area)) > 1e-6*float64(w.Area) {
					t.Errorf("piece %d: %s → %s %.1f m², want %s → %s %.1f m²", i, p.From, p.To, p.Area, w.From, w.To, w.Area)
				}
			}
		})
	}
}
