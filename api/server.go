package api

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/wangge/wangge/api/ogc"
	"github.com/wangge/wangge/api/tiles"
	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/access"
	"github.com/wangge/wangge/partition/draft"
	"github.com/wangge/wangge/partition/router"
)

// Config bounds what one request may ask for.
type Config struct {
	MaxBodyBytes int64 // request body limit; default 64 MiB
	MaxFeatures  int   // features per posted collection; default 200,000
	DefaultLimit int   // page size of /v1/units when none is asked; default 100
	MaxLimit     int   // largest page size; default 10,000
	Limits       geo.Limits
	Location     *time.Location // for as_of dates; default Asia/Shanghai (UTC+8)
	// Router answers /v1/route*; nil makes one over the store that loads
	// the latest version on first use and after each publish through this
	// server.
	Router *router.Router
	// WriteGPKG writes an export as a GeoPackage file at path (the
	// embedded store's gpkg.WriteExport, wired in cmd); nil refuses
	// /v1/export?format=gpkg.
	WriteGPKG func(ctx context.Context, x *partition.Export, path, note string) error
	// ReadBudget bounds how long reading a request's body may take (a
	// client stopped mid-body is cut off then); default 60 s. A streamed
	// batch has StreamIdle per read instead: a live feed may last all day.
	ReadBudget time.Duration
	// WriteBudget bounds a request's work, through its context (a query
	// stuck on a database that stopped answering ends then), and writing
	// its answer (a client that stops reading is cut off 5 s later);
	// default 5 min, for large exports.
	WriteBudget time.Duration
	// StreamIdle bounds the wait for a streamed batch's next bytes, and for
	// the client to take its next answers; default 30 s.
	StreamIdle time.Duration
	// MaxLargeBodies bounds how many bodies of LargeBody or more (read
	// whole into memory) are read at once, so that memory stays bounded
	// (MaxBodyBytes each); default 4. Another waits LargeWait (default
	// 10 s) for its turn, then gets 503 with Retry-After.
	MaxLargeBodies int
	LargeWait      time.Duration
	// Rules is the sizing standard drafts show households against (and the
	// partitioner's default band in them); nil: none.
	Rules *partition.RuleSet
	// Drafts runs /v1/drafts; nil makes one over the store when it keeps
	// drafts (partition.DraftStore), with Rules.
	Drafts *draft.Service
	// Access checks bearer tokens (see api/access.go); nil serves without
	// access control (tests, embedding). wangge serve always sets it.
	Access *access.Authenticator
	// ReadsNeedToken refuses (401) reads without a token too; by default
	// reads are open and only writes need one.
	ReadsNeedToken bool
}

func (c *Config) defaults() {
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = 64 << 20
	}
	if c.MaxFeatures <= 0 {
		c.MaxFeatures = 200_000
	}
	if c.DefaultLimit <= 0 {
		c.DefaultLimit = 100
	}
	if c.MaxLimit <= 0 {
		c.MaxLimit = 10_000
	}
	if c.Limits == (geo.Limits{}) {
		c.Limits = geo.DefaultLimits
	}
	if c.Location == nil {
		c.Location = partition.DefaultZone()
	}
	if c.ReadBudget <= 0 {
		c.ReadBudget = time.Minute
	}
	if c.WriteBudget <= 0 {
		c.WriteBudget = 5 * time.Minute
	}
	if c.StreamIdle <= 0 {
		c.StreamIdle = 30 * time.Second
	}
	if c.MaxLargeBodies <= 0 {
		c.MaxLargeBodies = 4
	}
	if c.LargeWait <= 0 {
		c.LargeWait = 10 * time.Second
	}
}

// Server serves the API over one store.
type Server struct {
	store   partition.Store
	cfg     Config
	log     *slog.Logger
	metrics *metrics
	router  *router.Router
	// chunks (*chunk) and batches (*batch) are route/batch's buffers,
	// reused from one request to the next.
	chunks, batches sync.Pool
	large           chan struct{}         // a slot per large body being read (Config.MaxLargeBodies)
	drafts          *draft.Service        // nil when the store keeps no drafts
	audit           partition.AccessStore // nil when the store keeps no audit log
}

