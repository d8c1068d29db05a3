package ogc

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/wangge/wangge/partition"
)

// Config configures a Handler.
type Config struct {
	Title        string         // of the landing page; default "wangge"
	DefaultLimit int            // page size when none is asked; default 100
	MaxLimit     int            // larger limits are lowered to it (OGC: no error); default 10,000
	MaxHTML      int            // largest page rendered as HTML; default 1,000
	Location     *time.Location // of datetime dates; default UTC+8
	// Fail writes err as the service's error response and aborts; required.
	Fail func(c *gin.Context, err error)
	// Findings, when set, returns the tiling-check findings of a version,
	// served as the collection "findings"; it is called once per version.
	Findings func(ctx context.Context, version int64) ([]partition.Finding, error)
	// Drafts, when set, serves reads of a draft (?draft=ID or the
	// X-Wangge-Draft header) and takes the writes of Part 4 into drafts.
	Drafts Drafts
	// MaxBody bounds the body of a write; default 16 MiB.
	MaxBody int64
}

func (c *Config) defaults() {
	if c.Title == "" {
		c.Title = "wangge"
	}
	if c.DefaultLimit <= 0 {
		c.DefaultLimit = 100
	}
	if c.MaxLimit <= 0 {
		c.MaxLimit = 10_000
	}
	if c.MaxHTML <= 0 {
		c.MaxHTML = 1_000
	}
	if c.Location == nil {
		c.Location = time.FixedZone("CST", 8*3600)
	}
	if c.MaxBody <= 0 {
		c.MaxBody = 16 << 20
	}
}

// Handler serves OGC API – Features. It is safe for concurrent use.
type Handler struct {
	store  partition.Store
	cfg    Config
	log    *slog.Logger
	pages  *pages
	counts *cache[int]
	bounds *cache[extent]
	found  *cache[[]partition.Finding]
}

// New returns a Handler over store.
func New(store partition.Store, cfg Config, log *slog.Logger) *Handler {
	cfg.defaults()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Handler{store: store, cfg: cfg, log: log, pages: newPages(),
		counts: newCache[int](4096), bounds: newCache[extent](256), found: newCache[[]partition.Finding](8)}
}

// Register adds the routes of OGC API – Features to r, at its root, and
// again under /drafts/{id}/: a draft's own service root, whose every link
// stays under it, so that a client that keeps neither a query nor a
// header on its writes (QGIS adds the connection's query only to reads)
// reads and writes the draft when it is given http://host/drafts/ID/.
func (h *Handler) Register(r gin.IRouter) {
	h.register(r)
	h.register(r.Group("/drafts/:" + draftParam))
}

// draftParam is the path parameter of a draft's service root.
const draftParam = "draftRoot"

func (h *Handler) register(r gin.IRouter) {
	r.GET("/", h.landing)
	r.GET("/conformance", h.conformance)
	r.GET("/api", h.openAPI)
	r.GET("/collections", h.collections)
	r.GET("/collections/:collectionId", h.collection)
	r.GET("/collections/:collectionId/items", h.items)
	r.GET("/collections/:collectionId/items/:featureId", h.item)
	// Part 4, into drafts (write.go).
	r.POST("/collections/:collectionId/items", h.create)
	r.PUT("/collections/:collectionId/items/:featureId", h.replace)
	r.PATCH("/collections/:collectionId/items/:featureId", h.update)
	r.DELETE("/collections/:collectionId/items/:featureId", h.remove)
	r.OPTIONS("/collections/:collectionId/items", h.options(false))
	r.OPTIONS("/collections/:collectionId/items/:featureId", h.options(true))
}

// Media types.
const (
	mediaJSON    = "application/json"
	mediaGeoJSON = "application/geo+json"
	mediaHTML    = "text/html"
	mediaOpenAPI = "application/vnd.oai.openapi+json;version=3.0"
)

// wantHTML reports whether the response should be HTML: `f=html`, or no
// `f` and an Accept header that lists text/html before any JSON type (as
// browsers send).
func wantHTML(c *gin.Context) bool {
	if f := c.Query("f"); f != "" {
		return f == "html"
	}
	accept := c.GetHeader("Accept")
	h := strings.Index(accept, "text/html")
	if h < 0 {
		return false
	}
	j := strings.Index(accept, "json")
	return j < 0 || h < j
}

