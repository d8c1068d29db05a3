package ogc_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"runtime/metrics"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/wangge/wangge/api"
	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/internal/gisfixture"
	"github.com/wangge/wangge/internal/testdb"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/store/postgis"
)

// BenchmarkItemsStream streams /collections/microgrids/items of PostGIS at
// full length in one page (limit above the size) for 25k, 50k and 100k
// micro-grids — the same collection at three versions — and reports
// features/s and the peak growth of the live heap during the request
// (server and client in this process), beside PostgreSQL's own
// ST_AsGeoJSON over the same rows, geometry only and whole rows as
// features, read by pgx in the same run.
func BenchmarkItemsStream(b *testing.B) {
	ctx := context.Background()
	url, schema := testdb.URL(b), testdb.Schema(b, "b_ogc")
	st, err := postgis.Open(ctx, url, postgis.Options{Schema: schema, Limits: geo.DefaultLimits})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	gisfixture.PublishSample(b, st, sampleDir)
	tl := gisfixture.Tiling(500, 200, 20, 10) // 100,000 cells in 500 grids of 200
	sizes := []struct {
		name     string
		from, to int // block rows of 5,000 cells
	}{{"25k", 0, 5}, {"50k", 5, 10}, {"100k", 10, 20}}
	versions := make([]int64, len(sizes))
	for i, s := range sizes {
		cs := partition.Changeset{Note: "bench " + s.name, Units: gisfixture.Cells(tl, s.from, s.to)}
		if i == 0 {
			cs.Units = append(gisfixture.Frame(tl), cs.Units...)
		}
		v, err := st.Publish(ctx, cs)
		if err != nil {
			b.Fatal(err)
		}
		versions[i] = v.Number
	}
	srv := serve(b, st, api.Config{MaxLimit: 1_000_000})
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	for i, s := range sizes {
		b.Run(s.name, func(b *testing.B) {
			n := versions[i]
			var features int
			var peak uint64
			start := time.Now()
			for b.Loop() {
				features, peak = streamItems(b, fmt.Sprintf("%s/collections/microgrids/items?limit=1000000&version=%d", srv.URL, n))
			}
			ours := float64(features) * float64(b.N) / time.Since(start).Seconds()
			geom := pgRate(b, conn, "ST_AsGeoJSON(geom)", schema, n)
			feature := pgRate(b, conn, "ST_AsGeoJSON(u.*, 'geom', 9, true)", schema, n)
			b.ReportMetric(float64(features), "features")
			b.ReportMetric(ours, "features/s")
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
			b.ReportMetric(geom, "pg-geom/s")
			b.ReportMetric(feature, "pg-feature/s")
			b.ReportMetric(ours/feature, "ours/pg-feature")
		})
	}
}

// streamItems reads one page to its end and returns the number of
// features and the peak growth of the live heap while it was read.
func streamItems(b *testing.B, url string) (int, uint64) {
	runtime.GC()
	base := heapBytes()
	var peak atomic.Uint64
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if h := heapBytes(); h > base && h-base > peak.Load() {
					peak.Store(h - base)
				}
			}
		}
	}()
	res, err := http.Get(url)
	if err != nil {
		b.Fatal(err)
	}
	c := &featureCounter{}
	if _, err := io.Copy(c, res.Body); err != nil {
		b.Fatal(err)
	}
	res.Body.Close()
	close(done)
	if res.StatusCode != 200 {
		b.Fatalf("GET %s: %d", url, res.StatusCode)
	}
	return c.n, peak.Load()
}

// heapBytes is the heap memory occupied by live and not yet swept objects.
func heapBytes() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// featureCounter counts `"type":"Feature"` in a stream without keeping it.
type featureCounter struct {
	n    int
	tail []byte
}

var featureMark = []byte(`"type":"Feature",`)

func (c *featureCounter) Write(p []byte) (int, error) {
	buf := append(c.tail, p...)
	for i := 0; i+len(featureMark) <= len(buf); i++ {
		if buf[i] == '"' && string(buf[i:i+len(featureMark)]) == string(featureMark) {
			c.n++
			i += len(featureMark) - 1
		}
	}
	k := min(len(buf), len(featureMark)-1)
	c.tail = append(c.tail[:0], buf[len(buf)-k:]...)
	return len(p), nil
}

// pgRate returns the rows per second at which PostgreSQL computes expr
// over the micro-grids of version n, streamed to this process.
func pgRate(b *testing.B, conn *pgx.Conn, expr, schema string, n int64) float64 {
	sql := fmt.Sprintf(`SELECT %s FROM %s.units u WHERE level = 'microgrid' AND valid_from <= $1
		AND (valid_to IS NULL OR valid_to > $1) ORDER BY code`, expr, pgx.Identifier{schema}.Sanitize())
	start := time.Now()
	rows, err := conn.Query(context.Background(), sql, n)
	if err != nil {
		b.Fatal(err)
	}
	count := 0
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			b.Fatal(err)
		}
		count++
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	return float64(count) / time.Since(start).Seconds()
}
