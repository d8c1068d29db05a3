package ogc

import (
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb/geojson"

	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/edit"
)

// The methods a resource answers, for Allow.
const (
	allowRead  = "GET, OPTIONS"
	allowItems = "GET, POST, OPTIONS"
	allowItem  = "GET, PUT, PATCH, DELETE, OPTIONS"
)

// Media types of a write's body.
const mediaMergePatch = "application/merge-patch+json"

// retries is how many times a write is tried again when another edit of the
// draft (of another feature) came between reading the feature and writing
// it.
const retries = 3

// options serves OPTIONS on items (one=false) and on an item: Allow lists
// the writes only for a request that names a draft open to edits.
func (h *Handler) options(one bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		allow := allowRead
		col, ok := h.lookup(c)
		if !ok {
			return
		}
		v, err := h.view(c)
		if err != nil {
			h.cfg.Fail(c, err)
			return
		}
		if v != nil && !col.Findings && h.cfg.Drafts.Apply != nil && v.Draft().Published == 0 && v.Draft().State == partition.StateDraft {
			allow = allowItems
			if one {
				allow = allowItem
			}
		}
		c.Header("Allow", allow)
		c.Status(http.StatusNoContent)
	}
}

// write is what every write reads first: the collection, the draft and
// the CRS of the body's coordinates.
type write struct {
	col   Collection
	draft string
	in    refSys // of the body's coordinates (Content-Crs)
}

// begin reads the write's collection, draft and, for a body, its media
// type (one of media) and CRS; ok is false when the request was failed.
func (h *Handler) begin(c *gin.Context, body bool, media ...string) (w write, ok bool) {
	if w.col, ok = h.lookup(c); !ok {
		return w, false
	}
	var err error
	w.draft, err = draftID(c)
	if err == nil {
		err = h.writable(c, &w)
	}
	if err == nil && body {
		err = checkMedia(c, media...)
	}
	if err == nil {
		w.in, err = contentCRS(c)
	}
	if err != nil {
		h.cfg.Fail(c, err)
		return w, false
	}
	return w, true
}

// writable refuses, as not allowed (with Allow), a write to the findings,
// to a server that takes none, or that names no draft: a published version
// is never written.
func (h *Handler) writable(c *gin.Context, w *write) error {
	what := c.Request.Method + " is not allowed on " + c.Request.URL.Path
	var err error
	switch {
	case w.col.Findings:
		err = partition.Errorf(partition.NotAllowed, "%s: the findings are computed, not edited", what)
	case h.cfg.Drafts.Apply == nil || h.cfg.Drafts.View == nil:
		err = partition.Errorf(partition.NotAllowed, "%s: this server takes no edits (its store keeps no drafts)", what)
	case w.draft == "":
		err = partition.Errorf(partition.NotAllowed, "%s: edits go into a draft, never into a published version; name the draft with ?draft=ID or the %s header (POST /v1/drafts starts one)", what, DraftHeader)
	default:
		return nil
	}
	c.Header("Allow", allowRead)
	return err
}

// checkMedia refuses a body whose Content-Type is none of media.
func checkMedia(c *gin.Context, media ...string) error {
	ct := c.GetHeader("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if err == nil {
		for _, m := range media {
			if mt == m {
				return nil
			}
		}
	}
	return partition.Errorf(partition.UnsupportedMedia, "Content-Type %q: want %s", ct, strings.Join(media, " or "))
}

// contentCRS reads Content-Crs (Part 4 with Part 2): the CRS of the body's
// coordinates, `<URI>`; absent is CRS84.
func contentCRS(c *gin.Context) (refSys, error) {
	v := strings.TrimSpace(c.GetHeader("Content-Crs"))
	v = strings.TrimSuffix(strings.TrimPrefix(v, "<"), ">")
	r, ok := parseCRS(v)
	if !ok {
		return r, invalid("Content-Crs %q: want one of <%s>", c.GetHeader("Content-Crs"), strings.Join(crsList, ">, <"))
	}
	return r, nil
}

// readBody reads the body whole, at most MaxBody bytes.
func (h *Handler) readBody(c *gin.Context) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(c.Request.Body, h.cfg.MaxBody+1))
	if err != nil {
		return nil, invalid("read the body: %v", err)
	}
	if int64(len(b)) > h.cfg.MaxBody {
		return nil, partition.Errorf(partition.TooLarge, "request body is larger than the limit of %d bytes", h.cfg.MaxBody)
	}
	return b, nil
}

