package draft_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/paulmach/orb/geojson"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/internal/synth"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/edit"
)

// cityOptions shape the city: 100×100 grids of about 300 m with 12
// vertices on each edge, in communities of 10×10.
func cityOptions() synth.Options {
	return synth.Options{Origin: orb.Point{122.2, 30.55}, CellDeg: 0.003, Cols: 100, Rows: 100, BlockCols: 10, BlockRows: 10,
		EdgeVertices: 12, Jitter: 0.2, Seed: 13}
}

// city is what the benchmarks of a run share: the units, the border sites
// where edits happen (each used once, so that every edit draws a fresh
// polygon on a border no edit has moved) and the PostGIS way's tables.
type city struct {
	units []partition.Unit
	sites []site
	next  int
	rng   *rand.Rand
	pg    *pgWay
}

// site is a vertex of the border between two neighbouring grids a and b of
// a community, half-way along it.
type site struct {
	community, a, b partition.Code
	at              orb.Point
}

// newCity generates the city, 400 households a grid, and its border
// sites in a shuffled order, so that edits follow each other across the
// city.
func newCity(b *testing.B) *city {
	units, err := synth.City(cityOptions(), 400)
	if err != nil {
		b.Fatal(err)
	}
	c := &city{units: units, sites: borderSites(units), rng: rand.New(rand.NewPCG(13, 1))}
	c.rng.Shuffle(len(c.sites), func(i, j int) { c.sites[i], c.sites[j] = c.sites[j], c.sites[i] })
	return c
}

// op is the next edit: a fresh quadrilateral of radius 10–30 m around
// the next site, given to one grid or the other in turn; and the
// same edit for the PostGIS way.
func (c *city) op(b *testing.B) (edit.Op, pgEdit) {
	if c.next == len(c.sites) {
		b.Fatalf("all %d border sites are used: take fewer operations", len(c.sites))
	}
	s := c.sites[c.next]
	to := s.a
	if c.next%2 == 1 {
		to = s.b
	}
	c.next++
	kx, ky := geo.MetersPerDegree(s.at[1])
	r := 10 + 20*c.rng.Float64()
	th0 := c.rng.Float64() * math.Pi / 2
	var ring orb.Ring
	for i := range 4 {
		th := th0 + (float64(i)+0.3*c.rng.Float64())*math.Pi/2
		ring = append(ring, orb.Point{s.at[0] + r*math.Cos(th)/kx, s.at[1] + r*math.Sin(th)/ky})
	}
	poly := orb.Polygon{append(ring, ring[0])}
	area, err := wkb.Marshal(poly)
	if err != nil {
		b.Fatal(err)
	}
	return edit.Op{Op: edit.OpReassign, To: to, Area: geojson.NewGeometry(poly)}, pgEdit{community: s.community, to: to, area: area}
}

// borderSites finds, for every two grids of a community that share a
// border (east and north neighbours in the lattice), the vertex of their
// border farthest from its ends.
func borderSites(units []partition.Unit) []site {
	byCode := map[partition.Code]*partition.Unit{}
	for i := range units {
		byCode[units[i].Code] = &units[i]
	}
	o := cityOptions()
	var out []site
	for _, u := range units {
		if u.Level != partition.LevelCommunity {
			continue
		}
		for j := range o.BlockCols * o.BlockRows {
			col, row := j%o.BlockCols, j/o.BlockCols
			a := gridCode(u.Code, j)
			if col+1 < o.BlockCols {
				out = append(out, site{u.Code, a, gridCode(u.Code, j+1), sharedMiddle(byCode[a], byCode[gridCode(u.Code, j+1)])})
			}
			if row+1 < o.BlockRows {
				out = append(out, site{u.Code, a, gridCode(u.Code, j+o.BlockCols), sharedMiddle(byCode[a], byCode[gridCode(u.Code, j+o.BlockCols)])})
			}
		}
	}
	return out
}

func gridCode(community partition.Code, j int) partition.Code {
	c, err := partition.ChildCode(community, partition.LevelGrid, j+1)
	if err != nil {
		panic(err) // 100 grids a community: always in range
	}
	return c
}

// sharedMiddle is the vertex that a and b share farthest from the two
// shared vertices farthest apart (the ends of their border).
func sharedMiddle(a, b *partition.Unit) orb.Point {
	in := map[orb.Point]bool{}
	for _, p := range a.Geometry[0][0] {
		in[p] = true
	}
	var shared []orb.Point
	for _, p := range b.Geometry[0][0][1:] {
		if in[p] {
			shared = append(shared, p)
		}
	}
	var e0, e1 orb.Point
	far := -1.0
	for i, p := range shared {
		for _, q := range shared[i+1:] {
			if d := dist2(p, q); d > far {
				e0, e1, far = p, q, d
			}
		}
	}
	var best orb.Point
	far = -1
	for _, p := range shared {
		if d := min(dist2(p, e0), dist2(p, e1)); d > far {
			best, far = p, d
		}
	}
	return best
}

func dist2(p, q orb.Point) float64 { return (p[0]-q[0])*(p[0]-q[0]) + (p[1]-q[1])*(p[1]-q[1]) }
