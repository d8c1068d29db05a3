package router_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/internal/teststore"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/router"
)

// A community 1 km square with two grids whose border runs north–south at
// a fraction of its width that the versions move back and forth.
const (
	pastCommunity = partition.Code("330922100001")
	pastWest      = partition.Code("330922100001001")
	pastEast      = partition.Code("330922100001002")
)

// borders[v-1] is version v's border, as a fraction of the width.
var borders = []float64{0.5, 0.6, 0.5, 0.7}

func pastBox(x0, x1 float64) orb.MultiPolygon {
	o := orb.Point{122.40, 30.70}
	kx, ky := geo.MetersPerDegree(o[1])
	w, h := 1000/kx, 1000/ky
	a, b := o[0]+x0*w, o[0]+x1*w
	return orb.MultiPolygon{{{{a, o[1]}, {b, o[1]}, {b, o[1] + h}, {a, o[1] + h}, {a, o[1]}}}}
}

// pastPoint is a point at fraction x of the width, half way up.
func pastPoint(x float64) orb.Point {
	mp := pastBox(0, 1)
	b := mp.Bound()
	return orb.Point{b.Min[0] + x*(b.Max[0]-b.Min[0]), (b.Min[1] + b.Max[1]) / 2}
}

func pastVersion(border float64, first bool) partition.Changeset {
	unit := func(code partition.Code, level partition.Level, parent partition.Code, mp orb.MultiPolygon) partition.Unit {
		return partition.Unit{Code: code, Name: string(code), Level: level, Network: partition.NetworkLand, Kind: partition.KindComprehensive, Parent: parent, Geometry: mp}
	}
	cs := partition.Changeset{Note: fmt.Sprintf("border at %.1f", border), Units: []partition.Unit{
		unit(pastWest, partition.LevelGrid, pastCommunity, pastBox(0, border)),
		unit(pastEast, partition.LevelGrid, pastCommunity, pastBox(border, 1)),
	}}
	if first {
		cs.Units = append(cs.Units, unit(pastCommunity, partition.LevelCommunity, "", pastBox(0, 1)))
	}
	return cs
}

// expected is the grid that holds x in version v (from borders, not from
// the router).
func expected(v int64, x float64) partition.Code {
	if x < borders[v-1] {
		return pastWest
	}
	return pastEast
}

func routeCode(ix *router.Index, x float64) partition.Code {
	r := ix.Route(pastPoint(x))
	if u := r.Unit(); u != nil {
		return u.Code
	}
	return ""
}

// TestRouteAsOf publishes four versions that move one border back and
// forth and routes the same points as of each, by number and by time: each
// answer is the grid of that version's geometry, says which version it
// came from, and the current index stays the latest.
func TestRouteAsOf(t *testing.T) {
	ctx := context.Background()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	xs := []float64{0.25, 0.55, 0.65, 0.75}
	for name, s := range teststore.Both(t, "t_past") {
		t.Run(name, func(t *testing.T) {
			var vs []partition.Version
			for i, b := range borders {
				v, err := s.Publish(ctx, pastVersion(b, i == 0))
				if err != nil {
					t.Fatal(err)
				}
				vs = append(vs, v)
				time.Sleep(2 * time.Millisecond) // distinct publish times
			}
			rt := router.NewRouter(s, router.Options{}, quiet)
			if _, err := rt.Reload(ctx); err != nil {
				t.Fatal(err)
			}
			for _, v := range vs {
				for _, at := range []partition.AsOf{{Version: v.Number}, {Time: v.PublishedAt}, {Time: v.PublishedAt.Add(time.Millisecond)}} {
					ix, err := rt.At(ctx, at)
					if err != nil {
						t.Fatalf("as of %+v: %v", at, err)
					}
					if ix.Version().Number != v.Number {
						t.Errorf("as of %+v: version %d, want %d", at, ix.Version().Number, v.Number)
					}
					for _, x := range xs {
						r := ix.Route(pastPoint(x))
						if got := r.Unit(); got == nil || got.Code != expected(v.Number, x) {
							t.Errorf("version %d, x %.2f: %v, want %s", v.Number, x, got, expected(v.Number, x))
						}
					}
				}
			}
			if rt.Current().Version().Number != vs[len(vs)-1].Number {
				t.Errorf("current index: version %d, want the latest %d", rt.Current().Version().Number, vs[len(vs)-1].Number)
			}
			if _, err := rt.At(ctx, partition.AsOf{Version: 99}); partition.KindOf(err) != partition.NotFound {
				t.Errorf("as of version 99: %v, want not_found", err)
			}
			if _, err := rt.At(ctx, partition.AsOf{Time: vs[0].PublishedAt.Add(-time.Hour)}); partition.KindOf(err) != partition.NotFound {
				t.Errorf("as of an hour before the first version: %v, want not_found", err)
			}
		})
	}
}

