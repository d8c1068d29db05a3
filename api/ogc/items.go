package ogc

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/wangge/wangge/partition"
)

// errStop ends a store listing early; it never reaches a client.
var errStop = errors.New("stop listing")

// page is what the items of one request came to.
type page struct {
	Version  partition.Version // zero when none was published then
	Matched  int
	Returned int
	First    partition.Code
	Last     partition.Code
	More     bool // a next page exists
}

func (h *Handler) items(c *gin.Context) {
	if !h.checkFormat(c) {
		return
	}
	col, ok := h.lookup(c)
	if !ok {
		return
	}
	if col.Findings {
		h.findingItems(c, col)
		return
	}
	r, err := h.parseItems(c, col)
	if err != nil {
		h.cfg.Fail(c, err)
		return
	}
	h, ok = h.source(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	var p page
	v, ok, err := h.resolve(ctx, r.q.AsOf)
	if err != nil {
		h.cfg.Fail(c, err)
		return
	}
	if ok && !r.none {
		p.Version = v
		r.q.AsOf = partition.AsOf{Version: v.Number} // pin every read and link to it
		if err := h.prepare(ctx, &r, &p); err != nil {
			h.cfg.Fail(c, err)
			return
		}
	}
	if wantHTML(c) {
		h.itemsHTML(c, &r, &p)
		return
	}
	h.stream(c, &r, &p)
}

// prepare resolves a `before` cursor into an `after` one and counts the
// matching features.
func (h *Handler) prepare(ctx context.Context, r *itemsRequest, p *page) error {
	if r.before != "" {
		after, err := h.cursorBefore(ctx, r)
		if err != nil {
			return err
		}
		r.q.After = after
	}
	n, err := h.count(ctx, r.col.ID, r.q)
	if err != nil {
		return err
	}
	p.Matched = n
	return nil
}

// count returns the number of features q matches in its pinned version,
// ignoring the cursor and limit, from the cache when it is there.
func (h *Handler) count(ctx context.Context, col string, q partition.Query) (int, error) {
	q.After, q.Limit, q.NoGeometry = "", 0, true
	key := countKey(col, q)
	if n, ok := h.counts.get(key); ok {
		return n, nil
	}
	n := 0
	if err := h.store.Units(ctx, q, func(partition.Unit) error { n++; return nil }); err != nil {
		return 0, fmt.Errorf("count %s: %w", col, err)
	}
	h.counts.put(key, n)
	return n, nil
}

// cursorBefore returns the cursor of the page of r.limit features that
// ends just before r.before: the code before that page's first, or "" when
// the page starts at the beginning. It reads the limit+1 codes before
// r.before, backwards, without geometry: one indexed query however deep the
// page.
func (h *Handler) cursorBefore(ctx context.Context, r *itemsRequest) (partition.Code, error) {
	q := r.q
	q.After, q.Before, q.Reverse, q.Limit, q.NoGeometry = "", r.before, true, r.limit+1, true
	var codes []partition.Code
	err := h.store.Units(ctx, q, func(u partition.Unit) error {
		codes = append(codes, u.Code)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("page before %s: %w", r.before, err)
	}
	if len(codes) <= r.limit {
		return "", nil
	}
	return codes[r.limit], nil // the limit+1-th before r.before
}

// stream writes the page as GeoJSON while the store yields it: the
// features first, then numberReturned and the links, so that memory stays
// constant whatever the limit.
func (h *Handler) stream(c *gin.Context, r *itemsRequest, p *page) {
	ctx := c.Request.Context()
	c.Header("Content-Type", mediaGeoJSON)
	c.Header("Content-Crs", "<"+r.out.uri+">")
	c.Status(http.StatusOK)
	head := map[string]any{"numberMatched": p.Matched, "timeStamp": time.Now().UTC().Format(time.RFC3339)}
	if p.Version.Number > 0 {
		head["version"] = p.Version
	}
	cw := partition.NewCollectionWriter(c.Writer, head)
	tr := r.out.transform()
	err := h.each(ctx, r, p, func(u *partition.Unit) error { return cw.Unit(u, tr) })
	if err != nil {
		// The status is sent: a truncated document tells the client.
		h.log.WarnContext(ctx, "stream items", "collection", r.col.ID, "err", err)
		return
	}
	trailer := map[string]any{"numberReturned": p.Returned, "links": h.itemsLinks(c, r, p, false)}
	if err := cw.CloseWith(trailer); err != nil {
		h.log.WarnContext(ctx, "stream items", "collection", r.col.ID, "err", err)
	}
}

// each calls fn for each feature of the page, filling p's returned,
// first, last and more.
func (h *Handler) each(ctx context.Context, r *itemsRequest, p *page, fn func(*partition.Unit) error) error {
	if p.Version.Number == 0 {
		return nil
	}
	q := r.q
	q.Limit = r.limit + 1 // one more tells whether there is a next page
	err := h.store.Units(ctx, q, func(u partition.Unit) error {
		if p.Returned == r.limit {
			p.More = true
			return errStop
		}
		if p.Returned == 0 {
			p.First = u.Code
		}
		p.Last = u.Code
		p.Returned++
		return fn(&u)
	})
	if errors.Is(err, errStop) {
		return nil
	}
	return err
}

// itemsLinks returns the self, alternate, next, prev and collection links
// of a page; next and prev are pinned to the page's version.
func (h *Handler) itemsLinks(c *gin.Context, r *itemsRequest, p *page, html bool) []link {
	path := "/collections/" + r.col.ID + "/items"
	ls := selfLinks(c, path+queryWithout(c.Request.URL.Query(), "f"), mediaGeoJSON)
	typ, f := mediaGeoJSON, "json"
	if html {
		typ, f = mediaHTML, "html"
	}
	pinned := func(key string, code partition.Code) string {
		q := c.Request.URL.Query()
		q.Del("cursor")
		q.Del("before")
		q.Del("datetime")
		q.Set(key, string(code))
		q.Set("version", strconv.FormatInt(p.Version.Number, 10))
		q.Set("limit", strconv.Itoa(r.limit))
		q.Set("f", f)
		return baseURL(c) + path + "?" + q.Encode()
	}
	if p.More {
		ls = append(ls, link{Href: pinned("cursor", p.Last), Rel: "next", Type: typ, Title: "next page"})
	}
	if p.Returned > 0 && (r.q.After != "") {
		ls = append(ls, link{Href: pinned("before", p.First), Rel: "prev", Type: typ, Title: "previous page"})
	}
	return append(ls, link{Href: baseURL(c) + "/collections/" + r.col.ID, Rel: "collection", Type: mediaJSON, Title: r.col.Title})
}

// queryWithout returns "?query" without the named keys, or "".
func queryWithout(q url.Values, keys ...string) string {
	for _, k := range keys {
		q.Del(k)
	}
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}
