package api

import (
	"context"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/router"
)

type metrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	store    *prometheus.HistogramVec
}

func newMetrics(reg *prometheus.Registry) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "wangge_http_requests_total", Help: "HTTP requests by method, route and status.",
		}, []string{"method", "route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "wangge_http_request_duration_seconds", Help: "HTTP request latency by method and route.",
			Buckets: prometheus.ExponentialBuckets(0.0001, 4, 10),
		}, []string{"method", "route"}),
		store: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "wangge_store_operation_duration_seconds", Help: "Store operation latency by operation and outcome.",
			Buckets: prometheus.ExponentialBuckets(0.0001, 4, 10),
		}, []string{"op", "outcome"}),
	}
	reg.MustRegister(m.requests, m.latency, m.store,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// registerRouterMetrics exports the router's cache of past versions'
// indexes (routing as_of an older version).
func registerRouterMetrics(reg *prometheus.Registry, rt *router.Router) {
	stat := func(f func(router.CacheStats) float64) func() float64 {
		return func() float64 { return f(rt.CacheStats()) }
	}
	reg.MustRegister(
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "wangge_router_past_hits_total", Help: "Routing requests as of a past version answered from a cached index."},
			stat(func(c router.CacheStats) float64 { return float64(c.Hits) })),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "wangge_router_past_misses_total", Help: "Routing requests as of a past version that waited for its index to be built."},
			stat(func(c router.CacheStats) float64 { return float64(c.Misses) })),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "wangge_router_past_builds_total", Help: "Indexes of past versions built."},
			stat(func(c router.CacheStats) float64 { return float64(c.Builds) })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "wangge_router_past_indexes", Help: "Indexes of past versions resident."},
			stat(func(c router.CacheStats) float64 { return float64(c.Entries) })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "wangge_router_past_resident_bytes", Help: "Bytes of index arrays of the past versions resident."},
			stat(func(c router.CacheStats) float64 { return float64(c.Bytes) })),
	)
}

func (m *metrics) request(method, route string, status int, d time.Duration) {
	m.requests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(method, route).Observe(d.Seconds())
}

// timeStore starts timing a store call; call the result with the call's error.
func (m *metrics) timeStore(op string) func(*error) {
	start := time.Now()
	return func(err *error) {
		outcome := "ok"
		if *err != nil {
			outcome = string(partition.KindOf(*err))
		}
		m.store.WithLabelValues(op, outcome).Observe(time.Since(start).Seconds())
	}
}

// meteredStore records the latency of every store call.
type meteredStore struct {
	partition.Store
	m *metrics
}

func meter(s partition.Store, m *metrics) partition.Store { return meteredStore{Store: s, m: m} }

func (s meteredStore) Publish(ctx context.Context, cs partition.Changeset) (v partition.Version, err error) {
	defer s.m.timeStore("publish")(&err)
	return s.Store.Publish(ctx, cs)
}

func (s meteredStore) Versions(ctx context.Context) (vs []partition.Version, err error) {
	defer s.m.timeStore("versions")(&err)
	return s.Store.Versions(ctx)
}

func (s meteredStore) Resolve(ctx context.Context, at partition.AsOf) (v partition.Version, err error) {
	defer s.m.timeStore("resolve")(&err)
	return s.Store.Resolve(ctx, at)
}

func (s meteredStore) Units(ctx context.Context, q partition.Query, fn func(partition.Unit) error) (err error) {
	defer s.m.timeStore("units")(&err)
	return s.Store.Units(ctx, q, fn)
}

func (s meteredStore) Unit(ctx context.Context, code partition.Code, at partition.AsOf) (u partition.Unit, err error) {
	defer s.m.timeStore("unit")(&err)
	return s.Store.Unit(ctx, code, at)
}

func (s meteredStore) Vessels(ctx context.Context, q partition.VesselQuery, fn func(partition.Vessel) error) (err error) {
	defer s.m.timeStore("vessels")(&err)
	return s.Store.Vessels(ctx, q, fn)
}

func (s meteredStore) Vessel(ctx context.Context, id string, at partition.AsOf) (v partition.Vessel, err error) {
	defer s.m.timeStore("vessel")(&err)
	return s.Store.Vessel(ctx, id, at)
}
