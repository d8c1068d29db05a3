// Package proposal makes a partitioner's answer whole: the children that
// balance proposes (a division, or a rebalancing of the current children),
// what that does to the division below them, and the tiling check of the
// whole affected subtree — so that publishing a proposal loses nothing it
// did not mean to change.
//
// A child whose area changed leaves its own children (the micro-grids of a
// rebalanced grid) no longer tiling it. With Redivide, they are divided
// again inside the new polygon with the rule set's band for their level;
// otherwise, and wherever that cannot be done (no band for the level,
// grandchildren below them), they are listed under Attention and the
// check shows how they fail. Children merged away (or, re-dividing a stored
// parent, old children whose code is not reused) are retired with all
// their descendants, each listed. The check runs on the parent's family
// and the family of every changed child, as they will be after publishing.
//
// The package reads the store (the latest version) and does no other I/O.
package proposal

import (
	"context"
	"fmt"
	"sort"

	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/balance"
	"github.com/wangge/wangge/partition/tiling"
)

// Request is what to propose.
type Request struct {
	Parent     partition.Unit
	Households []balance.Household
	// Current are the current children to rebalance; nil divides afresh.
	Current []partition.Unit
	Options balance.Options
	// Rules sizes the check and gives the bands for re-dividing descendants;
	// nil checks no sizes and re-divides nothing.
	Rules *partition.RuleSet
	// Redivide re-divides the children of every changed child.
	Redivide bool
	// Store holds the division the proposal is for (its latest version);
	// nil when the parent is not stored (a file): nothing below is looked at.
	Store partition.Store
}

// Attention is a unit the proposal affects but does not fix, or retires.
type Attention struct {
	Code     partition.Code   `json:"code"`
	Children []partition.Code `json:"children,omitempty"`
	Reason   string           `json:"reason"`
}

// Proposal is the whole answer.
type Proposal struct {
	balance.Result
	Moves []balance.Move
	// Descendants are the re-divided children of changed children.
	Descendants []partition.Unit
	// Retire is every code that publishing the proposal retires, parents
	// before their children.
	Retire    []partition.Code
	Attention []Attention
	// Check is the tiling check of the parent's family and of each changed
	// child's family after the proposal.
	Check tiling.Report
}

// Make proposes, deals with what lies below, and checks the result.
func Make(ctx context.Context, req Request) (Proposal, error) {
	var p Proposal
	var err error
	if req.Current == nil {
		p.Result, err = balance.Divide(ctx, req.Parent, req.Households, req.Options)
	} else {
		p.Result, p.Moves, err = balance.Rebalance(ctx, req.Parent, req.Current, req.Households, req.Options)
	}
	if err != nil {
		return Proposal{}, err
	}
	b := builder{ctx: ctx, req: &req, p: &p}
	if err := b.below(); err != nil {
		return Proposal{}, err
	}
	sort.SliceStable(p.Attention, func(i, j int) bool { return p.Attention[i].Code < p.Attention[j].Code })
	if err := b.check(); err != nil {
		return Proposal{}, err
	}
	return p, nil
}

type builder struct {
	ctx context.Context
	req *Request
	p   *Proposal
	// fams are the affected families after the proposal, the parent's first.
	fams []tiling.Family
}

// below finds the stored children of the parent the proposal replaces and
// the descendants of every changed or retired child.
func (b *builder) below() error {
	p := b.p
	b.fams = []tiling.Family{{Parent: &b.req.Parent, Children: p.Children}}
	if b.req.Store == nil {
		p.Retire = append(p.Retire, p.Retired...)
		return nil
	}
	old, err := b.children(b.req.Parent.Code)
	if err != nil {
		return err
	}
	proposed := map[partition.Code]bool{}
	for _, c := range p.Children {
		proposed[c.Code] = true
	}
	retired := map[partition.Code]bool{}
	for _, c := range p.Retired {
		retired[c] = true
	}
	for _, o := range old {
		if !o.Polygonal() {
			continue // membership units hang from the parent, untouched
		}
		switch {
		case !proposed[o.Code] && !retired[o.Code]:
			// a fresh division of a stored parent replaces its children
			p.Retired = append(p.Retired, o.Code)
		case proposed[o.Code] && b.req.Current == nil && len(o.Staff) > 0:
			b.p.Attention = append(b.p.Attention, Attention{Code: o.Code, Reason: "redrawn by a fresh division: a new area under the same code" + staffNote(&o)})
		}
	}
	for _, code := range p.Retired {
		if err := b.retire(code, fmt.Sprintf("merged or replaced by the proposal for %s", b.req.Parent.Code)); err != nil {
			return err
		}
	}
	changed := b.changed()
	for i := range p.Children {
		if changed[p.Children[i].Code] {
			if err := b.descend(&p.Children[i]); err != nil {
				return err
			}
		}
	}
	return nil
}

// changed are the proposed children whose area is not what is stored: for
// a rebalancing those the report marks, for a division every one.
func (b *builder) changed() map[partition.Code]bool {
	out := map[partition.Code]bool{}
	for _, c := range b.p.Report.Children {
		if b.req.Current == nil || c.Changed {
			out[c.Code] = true
		}
	}
	return out
}

