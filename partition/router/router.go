package router

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"

	"github.com/wangge/wangge/partition"
)

// Router holds the index of the latest published version and replaces it
// atomically: a request takes the current index once ([Router.Current]) and
// answers from it alone, so it never sees a mix of versions, and a new
// index is built off to the side while requests go on.
type Router struct {
	store partition.Store
	opts  Options
	log   *slog.Logger
	cur   atomic.Pointer[Index]
	mu    sync.Mutex // one build at a time
	past  *pastCache // indexes of past versions (At)
}

// NewRouter returns a router over the store with an empty index; call
// Reload to build the first one.
func NewRouter(s partition.Store, opts Options, log *slog.Logger) *Router {
	opts.defaults()
	r := &Router{store: s, opts: opts, log: log, past: newPastCache(opts.Past)}
	empty, _ := New(partition.Version{}, nil, opts)
	r.cur.Store(empty)
	return r
}

// Current is the index to answer from.
func (r *Router) Current() *Index { return r.cur.Load() }

// Reload builds the index of the latest version and swaps it in, unless the
// current index is already of that version or a later one.
func (r *Router) Reload(ctx context.Context) (*Index, error) { return r.ReloadTo(ctx, 0) }

// ReloadTo makes sure the current index is of version n or later (0: the
// latest), building the latest version's index when it is not.
func (r *Router) ReloadTo(ctx context.Context, n int64) (*Index, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	cur := r.cur.Load()
	if n > 0 && cur.version.Number >= n {
		return cur, nil
	}
	v, err := r.store.Resolve(ctx, partition.AsOf{})
	if err != nil {
		if partition.KindOf(err) == partition.NotFound {
			return cur, nil
		}
		return nil, fmt.Errorf("reload router: %w", err)
	}
	if v.Number <= cur.version.Number {
		return cur, nil
	}
	ix, err := Build(ctx, r.store, partition.AsOf{Version: v.Number}, r.opts)
	if err != nil {
		return nil, fmt.Errorf("reload router: %w", err)
	}
	r.cur.Store(ix)
	st := ix.Stats()
	r.log.InfoContext(ctx, "router index swapped", "version", v.Number, "units", st.Units, "polygonal", st.Polygonal,
		"vertices", st.Vertices, "index_mb", st.IndexBytes>>20, "build_ms", st.BuildTime.Milliseconds())
	return ix, nil
}

// Swap makes ix the current index, unless the current one is of a later
// version: for an index built off to the side, such as from units that are
// not in the store (benchmarks, offline tools).
func (r *Router) Swap(ix *Index) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if ix.version.Number >= r.cur.Load().version.Number {
		r.cur.Store(ix)
	}
}

// Notified is a callback for a store's publish notifications (such as
// postgis.(*Store).Listen): it reloads to version n, logging a failure.
func (r *Router) Notified(ctx context.Context) func(n int64) {
	return func(n int64) {
		if _, err := r.ReloadTo(ctx, n); err != nil && ctx.Err() == nil {
			r.log.ErrorContext(ctx, "router reload after a notification", "version", n, "err", err)
		}
	}
}

// Vessel is a vessel's answer: its membership unit with the chain, and,
// when a position is given, the route of that position.
type Vessel struct {
	Vessel partition.Vessel
	Unit   *partition.Unit
	Chain  []*partition.Unit
}

// Vessel looks a vessel up in the index's version and returns its
// membership unit (formation or transport) and that unit's chain.
func (ix *Index) Vessel(ctx context.Context, s partition.Store, id string) (Vessel, error) {
	if ix.version.Number == 0 {
		return Vessel{}, partition.Errorf(partition.NotFound, "vessel %s does not exist: nothing is published yet", id)
	}
	v, err := s.Vessel(ctx, id, partition.AsOf{Version: ix.version.Number})
	if err != nil {
		return Vessel{}, fmt.Errorf("route vessel %s: %w", id, err)
	}
	chain, ok := ix.Chain(v.Unit)
	if !ok {
		return Vessel{}, partition.Errorf(partition.Internal, "vessel %s: its unit %s is not in version %d", id, v.Unit, ix.version.Number)
	}
	return Vessel{Vessel: v, Unit: chain[len(chain)-1], Chain: chain}, nil
}