// create serves POST /collections/{c}/items: a new unit under
// properties.parent, its area carved out of its siblings; 201 with
// Location, the new feature and its ETag.
func (h *Handler) create(c *gin.Context) {
	w, ok := h.begin(c, true, mediaGeoJSON, mediaJSON)
	if !ok {
		return
	}
	f, err := h.readFeature(c, w.in, false)
	if err == nil {
		var op edit.Op
		if op, err = f.addOp(&w.col); err == nil {
			ctx := c.Request.Context()
			var chs []edit.Change
			if _, chs, err = h.cfg.Drafts.Apply(ctx, w.draft, -1, op); err == nil {
				code := added(chs, op.Unit, w.col.Level)
				// The draft stays where the client named it: a client that
				// named it in a header (QGIS) takes everything after
				// /items/ as the new id.
				loc := baseURL(c) + "/collections/" + w.col.ID + "/items/" + string(code)
				if c.Query("draft") != "" {
					loc += "?draft=" + w.draft
				}
				c.Header("Location", loc)
				h.answer(c, w, code, http.StatusCreated)
				return
			}
		}
	}
	h.cfg.Fail(c, err)
}

// added is the code of the unit of level under parent that chs added.
func added(chs []edit.Change, parent partition.Code, level partition.Level) partition.Code {
	for i := range chs {
		before := map[partition.Code]bool{}
		for _, u := range chs[i].Before {
			before[u.Code] = true
		}
		for _, u := range chs[i].After {
			if !before[u.Code] && u.Parent == parent && u.Level == level {
				return u.Code
			}
		}
	}
	return ""
}

// replace serves PUT on an item: the feature whole (see feature.go).
func (h *Handler) replace(c *gin.Context) {
	h.change(c, false)
}

// update serves PATCH on an item: the members given (a merge patch).
func (h *Handler) update(c *gin.Context) {
	h.change(c, true)
}

func (h *Handler) change(c *gin.Context, patch bool) {
	media := []string{mediaGeoJSON, mediaJSON}
	if patch {
		media = append(media, mediaMergePatch)
	}
	w, ok := h.begin(c, true, media...)
	if !ok {
		return
	}
	f, err := h.readFeature(c, w.in, patch)
	if err == nil && !patch && f.id != "" && f.id != c.Param("featureId") {
		err = fieldError("id", "%q: the feature replaced is %s: a PUT does not change a feature's id", f.id, c.Param("featureId"))
	}
	if err != nil {
		h.cfg.Fail(c, err)
		return
	}
	h.edit(c, w, func(u *partition.Unit) (edit.Op, bool, error) { return f.changeOp(u, patch) }, http.StatusOK)
}

// remove serves DELETE on an item: the unit's area goes to its siblings,
// each part to the one that shares the longest border with it; 204.
func (h *Handler) remove(c *gin.Context) {
	w, ok := h.begin(c, false)
	if !ok {
		return
	}
	h.edit(c, w, nil, http.StatusNoContent)
}

// edit writes one existing feature of the draft: it reads the feature,
// holds it to If-Match, makes the operation (plan; nil: delete it) and
// applies it at the revision read, trying again when another edit of the
// draft came between.
func (h *Handler) edit(c *gin.Context, w write, plan func(*partition.Unit) (edit.Op, bool, error), status int) {
	ctx := c.Request.Context()
	code := partition.Code(c.Param("featureId"))
	tag := strings.TrimSpace(c.GetHeader("If-Match"))
	if tag == "" {
		h.cfg.Fail(c, partition.Errorf(partition.PreconditionRequired, "If-Match: missing: a %s of a feature names the ETag it was read with (GET %s?draft=%s gives it)", c.Request.Method, c.Request.URL.Path, w.draft))
		return
	}
	for try := 0; ; try++ {
		v, u, err := h.current(ctx, w, code)
		if err == nil {
			err = h.matches(ctx, tag, v.Draft(), &u)
		}
		var op edit.Op
		changed := true
		if err == nil {
			if plan == nil {
				op = deleteOp(ctx, v, &u)
			} else {
				op, changed, err = plan(&u)
			}
		}
		if err == nil && !changed { // nothing to do: the feature is as asked
			h.answer(c, w, code, status)
			return
		}
		if err == nil {
			_, _, err = h.cfg.Drafts.Apply(ctx, w.draft, v.Draft().Revision, op)
			if err != nil && partition.KindOf(err) == partition.Stale && try < retries && h.moved(ctx, w, v) {
				continue // another edit came between: read the feature again
			}
		}
		if err != nil {
			h.cfg.Fail(c, err)
			return
		}
		if plan == nil {
			c.Status(status)
			return
		}
		h.answer(c, w, code, status)
		return
	}
}

