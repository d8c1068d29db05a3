package draft

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"

	"github.com/wangge/wangge/partition"
)

// Snapshot is one draft's units at its head, as they were when it was
// taken, behind the read-only partition.Store interface: what tiles and
// /v1/units serve for ?draft=ID, with the filters, order and paging the
// stores give a published version.
//
// It has one version, the draft's base: an AsOf that is neither the latest
// nor that version is invalid. Units are the draft's (the subtree of its
// root, nothing outside it); vessels are the base version's, which a draft
// does not edit. Every unit it hands out is a copy, its geometry included,
// that the caller may change. It is safe for concurrent use.
type Snapshot struct {
	d     partition.Draft
	base  partition.Version
	units []partition.Unit // in code order; shared with the draft's state: never changed
	store partition.Store  // the vessels of the base version
}

var _ partition.Store = (*Snapshot)(nil)

// Snapshot takes a Snapshot of draft id at its head: a not_found Error
// when there is no such draft.
func (s *Service) Snapshot(ctx context.Context, id string) (*Snapshot, error) {
	e, err := s.acquire(ctx, id)
	if err != nil {
		return nil, err
	}
	d, units := e.d, e.state.Units()
	e.release()
	base, err := s.units.Resolve(ctx, partition.AsOf{Version: d.Base})
	if err != nil {
		return nil, fmt.Errorf("draft %s: its base: %w", id, err)
	}
	return &Snapshot{d: d, base: base, units: units, store: s.units}, nil
}

// Draft is the draft as it was when the snapshot was taken.
func (v *Snapshot) Draft() partition.Draft { return v.d }

// pinned refuses an AsOf that selects another state than the draft's head.
func (v *Snapshot) pinned(at partition.AsOf) error {
	if at.Latest() || (at.Version == v.base.Number && at.Time.IsZero()) {
		return nil
	}
	return partition.Errorf(partition.Invalid, "draft %s has one state, its head on version %d: it cannot be read as of another", v.d.ID, v.base.Number)
}

// Publish refuses: a snapshot is read-only.
func (v *Snapshot) Publish(context.Context, partition.Changeset) (partition.Version, error) {
	return partition.Version{}, partition.Errorf(partition.Invalid, "a draft view is read-only: publish the draft %s itself", v.d.ID)
}

// Versions is the draft's base version alone.
func (v *Snapshot) Versions(context.Context) ([]partition.Version, error) {
	return []partition.Version{v.base}, nil
}

// Resolve returns the draft's base version, for the latest or that version.
func (v *Snapshot) Resolve(_ context.Context, at partition.AsOf) (partition.Version, error) {
	if err := v.pinned(at); err != nil {
		return partition.Version{}, err
	}
	return v.base, nil
}

// Units calls fn for each of the draft's units that q selects (Matches),
// in code order or, with Reverse, the reverse; at most q.Limit of them.
func (v *Snapshot) Units(ctx context.Context, q partition.Query, fn func(partition.Unit) error) error {
	if err := v.pinned(q.AsOf); err != nil {
		return err
	}
	n := 0
	for i := range v.units {
		if q.Limit > 0 && n == q.Limit {
			return nil
		}
		j := i
		if q.Reverse {
			j = len(v.units) - 1 - i
		}
		if !q.Matches(&v.units[j]) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		u := clone(&v.units[j])
		if q.NoGeometry {
			u.Geometry = nil
		}
		if err := fn(u); err != nil {
			return err
		}
		n++
	}
	return nil
}

// Unit returns the draft's unit of that code; a not_found Error when the
// draft has none (it was merged away, or is outside the draft's subtree).
func (v *Snapshot) Unit(_ context.Context, code partition.Code, at partition.AsOf) (partition.Unit, error) {
	if err := v.pinned(at); err != nil {
		return partition.Unit{}, err
	}
	i := sort.Search(len(v.units), func(i int) bool { return v.units[i].Code >= code })
	if i == len(v.units) || v.units[i].Code != code {
		return partition.Unit{}, partition.Errorf(partition.NotFound, "unit %s is not in draft %s (of the subtree of %s)", code, v.d.ID, v.d.Root)
	}
	return clone(&v.units[i]), nil
}

// Vessels calls fn for each vessel of the base version that q selects.
func (v *Snapshot) Vessels(ctx context.Context, q partition.VesselQuery, fn func(partition.Vessel) error) error {
	if err := v.pinned(q.AsOf); err != nil {
		return err
	}
	q.AsOf = partition.AsOf{Version: v.base.Number}
	return v.store.Vessels(ctx, q, fn)
}

// Vessel returns a vessel of the base version.
func (v *Snapshot) Vessel(ctx context.Context, id string, at partition.AsOf) (partition.Vessel, error) {
	if err := v.pinned(at); err != nil {
		return partition.Vessel{}, err
	}
	return v.store.Vessel(ctx, id, partition.AsOf{Version: v.base.Number})
}

// Close does nothing: the snapshot holds nothing but memory.
func (v *Snapshot) Close() error { return nil }

// clone is a copy of u that shares nothing with it: callers such as the
// tile encoder change geometries in place.
func clone(u *partition.Unit) partition.Unit {
	c := *u
	c.Geometry = u.Geometry.Clone()
	c.Staff = slices.Clone(u.Staff)
	c.Props = maps.Clone(u.Props)
	return c
}
