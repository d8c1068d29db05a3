package tiling

import (
	"testing"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/partition"
)

// TestFlatPiecesAreNoDefect: a parent with a 5 km straight edge, split by a
// border that meets that edge at a vertex of the children only. In the
// lon/lat plane (where RFC 7946 draws edges straight) the children tile the
// parent exactly; joined by geodesics, the parent's long edge bows ~0.3 m
// away from the children's two shorter ones, a lens of hundreds of m² that
// is no defect. Moving the vertex 1 m inside leaves a real gap.
func TestFlatPiecesAreNoDefect(t *testing.T) {
	// The long edge is sloped, so the children's vertex, interpolated on
	// it, lies off it by rounding: the overlay leaves a piece with no width.
	x0, x1, y0, y0e, y1 := 122.0, 122.052, 30.70, 30.703, 30.72 // about 5 km at 30.7°N
	const f = 0.3711
	xm, yOn := x0+f*(x1-x0), y0+f*(y0e-y0)
	parent := partition.Unit{Code: "330922100001", Level: partition.LevelCommunity, Network: partition.NetworkLand, Kind: partition.KindComprehensive,
		Geometry: orb.MultiPolygon{{{{x0, y0}, {x1, y0e}, {x1, y1}, {x0, y1}, {x0, y0}}}}}
	child := func(code string, r orb.Ring) partition.Unit {
		return partition.Unit{Code: partition.Code(code), Parent: parent.Code, Level: partition.LevelGrid, Network: partition.NetworkLand,
			Kind: partition.KindComprehensive, Geometry: orb.MultiPolygon{{r}}}
	}
	for _, tt := range []struct {
		name string
		dy   float64 // the shared vertex's offset from the parent's edge, degrees
		want int
	}{{"on the edge", 0, 0}, {"1 m inside", 1e-5, 1}} {
		t.Run(tt.name, func(t *testing.T) {
			ym := yOn + tt.dy
			kids := []partition.Unit{
				child("330922100001001", orb.Ring{{x0, y0}, {xm, ym}, {xm, y1}, {x0, y1}, {x0, y0}}),
				child("330922100001002", orb.Ring{{xm, ym}, {x1, y0e}, {x1, y1}, {xm, y1}, {xm, ym}}),
			}
			res, err := Check(&parent, kids, DefaultOptions())
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Findings) != tt.want {
				t.Errorf("got %d findings %v, want %d", len(res.Findings), res.Findings, tt.want)
			}
		})
	}
}
