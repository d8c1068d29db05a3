package tiling

import (
	"context"
	"fmt"
	"iter"
	"runtime"
	"sort"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/wangge/wangge/partition"
)

// Family is one parent and its children, or (Parent nil) a group of roots:
// units that are no one's child in the run, checked for validity, codes and
// sizes only.
type Family struct {
	Parent   *partition.Unit
	Children []partition.Unit
}

// Report is the outcome of a run: findings in a deterministic order and one
// summary per parent with a polygon.
type Report struct {
	Findings  []partition.Finding
	Summaries []partition.Summary
}

// Count returns the number of error and warning findings.
func (r *Report) Count() (errors, warnings int) {
	for _, f := range r.Findings {
		if f.Severity == partition.SeverityError {
			errors++
		} else {
			warnings++
		}
	}
	return errors, warnings
}

// Run checks every family that fams yields, on workers goroutines (0: one
// per CPU, runtime.GOMAXPROCS). fams is pulled from one goroutine, so it may
// read a store; done, when not nil, is called after each family from one
// goroutine at a time. Run stops at the first error of fams or of a check,
// or when ctx ends.
func Run(ctx context.Context, fams iter.Seq2[Family, error], opts Options, workers int, done func(n int)) (Report, error) {
	if err := opts.Validate(); err != nil {
		return Report{}, err
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	g, ctx := errgroup.WithContext(ctx)
	in := make(chan Family, workers)
	out := make(chan Result, workers)
	g.Go(func() error {
		defer close(in)
		for f, err := range fams {
			if err != nil {
				return err
			}
			select {
			case in <- f:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return nil
	})
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		g.Go(func() error {
			defer wg.Done()
			for f := range in {
				if err := ctx.Err(); err != nil {
					return err
				}
				res, err := Check(f.Parent, f.Children, opts)
				if err != nil {
					return err
				}
				select {
				case out <- res:
				case <-ctx.Done():
					return ctx.Err()
				}
			}
			return nil
		})
	}
	go func() { wg.Wait(); close(out) }()
	var rep Report
	n := 0
	for res := range out {
		rep.Findings = append(rep.Findings, res.Findings...)
		if res.Summary != nil {
			rep.Summaries = append(rep.Summaries, *res.Summary)
		}
		n++
		if done != nil {
			done(n)
		}
	}
	if err := g.Wait(); err != nil {
		return Report{}, fmt.Errorf("tiling check: %w", err)
	}
	sortFindings(rep.Findings)
	sort.Slice(rep.Summaries, func(i, j int) bool { return rep.Summaries[i].Parent < rep.Summaries[j].Parent })
	return rep, nil
}

// Families builds the hierarchy of units given together (a file, a
// proposal) from their Parent codes: every unit with children among them is
// checked as a parent, and the units whose parent is not among them form
// one group of roots. With duplicate codes, the first unit of a code is the
// parent of its code's children.
func Families(units []partition.Unit) []Family {
	first := make(map[partition.Code]int, len(units))
	for i := range units {
		if _, ok := first[units[i].Code]; !ok {
			first[units[i].Code] = i
		}
	}
	kids := map[int][]partition.Unit{}
	var roots []partition.Unit
	for i := range units {
		u := units[i]
		if p, ok := first[u.Parent]; ok && u.Parent != "" && p != i {
			kids[p] = append(kids[p], u)
			continue
		}
		roots = append(roots, u)
	}
	parents := make([]int, 0, len(kids))
	for p := range kids {
		parents = append(parents, p)
	}
	sort.Slice(parents, func(i, j int) bool { return units[parents[i]].Code < units[parents[j]].Code })
	fams := make([]Family, 0, len(parents)+1)
	if len(roots) > 0 {
		fams = append(fams, Family{Children: roots})
	}
	for _, p := range parents {
		fams = append(fams, Family{Parent: &units[p], Children: kids[p]})
	}
	return fams
}

// Slice yields the families of a slice, for Run.
func Slice(fams []Family) iter.Seq2[Family, error] {
	return func(yield func(Family, error) bool) {
		for _, f := range fams {
			if !yield(f, nil) {
				return
			}
		}
	}
}
