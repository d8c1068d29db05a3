package draft

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/wangge/wangge/partition"
)

// Publish makes the draft a new version, all or nothing, when the tiling
// check finds no error in it (an Untiled error listing the findings
// otherwise), outside the review chain: only an admin may (or a request
// without access control). Units that changed upstream since the draft's
// base make it a Conflict: rebase first.
func (s *Service) Publish(ctx context.Context, id string, rev int64, note string) (partition.Version, error) {
	if err := allow(ctx, "publishing draft "+id+" outside the review chain", admins); err != nil {
		return partition.Version{}, err
	}
	return s.publish(ctx, id, rev, note, partition.DraftTransition{Comment: note},
		partition.StateDraft, partition.StateSubmitted, partition.StateReviewed)
}

// File files a reviewed draft (市级备案), by a filer whose scope covers its
// root: it is published as a new version, as Publish does, with the
// comment as the version's note.
func (s *Service) File(ctx context.Context, id string, rev int64, comment string) (partition.Version, error) {
	d, err := s.drafts.Draft(ctx, id)
	if err != nil {
		return partition.Version{}, err
	}
	if err := allow(ctx, "filing draft "+id, filers, d.Root); err != nil {
		return partition.Version{}, err
	}
	if d.State != partition.StateReviewed && d.Published == 0 {
		return partition.Version{}, partition.Errorf(partition.Conflict, "draft %s is %s: only a reviewed draft can be filed", id, d.State)
	}
	return s.publish(ctx, id, rev, comment, partition.DraftTransition{Comment: comment}, partition.StateReviewed)
}

// publish publishes the draft, recording the transition t, from one of the
// states from.
func (s *Service) publish(ctx context.Context, id string, rev int64, note string, t partition.DraftTransition, from ...partition.DraftState) (partition.Version, error) {
	e, err := s.acquire(ctx, id)
	if err != nil {
		return partition.Version{}, err
	}
	defer e.release()
	if err := s.writable(ctx, e, rev); err != nil {
		return partition.Version{}, err
	}
	if err := gate(e); err != nil {
		return partition.Version{}, err
	}
	cs := e.changeset(note)
	if cs.Empty() {
		return partition.Version{}, partition.Errorf(partition.Invalid, "draft %s changes nothing: there is nothing to publish", id)
	}
	v, err := s.drafts.PublishDraft(ctx, id, e.d.Revision, cs, t, from...)
	if err != nil {
		return v, err
	}
	e.state = nil // the draft is published: read it again
	s.log.InfoContext(ctx, "published a draft", "draft", id, "version", v.Number, "units", len(cs.Units), "retired", len(cs.DeleteUnits))
	return v, nil
}

// gate refuses a draft with error findings: the tiling gate.
func gate(e *entry) error {
	var ps []partition.Problem
	for _, f := range e.allFindings() {
		if f.Severity == partition.SeverityError {
			ps = append(ps, partition.Problem{Index: -1, Rule: f.Rule, Codes: f.Codes, Area: f.Area, Message: f.Message})
		}
	}
	if len(ps) == 0 {
		return nil
	}
	return &partition.Error{Kind: partition.Untiled, Problems: ps,
		Message: fmt.Sprintf("draft %s has %d error findings: it cannot be published until they are fixed", e.d.ID, len(ps))}
}

// changeset is what publishing the draft writes: the units that differ
// from the base, and the codes of the base that are gone.
func (e *entry) changeset(note string) partition.Changeset {
	if note == "" {
		note = fmt.Sprintf("draft %s of %s", e.d.ID, e.d.Root)
		if e.d.Note != "" {
			note += ": " + e.d.Note
		}
	}
	cs := partition.Changeset{Note: note}
	for _, u := range e.state.Units() {
		if b, ok := e.base[u.Code]; !ok || !same(&b, &u) {
			u.ValidFrom, u.ValidTo = 0, 0
			cs.Units = append(cs.Units, u)
		}
	}
	for c := range e.base {
		if _, ok := e.state.Unit(c); !ok {
			cs.DeleteUnits = append(cs.DeleteUnits, c)
		}
	}
	sort.Slice(cs.DeleteUnits, func(i, j int) bool { return cs.DeleteUnits[i] < cs.DeleteUnits[j] })
	return cs
}

