// Package draft runs planners' drafts: a working copy of one subtree on a
// published version, edited by the operations of package edit, checked
// again after each (only the families an operation touched), undone and
// redone along its log, rebased on a newer version and published as a new
// version only when the tiling check finds no error.
//
// The store keeps each draft and its log (partition.DraftStore); the
// Service keeps the drafts in use in memory, built from the base version
// and the log, so that an edit costs the operation and the check of its
// families, not a reload. Another process (or replica) that changed a
// draft is noticed by its revision, and the draft is built again.
//
// A Snapshot shows a draft's head as a read-only partition.Store, so that
// whatever reads a published version (tiles, /v1/units) reads a draft the
// same way.
package draft

import (
	"container/list"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"sync"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/household"
	"github.com/wangge/wangge/partition/tiling"
)

// Options configure a Service.
type Options struct {
	// Rules is the sizing standard: the band households are shown against,
	// size findings, and the partitioner's default band. nil: none.
	Rules *partition.RuleSet
	// Tiling are the check's tolerances (Rules is taken from above).
	Tiling tiling.Options
	// Snap is the default snapping tolerance of operations (0: 0.5 m).
	Snap   geo.Meters
	Limits geo.Limits
	// Cached is how many drafts are kept in memory (0: 16).
	Cached int
}

// Service runs drafts over a store. It is safe for concurrent use.
type Service struct {
	units  partition.Store
	drafts partition.DraftStore
	opts   Options
	log    *slog.Logger

	mu     sync.Mutex
	open   map[string]*list.Element // of *entry
	lru    *list.List
	layers map[int64]*household.Layer
}

// New returns a Service over a store that keeps both units and drafts.
func New(units partition.Store, drafts partition.DraftStore, opts Options, log *slog.Logger) *Service {
	if opts.Cached <= 0 {
		opts.Cached = 16
	}
	if opts.Tiling == (tiling.Options{}) {
		opts.Tiling = tiling.DefaultOptions()
	}
	opts.Tiling.Rules = opts.Rules
	if opts.Limits.MaxVertices == 0 {
		opts.Limits = geo.DefaultLimits
	}
	return &Service{units: units, drafts: drafts, opts: opts, log: log, open: map[string]*list.Element{}, lru: list.New(), layers: map[int64]*household.Layer{}}
}

// Rules is the service's sizing standard (nil when none).
func (s *Service) Rules() *partition.RuleSet { return s.opts.Rules }

// Create starts a draft of the subtree of root on the version at selects,
// counting households with the newest household layer.
func (s *Service) Create(ctx context.Context, root partition.Code, at partition.AsOf, note string) (partition.Draft, error) {
	if err := allow(ctx, "a draft", planners); err != nil {
		return partition.Draft{}, err
	}
	if root == "" {
		return partition.Draft{}, partition.Errorf(partition.Invalid, "root: missing: want the code of the unit whose subtree the draft edits")
	}
	if err := allow(ctx, "a draft of "+string(root), planners, root); err != nil {
		return partition.Draft{}, err
	}
	v, err := s.units.Resolve(ctx, at)
	if err != nil {
		return partition.Draft{}, err
	}
	u, err := s.units.Unit(ctx, root, partition.AsOf{Version: v.Number})
	if err != nil {
		return partition.Draft{}, err
	}
	if !u.Polygonal() {
		return partition.Draft{}, partition.Errorf(partition.Invalid, "root: %s is a %s unit, which has no area to edit", root, u.Kind)
	}
	layers, err := s.drafts.HouseholdLayers(ctx)
	if err != nil {
		return partition.Draft{}, err
	}
	d := partition.Draft{ID: newID(), Root: root, Base: v.Number, Note: note}
	if len(layers) > 0 {
		d.Layer = layers[len(layers)-1].Number
	}
	return s.drafts.CreateDraft(ctx, d)
}

// List lists the drafts, newest first.
func (s *Service) List(ctx context.Context) ([]partition.Draft, error) { return s.drafts.Drafts(ctx) }

// Delete deletes a draft and its log.
func (s *Service) Delete(ctx context.Context, id string) error {
	d, err := s.drafts.Draft(ctx, id)
	if err != nil {
		return err
	}
	if err := allow(ctx, "deleting draft "+id, planners, d.Root); err != nil {
		return err
	}
	if err := s.drafts.DeleteDraft(ctx, id); err != nil {
		return err
	}
	s.forget(id)
	return nil
}

// Log returns the draft's log with each entry's change.
func (s *Service) Log(ctx context.Context, id string) (partition.Draft, []partition.DraftOp, error) {
	d, err := s.drafts.Draft(ctx, id)
	if err != nil {
		return d, nil, err
	}
	ops, err := s.drafts.DraftOps(ctx, id, 0, -1)
	return d, ops, err
}

func newID() string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err)) // never fails on Linux
	}
	return hex.EncodeToString(b[:])
}