// descend deals with the stored children of a changed child k.
func (b *builder) descend(k *partition.Unit) error {
	kids, err := b.children(k.Code)
	if err != nil || len(kids) == 0 {
		return err
	}
	var poly []partition.Unit
	var codes []partition.Code
	for _, u := range kids {
		if u.Polygonal() {
			poly = append(poly, u)
			codes = append(codes, u.Code)
		}
	}
	if len(poly) == 0 {
		return nil
	}
	level := poly[0].Level
	reason, err := b.redivide(k, poly, level)
	if err != nil {
		return err
	}
	if reason != "" {
		b.p.Attention = append(b.p.Attention, Attention{Code: k.Code, Children: codes,
			Reason: fmt.Sprintf("the area of %s changed: its %d %s units no longer tile it (%s)", k.Code, len(poly), level, reason)})
		b.fams = append(b.fams, tiling.Family{Parent: k, Children: poly})
	}
	return nil
}

// redivide divides k anew into children of the level, retiring the old
// ones whose code is not reused; it returns why it did not, or "".
func (b *builder) redivide(k *partition.Unit, old []partition.Unit, level partition.Level) (string, error) {
	if !b.req.Redivide {
		return "not re-divided: ask for it, or redraw them", nil
	}
	if b.req.Rules == nil {
		return "not re-divided: no rule set gives their band", nil
	}
	lo, hi, err := balance.Band(b.req.Rules, level)
	if err != nil {
		return fmt.Sprintf("not re-divided: rule set %s has no household band for %s", b.req.Rules.Name, level), nil
	}
	for _, o := range old {
		grand, err := b.children(o.Code)
		if err != nil {
			return "", err
		}
		if len(grand) > 0 {
			return fmt.Sprintf("not re-divided: %s has %d children of its own", o.Code, len(grand)), nil
		}
	}
	opts := balance.Options{Min: lo, Max: hi, Level: level, Seed: b.req.Options.Seed, JoinSmallIslands: b.req.Options.JoinSmallIslands}
	res, err := balance.Divide(b.ctx, *k, b.req.Households, opts)
	if err != nil {
		return "", fmt.Errorf("re-divide %s: %w", k.Code, err)
	}
	reused := map[partition.Code]bool{}
	for _, u := range res.Children {
		reused[u.Code] = true
	}
	for _, o := range old {
		switch {
		case !reused[o.Code]:
			b.p.Retire = append(b.p.Retire, o.Code)
			b.p.Attention = append(b.p.Attention, Attention{Code: o.Code, Reason: fmt.Sprintf("retired: %s was re-divided into %d %s units%s", k.Code, len(res.Children), level, staffNote(&o))})
		case len(o.Staff) > 0:
			b.p.Attention = append(b.p.Attention, Attention{Code: o.Code, Reason: fmt.Sprintf("redrawn by the re-division of %s: a new area under the same code%s", k.Code, staffNote(&o))})
		}
	}
	b.p.Descendants = append(b.p.Descendants, res.Children...)
	b.fams = append(b.fams, tiling.Family{Parent: k, Children: res.Children})
	return "", nil
}

func staffNote(u *partition.Unit) string {
	if len(u.Staff) == 0 {
		return ""
	}
	return fmt.Sprintf("; its staff (%d) are not carried to the new units", len(u.Staff))
}

// retire retires a stored unit and, after it, every stored descendant.
func (b *builder) retire(code partition.Code, why string) error {
	u, err := b.req.Store.Unit(b.ctx, code, partition.AsOf{})
	if partition.KindOf(err) == partition.NotFound {
		b.p.Attention = append(b.p.Attention, Attention{Code: code, Reason: why + " (not a stored unit: nothing to retire)"})
		return nil
	}
	if err != nil {
		return fmt.Errorf("retire %s: %w", code, err)
	}
	b.p.Retire = append(b.p.Retire, code)
	b.p.Attention = append(b.p.Attention, Attention{Code: code, Reason: "retired: " + why + staffNote(&u)})
	kids, err := b.children(code)
	if err != nil {
		return err
	}
	for _, k := range kids {
		if err := b.retire(k.Code, "its parent "+string(code)+" is retired"); err != nil {
			return err
		}
	}
	return nil
}

// children are the stored children of a unit, in code order.
func (b *builder) children(code partition.Code) ([]partition.Unit, error) {
	var out []partition.Unit
	err := b.req.Store.Units(b.ctx, partition.Query{Parent: code}, func(u partition.Unit) error {
		out = append(out, u)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("children of %s: %w", code, err)
	}
	return out, nil
}

// check runs the tiling check on the affected families.
func (b *builder) check() error {
	opts := tiling.DefaultOptions()
	opts.Rules = b.req.Rules
	rep, err := tiling.Run(b.ctx, tiling.Slice(b.fams), opts, 0, nil)
	if err != nil {
		return err
	}
	b.p.Check = rep
	return nil
}

// Changeset is what publishing the proposal applies: the children, the
// re-divided descendants, and the retired codes.
func (p *Proposal) Changeset(note string) partition.Changeset {
	units := append(append([]partition.Unit(nil), p.Children...), p.Descendants...)
	return partition.Changeset{Note: note, Units: units, DeleteUnits: p.Retire}
}