// New returns the HTTP handler. Metrics are registered on reg (the
// service's own registry) and served at /metrics; the store is wrapped so
// that its timings are recorded.
func New(store partition.Store, cfg Config, log *slog.Logger, reg *prometheus.Registry) http.Handler {
	cfg.defaults()
	m := newMetrics(reg)
	s := &Server{store: meter(store, m), cfg: cfg, log: log, metrics: m, router: cfg.Router, large: make(chan struct{}, cfg.MaxLargeBodies)}
	if s.router == nil {
		s.router = router.NewRouter(store, router.Options{}, log)
	}
	registerRouterMetrics(reg, s.router)
	s.drafts = cfg.Drafts
	s.audit, _ = store.(partition.AccessStore)
	if ds, ok := store.(partition.DraftStore); ok && s.drafts == nil {
		s.drafts = draft.New(s.store, ds, draft.Options{Rules: cfg.Rules, Limits: cfg.Limits}, log)
	}
	r := gin.New()
	r.Use(s.recover, s.observe, s.deadlines, s.authenticate)
	r.HandleMethodNotAllowed = true
	r.NoRoute(func(c *gin.Context) {
		s.fail(c, partition.Errorf(partition.NotFound, "no route %s %s", c.Request.Method, c.Request.URL.Path))
	})
	r.NoMethod(func(c *gin.Context) {
		s.fail(c, partition.Errorf(partition.NotAllowed, "%s is not allowed on %s", c.Request.Method, c.Request.URL.Path))
	})
	r.GET("/healthz", s.health)
	r.GET("/metrics", gin.WrapH(promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg})))
	// Every /v1 route names the query parameters it accepts; any other is
	// refused (s.accept), so that a misspelt one (cr=gcj02, CRS=gcj02,
	// levle=grid, require=tilling, prent=CODE) is a 400 naming it rather
	// than an answer that silently ignored it.
	v1 := r.Group("/v1")
	v1.GET("/versions", s.accept(), s.versions)
	v1.POST("/versions", s.accept("crs", "note", "require", "findings"), s.publish)
	v1.GET("/units", s.accept("level", "parent", "prefix", "network", "kind", "bbox", "as_of", "limit", "cursor", "crs", "draft"), s.units)
	v1.GET("/units/:code", s.accept("as_of", "crs", "draft"), s.unit)
	v1.GET("/vessels", s.accept("unit", "as_of", "limit", "cursor"), s.vesselList)
	v1.GET("/vessels/:id", s.accept("as_of"), s.vessel)
	v1.GET("/vessels/:id/route", s.accept("lon", "lat", "crs", "as_of"), s.vesselRoute)
	v1.GET("/route", s.accept("lon", "lat", "crs", "as_of", "fields"), s.route)
	v1.POST("/route/batch", s.accept("crs", "as_of", "on_error", "fields"), s.routeBatch)
	v1.POST("/validate", s.accept("crs", "rules", "area_tolerance", "sliver_width", "parent", "siblings", "as_of"), s.validateProposal)
	v1.GET("/validate", s.accept("root", "crs", "rules", "area_tolerance", "sliver_width", "as_of"), s.validateStored)
	v1.POST("/partition", s.accept(), s.partitionProposal)
	v1.GET("/export", s.accept("root", "format", "version"), s.export)
	v1.GET("/audit", s.accept("code", "since", "draft", "after", "limit"), s.auditLog)
	s.registerDrafts(v1)
	ogc.New(s.store, ogc.Config{DefaultLimit: cfg.DefaultLimit, MaxLimit: cfg.MaxLimit, Location: cfg.Location, Fail: s.fail, Findings: s.findings,
		Drafts: s.ogcDrafts(), MaxBody: min(cfg.MaxBodyBytes, maxOpBytes)}, log).Register(r)
	tiles.New(s.store, tiles.Config{Fail: s.fail, Draft: s.draftView}, log).Register(r)
	return r
}

// recover turns a panic into a JSON 500 and logs it.
func (s *Server) recover(c *gin.Context) {
	defer func() {
		if p := recover(); p != nil {
			s.log.ErrorContext(c.Request.Context(), "panic", "path", c.Request.URL.Path, "panic", p)
			s.fail(c, partition.Errorf(partition.Internal, "panic: %v", p))
		}
	}()
	c.Next()
}

// observe logs each request and records its metrics.
func (s *Server) observe(c *gin.Context) {
	start := time.Now()
	c.Next()
	d := time.Since(start)
	route := c.FullPath()
	if route == "" {
		route = "unmatched"
	}
	st := c.Writer.Status()
	s.metrics.request(c.Request.Method, route, st, d)
	lvl := slog.LevelInfo
	if st >= 500 {
		lvl = slog.LevelError
	}
	s.log.Log(c.Request.Context(), lvl, "request", "method", c.Request.Method, "path", c.Request.URL.Path,
		"query", c.Request.URL.RawQuery, "status", st, "bytes", c.Writer.Size(), "duration_ms", float64(d.Microseconds())/1000)
}

func (s *Server) health(c *gin.Context) {
	v, err := s.store.Resolve(c.Request.Context(), partition.AsOf{})
	switch {
	case err == nil:
		c.JSON(http.StatusOK, gin.H{"status": "ok", "version": v})
	case partition.KindOf(err) == partition.NotFound:
		c.JSON(http.StatusOK, gin.H{"status": "ok", "version": nil})
	default:
		// The store is down, but routing answers from memory while the
		// router holds a version: degraded, not out of service.
		s.log.WarnContext(c.Request.Context(), "health check: the store cannot be reached", "err", err)
		if n := s.router.Current().Version().Number; n > 0 {
			c.JSON(http.StatusOK, gin.H{"status": "degraded", "store": "unavailable", "routing_version": n})
			return
		}
		c.Header("Retry-After", retryAfter)
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "unavailable", "store": "unavailable"})
	}
}
