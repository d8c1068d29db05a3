package router_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/internal/testdb"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/router"
	"github.com/wangge/wangge/partition/store/postgis"
	"github.com/wangge/wangge/partition/store/storetest"
)

// TestHotSwapAcrossReplicas: two PostGIS stores on one schema stand for two
// replicas. Readers route continuously through the second one's router
// while the first publishes versions; the second learns of them by
// LISTEN/NOTIFY and swaps. Every answer must come whole from one version:
// the micro-grid's name says which version it belongs to.
func TestHotSwapAcrossReplicas(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	url, schema := testdb.URL(t), testdb.Schema(t, "t_router")
	open := func() *postgis.Store {
		s, err := postgis.Open(ctx, url, postgis.Options{Schema: schema, Limits: geo.DefaultLimits})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	a, b := open(), open()
	cs := storetest.Sample()
	if _, err := a.Publish(ctx, cs); err != nil {
		t.Fatal(err)
	}
	rt := router.NewRouter(b, router.Options{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if _, err := rt.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	lctx, stop := context.WithCancel(ctx)
	listening := make(chan struct{})
	go func() { close(listening); _ = b.Listen(lctx, rt.Notified(lctx)) }()
	defer stop()
	<-listening

	const micro = "330922100001001001"
	nameOf := func(v int64) string { return "微网格一 v" + string(rune('0'+v)) }
	var checked, bad atomic.Int64
	var wg sync.WaitGroup
	done := make(chan struct{})
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				ix := rt.Current()
				r := ix.Route(orb.Point{122.05, 30.05})
				u := r.Unit()
				want := "微网格一"
				if n := r.Version().Number; n > 1 {
					want = nameOf(n)
				}
				if u == nil || string(u.Code) != micro || u.Name != want || r.Version() != ix.Version() {
					bad.Add(1)
				}
				checked.Add(1)
			}
		}()
	}
	for v := int64(2); v <= 5; v++ {
		u := cs.Units[6]
		u.Name = nameOf(v)
		got, err := a.Publish(ctx, partition.Changeset{Note: "rename", Units: []partition.Unit{u}})
		if err != nil || got.Number != v {
			t.Fatalf("publish: got version %d, %v; want %d", got.Number, err, v)
		}
		deadline := time.Now().Add(20 * time.Second)
		for rt.Current().Version().Number < v {
			if time.Now().After(deadline) {
				t.Fatalf("replica still on version %d 20 s after version %d was published", rt.Current().Version().Number, v)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	close(done)
	wg.Wait()
	if bad.Load() > 0 || checked.Load() == 0 {
		t.Fatalf("%d of %d answers were wrong or mixed versions", bad.Load(), checked.Load())
	}
	t.Logf("%d answers under 4 swaps, none mixed", checked.Load())
}