// same reports whether two units are the same but for their version range.
func same(a, b *partition.Unit) bool {
	x, y := *a, *b
	x.ValidFrom, x.ValidTo, y.ValidFrom, y.ValidTo = 0, 0, 0, 0
	if len(x.Staff) == 0 {
		x.Staff = nil
	}
	if len(y.Staff) == 0 {
		y.Staff = nil
	}
	if len(x.Props) == 0 {
		x.Props = nil
	}
	if len(y.Props) == 0 {
		y.Props = nil
	}
	return reflect.DeepEqual(x, y)
}

// RebaseConflict refuses a rebase: units the draft changed were changed
// upstream too. It is a Conflict (Unwrap).
type RebaseConflict struct {
	Draft          string
	Base, Latest   int64
	Ours, Theirs   []partition.Unit // the conflicting units in the draft and in the latest version (absent when retired)
	Codes          []partition.Code
	partitionError *partition.Error
}

func (c *RebaseConflict) Error() string { return c.partitionError.Error() }

// Unwrap is the Conflict *partition.Error naming each code.
func (c *RebaseConflict) Unwrap() error { return c.partitionError }

// Rebase moves the draft onto the latest version: its edits stay, the rest
// of its subtree becomes the latest. Refused (*RebaseConflict) when a unit
// the draft changed was changed upstream since its base.
func (s *Service) Rebase(ctx context.Context, id string, rev int64) (partition.Draft, error) {
	e, err := s.acquire(ctx, id)
	if err != nil {
		return partition.Draft{}, err
	}
	defer e.release()
	if err := allow(ctx, "rebasing draft "+id, planners, e.d.Root); err != nil {
		return partition.Draft{}, err
	}
	if err := s.writable(ctx, e, rev); err != nil {
		return partition.Draft{}, err
	}
	if err := editable(e); err != nil {
		return partition.Draft{}, err
	}
	latest, err := s.units.Resolve(ctx, partition.AsOf{})
	if err != nil {
		return partition.Draft{}, err
	}
	if latest.Number == e.d.Base {
		return e.d, nil
	}
	theirs, err := s.subtree(ctx, e.d.Root, latest.Number)
	if err != nil {
		return partition.Draft{}, err
	}
	if c := conflicts(e, theirs, latest.Number); c != nil {
		return partition.Draft{}, c
	}
	d, err := s.drafts.RebaseDraft(ctx, id, e.d.Revision, latest.Number)
	if err != nil {
		return d, err
	}
	if err := s.load(ctx, e, d); err != nil {
		e.state = nil
		return d, err
	}
	return d, nil
}

// conflicts finds the units changed both in the draft and upstream.
func conflicts(e *entry, theirs []partition.Unit, latest int64) *RebaseConflict {
	up := map[partition.Code]*partition.Unit{}
	for i := range theirs {
		up[theirs[i].Code] = &theirs[i]
	}
	changedUp := func(c partition.Code) bool {
		b, inBase := e.base[c]
		t, inLatest := up[c]
		if inBase != inLatest {
			return true
		}
		return inBase && !same(&b, t)
	}
	rc := &RebaseConflict{Draft: e.d.ID, Base: e.d.Base, Latest: latest}
	cs := e.changeset("")
	mine := append([]partition.Code(nil), cs.DeleteUnits...)
	for _, u := range cs.Units {
		mine = append(mine, u.Code)
	}
	sort.Slice(mine, func(i, j int) bool { return mine[i] < mine[j] })
	var ps []partition.Problem
	for _, c := range mine {
		if !changedUp(c) {
			continue
		}
		rc.Codes = append(rc.Codes, c)
		if u, ok := e.state.Unit(c); ok {
			rc.Ours = append(rc.Ours, *u)
		}
		if t, ok := up[c]; ok {
			rc.Theirs = append(rc.Theirs, *t)
		}
		ps = append(ps, partition.Problem{Index: -1, Code: string(c), Message: fmt.Sprintf("changed in the draft and in a version after its base %d", e.d.Base)})
	}
	if len(rc.Codes) == 0 {
		return nil
	}
	names := make([]string, len(rc.Codes))
	for i, c := range rc.Codes {
		names[i] = string(c)
	}
	rc.partitionError = &partition.Error{Kind: partition.Conflict, Problems: ps,
		Message: fmt.Sprintf("draft %s cannot be rebased on version %d: %s changed both in the draft and upstream", e.d.ID, latest, strings.Join(names, ", "))}
	return rc
}
