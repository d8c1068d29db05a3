package api

import (
	"context"

	"github.com/gin-gonic/gin"

	"github.com/wangge/wangge/api/ogc"
	"github.com/wangge/wangge/api/tiles"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/edit"
)

// source is the state a read of units serves: a published version, or a
// draft's head through its read-only view (draft.Snapshot), which filters,
// orders and pages as a store does.
type source struct {
	store   partition.Store
	version partition.Version // the version read, a draft's base; zero when nothing is published
	draft   *partition.Draft  // nil for a published version
}

// at pins reads to the source's version.
func (src *source) at() partition.AsOf { return partition.AsOf{Version: src.version.Number} }

// source reads `draft` and `as_of`: the view of the draft draft names (as_of
// with it is refused), or the version as_of selects. Nothing published yet
// is a zero version for the latest, not an error.
func (s *Server) source(c *gin.Context) (source, error) {
	ctx := c.Request.Context()
	id := c.Query("draft")
	if id == "" {
		at, err := s.asOf(c)
		if err != nil {
			return source{}, err
		}
		v, err := s.store.Resolve(ctx, at)
		if err != nil && !(partition.KindOf(err) == partition.NotFound && at.Latest()) {
			return source{}, err
		}
		return source{store: s.store, version: v}, nil
	}
	if c.Query("as_of") != "" {
		return source{}, invalidf("as_of and draft: a draft has one state, its head: give draft or as_of, not both")
	}
	view, err := s.draftView(ctx, id)
	if err != nil {
		return source{}, err
	}
	v, err := view.Resolve(ctx, partition.AsOf{})
	if err != nil {
		return source{}, err
	}
	d := view.Draft()
	return source{store: view, version: v, draft: &d}, nil
}

// draftView is the read-only view of draft id at its head, which tiles
// and /v1/units read for ?draft=ID.
func (s *Server) draftView(ctx context.Context, id string) (tiles.DraftView, error) {
	if s.drafts == nil {
		return nil, partition.Errorf(partition.NotFound, "draft %s: this store keeps no drafts", id)
	}
	snap, err := s.drafts.Snapshot(ctx, id)
	if err != nil {
		return nil, err
	}
	return snap, nil
}

// ancestor is unit p of src. Above a draft's root, which the draft does
// not edit, it is the base version's unit.
func (s *Server) ancestor(ctx context.Context, src *source, p partition.Code) (partition.Unit, error) {
	a, err := src.store.Unit(ctx, p, src.at())
	if err != nil && src.draft != nil && partition.KindOf(err) == partition.NotFound {
		return s.store.Unit(ctx, p, src.at())
	}
	return a, err
}

// ogcDrafts are the hooks through which OGC API – Features reads drafts
// (?draft=ID, X-Wangge-Draft) and writes into them (Part 4); none when the
// store keeps no drafts.
func (s *Server) ogcDrafts() ogc.Drafts {
	if s.drafts == nil {
		return ogc.Drafts{}
	}
	return ogc.Drafts{
		View: func(ctx context.Context, id string) (ogc.DraftView, error) {
			snap, err := s.drafts.Snapshot(ctx, id)
			if err != nil {
				return nil, err
			}
			return snap, nil
		},
		Apply: func(ctx context.Context, id string, rev int64, op edit.Op) (partition.Draft, []edit.Change, error) {
			res, err := s.drafts.Apply(ctx, id, rev, op)
			return res.Draft, res.Changes, err
		},
		Log: s.drafts.Log,
	}
}