// current reads the draft's view and the feature of code in it.
func (h *Handler) current(ctx context.Context, w write, code partition.Code) (DraftView, partition.Unit, error) {
	v, err := h.cfg.Drafts.View(ctx, w.draft)
	if err != nil {
		return nil, partition.Unit{}, err
	}
	u, err := v.Unit(ctx, code, partition.AsOf{})
	if err == nil && (u.Level != w.col.Level || u.Network != w.col.Network || u.Geometry == nil) {
		err = partition.Errorf(partition.NotFound, "feature %s is not in collection %s of draft %s", code, w.col.ID, w.draft)
	}
	return v, u, err
}

// moved reports whether the draft is at another revision than v's.
func (h *Handler) moved(ctx context.Context, w write, v DraftView) bool {
	now, err := h.cfg.Drafts.View(ctx, w.draft)
	return err == nil && now.Draft().Revision != v.Draft().Revision
}

// matches holds the feature to If-Match: its current ETag, or "*". A
// weak tag never matches (RFC 9110 compares strongly for If-Match). The
// refusal names the feature's ETag now, the draft's revision and the
// operation that last changed the feature.
func (h *Handler) matches(ctx context.Context, ifMatch string, d partition.Draft, u *partition.Unit) error {
	if ifMatch == "*" {
		return nil
	}
	etag := featureETag(u)
	for _, t := range strings.Split(ifMatch, ",") {
		if strings.TrimSpace(t) == etag {
			return nil
		}
	}
	return partition.Errorf(partition.Stale, "If-Match %s: feature %s changed in draft %s since that ETag: its ETag is now %s, the draft at revision %d after %d operations%s; GET it again and redo the edit on what it now is",
		ifMatch, u.Code, d.ID, etag, d.Revision, d.Head, h.cfg.Drafts.lastChange(ctx, d.ID, u.Code))
}

// deleteOp removes u, its area going to all its siblings in the draft.
func deleteOp(ctx context.Context, v DraftView, u *partition.Unit) edit.Op {
	op := edit.Op{Op: edit.OpDelete, Unit: u.Code}
	q := partition.Query{Parent: u.Parent, Level: u.Level, Network: u.Network, NoGeometry: true}
	_ = v.Units(ctx, q, func(s partition.Unit) error {
		if s.Code != u.Code && s.Polygonal() {
			op.Neighbors = append(op.Neighbors, s.Code)
		}
		return nil
	})
	return op
}

// answer writes the draft's feature of code with its ETag (status 204: no
// body).
func (h *Handler) answer(c *gin.Context, w write, code partition.Code, status int) {
	v, u, err := h.current(c.Request.Context(), w, code)
	if err != nil {
		h.cfg.Fail(c, err)
		return
	}
	c.Header("ETag", featureETag(&u))
	if status == http.StatusNoContent {
		c.Status(status)
		return
	}
	out := w.in
	f := partition.Feature(&u, out.transform())
	d := v.Draft()
	self := baseURL(c) + "/collections/" + w.col.ID + "/items/" + string(code) + "?draft=" + d.ID
	body := featureBody{Type: "Feature", ID: string(u.Code), Geometry: geojson.NewGeometry(f.Geometry), Properties: f.Properties,
		Links: []link{{Href: self, Rel: "self", Type: mediaGeoJSON, Title: fmt.Sprintf("this feature in draft %s", d.ID)},
			{Href: baseURL(c) + "/v1/drafts/" + d.ID + "/log", Rel: "related", Type: mediaJSON, Title: "the draft's log"}}}
	c.Header("Content-Type", mediaGeoJSON)
	c.Header("Content-Crs", "<"+out.uri+">")
	c.JSON(status, body)
}
