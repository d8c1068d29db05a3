package router

import (
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/internal/routebench"
	"github.com/wangge/wangge/partition"
)

// bench200k is the reference dataset of the benchmarks (see
// internal/routebench, whose BenchmarkReference prints the targets
// beside PostGIS).
var bench200k = routebench.Reference

const benchCells = 0

type benchData struct {
	units []partition.Unit
	ix    *Index
	pts   []orb.Point
}

var benchOnce = sync.OnceValues(func() (*benchData, error) {
	units := synthUnits(bench200k)
	ix, err := New(partition.Version{Number: 1}, units, Options{Cells: benchCells})
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(3, 3))
	pts := make([]orb.Point, 1<<20)
	for i := range pts {
		pts[i] = orb.Point{121.9 + rng.Float64(), 30.5 + 0.5*rng.Float64()}
	}
	return &benchData{units: units, ix: ix, pts: pts}, nil
})

// BenchmarkLocate200k: in-process lookups (deepest unit only) on one core.
func BenchmarkLocate200k(b *testing.B) {
	d, err := benchOnce()
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	i := 0
	for b.Loop() {
		d.ix.Locate(d.pts[i&(len(d.pts)-1)])
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lookups/s")
}

// BenchmarkRoute200k: full answers with evidence (boundary distance,
// neighbour) on one core.
func BenchmarkRoute200k(b *testing.B) {
	d, err := benchOnce()
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	i := 0
	for b.Loop() {
		d.ix.Route(d.pts[i&(len(d.pts)-1)])
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "routes/s")
}

// BenchmarkBuild200k: index build time, and the size of its arrays
// against the raw coordinate bytes (internal/routebench measures all the
// heap the index holds).
func BenchmarkBuild200k(b *testing.B) {
	units := synthUnits(bench200k)
	var ix *Index
	for b.Loop() {
		var err error
		if ix, err = New(partition.Version{Number: 1}, units, Options{}); err != nil {
			b.Fatal(err)
		}
	}
	st := ix.Stats()
	b.ReportMetric(st.BuildTime.Seconds(), "build-s")
	b.ReportMetric(float64(st.IndexBytes)/float64(st.CoordinateBytes), "arrays/raw")
	b.ReportMetric(float64(st.CoordinateBytes)/1e6, "raw-MB")
}

// BenchmarkRoutesOrdered: a batch of 100,000 random points on one core,
// routed in the order given (Routes) and in the Sorter's order
// (RoutesOrdered, the sort included).
func BenchmarkRoutesOrdered(b *testing.B) {
	d, err := benchOnce()
	if err != nil {
		b.Fatal(err)
	}
	pts := d.pts[:100_000]
	out := make([]Result, len(pts))
	b.Run("given", func(b *testing.B) {
		for b.Loop() {
			d.ix.Routes(pts, out)
		}
		b.ReportMetric(float64(b.N*len(pts))/b.Elapsed().Seconds(), "routes/s")
	})
	b.Run("ordered", func(b *testing.B) {
		var s Sorter
		for b.Loop() {
			d.ix.RoutesOrdered(pts, s.Order(d.ix, pts), out)
		}
		b.ReportMetric(float64(b.N*len(pts))/b.Elapsed().Seconds(), "routes/s")
	})
}
