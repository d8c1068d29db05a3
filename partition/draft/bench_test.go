package draft_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/wangge/wangge/internal/synth"
	"github.com/wangge/wangge/internal/teststore"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/draft"
	"github.com/wangge/wangge/partition/tiling"
)

// The benchmarks of issue 13, on a generated city of 10,000 grids (100×100
// cells of about 300 m, 53 vertices each) in 100 communities of 10×10
// grids under one street of one district, 400 households a grid and no
// household layer (households move in proportion to area). Each figure is
// a median; none is a pass or a fail, but an edit that leaves an error
// finding is a b.Fatal.
const (
	benchOps     = 200 // reassigns, and undos, timed per store and iteration
	publishEdits = 20  // edits of a draft before it is published
	benchRuns    = 3   // full checks and publishes timed per store and iteration
)

// BenchmarkDraft times, on each store, (1) a reassign of a small area
// across the border of two grids with its incremental check, beside the
// full check of the city and beside the same edit done the PostGIS way;
// (2) undoing one; (3) publishing a draft of 20 edits. Targets (issue 13):
// an edit or an undo ≤ 50 ms median, a publish ≤ 2 s.
func BenchmarkDraft(b *testing.B) {
	c := newCity(b)
	stores := teststore.Both(b, "b_draft")
	for _, name := range []string{"gpkg", "postgis"} {
		b.Run(name, func(sb *testing.B) {
			f := c.open(sb, name, stores[name])
			sb.Run("reassign", func(sb *testing.B) { benchReassign(sb, b, c, f) })
			sb.Run("undo", func(sb *testing.B) { benchUndo(sb, c, f) })
			sb.Run("publish", func(sb *testing.B) { benchPublish(sb, c, f) })
		})
	}
}

// fixture is the city published into one store, with a draft of it open.
type fixture struct {
	name  string
	store partition.Store
	svc   *draft.Service
	id    string
	// published is how long publishing the city into the store took,
	// opened how long building the draft in memory did (reading the
	// subtree, checking it all).
	published, opened time.Duration
	// reassigns applied and refused since the last report, and the first
	// refusal's reason
	applied, refused int
	why              string
}

func (c *city) open(b *testing.B, name string, s partition.Store) *fixture {
	ctx := context.Background()
	start := time.Now()
	if _, err := s.Publish(ctx, partition.Changeset{Units: c.units, Note: "synthetic city"}); err != nil {
		b.Fatal(err)
	}
	f := &fixture{name: name, store: s, svc: service(s), published: time.Since(start)}
	f.id, f.opened = openDraft(b, f.svc, "bench")
	return f
}

// openDraft creates a draft of the city on the latest version and builds
// it in memory (its first request does), checking that it has no error.
func openDraft(b *testing.B, svc *draft.Service, note string) (string, time.Duration) {
	ctx := context.Background()
	d, err := svc.Create(ctx, synth.CityRoot, partition.AsOf{}, note)
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	v, err := svc.Get(ctx, d.ID)
	if err != nil {
		b.Fatal(err)
	}
	if v.Summary.Errors > 0 {
		b.Fatalf("the city has %d error findings before any edit", v.Summary.Errors)
	}
	return d.ID, time.Since(start)
}

// edit carries out the next reassign of c and returns it for the PostGIS
// way with how long svc.Apply took. It fails the benchmark on an error, or
// when the draft has an error finding after it. Every area is a valid
// reassignment across a border, so a refusal fails it too (the counts
// stay in the report line, to show that none was refused).
func (f *fixture) edit(b *testing.B, c *city) (time.Duration, pgEdit) {
	for {
		op, pe := c.op(b)
		start := time.Now()
		res, err := f.svc.Apply(context.Background(), f.id, -1, op)
		took := time.Since(start)
		if partition.KindOf(err) == partition.Invalid {
			f.refused++
			if f.why == "" {
				f.why = err.Error()
			}
			if f.refused > 0 {
				b.Fatalf("%s: %d of %d reassigns refused; the first: %s", f.name, f.refused, f.refused+f.applied, f.why)
			}
			continue
		}
		if err != nil {
			b.Fatalf("%s: reassign to %s: %v", f.name, op.To, err)
		}
		if res.Summary.Errors > 0 {
			b.Fatalf("%s: reassign to %s left %d error findings: %s", f.name, op.To, res.Summary.Errors, firstError(res.Findings))
		}
		f.applied++
		return took, pe
	}
}

// refusals describes the reassigns refused so far, and resets the count.
func (f *fixture) refusals() string {
	if f.refused == 0 {
		return "none refused"
	}
	s := fmt.Sprintf("%d of %d refused (%.0f%%), the first: %s", f.refused, f.refused+f.applied, 100*float64(f.refused)/float64(f.refused+f.applied), f.why)
	f.refused, f.applied, f.why = 0, 0, ""
	return s
}

