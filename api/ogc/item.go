package ogc

import (
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb/geojson"

	"github.com/wangge/wangge/api/internal/param"
	"github.com/wangge/wangge/partition"
)

// featureBody is a GeoJSON Feature with the links OGC API asks for.
type featureBody struct {
	Type       string            `json:"type"`
	ID         string            `json:"id"`
	Geometry   *geojson.Geometry `json:"geometry"`
	Properties map[string]any    `json:"properties"`
	Links      []link            `json:"links"`
}

// itemParams are the query parameters of one item.
var itemParams = param.Names{"f", "crs", "datetime", "version", "draft"}

// item serves /collections/{collectionId}/items/{featureId}: the unit with
// that code, when it belongs to the collection in the selected version.
func (h *Handler) item(c *gin.Context) {
	if !h.checkFormat(c) {
		return
	}
	col, ok := h.lookup(c)
	if !ok {
		return
	}
	if col.Findings {
		h.findingItem(c, col)
		return
	}
	if !h.knownParams(c, itemParams) {
		return
	}
	h, ok = h.source(c)
	if !ok {
		return
	}
	out, err := crsParam(c, "crs")
	if err != nil {
		h.cfg.Fail(c, err)
		return
	}
	at, err := h.asOf(c)
	if err != nil {
		h.cfg.Fail(c, err)
		return
	}
	ctx := c.Request.Context()
	code := partition.Code(c.Param("featureId"))
	u, err := h.store.Unit(ctx, code, at)
	if err == nil && (u.Level != col.Level || u.Network != col.Network || u.Geometry == nil) {
		err = partition.Errorf(partition.NotFound, "feature %s is not in collection %s", code, col.ID)
	}
	if err != nil {
		h.cfg.Fail(c, err)
		return
	}
	f := partition.Feature(&u, out.transform())
	path := "/collections/" + col.ID + "/items/" + string(code) + queryWithout(c.Request.URL.Query(), "f")
	body := featureBody{Type: "Feature", ID: string(u.Code), Geometry: geojson.NewGeometry(f.Geometry), Properties: f.Properties,
		Links: append(selfLinks(c, path, mediaGeoJSON),
			link{Href: baseURL(c) + "/collections/" + col.ID, Rel: "collection", Type: mediaJSON, Title: col.Title})}
	if wantHTML(c) {
		h.html(c, "item", itemPage{Collection: col, Unit: u, Units: []partition.Unit{u}, Links: body.Links})
		return
	}
	c.Header("Content-Type", mediaGeoJSON)
	c.Header("Content-Crs", "<"+out.uri+">")
	c.Header("ETag", featureETag(&u))
	c.JSON(http.StatusOK, body)
}
