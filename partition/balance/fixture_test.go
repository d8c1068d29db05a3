package balance

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/partition"
)

// blob is a wavy closed ring of n vertices around c, radius r metres.
func blob(c orb.Point, r float64, n int, phase float64) orb.Ring {
	kx, ky := geo.MetersPerDegree(c[1])
	ring := make(orb.Ring, 0, n+1)
	for i := range n {
		t := 2 * math.Pi * float64(i) / float64(n)
		rr := r * (1 + 0.18*math.Sin(3*t+phase) + 0.07*math.Sin(11*t+2*phase) + 0.02*math.Cos(29*t))
		ring = append(ring, orb.Point{c[0] + rr*math.Cos(t)/kx, c[1] + rr*math.Sin(t)/ky})
	}
	return append(ring, ring[0])
}

func reversed(r orb.Ring) orb.Ring {
	out := make(orb.Ring, len(r))
	for i := range r {
		out[i] = r[len(r)-1-i]
	}
	return out
}

// testCommunity is a community of about radius metres near Shengsi with a
// lake (a hole) and, when islets, two islands off its coast: one with a few
// households, one with none.
func testCommunity(radius float64, islets bool) partition.Unit {
	c := orb.Point{122.45, 30.72}
	kx, ky := geo.MetersPerDegree(c[1])
	main := orb.Polygon{blob(c, radius, 240, 0.3), reversed(blob(orb.Point{c[0] + 0.25*radius/kx, c[1] + 0.2*radius/ky}, radius*0.08, 40, 1))}
	mp := orb.MultiPolygon{main}
	if islets {
		mp = append(mp, orb.Polygon{blob(orb.Point{c[0] + 1.6*radius/kx, c[1]}, radius*0.06, 30, 2)},
			orb.Polygon{blob(orb.Point{c[0], c[1] - 1.5*radius/ky}, radius*0.04, 24, 4)})
	}
	return partition.Unit{Code: "330922100001", Name: "测试社区", Level: partition.LevelCommunity, Network: partition.NetworkLand,
		Kind: partition.KindComprehensive, Geometry: mp}
}

// clustered returns about n households in the unit: most in villages
// (Gaussian clusters), the rest scattered; weights 1–3 (houses with one to
// three households). Points falling outside the unit are redrawn.
func clustered(u partition.Unit, n int, seed uint64) []Household {
	rng := rand.New(rand.NewPCG(seed, 7))
	b := u.Geometry[0].Bound()
	kx, ky := geo.MetersPerDegree(b.Center()[1])
	var centres []orb.Point
	for len(centres) < 8 {
		p := orb.Point{b.Min[0] + rng.Float64()*(b.Max[0]-b.Min[0]), b.Min[1] + rng.Float64()*(b.Max[1]-b.Min[1])}
		if geo.PolygonContains(u.Geometry[0], p) {
			centres = append(centres, p)
		}
	}
	spread := math.Min(b.Max[0]-b.Min[0], b.Max[1]-b.Min[1]) * kx / 12
	var out []Household
	total := 0
	for total < n {
		var p orb.Point
		if rng.Float64() < 0.75 {
			c := centres[rng.IntN(len(centres))]
			p = orb.Point{c[0] + rng.NormFloat64()*spread/kx, c[1] + rng.NormFloat64()*spread/ky}
		} else {
			p = orb.Point{b.Min[0] + rng.Float64()*(b.Max[0]-b.Min[0]), b.Min[1] + rng.Float64()*(b.Max[1]-b.Min[1])}
		}
		if !geo.PolygonContains(u.Geometry[0], p) {
			continue
		}
		w := 1 + rng.IntN(3)
		out = append(out, Household{Point: p, Weight: w})
		total += w
	}
	return out
}

// onIsland adds w households on the first islet of testCommunity.
func onIsland(u partition.Unit, w int) []Household {
	p := u.Geometry[1][0]
	c := p.Bound().Center()
	return []Household{{Point: c, Weight: w}}
}

func mustDivide(t testing.TB, parent partition.Unit, hh []Household, o Options) Result {
	t.Helper()
	res, err := Divide(t.Context(), parent, hh, o)
	if err != nil {
		t.Fatalf("Divide: %v", err)
	}
	return res
}
