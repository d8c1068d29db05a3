package routebench

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/wangge/wangge/api"
	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/internal/testdb"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/router"
	"github.com/wangge/wangge/partition/store/gpkg"
)

// runs is how many times each figure is measured; the median is reported.
const runs = 3

// bench is what the sub-benchmarks share.
type bench struct {
	units []partition.Unit
	ix    *router.Index
	pts   []orb.Point // the points both wangge and PostGIS answer
	pg    *PostGIS
	url   string // wangge's API
	floor string // the bare HTTP handler
	join  float64
}

// BenchmarkReference measures the four targets on the reference
// tiling, each beside PostGIS answering the same points in the same run,
// and prints one line per target. Each figure is the median of 3 runs.
func BenchmarkReference(b *testing.B) {
	ctx := context.Background()
	d := setup(b, ctx)
	b.Run("a_locate", func(b *testing.B) { benchLocate(b, d) })
	b.Run("b_batch", func(b *testing.B) { benchBatch(b, ctx, d) })
	b.Run("c_get", func(b *testing.B) { benchGet(b, ctx, d) })
	b.Run("d_build", func(b *testing.B) { benchBuild(b, d) })
	b.Run("e_past", func(b *testing.B) { benchPast(b, ctx, d) })
}

func setup(b *testing.B, ctx context.Context) *bench {
	d := &bench{units: Units(Reference), pts: Points(Reference, 100_000, 1)}
	var err error
	if d.ix, err = router.New(partition.Version{Number: 1, PublishedAt: time.Unix(0, 0).UTC()}, d.units, router.Options{}); err != nil {
		b.Fatal(err)
	}
	pool, err := pgxpool.New(ctx, testdb.URL(b))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(pool.Close)
	var cells []partition.Unit
	for _, u := range d.units {
		if u.Level == partition.LevelGrid {
			cells = append(cells, u)
		}
	}
	if d.pg, err = Load(ctx, pool, testdb.Schema(b, "b_route"), cells, d.pts); err != nil {
		b.Fatal(err)
	}
	var joins []float64
	for range runs {
		r, err := d.pg.Join(ctx, len(d.pts))
		if err != nil {
			b.Fatal(err)
		}
		joins = append(joins, r)
	}
	d.join = Median(joins)
	store, err := gpkg.Open(ctx, filepath.Join(b.TempDir(), "w.gpkg"), gpkg.Options{Limits: geo.DefaultLimits})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	rt := router.NewRouter(store, router.Options{}, log)
	rt.Swap(d.ix)
	srv := httptest.NewServer(api.New(store, api.Config{Router: rt, MaxBodyBytes: 1 << 30}, log, prometheus.NewRegistry()))
	b.Cleanup(srv.Close)
	floor := httptest.NewServer(Floor())
	b.Cleanup(floor.Close)
	d.url, d.floor = srv.URL, floor.URL
	return d
}

// benchLocate: (a) in-process lookups per core, one goroutine locked to
// its thread, counted per second of that thread's CPU time (so that other
// processes on a shared machine do not count against it) and per second
// of wall time.
func benchLocate(b *testing.B, d *bench) {
	pts := Points(Reference, 1<<20, 2)
	var cpu, wall, route []float64
	for b.Loop() {
		for range runs {
			c, w := perCore(pts, func(p orb.Point) { d.ix.Locate(p) })
			cpu, wall = append(cpu, c), append(wall, w)
			c, _ = perCore(pts, func(p orb.Point) { d.ix.Route(p) })
			route = append(route, c)
		}
	}
	c, w, r := Median(cpu), Median(wall), Median(route)
	b.ReportMetric(c, "lookups/cpu-s")
	b.ReportMetric(w, "lookups/s")
	b.ReportMetric(r, "routes/cpu-s")
	b.ReportMetric(d.join, "postgis-join-points/s")
	fmt.Printf("locate: %s lookups/s per core (%s per wall-second; full route with evidence %s/s) vs PostGIS join %s points/s (%.1fx)\n",
		Human(c), Human(w), Human(r), Human(d.join), c/d.join)
}