// checkFormat fails the request when `f` is neither json nor html.
func (h *Handler) checkFormat(c *gin.Context) bool {
	switch c.Query("f") {
	case "", "json", "html":
		return true
	}
	h.cfg.Fail(c, partition.Errorf(partition.Invalid, "f %q: want json or html", c.Query("f")))
	return false
}

// baseURL is the absolute URL of the service root as the client reached it.
func baseURL(c *gin.Context) string {
	scheme := "http"
	if c.Request.TLS != nil {
		scheme = "https"
	}
	if p := c.GetHeader("X-Forwarded-Proto"); p == "https" || p == "http" {
		scheme = p
	}
	base := scheme + "://" + c.Request.Host
	if id := c.Param(draftParam); id != "" {
		base += "/drafts/" + url.PathEscape(id)
	}
	return base
}

// link is a link object of OGC API – Common.
type link struct {
	Href  string `json:"href"`
	Rel   string `json:"rel"`
	Type  string `json:"type,omitempty"`
	Title string `json:"title,omitempty"`
}

// selfLinks returns the self and alternate links of a resource at path
// (which may carry a query) in JSON type jsonType and HTML.
func selfLinks(c *gin.Context, path, jsonType string) []link {
	base := baseURL(c) + path
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	self, alt := link{Href: base + sep + "f=json", Rel: "self", Type: jsonType, Title: "this document"},
		link{Href: base + sep + "f=html", Rel: "alternate", Type: mediaHTML, Title: "this document as HTML"}
	if wantHTML(c) {
		self.Rel, alt.Rel = "alternate", "self"
		self.Title, alt.Title = "this document as JSON", "this document"
		return []link{alt, self}
	}
	return []link{self, alt}
}

type landingPage struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	Links       []link `json:"links"`
}

func (h *Handler) landing(c *gin.Context) {
	if !h.checkFormat(c) {
		return
	}
	b := baseURL(c)
	lp := landingPage{
		Title:       h.cfg.Title,
		Description: "Grid-based social governance units (网格化社会治理) as OGC API – Features: one collection per level and network.",
		Links: append(selfLinks(c, "/", mediaJSON),
			link{Href: b + "/api", Rel: "service-desc", Type: mediaOpenAPI, Title: "the API definition (OpenAPI 3.0)"},
			link{Href: b + "/api?f=html", Rel: "service-doc", Type: mediaHTML, Title: "the API documentation"},
			link{Href: b + "/conformance", Rel: "conformance", Type: mediaJSON, Title: "conformance classes"},
			link{Href: b + "/collections", Rel: "data", Type: mediaJSON, Title: "the feature collections"},
		),
	}
	h.respond(c, "landing", lp, lp)
}

// conformanceClasses are the classes this server implements.
var conformanceClasses = []string{
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
	"http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
	"http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/create-replace-delete",
	"http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/update",
	"http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/optimistic-locking-etags",
	"http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/features",
}

func (h *Handler) conformance(c *gin.Context) {
	if !h.checkFormat(c) {
		return
	}
	body := struct {
		ConformsTo []string `json:"conformsTo"`
	}{conformanceClasses}
	h.respond(c, "conformance", body, body)
}

// respond writes v as JSON, or data rendered by the named page as HTML.
func (h *Handler) respond(c *gin.Context, page string, v, data any) {
	if wantHTML(c) {
		h.html(c, page, data)
		return
	}
	c.JSON(http.StatusOK, v)
}

// resolve returns the version at selects; ok is false, with no error, when
// none was published then (an empty result, not an error, for a listing).
func (h *Handler) resolve(ctx context.Context, at partition.AsOf) (v partition.Version, ok bool, err error) {
	v, err = h.store.Resolve(ctx, at)
	if err != nil {
		if partition.KindOf(err) == partition.NotFound && at.Version == 0 {
			return v, false, nil
		}
		return v, false, err
	}
	return v, true, nil
}

// cache is a bounded map of values that never change once computed (they
// are keyed by version); when full it is emptied.
type cache[V any] struct {
	mu  sync.Mutex
	max int
	m   map[string]V
}

func newCache[V any](max int) *cache[V] { return &cache[V]{max: max, m: map[string]V{}} }

func (c *cache[V]) get(k string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[k]
	return v, ok
}

func (c *cache[V]) put(k string, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= c.max {
		clear(c.m)
	}
	c.m[k] = v
}
