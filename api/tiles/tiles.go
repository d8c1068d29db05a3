package tiles

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/simplify"

	"github.com/wangge/wangge/api/internal/param"
	"github.com/wangge/wangge/api/ogc"
	"github.com/wangge/wangge/partition"
)

// Config configures a Handler.
type Config struct {
	MaxZoom     int // default 22
	MaxFeatures int // features read for one tile before it is refused; default 200,000
	// MaxAge is the Cache-Control max-age of a tile of the latest version,
	// in seconds; default 60.
	MaxAge int
	// Fail writes err as the service's error response and aborts; required.
	Fail func(c *gin.Context, err error)
	// Draft returns a read-only view of draft id at its head (the draft
	// package's Snapshot), which ?draft=ID tiles are drawn from; nil: the
	// service keeps no drafts, and ?draft= is 404.
	Draft func(ctx context.Context, id string) (DraftView, error)
}

// DraftView is one draft's units at its head as a read-only store, with
// the draft it shows (whose revision a tile's ETag names).
type DraftView interface {
	partition.Store
	Draft() partition.Draft
}

// Handler serves vector tiles. It is safe for concurrent use.
type Handler struct {
	store partition.Store
	cfg   Config
	log   *slog.Logger
}

// New returns a Handler over store.
func New(store partition.Store, cfg Config, log *slog.Logger) *Handler {
	if cfg.MaxZoom <= 0 {
		cfg.MaxZoom = 22
	}
	if cfg.MaxFeatures <= 0 {
		cfg.MaxFeatures = 200_000
	}
	if cfg.MaxAge <= 0 {
		cfg.MaxAge = 60
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Handler{store: store, cfg: cfg, log: log}
}

// Register adds the tile route to r.
func (h *Handler) Register(r gin.IRouter) {
	r.GET("/tiles/:collectionId/:z/:x/:y", h.tile)
}

// The tile geometry: extent and buffer in tile units.
const (
	extent = mvt.DefaultExtent
	buffer = 64
)

// MediaType is the media type of a tile.
const MediaType = "application/vnd.mapbox-vector-tile"

func invalid(format string, args ...any) error {
	return partition.Errorf(partition.Invalid, format, args...)
}

// parseTile parses z, x and y (with its .mvt suffix) of the path.
func (h *Handler) parseTile(c *gin.Context) (maptile.Tile, error) {
	ys, ok := strings.CutSuffix(c.Param("y"), ".mvt")
	if !ok {
		return maptile.Tile{}, partition.Errorf(partition.NotFound, "tile %s: want /tiles/{collectionId}/{z}/{x}/{y}.mvt", c.Request.URL.Path)
	}
	z, err := strconv.Atoi(c.Param("z"))
	if err != nil || z < 0 || z > h.cfg.MaxZoom {
		return maptile.Tile{}, invalid("zoom %q: want 0 to %d", c.Param("z"), h.cfg.MaxZoom)
	}
	n := uint64(1) << z
	x, errx := strconv.ParseUint(c.Param("x"), 10, 32)
	y, erry := strconv.ParseUint(ys, 10, 32)
	if errx != nil || erry != nil || x >= n || y >= n {
		return maptile.Tile{}, invalid("tile %s/%s/%s: x and y must be whole numbers below %d at zoom %d", c.Param("z"), c.Param("x"), ys, n, z)
	}
	return maptile.New(uint32(x), uint32(y), maptile.Zoom(z)), nil
}

// tile serves a tile: parameters, then the state it is drawn from, then
// revalidation, then the tile.
func (h *Handler) tile(c *gin.Context) {
	if err := tileParams.Check(c.Request.URL.RawQuery); err != nil {
		h.cfg.Fail(c, err)
		return
	}
	if err := param.Once(c.Request.URL.RawQuery); err != nil {
		h.cfg.Fail(c, err)
		return
	}
	col, ok := ogc.Lookup(c.Param("collectionId"))
	if !ok {
		h.cfg.Fail(c, partition.Errorf(partition.NotFound, "collection %q does not exist (see /collections)", c.Param("collectionId")))
		return
	}
	t, err := h.parseTile(c)
	if err != nil {
		h.cfg.Fail(c, err)
		return
	}
	src, err := h.source(c)
	if err != nil {
		h.cfg.Fail(c, err)
		return
	}
	if src.store == nil {
		c.Status(http.StatusNoContent) // nothing published yet
		return
	}
	c.Header("ETag", src.etag)
	c.Header("Cache-Control", src.cache)
	if match := c.GetHeader("If-None-Match"); match != "" && (match == src.etag || match == "*" || strings.Contains(match, src.etag)) {
		c.Status(http.StatusNotModified)
		return
	}
	b, err := h.render(c, src.store, col, t, src.at)
	if err != nil {
		h.cfg.Fail(c, err)
		return
	}
	if b == nil {
		c.Status(http.StatusNoContent)
		return
	}
	c.Data(http.StatusOK, MediaType, b)
}

// render encodes the tile t of col from store at version at; nil when it
// is empty.
func (h *Handler) render(c *gin.Context, store partition.Store, col ogc.Collection, t maptile.Tile, at partition.AsOf) ([]byte, error) {
	q := col.Query(at)
	bound := t.Bound(float64(buffer) / extent)
	q.BBox = &bound
	fc := geojson.NewFeatureCollection()
	err := store.Units(c.Request.Context(), q, func(u partition.Unit) error {
		if len(fc.Features) == h.cfg.MaxFeatures {
			return partition.Errorf(partition.TooLarge, "tile %d/%d/%d of %s has more than %d features: zoom in", t.Z, t.X, t.Y, col.ID, h.cfg.MaxFeatures)
		}
		f := geojson.NewFeature(u.Geometry)
		f.ID = string(u.Code)
		f.Properties = geojson.Properties{"code": string(u.Code), "name": u.Name, "level": string(u.Level),
			"kind": string(u.Kind), "households": u.Households}
		fc.Append(f)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("tile %d/%d/%d of %s: %w", t.Z, t.X, t.Y, col.ID, err)
	}
	layers := mvt.NewLayers(map[string]*geojson.FeatureCollection{col.ID: fc})
	layers.ProjectToTile(t)
	layers.Clip(orb.Bound{Min: orb.Point{-buffer, -buffer}, Max: orb.Point{extent + buffer, extent + buffer}})
	layers.Simplify(simplify.DouglasPeucker(1))
	layers.RemoveEmpty(1, 1)
	if len(layers[0].Features) == 0 {
		return nil, nil
	}
	b, err := mvt.Marshal(layers)
	if err != nil {
		return nil, fmt.Errorf("encode tile %d/%d/%d of %s: %w", t.Z, t.X, t.Y, col.ID, err)
	}
	return b, nil
}
