package draft

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/edit"
	"github.com/wangge/wangge/partition/household"
	"github.com/wangge/wangge/partition/tiling"
)

// entry is a draft in memory: its state at Head, the base it started from
// and its log, decoded, with the findings of every family, by parent. Its
// mutex is held while one request reads or edits it.
type entry struct {
	d        partition.Draft
	state    *edit.State
	base     map[partition.Code]partition.Unit
	changes  []edit.Change
	findings map[partition.Code][]partition.Finding
	env      edit.Env
	locked   chan struct{} // a mutex that a waiting request can give up on
}

// acquire returns the entry of draft id, current with the store's revision,
// locked; the caller releases it.
func (s *Service) acquire(ctx context.Context, id string) (*entry, error) {
	d, err := s.drafts.Draft(ctx, id)
	if err != nil {
		return nil, err
	}
	e := s.cached(id)
	select {
	case e.locked <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if e.state == nil || e.d.Revision != d.Revision || e.d.Base != d.Base {
		if err := s.load(ctx, e, d); err != nil {
			e.state = nil
			e.release()
			return nil, err
		}
	}
	e.d = d
	return e, nil
}

func (e *entry) release() { <-e.locked }

// cached returns the entry of id, new when it is not in memory, and makes
// it the most recently used; the least recently used beyond Cached go.
func (s *Service) cached(id string) *entry {
	s.mu.Lock()
	defer s.mu.Unlock()
	if el, ok := s.open[id]; ok {
		s.lru.MoveToFront(el)
		return el.Value.(*entry)
	}
	e := &entry{locked: make(chan struct{}, 1)}
	s.open[id] = s.lru.PushFront(e)
	e.d.ID = id
	for s.lru.Len() > s.opts.Cached {
		old := s.lru.Back()
		s.lru.Remove(old)
		delete(s.open, old.Value.(*entry).d.ID)
	}
	return e
}

func (s *Service) forget(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if el, ok := s.open[id]; ok {
		s.lru.Remove(el)
		delete(s.open, id)
	}
}

// load builds e from the base version, the household layer and the log.
func (s *Service) load(ctx context.Context, e *entry, d partition.Draft) error {
	units, err := s.subtree(ctx, d.Root, d.Base)
	if err != nil {
		return err
	}
	st, err := edit.NewState(d.Root, units)
	if err != nil {
		return fmt.Errorf("draft %s: %w", d.ID, err)
	}
	layer, err := s.layer(ctx, d.Layer)
	if err != nil {
		return err
	}
	ops, err := s.drafts.DraftOps(ctx, d.ID, 0, -1)
	if err != nil {
		return err
	}
	changes := make([]edit.Change, len(ops))
	for i, op := range ops {
		if err := json.Unmarshal(op.Change, &changes[i]); err != nil {
			return fmt.Errorf("draft %s: entry %d of the log: %w", d.ID, i, err)
		}
	}
	for i := 0; i < d.Head && i < len(changes); i++ {
		st.Apply(&changes[i])
	}
	e.d, e.state, e.changes = d, st, changes
	e.base = make(map[partition.Code]partition.Unit, len(units))
	for _, u := range units {
		e.base[u.Code] = u
	}
	e.env = edit.Env{Layer: layer, Rules: s.opts.Rules, Snap: s.opts.Snap, Limits: s.opts.Limits, Seed: uint64(d.Base)}
	return s.checkAll(ctx, e)
}

// subtree reads root and its descendants in version n: the units of root's
// code space whose chain of parents reaches root.
func (s *Service) subtree(ctx context.Context, root partition.Code, n int64) ([]partition.Unit, error) {
	var all []partition.Unit
	q := partition.Query{AsOf: partition.AsOf{Version: n}, Prefix: root.Significant()}
	if err := s.units.Units(ctx, q, func(u partition.Unit) error {
		all = append(all, u)
		return nil
	}); err != nil {
		return nil, err
	}
	in := map[partition.Code]bool{root: true}
	parent := make(map[partition.Code]partition.Code, len(all))
	for _, u := range all {
		parent[u.Code] = u.Parent
	}
	var reaches func(c partition.Code, depth int) bool
	reaches = func(c partition.Code, depth int) bool {
		if v, ok := in[c]; ok || depth > 8 {
			return v
		}
		p, ok := parent[c]
		v := ok && strings.HasPrefix(string(c), root.Significant()) && reaches(p, depth+1)
		in[c] = v
		return v
	}
	out := all[:0]
	for _, u := range all {
		if u.Code == root || reaches(u.Code, 0) {
			out = append(out, u)
		}
	}
	return out, nil
}

// layer returns household layer n (nil for 0), read once.
func (s *Service) layer(ctx context.Context, n int64) (*household.Layer, error) {
	if n == 0 {
		return nil, nil
	}
	s.mu.Lock()
	l, ok := s.layers[n]
	s.mu.Unlock()
	if ok {
		return l, nil
	}
	var pts []partition.HouseholdPoint
	if err := s.drafts.Households(ctx, n, nil, func(p partition.HouseholdPoint) error {
		pts = append(pts, p)
		return nil
	}); err != nil {
		return nil, err
	}
	l = household.New(pts)
	s.mu.Lock()
	s.layers[n] = l
	s.mu.Unlock()
	return l, nil
}

// checkAll checks every family of the draft.
func (s *Service) checkAll(ctx context.Context, e *entry) error {
	var fams []tiling.Family
	for _, u := range e.state.Units() {
		if len(e.state.Children(u.Code)) > 0 {
			p, kids := e.state.Family(u.Code)
			fams = append(fams, tiling.Family{Parent: p, Children: kids})
		}
	}
	rep, err := tiling.Run(ctx, tiling.Slice(fams), s.opts.Tiling, 0, nil)
	if err != nil {
		return fmt.Errorf("check draft %s: %w", e.d.ID, err)
	}
	e.findings = map[partition.Code][]partition.Finding{}
	for _, f := range rep.Findings {
		e.findings[f.Parent] = append(e.findings[f.Parent], f)
	}
	return nil
}

// recheck checks again the families a change touched (as applied or as
// reverted): its own, and those of the parents and units it touched; it
// forgets those of parents no longer there.
func (s *Service) recheck(e *entry, ch *edit.Change) error {
	fams := map[partition.Code]bool{}
	for _, c := range ch.Families {
		fams[c] = true
	}
	for _, us := range [][]partition.Unit{ch.Before, ch.After} {
		for _, u := range us {
			fams[u.Code], fams[u.Parent] = true, true
		}
	}
	for c := range fams {
		p, ok := e.state.Unit(c)
		if !ok || len(e.state.Children(c)) == 0 {
			delete(e.findings, c)
			continue
		}
		_, kids := e.state.Family(c)
		res, err := tiling.Check(p, kids, s.opts.Tiling)
		if err != nil {
			return fmt.Errorf("check the children of %s: %w", c, err)
		}
		if len(res.Findings) == 0 {
			delete(e.findings, c)
		} else {
			e.findings[c] = res.Findings
		}
	}
	return nil
}

// allFindings returns the draft's findings, by parent then as the check
// orders them.
func (e *entry) allFindings() []partition.Finding {
	parents := make([]partition.Code, 0, len(e.findings))
	for p := range e.findings {
		parents = append(parents, p)
	}
	sort.Slice(parents, func(i, j int) bool { return parents[i] < parents[j] })
	var out []partition.Finding
	for _, p := range parents {
		out = append(out, e.findings[p]...)
	}
	return out
}
