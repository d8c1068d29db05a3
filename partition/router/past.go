package router

import (
	"container/list"
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/wangge/wangge/partition"
)

// Past versions. "Which grid was responsible for this spot on 3 March?" is
// answered from the index of the version in force then: the current
// version's index is always resident; an older version's is built on
// demand from the store and kept in a cache bounded by count and by bytes
// (Stats.IndexBytes, the index's arrays), least recently used first out.
// Concurrent requests for a version not yet cached wait for one build. An
// index larger than the whole byte bound answers the requests that waited
// for it and is not kept.

// CacheOptions bound the indexes of past versions a Router keeps.
type CacheOptions struct {
	Versions int   // at most this many; default 4
	Bytes    int64 // at most this many bytes of index arrays; default 2 GiB
}

func (o *CacheOptions) defaults() {
	if o.Versions <= 0 {
		o.Versions = 4
	}
	if o.Bytes <= 0 {
		o.Bytes = 2 << 30
	}
}

// CacheStats count the past-version cache's use.
type CacheStats struct {
	Hits, Misses uint64 // requests answered from a cached index, and those that had to build (or wait for) one
	Builds       uint64 // indexes built
	Entries      int    // indexes resident now
	Bytes        int64  // their Stats.IndexBytes
	MaxEntries   int
	MaxBytes     int64
}

// pastCache holds past versions' indexes.
type pastCache struct {
	opts   CacheOptions
	mu     sync.Mutex
	byNum  map[int64]*pastEntry
	lru    *list.List // of *pastEntry, most recent first; only built ones
	bytes  int64
	hits   atomic.Uint64
	misses atomic.Uint64
	builds atomic.Uint64
}

// pastEntry is one version's index, or its build in flight (done open).
type pastEntry struct {
	n    int64
	done chan struct{}
	ix   *Index
	err  error
	elem *list.Element
	size int64
}

func newPastCache(o CacheOptions) *pastCache {
	o.defaults()
	return &pastCache{opts: o, byNum: map[int64]*pastEntry{}, lru: list.New()}
}

// At returns the index of the version that at selects: the current one
// when it is that version (or at is the latest), else a past version's,
// from the cache or built. A version later than the current one (published,
// not yet loaded here) is loaded first. No version at at is a not_found
// error.
func (r *Router) At(ctx context.Context, at partition.AsOf) (*Index, error) {
	cur := r.Current()
	if at.Latest() || at.Version != 0 && at.Version == cur.version.Number {
		return cur, nil
	}
	if ix := r.past.peek(at.Version); ix != nil { // a cached version number needs no store
		return ix, nil
	}
	v, err := r.store.Resolve(ctx, at)
	if err != nil {
		return nil, fmt.Errorf("route as of %s: %w", describe(at), err)
	}
	switch {
	case v.Number == cur.version.Number:
		return cur, nil
	case v.Number > cur.version.Number:
		ix, err := r.ReloadTo(ctx, v.Number)
		if err != nil || ix.version.Number == v.Number {
			return ix, err
		}
	}
	return r.past.get(ctx, v.Number, func(ctx context.Context) (*Index, error) {
		return Build(ctx, r.store, partition.AsOf{Version: v.Number}, r.opts)
	})
}

func describe(at partition.AsOf) string {
	if at.Version != 0 {
		return fmt.Sprintf("version %d", at.Version)
	}
	return at.Time.Format("2006-01-02T15:04:05Z07:00")
}

// CacheStats reports the past-version cache.
func (r *Router) CacheStats() CacheStats {
	c := r.past
	c.mu.Lock()
	defer c.mu.Unlock()
	return CacheStats{Hits: c.hits.Load(), Misses: c.misses.Load(), Builds: c.builds.Load(), Entries: c.lru.Len(), Bytes: c.bytes,
		MaxEntries: c.opts.Versions, MaxBytes: c.opts.Bytes}
}

// peek returns version n's index when it is cached (a hit), else nil.
func (c *pastCache) peek(n int64) *Index {
	if n == 0 {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byNum[n]
	if !ok || e.elem == nil {
		return nil
	}
	c.lru.MoveToFront(e.elem)
	c.hits.Add(1)
	return e.ix
}

// get returns version n's index, building it once however many ask.
func (c *pastCache) get(ctx context.Context, n int64, build func(context.Context) (*Index, error)) (*Index, error) {
	c.mu.Lock()
	e, ok := c.byNum[n]
	if ok && e.elem != nil {
		c.lru.MoveToFront(e.elem)
		c.mu.Unlock()
		c.hits.Add(1)
		return e.ix, nil
	}
	c.misses.Add(1)
	if !ok {
		e = &pastEntry{n: n, done: make(chan struct{})}
		c.byNum[n] = e
		// The build outlives the request that started it: the others
		// waiting for it must not fail because that one went away.
		go c.build(context.WithoutCancel(ctx), e, build)
	}
	c.mu.Unlock()
	select {
	case <-e.done:
		return e.ix, e.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (c *pastCache) build(ctx context.Context, e *pastEntry, build func(context.Context) (*Index, error)) {
	ix, err := build(ctx)
	c.builds.Add(1)
	c.mu.Lock()
	defer c.mu.Unlock()
	defer close(e.done)
	e.ix, e.err = ix, err
	if err != nil {
		delete(c.byNum, e.n)
		return
	}
	e.size = int64(ix.Stats().IndexBytes)
	e.elem = c.lru.PushFront(e)
	c.bytes += e.size
	for c.lru.Len() > c.opts.Versions || c.bytes > c.opts.Bytes {
		old := c.lru.Back().Value.(*pastEntry)
		c.lru.Remove(old.elem)
		old.elem = nil
		c.bytes -= old.size
		delete(c.byNum, old.n)
	}
}
