package balance

import (
	"strconv"
	"testing"
	"time"

	"github.com/wangge/wangge/partition"
)

// BenchmarkDivide divides generated communities (a wavy outline with a lake
// and two islets; households in villages plus scattered houses) with both
// methods compared, as Divide does by default. Targets (issue 6): 10,000
// households ≤ 2 s, 100,000 ≤ 20 s. 100,000 households make about 1,540
// micro-grids of 50–80, more than the 999 a parent's code space holds, so
// the 100k micro-grid case uses the Zaozhuang band (100–250, about 570).
func BenchmarkDivide(b *testing.B) {
	cases := []struct {
		name     string
		hh       int
		radius   float64
		level    partition.Level
		min, max int
		target   time.Duration
	}{
		{"10k/grids", 10_000, 2500, partition.LevelGrid, 300, 500, 2 * time.Second},
		{"10k/microgrids", 10_000, 2500, partition.LevelMicrogrid, 50, 80, 2 * time.Second},
		{"100k/grids", 100_000, 7000, partition.LevelGrid, 300, 500, 20 * time.Second},
		{"100k/microgrids-zaozhuang", 100_000, 7000, partition.LevelMicrogrid, 100, 250, 20 * time.Second},
	}
	for _, bc := range cases {
		b.Run(bc.name, func(b *testing.B) {
			u := testCommunity(bc.radius, true)
			if bc.level == partition.LevelMicrogrid {
				u.Code, u.Level = "330922100001001", partition.LevelGrid
			}
			hh := append(clustered(u, bc.hh, 1), onIsland(u, 12)...)
			o := Options{Min: bc.min, Max: bc.max, Level: bc.level, Seed: 1}
			var res Result
			b.ResetTimer()
			for b.Loop() {
				var err error
				if res, err = Divide(b.Context(), u, hh, o); err != nil {
					b.Fatal(err)
				}
			}
			r := res.Report
			b.ReportMetric(100*r.ShareWithinRange(), "%within")
			b.ReportMetric(r.MeanPP, "meanPP")
			b.ReportMetric(r.MinPP, "minPP")
			b.ReportMetric(float64(len(res.Children)), "children")
			big, small := 0, 0
			for _, c := range r.Children {
				if c.Code == r.Largest {
					big = c.Households
				}
				if c.Code == r.Smallest {
					small = c.Households
				}
			}
			b.Logf("%s: %d households → %d children (%s) in %v (target ≤ %v): %.1f%% of feasible children within %d–%d, PP mean %.3f min %.3f, largest %s %d, smallest %s %d; %d atoms of %.0f m; %s",
				bc.name, r.Households, len(res.Children), r.Method, r.Elapsed.Round(time.Millisecond), bc.target, 100*r.ShareWithinRange(), bc.min, bc.max,
				r.MeanPP, r.MinPP, r.Largest, big, r.Smallest, small, r.Atoms, float64(r.Cell), compared(r.Compared))
		})
	}
}

func compared(fs []MethodFigures) string {
	s := ""
	for _, f := range fs {
		s += " " + f.Method + ": " + itoa(f.WithinRange) + "/" + itoa(f.Feasible) + " in range, PP mean " + ftoa(f.MeanPP) + " min " + ftoa(f.MinPP) + " (" + f.Elapsed.Round(time.Millisecond).String() + ");"
	}
	return s
}

func itoa(n int) string     { return strconv.Itoa(n) }
func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', 3, 64) }