// perCore runs fn over pts for about a second on one locked thread and
// returns calls per CPU-second and per wall-second.
func perCore(pts []orb.Point, fn func(orb.Point)) (cpu, wall float64) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	c0, ok := ThreadCPU()
	start := time.Now()
	n := 0
	for time.Since(start) < time.Second {
		for _, p := range pts[n&(len(pts)-1) : n&(len(pts)-1)+1<<16] {
			fn(p)
		}
		n += 1 << 16
	}
	el := time.Since(start)
	c1, _ := ThreadCPU()
	wall = float64(n) / el.Seconds()
	if !ok || c1 <= c0 {
		return wall, wall
	}
	return float64(n) / (c1 - c0).Seconds(), wall
}

// benchBatch: (b) POST /v1/route/batch of 100,000 points over loopback from
// 2 keep-alive clients, against the PostGIS join and one ST_Covers query
// per point through pgx from 2 clients. Beside the points per second it
// prints the points per CPU-second that this process (server and client
// together) spent, which other tenants of a shared machine do not move:
// on 2 cores, twice that is what the machine would give undisturbed.
func benchBatch(b *testing.B, ctx context.Context, d *bench) {
	body := []byte(`{"crs":"wgs84","points":[`)
	for i, p := range d.pts {
		if i > 0 {
			body = append(body, ',')
		}
		body = append(body, '[')
		body = strconv.AppendFloat(body, p[0], 'f', -1, 64)
		body = append(body, ',')
		body = strconv.AppendFloat(body, p[1], 'f', -1, 64)
		body = append(body, ']')
	}
	body = append(body, "]}"...)
	var ours, perCPU, per []float64
	for b.Loop() {
		for range runs {
			c0, cok := ProcessCPU()
			w0 := time.Now()
			r, err := PostBatch(ctx, d.url+"/v1/route/batch", "application/json", body, len(d.pts), 2, 3*time.Second)
			if err != nil {
				b.Fatal(err)
			}
			if c1, _ := ProcessCPU(); cok && c1 > c0 {
				perCPU = append(perCPU, r*time.Since(w0).Seconds()/(c1-c0).Seconds())
			}
			ours = append(ours, r)
			if r, err = d.pg.PerPoint(ctx, d.pts, 2, 2*time.Second); err != nil {
				b.Fatal(err)
			}
			per = append(per, r)
		}
	}
	o, p, oc := Median(ours), Median(per), Median(perCPU)
	b.ReportMetric(o, "points/s")
	b.ReportMetric(oc, "points/cpu-s")
	b.ReportMetric(d.join, "postgis-join-points/s")
	b.ReportMetric(p, "postgis-perpoint-points/s")
	fmt.Printf("route/batch: %s points/s (%s per CPU-second of server and client together) vs PostGIS join %s/s (%.1fx), vs PostGIS per-point pgx ×2 %s/s (%.1fx)\n",
		Human(o), Human(oc), Human(d.join), o/d.join, Human(p), o/p)
}

