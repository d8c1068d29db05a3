package ogc

import (
	"context"
	"fmt"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"

	"github.com/wangge/wangge/partition"
)

// collectionInfo is a collection's description.
type collectionInfo struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	ItemType    string   `json:"itemType"`
	Extent      *extentJ `json:"extent,omitempty"`
	CRS         []string `json:"crs"`
	StorageCRS  string   `json:"storageCrs"`
	Links       []link   `json:"links"`
	// Count is the number of features in the latest version, for HTML; -1
	// for findings not computed yet.
	Count int `json:"-"`
}

type extentJ struct {
	Spatial  spatialJ  `json:"spatial"`
	Temporal temporalJ `json:"temporal"`
}

type spatialJ struct {
	BBox [][4]float64 `json:"bbox"`
	CRS  string       `json:"crs"`
}

type temporalJ struct {
	Interval [][2]*string `json:"interval"`
	TRS      string       `json:"trs"`
}

// extent is what a collection's extent is computed from: its bound and
// count in one version.
type extent struct {
	bound orb.Bound
	count int
}

type collectionsBody struct {
	Links       []link           `json:"links"`
	Collections []collectionInfo `json:"collections"`
}

func (h *Handler) collections(c *gin.Context) {
	if !h.checkFormat(c) {
		return
	}
	dh, ok := h.source(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	body := collectionsBody{Links: selfLinks(c, "/collections", mediaJSON), Collections: []collectionInfo{}}
	for _, col := range h.catalog() {
		src := dh
		if col.Findings {
			src = h // the findings are the published version's
		}
		info, err := src.info(ctx, c, col)
		if err != nil {
			h.cfg.Fail(c, err)
			return
		}
		body.Collections = append(body.Collections, info)
	}
	h.respond(c, "collections", body, body)
}

func (h *Handler) collection(c *gin.Context) {
	if !h.checkFormat(c) {
		return
	}
	col, ok := h.lookup(c)
	if !ok {
		return
	}
	if !col.Findings {
		if h, ok = h.source(c); !ok {
			return
		}
	}
	info, err := h.info(c.Request.Context(), c, col)
	if err != nil {
		h.cfg.Fail(c, err)
		return
	}
	info.Links = append(selfLinks(c, "/collections/"+col.ID, mediaJSON), info.Links...)
	h.respond(c, "collection", info, info)
}

// lookup returns the collection of the path, failing the request with a
// not_found error when there is none.
func (h *Handler) lookup(c *gin.Context) (Collection, bool) {
	id := c.Param("collectionId")
	for _, col := range h.catalog() {
		if col.ID == id {
			return col, true
		}
	}
	h.cfg.Fail(c, partition.Errorf(partition.NotFound, "collection %q does not exist (see /collections)", id))
	return Collection{}, false
}

// info describes a collection with its extent in the latest version.
func (h *Handler) info(ctx context.Context, c *gin.Context, col Collection) (collectionInfo, error) {
	b := baseURL(c) + "/collections/" + col.ID
	info := collectionInfo{ID: col.ID, Title: col.Title, Description: col.Description, ItemType: "feature",
		CRS: crsList, StorageCRS: EPSG4490,
		Links: []link{
			{Href: b + "/items?f=json", Rel: "items", Type: mediaGeoJSON, Title: col.Title + " as GeoJSON"},
			{Href: b + "/items?f=html", Rel: "items", Type: mediaHTML, Title: col.Title + " as HTML"},
		}}
	vs, err := h.store.Versions(ctx)
	if err != nil {
		return info, fmt.Errorf("collection %s: %w", col.ID, err)
	}
	if len(vs) == 0 {
		return info, nil
	}
	latest := vs[len(vs)-1]
	var e extent
	switch {
	case !col.Findings:
		e, err = h.extent(ctx, col, latest.Number)
	case h.checked(latest.Number):
		e, err = h.findingsExtent(ctx, latest.Number)
	default:
		// The findings come from checking the whole division (tens of
		// seconds for a province): not for a description, which clients
		// such as QGIS ask for first. Until the findings' first request,
		// their extent is the division's, which holds them all.
		e, err = h.unitsExtent(ctx, latest.Number)
		e.count = -1
	}
	if err != nil {
		return info, err
	}
	info.Count = e.count
	first := vs[0].PublishedAt.UTC().Format(time.RFC3339Nano)
	info.Extent = &extentJ{Temporal: temporalJ{Interval: [][2]*string{{&first, nil}}, TRS: "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"}}
	info.Extent.Spatial.CRS = CRS84
	if e.count > 0 || e.count < 0 && !e.bound.IsZero() {
		info.Extent.Spatial.BBox = [][4]float64{{e.bound.Min[0], e.bound.Min[1], e.bound.Max[0], e.bound.Max[1]}}
	} else {
		info.Extent.Spatial.BBox = [][4]float64{{-180, -90, 180, 90}}
	}
	return info, nil
}

// unitsExtent is the bound of every unit with a geometry at version n: the
// union of the collections' extents (count is how many units).
func (h *Handler) unitsExtent(ctx context.Context, n int64) (extent, error) {
	var all extent
	for _, col := range h.catalog() {
		if col.Findings {
			continue
		}
		e, err := h.extent(ctx, col, n)
		if err != nil || e.count == 0 {
			if err != nil {
				return all, err
			}
			continue
		}
		if all.count == 0 {
			all.bound = e.bound
		} else {
			all.bound = all.bound.Union(e.bound)
		}
		all.count += e.count
	}
	return all, nil
}

// extent returns the bound and count of a collection at version n,
// computed once per version by a scan of its geometries.
func (h *Handler) extent(ctx context.Context, col Collection, n int64) (extent, error) {
	key := fmt.Sprintf("%d|%s", n, col.ID)
	if e, ok := h.bounds.get(key); ok {
		return e, nil
	}
	var e extent
	err := h.store.Units(ctx, col.Query(partition.AsOf{Version: n}), func(u partition.Unit) error {
		if u.Geometry == nil {
			return nil
		}
		b := u.Geometry.Bound()
		if e.count == 0 {
			e.bound = b
		} else {
			e.bound = e.bound.Union(b)
		}
		e.count++
		return nil
	})
	if err != nil {
		return e, fmt.Errorf("extent of %s in version %d: %w", col.ID, n, err)
	}
	h.bounds.put(key, e)
	h.counts.put(countKey(col.ID, col.Query(partition.AsOf{Version: n})), e.count)
	return e, nil
}
