package tiling

import (
	"context"
	"fmt"
	"runtime/metrics"
	"syscall"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/internal/synth"
	"github.com/wangge/wangge/partition"
)

// benchFamilies is a synth tiling of 400×250 = 100,000 cells of 53
// vertices (EdgeVertices 12) under 250 blocks of 16×25 cells, with a shifted
// vertex (3 m along its edge) in every 10th block so that the overlay path
// runs too.
func benchFamilies() []Family {
	t := synth.Grid(synth.Options{Origin: orb.Point{119, 30}, CellDeg: 0.002, Cols: 400, Rows: 250, BlockCols: 16, BlockRows: 25, EdgeVertices: 12, Jitter: 0.2, Seed: 5})
	fams := make([]Family, len(t.Parents))
	for i, p := range t.Parents {
		code := partition.Code(fmt.Sprintf("330902%03d%03d", 1+i/999, 1+i%999))
		fams[i].Parent = &partition.Unit{Code: code, Level: partition.LevelCommunity, Network: partition.NetworkLand, Kind: partition.KindComprehensive, Geometry: orb.MultiPolygon{p}}
	}
	for i, c := range t.Cells {
		f := &fams[t.ParentOf[i]]
		code := partition.Code(fmt.Sprintf("%s%03d", f.Parent.Code, len(f.Children)+1))
		f.Children = append(f.Children, partition.Unit{Code: code, Level: partition.LevelGrid, Network: partition.NetworkLand, Kind: partition.KindComprehensive, Parent: f.Parent.Code, Geometry: orb.MultiPolygon{c}})
	}
	for i := 0; i < len(fams); i += 10 {
		r := fams[i].Children[57].Geometry[0][0]
		r[19] = add(r[19], metres(r[19][1], 0, 3))
	}
	return fams
}

// peakHeap samples the heap in use every 5 ms until stop is closed.
func peakHeap(stop <-chan struct{}, peak *uint64) {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/unused:bytes"}}
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		metrics.Read(s)
		if v := s[0].Value.Uint64() + s[1].Value.Uint64(); v > *peak {
			*peak = v
		}
		select {
		case <-stop:
			return
		case <-tick.C:
		}
	}
}

// BenchmarkCheck100k times the check of 100,000 cells beside PostGIS doing
// the same gap + overlap computation (ST_Union/ST_Difference per parent,
// pairwise ST_Intersection over the GiST index) on the same data, all of
// it (about 30 s here; set pgParents lower to extrapolate from a subset).
func BenchmarkCheck100k(b *testing.B) {
	fams := benchFamilies()
	pgParents := len(fams)
	var ours time.Duration
	var peak uint64
	var rep Report
	for b.Loop() {
		stop := make(chan struct{})
		done := make(chan struct{})
		go func() { peakHeap(stop, &peak); close(done) }()
		start := time.Now()
		var err error
		rep, err = Run(context.Background(), Slice(fams), DefaultOptions(), 0, nil)
		ours = time.Since(start)
		close(stop)
		<-done
		if err != nil {
			b.Fatal(err)
		}
	}
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	errs, warns := rep.Count()
	ctx := context.Background()
	conn, q := pgFamilies(ctx, b, fams)
	start := time.Now()
	gap, _, overlap := pgTotals(ctx, b, conn, q, pgParents, false)
	pg := time.Since(start)
	pgAll := pg * time.Duration(len(fams)) / time.Duration(pgParents)
	var ourGap, ourOverlap float64
	for _, s := range rep.Summaries[:pgParents] {
		ourGap += float64(s.Gap)
		ourOverlap += float64(s.Overlap)
	}
	b.Logf("tiling check, %d cells, %d parents: %v wall, peak heap %.0f MB, maxrss %.0f MB, %d errors, %d warnings",
		len(fams)*len(fams[0].Children), len(fams), ours.Round(time.Millisecond), float64(peak)/1e6, float64(ru.Maxrss)/1e3, errs, warns)
	b.Logf("PostGIS, first %d of %d parents: %v (gap %.1f m², overlap %.1f m²; ours on them: gap %.1f m², overlap %.1f m²)",
		pgParents, len(fams), pg.Round(time.Millisecond), gap, overlap, ourGap, ourOverlap)
	how := "measured on"
	if pgParents < len(fams) {
		how = "extrapolated to"
	}
	b.Logf("PostGIS %s all %d parents: %v; ratio PostGIS/ours %.1f×", how, len(fams), pgAll.Round(time.Millisecond), float64(pgAll)/float64(ours))
	b.ReportMetric(ours.Seconds(), "s/check")
	b.ReportMetric(float64(peak)/1e6, "peak-heap-MB")
	b.ReportMetric(pgAll.Seconds(), "s/postgis")
	b.ReportMetric(float64(pgAll)/float64(ours), "x-faster")
}