// benchGet: (c) GET /v1/route from 2 keep-alive connections over loopback,
// against the bare HTTP floor and PostGIS per point.
func benchGet(b *testing.B, ctx context.Context, d *bench) {
	paths := make([]string, 10_000)
	for i := range paths {
		p := d.pts[i]
		paths[i] = "/v1/route?lon=" + strconv.FormatFloat(p[0], 'f', -1, 64) + "&lat=" + strconv.FormatFloat(p[1], 'f', -1, 64)
	}
	urls := func(base string) []string {
		out := make([]string, len(paths))
		for i, p := range paths {
			out[i] = base + p
		}
		return out
	}
	ours, floor := urls(d.url), urls(d.floor)
	var rps, p99, frps, fp99, per []float64
	for b.Loop() {
		for range runs {
			r, l, err := Get(ctx, ours, 2, 2*time.Second)
			if err != nil {
				b.Fatal(err)
			}
			rps, p99 = append(rps, r), append(p99, l.Seconds()*1e3)
			if r, l, err = Get(ctx, floor, 2, 2*time.Second); err != nil {
				b.Fatal(err)
			}
			frps, fp99 = append(frps, r), append(fp99, l.Seconds()*1e3)
			if r, err = d.pg.PerPoint(ctx, d.pts, 2, time.Second); err != nil {
				b.Fatal(err)
			}
			per = append(per, r)
		}
	}
	r, l, fr, fl, p := Median(rps), Median(p99), Median(frps), Median(fp99), Median(per)
	b.ReportMetric(r, "req/s")
	b.ReportMetric(l, "p99-ms")
	b.ReportMetric(fr, "floor-req/s")
	b.ReportMetric(fl, "floor-p99-ms")
	b.ReportMetric(p, "postgis-perpoint-points/s")
	fmt.Printf("route/get: %s req/s, p99 %.2f ms vs HTTP floor %s req/s, p99 %.2f ms (%.2fx); PostGIS per-point pgx ×2 %s/s (%.1fx)\n",
		Human(r), l, Human(fr), fl, r/fr, Human(p), r/p)
}

// benchBuild: (d) index build time and memory against the raw coordinate
// bytes, beside PostGIS's GiST build time and the cells table's size. The
// memory is the heap the index holds (heldBy), everything included; its
// Stats.IndexBytes counts only its large arrays.
func benchBuild(b *testing.B, d *bench) {
	var secs []float64
	var st router.Stats
	for b.Loop() {
		for range runs {
			ix, err := router.New(partition.Version{Number: 1}, d.units, router.Options{})
			if err != nil {
				b.Fatal(err)
			}
			st = ix.Stats()
			secs = append(secs, st.BuildTime.Seconds())
		}
	}
	s := Median(secs)
	held := heldBy(func() any {
		ix, err := router.New(partition.Version{Number: 1}, d.units, router.Options{})
		if err != nil {
			b.Fatal(err)
		}
		return ix
	})
	ratio := float64(held) / float64(st.CoordinateBytes)
	var cellRaw int
	for _, u := range d.units {
		if u.Level == partition.LevelGrid {
			for _, pg := range u.Geometry {
				for _, r := range pg {
					cellRaw += 16 * len(r)
				}
			}
		}
	}
	pgRatio := float64(d.pg.Bytes) / float64(cellRaw)
	b.ReportMetric(s, "build-s")
	b.ReportMetric(ratio, "index/raw")
	b.ReportMetric(float64(st.IndexBytes)/1e6, "arrays-MB")
	b.ReportMetric(float64(st.CoordinateBytes)/1e6, "raw-MB")
	b.ReportMetric(d.pg.IndexBuild.Seconds(), "postgis-gist-s")
	b.ReportMetric(pgRatio, "postgis-table+index/raw")
	fmt.Printf("build: %.2f s, index holds %.0f MB = %.2f× the raw coordinates (%.0f MB; its shape, raster and answer arrays %.0f MB) vs PostGIS GiST build %.2f s (cells only), table+index %.2f× their raw coordinates\n",
		s, float64(held)/1e6, ratio, float64(st.CoordinateBytes)/1e6, float64(st.IndexBytes)/1e6, d.pg.IndexBuild.Seconds(), pgRatio)
}