// TestPastCacheBounds asks for more past versions than the cache holds, by
// count and by bytes, and for one version from many goroutines at once.
func TestPastCacheBounds(t *testing.T) {
	ctx := context.Background()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	s := teststore.Both(t, "t_past")["gpkg"]
	for i, b := range borders {
		if _, err := s.Publish(ctx, pastVersion(b, i == 0)); err != nil {
			t.Fatal(err)
		}
	}
	one, err := router.Build(ctx, s, partition.AsOf{Version: 1}, router.Options{})
	if err != nil {
		t.Fatal(err)
	}
	size := int64(one.Stats().IndexBytes)
	cases := []struct {
		name       string
		opts       router.CacheOptions
		maxEntries int
	}{
		{"two versions", router.CacheOptions{Versions: 2}, 2},
		{"bytes for one and a half", router.CacheOptions{Versions: 10, Bytes: size + size/2}, 1},
		{"bytes for less than one", router.CacheOptions{Versions: 10, Bytes: size / 2}, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rt := router.NewRouter(s, router.Options{Past: tc.opts}, quiet)
			if _, err := rt.Reload(ctx); err != nil {
				t.Fatal(err)
			}
			for round := range 2 {
				for n := int64(1); n <= 3; n++ {
					ix, err := rt.At(ctx, partition.AsOf{Version: n})
					if err != nil {
						t.Fatal(err)
					}
					if got := routeCode(ix, 0.55); got != expected(n, 0.55) {
						t.Errorf("round %d, version %d: %s, want %s", round, n, got, expected(n, 0.55))
					}
					st := rt.CacheStats()
					if st.Entries > tc.maxEntries || st.Bytes > st.MaxBytes || st.Bytes != int64(st.Entries)*size {
						t.Errorf("after version %d: %d indexes, %d bytes (bounds %d indexes, %d bytes; one index %d bytes)", n, st.Entries, st.Bytes, tc.maxEntries, st.MaxBytes, size)
					}
				}
			}
			st := rt.CacheStats()
			if st.Hits+st.Misses != 6 {
				t.Errorf("%d hits + %d misses, want 6 requests", st.Hits, st.Misses)
			}
			// three versions through a cache of fewer: every request of the
			// second round misses again (least recently used goes first)
			if tc.maxEntries < 3 && st.Builds != 6 {
				t.Errorf("%d builds, want 6 (a cache of %d cannot keep 3 versions)", st.Builds, tc.maxEntries)
			}
		})
	}
	t.Run("one build for concurrent requests", func(t *testing.T) {
		rt := router.NewRouter(s, router.Options{}, quiet)
		if _, err := rt.Reload(ctx); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ix, err := rt.At(ctx, partition.AsOf{Version: 2})
				if err != nil || ix.Version().Number != 2 {
					t.Errorf("as of 2: %v, %v", ix, err)
				}
			}()
		}
		wg.Wait()
		if st := rt.CacheStats(); st.Builds != 1 || st.Entries != 1 {
			t.Errorf("%d builds, %d resident for 16 concurrent requests of one version; want 1, 1", st.Builds, st.Entries)
		}
	})
}

// TestPastWhilePublishing routes as of old versions from several
// goroutines while new versions are published and loaded (run under
// -race by make test): no error, and every answer is the one of the
// version it says it came from.
func TestPastWhilePublishing(t *testing.T) {
	ctx := context.Background()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	s := teststore.Both(t, "t_past")["postgis"]
	if _, err := s.Publish(ctx, pastVersion(borders[0], true)); err != nil {
		t.Fatal(err)
	}
	rt := router.NewRouter(s, router.Options{Past: router.CacheOptions{Versions: 2}}, quiet)
	if _, err := rt.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	asked := 0
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				latest := rt.Current().Version().Number
				n := 1 + int64(i+g)%latest
				ix, err := rt.At(ctx, partition.AsOf{Version: n})
				if err != nil {
					t.Errorf("as of %d: %v", n, err)
					return
				}
				v := ix.Version().Number
				for _, x := range []float64{0.55, 0.65} {
					if got := routeCode(ix, x); v != n || got != expected(v, x) {
						t.Errorf("as of %d: version %d answers %s at %.2f, want %s", n, v, got, x, expected(n, x))
					}
				}
				mu.Lock()
				asked++
				mu.Unlock()
			}
		}()
	}
	for _, b := range borders[1:] {
		v, err := s.Publish(ctx, pastVersion(b, false))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := rt.ReloadTo(ctx, v.Number); err != nil {
			t.Fatal(err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	if asked == 0 {
		t.Fatal("no request was answered")
	}
	t.Logf("%d requests as of past and current versions while %d versions were published", asked, len(borders)-1)
}
