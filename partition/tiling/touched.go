package tiling

import (
	"context"
	"fmt"
	"iter"
	"sort"
	"strings"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/partition"
)

// ChangesetReport is the tiling check of a changeset before it is
// published (CheckChangeset).
type ChangesetReport struct {
	Report
	// Against is the version the changeset was checked against, 0 when
	// nothing was published yet.
	Against int64
	// Families is the number of families checked, the changeset's roots
	// counting as one.
	Families int
}

// ChangesetSummary is what a publish answers about the check: counts and
// the per-parent summaries, rounded as WriteGeoJSON rounds them.
type ChangesetSummary struct {
	Against  int64               `json:"against_version"`
	Families int                 `json:"families"`
	Errors   int                 `json:"errors"`
	Warnings int                 `json:"warnings"`
	Summary  []partition.Summary `json:"summary"`
}

// Summary returns the report's counts and summaries.
func (r *ChangesetReport) Summary() ChangesetSummary {
	errs, warns := r.Count()
	return ChangesetSummary{Against: r.Against, Families: r.Families, Errors: errs, Warnings: warns, Summary: roundSummaries(r.Summaries)}
}

// CheckChangeset first checks cs as Publish would (partition.CheckChangeset
// over the latest version of s, with limits lim), returning its invalid
// error for a changeset that cannot be published at all; then it runs the
// tiling check (Run, with opts) on every family
// that cs touches, as it will be once cs is published over the latest
// version of s, and reports each unit that cs detaches from its parent
// (RuleDetached, a warning). The families touched are, for every unit cs
// writes or retires: its parent's family (the parent's polygon and all its
// children after the changeset: the stored ones, replaced by those cs
// writes, without those it retires or moves away, plus those cs adds); the
// unit's own family when it has children afterwards; and the family of its
// stored parent when cs moves it to another parent or to none. A parent
// that cs does not hold is read from the store, and so are its other
// children: a unit published alone is checked against its stored parent
// and siblings. The units cs leaves without a parent are checked as roots
// (validity, codes).
//
// The store is read at its latest version before the publish: a publish
// that comes in between is not seen (the stores have no "publish only over
// version N" yet).
func CheckChangeset(ctx context.Context, s partition.Store, cs *partition.Changeset, opts Options, lim geo.Limits) (ChangesetReport, error) {
	var version int64
	switch v, err := s.Resolve(ctx, partition.AsOf{}); {
	case partition.KindOf(err) == partition.NotFound:
	case err != nil:
		return ChangesetReport{}, err
	default:
		version = v.Number
	}
	if err := partition.CheckChangeset(ctx, cs, partition.StoreLookup(s, version), lim); err != nil {
		return ChangesetReport{}, err
	}
	t, err := touch(ctx, s, version, cs)
	if err != nil {
		return ChangesetReport{}, fmt.Errorf("families touched by the changeset: %w", err)
	}
	n := 0
	rep, err := Run(ctx, t.families(ctx), opts, 0, func(k int) { n = k })
	if err != nil {
		return ChangesetReport{}, err
	}
	for _, f := range t.detached {
		rep.Findings = append(rep.Findings, f)
		for i := range rep.Summaries {
			if rep.Summaries[i].Parent == f.Parent {
				rep.Summaries[i].Warnings++
			}
		}
	}
	sortFindings(rep.Findings)
	return ChangesetReport{Report: rep, Against: t.version, Families: n}, nil
}

// touched is what a changeset touches in the version it is published over.
type touched struct {
	s       partition.Store
	version int64                              // 0: nothing is published
	written map[partition.Code]*partition.Unit // the first unit of each code
	retired map[partition.Code]bool
	kids    map[partition.Code][]*partition.Unit // the changeset's units by parent
	roots   []partition.Unit                     // the changeset's units without a parent
	// was holds the stored parent ("" for a root) of each stored unit under
	// the scanned prefixes, storedKids the stored children of each unit
	// there; a unit whose code is under a scanned prefix has all its
	// stored children in storedKids (a child's code starts with its
	// parent's significant prefix).
	was        map[partition.Code]partition.Code
	storedKids map[partition.Code][]partition.Code
	scanned    []string
	fams       []plannedFamily
	detached   []partition.Finding
}