// benchPast: (e) routing as of an old version. A GeoPackage store holds
// the reference tiling (with stored codes, StoredUnits) as version 1 and a one-unit change as version 2
// (current). The first GET /v1/route?as_of=1 of a fresh server builds
// version 1's index from the store and answers: its latency is printed
// beside the time the router takes to load the current version from the
// same store. Once cached, as_of=1 requests are measured beside the same
// requests of the current version.
func benchPast(b *testing.B, ctx context.Context, d *bench) {
	store, err := gpkg.Open(ctx, filepath.Join(b.TempDir(), "past.gpkg"), gpkg.Options{Limits: geo.DefaultLimits})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	units := StoredUnits(Reference)
	if _, err := store.Publish(ctx, partition.Changeset{Units: units, Note: "reference"}); err != nil {
		b.Fatal(err)
	}
	changed := units[len(units)-1]
	changed.Name += " (v2)"
	if _, err := store.Publish(ctx, partition.Changeset{Units: []partition.Unit{changed}, Note: "one change"}); err != nil {
		b.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	p := d.pts[0]
	point := "/v1/route?lon=" + strconv.FormatFloat(p[0], 'f', -1, 64) + "&lat=" + strconv.FormatFloat(p[1], 'f', -1, 64)
	var first, load, rps, p99, crps, cp99 []float64
	for b.Loop() {
		for range runs {
			rt := router.NewRouter(store, router.Options{}, log)
			t0 := time.Now()
			if _, err := rt.Reload(ctx); err != nil {
				b.Fatal(err)
			}
			load = append(load, time.Since(t0).Seconds())
			srv := httptest.NewServer(api.New(store, api.Config{Router: rt}, log, prometheus.NewRegistry()))
			t0 = time.Now()
			res, err := http.Get(srv.URL + point + "&as_of=1")
			if err != nil {
				b.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK || !strings.Contains(string(body), `"version":1`) {
				b.Fatalf("first request as of version 1: %d %.200s", res.StatusCode, body)
			}
			first = append(first, time.Since(t0).Seconds())
			urls := func(suffix string) []string {
				out := make([]string, 10_000)
				for i := range out {
					q := d.pts[i]
					out[i] = srv.URL + "/v1/route?lon=" + strconv.FormatFloat(q[0], 'f', -1, 64) + "&lat=" + strconv.FormatFloat(q[1], 'f', -1, 64) + suffix
				}
				return out
			}
			r, l, err := Get(ctx, urls("&as_of=1"), 2, 2*time.Second)
			if err != nil {
				b.Fatal(err)
			}
			rps, p99 = append(rps, r), append(p99, l.Seconds()*1e3)
			if r, l, err = Get(ctx, urls(""), 2, 2*time.Second); err != nil {
				b.Fatal(err)
			}
			crps, cp99 = append(crps, r), append(cp99, l.Seconds()*1e3)
			srv.Close()
		}
	}
	f, ld, r, l, cr, cl := Median(first), Median(load), Median(rps), Median(p99), Median(crps), Median(cp99)
	b.ReportMetric(f, "first-past-s")
	b.ReportMetric(ld, "load-current-s")
	b.ReportMetric(r, "past-req/s")
	b.ReportMetric(cr, "current-req/s")
	fmt.Printf("past: first request as of an old version %.2f s (build from the store + answer) vs loading the current version from the same store %.2f s (%.2fx); cached: %s req/s, p99 %.2f ms vs the current version %s req/s, p99 %.2f ms (%.2fx)\n",
		f, ld, f/ld, Human(r), l, Human(cr), cl, r/cr)
}

// heldBy is how much heap what build returns holds once built: the live
// heap after a collection with it, less the live heap before it was built
// (everything it allocated and kept, beyond what it was built from).
func heldBy(build func() any) uint64 {
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	x := build()
	runtime.GC()
	runtime.ReadMemStats(&m1)
	runtime.KeepAlive(x)
	if m1.HeapAlloc < m0.HeapAlloc {
		return 0
	}
	return m1.HeapAlloc - m0.HeapAlloc
}

func TestMain(m *testing.M) {
	gin.SetMode(gin.ReleaseMode)
	os.Exit(m.Run())
}
