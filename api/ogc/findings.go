package ogc

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/wangge/wangge/api/internal/param"
	"github.com/wangge/wangge/partition"
)

// FindingsID is the id of the collection of tiling-check findings.
const FindingsID = "findings"

// findingsCollection describes the findings of the tiling check of a
// version: one feature per finding, its geometry the defect.
func findingsCollection() Collection {
	return Collection{ID: FindingsID, Title: "Tiling findings 划分问题", Findings: true,
		Description: "The tiling check of the version (DESIGN.md, Invariants): gaps, overlaps, parts outside the parent, invalid polygons (a point where a ring crosses), code and size findings, each with rule, severity, codes, area_m2, sliver and message."}
}

// catalog lists the collections this handler serves: the units' and, when
// a findings source is configured, the findings.
func (h *Handler) catalog() []Collection {
	cs := Collections()
	if h.cfg.Findings != nil {
		cs = append(cs, findingsCollection())
	}
	return cs
}

// findingsPage is what the findings' HTML page shows.
type findingsPage struct {
	Collection Collection
	Version    partition.Version
	Matched    int
	Findings   []partition.Finding
	Links      []link
}

// knownParams fails the request when it has a query parameter not in
// allowed (OGC API – Features /req/core/query-param-unknown).
func (h *Handler) knownParams(c *gin.Context, allowed param.Names) bool {
	if err := allowed.Check(c.Request.URL.RawQuery); err != nil {
		h.cfg.Fail(c, err)
		return false
	}
	return true
}

// findingParams are the query parameters of the findings' /items.
var findingParams = param.Names{
	"f", "limit", "bbox", "bbox-crs", "crs", "datetime", "version",
	"cursor", "rule", "severity", "code",
}

// findingsAt returns the findings of version n, computed once per version.
// checked reports whether the findings of version n are computed already.
func (h *Handler) checked(n int64) bool {
	_, ok := h.found.get(strconv.FormatInt(n, 10))
	return ok
}

func (h *Handler) findingsAt(ctx context.Context, n int64) ([]partition.Finding, error) {
	key := strconv.FormatInt(n, 10)
	if fs, ok := h.found.get(key); ok {
		return fs, nil
	}
	fs, err := h.cfg.Findings(ctx, n)
	if err != nil {
		return nil, fmt.Errorf("findings of version %d: %w", n, err)
	}
	h.found.put(key, fs)
	return fs, nil
}

// findingFeature is finding i (0-based) as a feature with id i+1.
func findingFeature(fs []partition.Finding, i int, tr func(orb.Geometry) orb.Geometry) *geojson.Feature {
	f := partition.FindingFeature(&fs[i], tr)
	f.ID = strconv.Itoa(i + 1)
	return f
}

// findingItems serves /collections/findings/items: the findings of the
// selected version that match rule, severity, code (one of the units
// involved) and bbox, paged by id.
func (h *Handler) findingItems(c *gin.Context, col Collection) {
	if !h.knownParams(c, findingParams) {
		return
	}
	fs, v, sel, err := h.selectFindings(c)
	if err != nil {
		h.cfg.Fail(c, err)
		return
	}
	out, _ := crsParam(c, "crs")
	limit, after, err := h.findingPage(c)
	if err != nil {
		h.cfg.Fail(c, err)
		return
	}
	start := 0
	for start < len(sel) && sel[start] < after {
		start++
	}
	end := min(start+limit, len(sel))
	page := sel[start:end]
	links := selfLinks(c, "/collections/"+col.ID+"/items"+queryWithout(c.Request.URL.Query(), "f"), mediaGeoJSON)
	if end < len(sel) {
		q := c.Request.URL.Query()
		q.Del("datetime")
		q.Set("cursor", strconv.Itoa(sel[end-1]+1))
		q.Set("version", strconv.FormatInt(v.Number, 10))
		q.Set("limit", strconv.Itoa(limit))
		links = append(links, link{Href: baseURL(c) + "/collections/" + col.ID + "/items?" + q.Encode(), Rel: "next", Type: mediaGeoJSON, Title: "next page"})
	}
	links = append(links, link{Href: baseURL(c) + "/collections/" + col.ID, Rel: "collection", Type: mediaJSON, Title: col.Title})
	if wantHTML(c) {
		rows := make([]partition.Finding, len(page))
		for i, k := range page {
			rows[i] = fs[k]
		}
		h.html(c, "findings", findingsPage{col, v, len(sel), rows, links})
		return
	}
	c.Header("Content-Type", mediaGeoJSON)
	c.Header("Content-Crs", "<"+out.uri+">")
	c.Status(http.StatusOK)
	head := map[string]any{"numberMatched": len(sel), "numberReturned": len(page), "timeStamp": time.Now().UTC().Format(time.RFC3339), "links": links}
	if v.Number > 0 {
		head["version"] = v
	}
	cw := partition.NewCollectionWriter(c.Writer, head)
	tr := out.transform()
	for _, k := range page {
		if err := cw.Feature(findingFeature(fs, k, tr)); err != nil {
			h.log.WarnContext(c.Request.Context(), "stream findings", "err", err)
			return
		}
	}
	if err := cw.Close(); err != nil {
		h.log.WarnContext(c.Request.Context(), "stream findings", "err", err)
	}
}

