package tiles

import (
	"fmt"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/wangge/wangge/api/internal/param"
	"github.com/wangge/wangge/partition"
)

// tileParams are the query parameters a tile accepts; any other is a 400
// naming it, as on the /v1 routes and the OGC API, so that a misspelt
// draft= does not silently draw the published version.
var tileParams = param.Names{"version", "draft"}

// source is the state a tile is drawn from — a published version or a
// draft's head — with the ETag and Cache-Control of its tiles.
type source struct {
	store partition.Store // nil when nothing is published yet
	at    partition.AsOf
	etag  string
	cache string
}

// source reads `version` and `draft`: the draft's view when draft names
// one, the version otherwise (the latest when version is not given).
func (h *Handler) source(c *gin.Context) (source, error) {
	id, v := c.Query("draft"), c.Query("version")
	if id != "" {
		if v != "" {
			return source{}, invalid("version and draft: a draft has one state, its head: give draft or version, not both")
		}
		return h.draftSource(c, id)
	}
	var at partition.AsOf
	if v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			return source{}, invalid("version %q: want a version number", v)
		}
		at.Version = n
	}
	ver, err := h.store.Resolve(c.Request.Context(), at)
	if err != nil {
		if partition.KindOf(err) == partition.NotFound && at.Latest() {
			return source{}, nil
		}
		return source{}, err
	}
	src := source{store: h.store, at: partition.AsOf{Version: ver.Number}, etag: fmt.Sprintf(`W/"v%d"`, ver.Number)}
	if at.Latest() {
		src.cache = fmt.Sprintf("public, max-age=%d", h.cfg.MaxAge)
	} else {
		src.cache = "public, max-age=31536000, immutable" // a version never changes
	}
	return src, nil
}

// draftSource is the view of draft id. Its tiles' ETag names the draft's
// revision, which every edit changes, and they are revalidated each time.
func (h *Handler) draftSource(c *gin.Context, id string) (source, error) {
	if h.cfg.Draft == nil {
		return source{}, partition.Errorf(partition.NotFound, "draft %s: this store keeps no drafts", id)
	}
	view, err := h.cfg.Draft(c.Request.Context(), id)
	if err != nil {
		return source{}, err
	}
	ver, err := view.Resolve(c.Request.Context(), partition.AsOf{})
	if err != nil {
		return source{}, err
	}
	d := view.Draft()
	return source{store: view, at: partition.AsOf{Version: ver.Number},
		etag: fmt.Sprintf(`W/"draft-%s-r%d"`, d.ID, d.Revision), cache: "private, no-cache"}, nil
}
