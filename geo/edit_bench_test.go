package geo

import (
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
)

// borderLine is a 100-vertex line drawn along the longest border shared by
// two districts of ds (off it by up to 0.3 m), and the two districts.
func borderLine(tb testing.TB, ds []district) (orb.LineString, []orb.MultiPolygon) {
	tb.Helper()
	var chain []orb.Point
	var pair []orb.MultiPolygon
	for i := range ds {
		for j := i + 1; j < len(ds); j++ {
			if c := sharedChain(ds[i].mp, ds[j].mp); len(c) > len(chain) {
				chain, pair = c, []orb.MultiPolygon{ds[i].mp, ds[j].mp}
			}
		}
	}
	line := drawAlong(rand.New(rand.NewPCG(1, 1)), chain, 0.3, 1)
	if len(line) < 100 {
		tb.Fatalf("the longest shared border gives a line of %d vertices, want 100", len(line))
	}
	return line[:100], pair
}

// BenchmarkSnap snaps a 100-vertex line drawn along a real border of
// Nanjing with a tolerance of 0.5 m onto the two districts that share it,
// and onto all eleven densified to over 100,000 vertices (where it takes in
// 40 vertices per edge of the border); and onto the same, 100-vertex lines
// drawn at random: a walk of 300 m steps from the city's centre, and
// vertices scattered over the whole city (some 5,000 km of line, the worst
// case: the work grows with the line's length over 500 m pieces).
func BenchmarkSnap(b *testing.B) {
	ds := readDistricts(b, "320100_nanjing_full.geojson")
	line, pair := borderLine(b, ds)
	var all []orb.MultiPolygon
	for _, d := range ds {
		all = append(all, densify(d.mp, 41))
	}
	var city orb.Bound
	for i, d := range ds {
		if i == 0 {
			city = d.mp.Bound()
		}
		city = city.Union(d.mp.Bound())
	}
	rng := rand.New(rand.NewPCG(2, 2))
	scattered := randomLine(rng, city, 100)
	walk := orb.LineString{city.Center()}
	for len(walk) < 100 { // a walk of 300 m steps, about 30 km
		step := off(walk[len(walk)-1], 300*(rng.Float64()-0.5)*2, 300*(rng.Float64()-0.5)*2)
		walk = append(walk, step)
	}
	for _, bc := range []struct {
		name string
		line orb.LineString
		to   []orb.MultiPolygon
	}{
		{"along a border, two districts", line, pair},
		{"along a border, 100k vertices", line, all},
		{"random walk, 100k vertices", walk, all},
		{"scattered over the city, 100k vertices", scattered, all},
	} {
		b.Run(bc.name, func(b *testing.B) {
			n := 0
			for _, mp := range bc.to {
				n += countVertices(mp)
			}
			out := Snap(bc.line, bc.to, 0.5).(orb.LineString)
			b.Logf("%d target vertices; %d vertices drawn, %d snapped", n, len(bc.line), len(out))
			for b.Loop() {
				Snap(bc.line, bc.to, 0.5)
			}
		})
	}
}

// BenchmarkSplitByLine cuts real districts by a straight line across
// their bounding box through the centre of the box of their largest part: Jiangning (573 vertices, 2 parts) and
// Putuo of Zhoushan (1,881 vertices, 79 parts, most of them islands).
func BenchmarkSplitByLine(b *testing.B) {
	for _, bc := range []struct{ file, name string }{
		{"320100_nanjing_full.geojson", "江宁区"},
		{"330900_zhoushan_children_detailed.geojson", "普陀区"},
	} {
		var mp orb.MultiPolygon
		for _, d := range readDistricts(b, bc.file) {
			if d.name == bc.name {
				mp = d.mp
			}
		}
		largest := mp[0]
		for _, p := range mp {
			if polygonArea(p) > polygonArea(largest) {
				largest = p
			}
		}
		bd, c := mp.Bound(), largest.Bound().Center()
		h := bd.Max[1] - bd.Min[1]
		line := orb.LineString{{c[0] - h/20, bd.Min[1] - h/10}, {c[0] + h/20, bd.Max[1] + h/10}}
		b.Run(bc.name, func(b *testing.B) {
			if _, _, err := SplitByLine(mp, line); err != nil {
				b.Fatal(err)
			}
			b.Logf("%d vertices", countVertices(mp))
			for b.Loop() {
				_, _, _ = SplitByLine(mp, line)
			}
		})
	}
}

// BenchmarkSharedBorder measures the border of the two Nanjing districts
// that share the longest one.
func BenchmarkSharedBorder(b *testing.B) {
	_, pair := borderLine(b, readDistricts(b, "320100_nanjing_full.geojson"))
	b.Logf("%.1f m shared", SharedBorder(pair[0], pair[1]))
	for b.Loop() {
		SharedBorder(pair[0], pair[1])
	}
}