func benchReassign(b, top *testing.B, c *city, f *fixture) {
	ctx := context.Background()
	if c.pg == nil {
		c.pg = loadPGWay(top, c.units)
	}
	var ours, theirs, full []float64
	checked := 0
	for b.Loop() {
		for range benchOps {
			took, pe := f.edit(b, c)
			ours = append(ours, ms(took))
			took, err := c.pg.reassign(ctx, pe)
			if err != nil {
				b.Fatal(err)
			}
			theirs = append(theirs, ms(took))
		}
		for range benchRuns {
			d, n := cityCheck(b, f)
			full, checked = append(full, d.Seconds()), n
		}
	}
	o, p, fc := median(ours), median(theirs), median(full)
	b.ReportMetric(o, "ms/op")
	b.ReportMetric(p, "postgis-ms/op")
	b.ReportMetric(fc, "full-check-s")
	b.ReportMetric(o/p, "ours/postgis")
	b.Logf("draft reassign+check (%s): median %.1f ms over %d ops (target ≤ 50 ms); full check of %d units %.2f s; PostGIS way median %.1f ms; ratio %.2f",
		f.name, o, len(ours), checked, fc, p, o/p)
	b.Logf("reassigns (%s): %s", f.name, f.refusals())
}

// cityCheck runs the tiling check over every family of the draft's units
// from scratch, and fails the benchmark when it finds an error or finds
// other than the draft's own findings.
func cityCheck(b *testing.B, f *fixture) (time.Duration, int) {
	ctx := context.Background()
	v, err := f.svc.Get(ctx, f.id)
	if err != nil {
		b.Fatal(err)
	}
	_, units, err := f.svc.Units(ctx, f.id)
	if err != nil {
		b.Fatal(err)
	}
	var fams []tiling.Family
	for _, fam := range tiling.Families(units) {
		if fam.Parent != nil {
			fams = append(fams, fam)
		}
	}
	opts := tiling.DefaultOptions()
	opts.Rules = f.svc.Rules()
	start := time.Now()
	rep, err := tiling.Run(ctx, tiling.Slice(fams), opts, 0, nil)
	took := time.Since(start)
	if err != nil {
		b.Fatal(err)
	}
	if errs, _ := rep.Count(); errs > 0 || v.Summary.Errors > 0 {
		b.Fatalf("%s: after %d operations the full check finds %d errors (%s), the draft %d", f.name, v.Draft.Head, errs, firstError(rep.Findings), v.Summary.Errors)
	}
	if got, want := len(v.Findings), len(rep.Findings); got != want {
		b.Fatalf("%s: the draft reports %d findings, a full check finds %d", f.name, got, want)
	}
	return took, len(units)
}

func benchUndo(b *testing.B, c *city, f *fixture) {
	ctx := context.Background()
	var undos []float64
	for b.Loop() {
		for range benchOps {
			f.edit(b, c)
			start := time.Now()
			res, err := f.svc.Undo(ctx, f.id, -1, 1)
			undos = append(undos, ms(time.Since(start)))
			if err != nil {
				b.Fatalf("%s: undo: %v", f.name, err)
			}
			if res.Summary.Errors > 0 {
				b.Fatalf("%s: an undo left %d error findings: %s", f.name, res.Summary.Errors, firstError(res.Findings))
			}
		}
	}
	u := median(undos)
	b.ReportMetric(u, "ms/op")
	b.Logf("draft undo (%s): median %.1f ms over %d undos of one reassign (target ≤ 50 ms); reassigns: %s", f.name, u, len(undos), f.refusals())
}

// benchPublish opens a fresh draft of the latest version, makes 20 edits
// and publishes it, benchRuns times; only the publish is timed.
func benchPublish(b *testing.B, c *city, f *fixture) {
	ctx := context.Background()
	var pubs []float64
	var opened time.Duration
	var last int64
	for b.Loop() {
		for range benchRuns {
			id, took := openDraft(b, f.svc, "bench publish")
			opened += took
			pf := &fixture{name: f.name, svc: f.svc, id: id}
			for range publishEdits {
				pf.edit(b, c)
			}
			f.applied, f.refused = f.applied+pf.applied, f.refused+pf.refused
			if f.why == "" {
				f.why = pf.why
			}
			start := time.Now()
			v, err := f.svc.Publish(ctx, id, -1, "")
			pubs = append(pubs, time.Since(start).Seconds())
			if err != nil {
				b.Fatalf("%s: publish: %v", f.name, err)
			}
			last = v.Number
		}
	}
	p, changed := median(pubs), changedUnits(b, f.store, last)
	b.ReportMetric(p*1e3, "ms/op")
	b.ReportMetric(f.published.Seconds(), "city-publish-s")
	b.Logf("draft publish (%s): median %.0f ms over %d publishes of a draft of %d edits (%d units written; target ≤ 2 s); beside it, publishing the city's %d units %v, opening a draft of it %v; reassigns: %s",
		f.name, p*1e3, len(pubs), publishEdits, changed, len(c.units), f.published.Round(time.Millisecond),
		((f.opened + opened) / time.Duration(len(pubs)+1)).Round(time.Millisecond), f.refusals())
}

// changedUnits counts the units that version n wrote.
func changedUnits(b *testing.B, s partition.Store, n int64) int {
	count := 0
	q := partition.Query{AsOf: partition.AsOf{Version: n}, Prefix: synth.CityRoot.Significant()}
	if err := s.Units(context.Background(), q, func(u partition.Unit) error {
		if u.ValidFrom == n {
			count++
		}
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	return count
}

func firstError(fs []partition.Finding) string {
	for _, f := range fs {
		if f.Severity == partition.SeverityError {
			return fmt.Sprintf("%s %v %s", f.Rule, f.Codes, f.Message)
		}
	}
	return "none"
}

func ms(d time.Duration) float64 { return d.Seconds() * 1e3 }

// median is the median of xs (the mean of the middle two for an even
// count); 0 for none.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(xs))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
