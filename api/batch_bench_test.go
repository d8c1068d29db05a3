package api_test

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/wangge/wangge/api"
	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/internal/routebench"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/router"
	"github.com/wangge/wangge/partition/store/gpkg"
)

// BenchmarkRouteBatch: POST /v1/route/batch of 100,000 points of the
// reference tiling (make bench-route (b)) over loopback from 2 keep-alive
// clients, as a JSON body answered in JSON and as an NDJSON body answered
// in NDJSON: points answered per second and per CPU-second of this process (server
// and client together, which other tenants of a shared machine do not
// move), the medians of 3 runs of 2 s.
// Needs no PostGIS (make bench-route sets it beside PostGIS).
func BenchmarkRouteBatch(b *testing.B) {
	ctx := context.Background()
	ix, err := router.New(partition.Version{Number: 1, PublishedAt: time.Unix(0, 0).UTC()}, routebench.Units(routebench.Reference), router.Options{})
	if err != nil {
		b.Fatal(err)
	}
	st, err := gpkg.Open(ctx, filepath.Join(b.TempDir(), "w.gpkg"), gpkg.Options{Limits: geo.DefaultLimits})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	rt := router.NewRouter(st, router.Options{}, log)
	rt.Swap(ix)
	srv := httptest.NewServer(api.New(st, api.Config{Router: rt, MaxBodyBytes: 1 << 30}, log, prometheus.NewRegistry()))
	b.Cleanup(srv.Close)
	pts := routebench.Points(routebench.Reference, 100_000, 1)
	js := []byte(`{"crs":"wgs84","points":[`)
	var nd []byte
	for i, p := range pts {
		if i > 0 {
			js = append(js, ',')
		}
		pair := strconv.FormatFloat(p[0], 'f', -1, 64) + "," + strconv.FormatFloat(p[1], 'f', -1, 64)
		js = append(js, "["+pair+"]"...)
		nd = append(nd, pair+"\n"...)
	}
	js = append(js, "]}"...)
	for _, tc := range []struct {
		name, contentType string
		body              []byte
	}{{"JSON", "application/json", js}, {"NDJSON", "application/x-ndjson", nd}} {
		b.Run(tc.name, func(b *testing.B) {
			var rates, perCPU []float64
			for b.Loop() {
				for range 3 {
					c0, cok := routebench.ProcessCPU()
					w0 := time.Now()
					r, err := routebench.PostBatch(ctx, srv.URL+"/v1/route/batch", tc.contentType, tc.body, len(pts), 2, 2*time.Second)
					if err != nil {
						b.Fatal(err)
					}
					if c1, _ := routebench.ProcessCPU(); cok && c1 > c0 {
						perCPU = append(perCPU, r*time.Since(w0).Seconds()/(c1-c0).Seconds())
					}
					rates = append(rates, r)
				}
			}
			b.ReportMetric(routebench.Median(rates), "points/s")
			b.ReportMetric(routebench.Median(perCPU), "points/cpu-s")
		})
	}
}
