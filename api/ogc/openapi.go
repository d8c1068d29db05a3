package ogc

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/wangge/wangge/partition/router"
)

// openAPITemplate is the OpenAPI 3.0 definition of the OGC endpoints and of
// /v1; document fills in what depends on the server: its URL, the
// collection ids, the CRSs, the limits and the routing answer's fields.
//
//go:embed openapi.json
var openAPITemplate []byte

// document returns the OpenAPI definition for a client at base.
func (h *Handler) document(base string) (map[string]any, error) {
	var doc map[string]any
	if err := json.Unmarshal(openAPITemplate, &doc); err != nil {
		return nil, fmt.Errorf("openapi template: %w", err)
	}
	doc["servers"] = []any{map[string]any{"url": base}}
	doc["info"].(map[string]any)["title"] = h.cfg.Title
	params := doc["components"].(map[string]any)["parameters"].(map[string]any)
	schema := func(name string) map[string]any { return params[name].(map[string]any)["schema"].(map[string]any) }
	var ids []any
	for _, c := range h.catalog() {
		ids = append(ids, c.ID)
	}
	schema("collectionId")["enum"] = ids
	crs := make([]any, len(crsList))
	for i, c := range crsList {
		crs[i] = c
	}
	schema("crs")["enum"] = crs
	schema("bbox-crs")["enum"] = crs
	for _, name := range []string{"limit", "v1Limit"} {
		schema(name)["maximum"] = h.cfg.MaxLimit
		schema(name)["default"] = h.cfg.DefaultLimit
	}
	var fields []any
	for _, f := range router.FieldNames() {
		fields = append(fields, f)
	}
	schema("fields")["items"].(map[string]any)["enum"] = fields
	return doc, nil
}

// apiPath is a path of the definition, for the HTML page.
type apiPath struct{ Path, Summary string }

func (h *Handler) openAPI(c *gin.Context) {
	if !h.checkFormat(c) {
		return
	}
	doc, err := h.document(baseURL(c))
	if err != nil {
		h.cfg.Fail(c, err)
		return
	}
	if wantHTML(c) {
		paths := doc["paths"].(map[string]any)
		data := struct {
			Title string
			Paths []apiPath
		}{Title: h.cfg.Title}
		for p, item := range paths {
			op, _ := item.(map[string]any)["get"].(map[string]any)
			if op == nil { // a POST-only path
				op, _ = item.(map[string]any)["post"].(map[string]any)
			}
			s, _ := op["summary"].(string)
			data.Paths = append(data.Paths, apiPath{Path: p, Summary: s})
		}
		slices.SortFunc(data.Paths, func(a, b apiPath) int {
			if a.Path < b.Path {
				return -1
			}
			return 1
		})
		h.html(c, "api", data)
		return
	}
	b, err := json.Marshal(doc)
	if err != nil {
		h.cfg.Fail(c, fmt.Errorf("encode openapi: %w", err))
		return
	}
	c.Data(http.StatusOK, mediaOpenAPI, b)
}