// plannedFamily is a family to check: its parent and the stored children
// that stay in it, read with their geometry only when it is checked.
type plannedFamily struct {
	parent partition.Code
	keep   map[partition.Code]bool
}

func touch(ctx context.Context, s partition.Store, version int64, cs *partition.Changeset) (*touched, error) {
	t := &touched{s: s, version: version, written: map[partition.Code]*partition.Unit{}, retired: map[partition.Code]bool{},
		kids: map[partition.Code][]*partition.Unit{}, was: map[partition.Code]partition.Code{}, storedKids: map[partition.Code][]partition.Code{}}
	for i := range cs.Units {
		u := &cs.Units[i]
		if _, dup := t.written[u.Code]; !dup {
			t.written[u.Code] = u
		}
		if u.Parent == "" {
			t.roots = append(t.roots, *u)
		} else if u.Parent != u.Code {
			t.kids[u.Parent] = append(t.kids[u.Parent], u)
		}
	}
	for _, c := range cs.DeleteUnits {
		t.retired[c] = true
	}
	if version > 0 {
		if err := t.scan(ctx); err != nil {
			return nil, err
		}
	}
	return t, t.plan(ctx)
}

// scan reads, without geometry, the stored units under the significant
// prefixes of the codes written or retired: their stored parents and
// children. Nested prefixes are read once, by the shortest.
func (t *touched) scan(ctx context.Context) error {
	var prefixes []string
	add := func(c partition.Code) {
		if p := c.Significant(); digits(p) {
			prefixes = append(prefixes, p)
		}
	}
	for c := range t.written {
		add(c)
	}
	for c := range t.retired {
		add(c)
	}
	sort.Strings(prefixes)
	for _, p := range prefixes { // a prefix sorts just before the codes that extend it
		if n := len(t.scanned); n > 0 && strings.HasPrefix(p, t.scanned[n-1]) {
			continue
		}
		t.scanned = append(t.scanned, p)
		q := partition.Query{AsOf: t.at(), Prefix: p, NoGeometry: true}
		err := t.s.Units(ctx, q, func(u partition.Unit) error {
			t.was[u.Code] = u.Parent
			if u.Parent != "" {
				t.storedKids[u.Parent] = append(t.storedKids[u.Parent], u.Code)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("read the stored units under %s: %w", p, err)
		}
	}
	return nil
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

func (t *touched) at() partition.AsOf { return partition.AsOf{Version: t.version} }

// plan finds the families to check and the units detached.
func (t *touched) plan(ctx context.Context) error {
	cand := map[partition.Code]bool{}
	for code, u := range t.written {
		cand[code] = true
		if u.Parent != "" {
			cand[u.Parent] = true
		}
		old, stored := t.was[code]
		switch {
		case !stored || old == "" || old == u.Parent:
		case u.Parent == "":
			cand[old] = true
			t.detached = append(t.detached, detachedFinding(u, old))
		default:
			cand[old] = true
		}
	}
	for code := range t.retired {
		if old := t.was[code]; old != "" {
			cand[old] = true
		}
	}
	parents := make([]partition.Code, 0, len(cand))
	for p := range cand {
		if !t.retired[p] {
			parents = append(parents, p)
		}
	}
	sort.Slice(parents, func(i, j int) bool { return parents[i] < parents[j] })
	for _, p := range parents {
		stored, err := t.storedChildren(ctx, p)
		if err != nil {
			return err
		}
		f := plannedFamily{parent: p, keep: map[partition.Code]bool{}}
		for _, c := range stored {
			if _, rewritten := t.written[c]; !rewritten && !t.retired[c] {
				f.keep[c] = true
			}
		}
		if len(f.keep) > 0 || len(t.kids[p]) > 0 {
			t.fams = append(t.fams, f)
		}
	}
	return nil
}

// storedChildren returns the codes of p's stored children: from the scans
// when p lies under a scanned prefix, else read.
func (t *touched) storedChildren(ctx context.Context, p partition.Code) ([]partition.Code, error) {
	if t.version == 0 {
		return nil, nil
	}
	sig := p.Significant()
	for _, s := range t.scanned {
		if strings.HasPrefix(sig, s) {
			return t.storedKids[p], nil
		}
	}
	var out []partition.Code
	err := t.s.Units(ctx, partition.Query{AsOf: t.at(), Parent: p, NoGeometry: true}, func(u partition.Unit) error {
		out = append(out, u.Code)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read the stored children of %s: %w", p, err)
	}
	return out, nil
}

func detachedFinding(u *partition.Unit, old partition.Code) partition.Finding {
	return partition.Finding{Rule: partition.RuleDetached, Severity: partition.SeverityWarning, Parent: old,
		Codes: []partition.Code{old, u.Code}, Geometry: unitGeometry(u),
		Message: fmt.Sprintf("%s is a child of %s and is published with no parent: it leaves the family of %s and becomes a root", u.Code, old, old)}
}

// families yields the roots of the changeset, then each planned family
// with its geometries, read one family at a time.
func (t *touched) families(ctx context.Context) iter.Seq2[Family, error] {
	return func(yield func(Family, error) bool) {
		if len(t.roots) > 0 && !yield(Family{Children: t.roots}, nil) {
			return
		}
		for _, pf := range t.fams {
			f, ok, err := t.family(ctx, pf)
			if err != nil {
				yield(Family{}, err)
				return
			}
			if ok && !yield(f, nil) {
				return
			}
		}
	}
}

// family reads a planned family; ok is false when its parent exists
// neither in the changeset nor in the store.
func (t *touched) family(ctx context.Context, pf plannedFamily) (Family, bool, error) {
	var f Family
	if u, ok := t.written[pf.parent]; ok {
		f.Parent = u
	} else {
		if t.version == 0 {
			return Family{}, false, nil
		}
		p, err := t.s.Unit(ctx, pf.parent, t.at())
		if partition.KindOf(err) == partition.NotFound {
			return Family{}, false, nil
		} else if err != nil {
			return Family{}, false, fmt.Errorf("read %s: %w", pf.parent, err)
		}
		f.Parent = &p
	}
	if len(pf.keep) > 0 {
		err := t.s.Units(ctx, partition.Query{AsOf: t.at(), Parent: pf.parent}, func(u partition.Unit) error {
			if pf.keep[u.Code] {
				f.Children = append(f.Children, u)
			}
			return nil
		})
		if err != nil {
			return Family{}, false, fmt.Errorf("read the children of %s: %w", pf.parent, err)
		}
	}
	for _, u := range t.kids[pf.parent] {
		f.Children = append(f.Children, *u)
	}
	sort.SliceStable(f.Children, func(i, j int) bool { return f.Children[i].Code < f.Children[j].Code })
	return f, true, nil
}

// Refusal returns the error that refuses publishing cs because the check
// found errors, nil when it found none: of kind Untiled, with one problem
// per error finding giving its rule, codes and area, and the index and code
// of the first unit of cs it names (index -1 when it names only stored
// units).
func (r *ChangesetReport) Refusal(cs *partition.Changeset) error {
	errs, warns := r.Count()
	if errs == 0 {
		return nil
	}
	index := make(map[partition.Code]int, len(cs.Units))
	for i := len(cs.Units) - 1; i >= 0; i-- {
		index[cs.Units[i].Code] = i
	}
	problems := make([]partition.Problem, 0, errs)
	for i := range r.Findings {
		if f := &r.Findings[i]; f.Severity == partition.SeverityError {
			problems = append(problems, findingProblem(f, index))
		}
	}
	return &partition.Error{Kind: partition.Untiled, Problems: problems,
		Message: fmt.Sprintf("the tiling check of the families the changeset touches found %d errors and %d warnings, and an exact tiling is required: nothing was published", errs, warns)}
}

func findingProblem(f *partition.Finding, index map[partition.Code]int) partition.Problem {
	p := partition.Problem{Index: -1, Rule: f.Rule, Codes: f.Codes, Area: typedRound(f.Area), Message: f.Message, Field: "geometry"}
	switch f.Rule {
	case partition.RuleCode:
		p.Field = "code"
	case partition.RuleSize:
		p.Field = "households"
	}
	for _, c := range f.Codes {
		if i, ok := index[c]; ok {
			p.Index, p.Code = i, string(c)
			return p
		}
	}
	if len(f.Codes) > 0 {
		p.Code = string(f.Codes[0])
	}
	return p
}
