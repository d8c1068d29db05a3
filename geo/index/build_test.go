package index

import (
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
)

// TestInteriorCells: every cell the raster answers by itself (no candidate
// list) answers what testing its centre against every shape, highest
// priority first, answers: on concave rings (filled by the scanline) and
// rings with holes (filled by Contains), with vertices and horizontal
// edges exactly on cell centre lines, which the scanline counts by the
// boundary rule. (Which half-open rule it uses cannot change the fill:
// such crossings come in pairs or lie in boundary cells, so the test does
// not tell the rules apart; it tells a wrong fill from a right one.)
func TestInteriorCells(t *testing.T) {
	const cells = 100 * 100
	frame := orb.Ring{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}
	grid := func() *Raster { // the grid every build below shares: the frame's
		var s Shapes
		id := s.Add(orb.MultiPolygon{{frame}})
		r, err := Build(&s, []int32{id}, Options{Cells: cells})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}()
	centreY := func(row int) float64 { return grid.minY + (float64(row)+0.5)*grid.ch }
	rng := rand.New(rand.NewPCG(8, 9))
	for trial := range 20 {
		var s Shapes
		order := []int32{s.Add(orb.MultiPolygon{{frame}})}
		for range 6 {
			// A zigzag: a comb of teeth whose tips and notches lie on
			// centre lines or anywhere, with horizontal runs on them.
			x0, y0 := 0.5+8*rng.Float64(), 0.5+4*rng.Float64()
			w, teeth := 0.2+1.5*rng.Float64(), 2+rng.IntN(6)
			var ring orb.Ring
			ring = append(ring, orb.Point{x0, y0})
			for k := range teeth {
				x := x0 + w*float64(k)/float64(teeth)
				top := y0 + 0.5 + 4*rng.Float64()
				if rng.IntN(2) == 0 {
					top = centreY(int((top - grid.minY) / grid.ch))
				}
				ring = append(ring, orb.Point{x, top}, orb.Point{x + w/float64(2*teeth), top})
				notch := y0 + 0.3*rng.Float64()
				if rng.IntN(2) == 0 {
					notch = centreY(int((notch - grid.minY) / grid.ch))
				}
				ring = append(ring, orb.Point{x + w/float64(teeth), notch})
			}
			ring = append(ring, orb.Point{x0 + w, y0}, orb.Point{x0, y0})
			mp := orb.MultiPolygon{{ring}}
			if rng.IntN(3) == 0 { // with a hole: the Contains path
				b := ring.Bound()
				c := b.Center()
				mp[0] = append(mp[0], orb.Ring{{c[0] - 0.01, c[1] - 0.01}, {c[0] + 0.01, c[1] - 0.01}, {c[0] + 0.01, c[1] + 0.01}, {c[0] - 0.01, c[1] + 0.01}, {c[0] - 0.01, c[1] - 0.01}})
			}
			order = append(order, s.Add(mp))
		}
		r, err := Build(&s, order, Options{Cells: cells})
		if err != nil {
			t.Fatal(err)
		}
		if r.nx != grid.nx || r.ny != grid.ny || r.minX != grid.minX || r.minY != grid.minY {
			t.Fatal("the grid moved: the frame must fix it")
		}
		for row := range r.ny {
			for col := range r.nx {
				e := r.cells[row*r.nx+col]
				if e&boundaryTag != 0 {
					continue
				}
				p := orb.Point{r.minX + (float64(col)+0.5)*r.cw, centreY(row)}
				want := int32(-1)
				for _, id := range order {
					if s.Contains(id, p) {
						want = id
					}
				}
				if got := int32(e) - 1; got != want {
					t.Fatalf("trial %d, cell (%d, %d) at %v: the raster answers shape %d, its centre lies in %d", trial, col, row, p, got, want)
				}
			}
		}
	}
}
