package draft

import (
	"context"
	"strings"
	"time"

	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/diff"
	"github.com/wangge/wangge/partition/household"
)

// Side is one state a diff compares: a published version (At) or a
// draft's head (Draft).
type Side struct {
	At    partition.AsOf
	Draft string
}

// ParseSide reads a side as clients write it: "draft:ID", or an as-of (a
// version number, an RFC 3339 time, a date; "" the latest).
func ParseSide(v string, loc *time.Location) (Side, error) {
	if id, ok := strings.CutPrefix(v, "draft:"); ok {
		if id == "" {
			return Side{}, partition.Errorf(partition.Invalid, "%q: name the draft, draft:ID", v)
		}
		return Side{Draft: id}, nil
	}
	at, err := partition.ParseAsOf(v, loc)
	return Side{At: at}, err
}

// Diff compares the subtree of root in two states. root may be empty when
// a side is a draft: its root. Households are counted with the layer of
// the draft (the later side's when both are), or the newest layer when
// both sides are versions.
func (s *Service) Diff(ctx context.Context, from, to Side, root partition.Code) (diff.Result, error) {
	if root == "" {
		for _, sd := range []Side{to, from} {
			if sd.Draft != "" {
				d, err := s.drafts.Draft(ctx, sd.Draft)
				if err != nil {
					return diff.Result{}, err
				}
				root = d.Root
				break
			}
		}
	}
	if root == "" {
		return diff.Result{}, partition.Errorf(partition.Invalid, "root: missing: name the unit whose subtree is compared")
	}
	var layer *household.Layer
	units := make([][]partition.Unit, 2)
	for i, sd := range []Side{from, to} {
		us, l, err := s.side(ctx, sd, root)
		if err != nil {
			return diff.Result{}, err
		}
		units[i] = us
		if l != nil {
			layer = l
		}
	}
	if layer == nil && from.Draft == "" && to.Draft == "" {
		ls, err := s.drafts.HouseholdLayers(ctx)
		if err != nil {
			return diff.Result{}, err
		}
		if len(ls) > 0 {
			if layer, err = s.layer(ctx, ls[len(ls)-1].Number); err != nil {
				return diff.Result{}, err
			}
		}
	}
	opts := diff.DefaultOptions()
	opts.Layer = layer
	return diff.Compare(ctx, units[0], units[1], opts)
}

// side reads the subtree of root in one state, and the draft's layer.
func (s *Service) side(ctx context.Context, sd Side, root partition.Code) ([]partition.Unit, *household.Layer, error) {
	if sd.Draft == "" {
		v, err := s.units.Resolve(ctx, sd.At)
		if err != nil {
			return nil, nil, err
		}
		if _, err := s.units.Unit(ctx, root, partition.AsOf{Version: v.Number}); err != nil {
			return nil, nil, err
		}
		us, err := s.subtree(ctx, root, v.Number)
		return us, nil, err
	}
	e, err := s.acquire(ctx, sd.Draft)
	if err != nil {
		return nil, nil, err
	}
	defer e.release()
	if _, ok := e.state.Unit(root); !ok {
		return nil, nil, partition.Errorf(partition.Invalid, "root: %s is not in draft %s, whose subtree is that of %s", root, sd.Draft, e.d.Root)
	}
	var out []partition.Unit
	var walk func(c partition.Code)
	walk = func(c partition.Code) {
		u, _ := e.state.Unit(c)
		out = append(out, *u)
		for _, k := range e.state.Children(c) {
			walk(k)
		}
	}
	walk(root)
	return out, e.env.Layer, nil
}