// selectFindings resolves the version and returns its findings with the
// indices of those the filters select.
func (h *Handler) selectFindings(c *gin.Context) ([]partition.Finding, partition.Version, []int, error) {
	if _, err := crsParam(c, "crs"); err != nil {
		return nil, partition.Version{}, nil, err
	}
	var rule partition.Rule
	var sev partition.Severity
	var err error
	if q := c.Query("rule"); q != "" {
		if rule, err = partition.ParseRule(q); err != nil {
			return nil, partition.Version{}, nil, err
		}
	}
	if q := c.Query("severity"); q != "" {
		if sev, err = partition.ParseSeverity(q); err != nil {
			return nil, partition.Version{}, nil, err
		}
	}
	at, err := h.asOf(c)
	if err != nil {
		return nil, partition.Version{}, nil, err
	}
	ctx := c.Request.Context()
	v, ok, err := h.resolve(ctx, at)
	if err != nil || !ok {
		return nil, v, nil, err
	}
	var bbox *orb.Bound
	if s := c.Query("bbox"); s != "" {
		in, err := crsParam(c, "bbox-crs")
		if err != nil {
			return nil, v, nil, err
		}
		b, err := parseBBox(s, in)
		if err != nil {
			return nil, v, nil, invalid("%v", err)
		}
		bbox = &b
	}
	fs, err := h.findingsAt(ctx, v.Number)
	if err != nil {
		return nil, v, nil, err
	}
	code := partition.Code(c.Query("code"))
	var sel []int
	for i := range fs {
		f := &fs[i]
		if (rule != "" && f.Rule != rule) || (sev != "" && f.Severity != sev) || (code != "" && !involves(f, code)) {
			continue
		}
		if bbox != nil && (f.Geometry == nil || !f.Geometry.Bound().Intersects(*bbox)) {
			continue
		}
		sel = append(sel, i)
	}
	return fs, v, sel, nil
}

func involves(f *partition.Finding, code partition.Code) bool {
	for _, c := range f.Codes {
		if c == code {
			return true
		}
	}
	return false
}

// findingPage parses limit and cursor (the 0-based index to start from).
func (h *Handler) findingPage(c *gin.Context) (limit, after int, err error) {
	limit = h.cfg.DefaultLimit
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return 0, 0, invalid("limit %q: want a whole number from 1", v)
		}
		limit = min(n, h.cfg.MaxLimit)
	}
	if v := c.Query("cursor"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return 0, 0, invalid("cursor %q: want the cursor of a next link", v)
		}
		after = n
	}
	return limit, after, nil
}

// findingItem serves /collections/findings/items/{id}.
func (h *Handler) findingItem(c *gin.Context, col Collection) {
	if !h.knownParams(c, itemParams) {
		return
	}
	fs, v, _, err := h.selectFindings(c)
	if err != nil {
		h.cfg.Fail(c, err)
		return
	}
	id := c.Param("featureId")
	i, err := strconv.Atoi(id)
	if err != nil || i < 1 || i > len(fs) {
		h.cfg.Fail(c, partition.Errorf(partition.NotFound, "finding %s does not exist in version %d", id, v.Number))
		return
	}
	out, _ := crsParam(c, "crs")
	f := findingFeature(fs, i-1, out.transform())
	body := featureBody{Type: "Feature", ID: id, Geometry: geojson.NewGeometry(f.Geometry), Properties: f.Properties,
		Links: append(selfLinks(c, "/collections/"+col.ID+"/items/"+id+queryWithout(c.Request.URL.Query(), "f"), mediaGeoJSON),
			link{Href: baseURL(c) + "/collections/" + col.ID, Rel: "collection", Type: mediaJSON, Title: col.Title})}
	if f.Geometry == nil {
		body.Geometry = nil
	}
	if wantHTML(c) {
		h.html(c, "findings", findingsPage{col, v, 1, fs[i-1 : i], body.Links})
		return
	}
	c.Header("Content-Type", mediaGeoJSON)
	c.Header("Content-Crs", "<"+out.uri+">")
	c.JSON(http.StatusOK, body)
}

// findingsExtent is the bound and count of the findings of version n.
func (h *Handler) findingsExtent(ctx context.Context, n int64) (extent, error) {
	fs, err := h.findingsAt(ctx, n)
	if err != nil {
		return extent{}, err
	}
	var e extent
	for _, f := range fs {
		if f.Geometry == nil {
			continue
		}
		if e.count == 0 {
			e.bound = f.Geometry.Bound()
		} else {
			e.bound = e.bound.Union(f.Geometry.Bound())
		}
		e.count++
	}
	return e, nil
}
