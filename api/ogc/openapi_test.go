package ogc_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/wangge/wangge/api"
	"github.com/wangge/wangge/internal/gisfixture"
)

// TestOpenAPI loads /api with kin-openapi and validates it as OpenAPI 3.0,
// then checks real responses against it (status, media type and body
// schema), and follows every link of the landing page.
func TestOpenAPI(t *testing.T) {
	st := openGPKG(t)
	gisfixture.Publish(t, st, sampleDir, 20, 20)
	srv := serve(t, st, api.Config{})
	ctx := context.Background()

	res, body := get(t, srv.URL+"/api")
	if ct := res.Header.Get("Content-Type"); ct != "application/vnd.oai.openapi+json;version=3.0" {
		t.Errorf("/api: Content-Type %q", ct)
	}
	doc, err := openapi3.NewLoader().LoadFromData(body)
	if err != nil {
		t.Fatalf("load /api: %v", err)
	}
	if err := doc.Validate(ctx); err != nil {
		t.Fatalf("/api is not a valid OpenAPI 3.0 document: %v", err)
	}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{
		"/", "/conformance", "/collections", "/collections/grids",
		"/collections/microgrids/items?limit=5",
		"/collections/microgrids/items?limit=3&bbox=122.30,30.70,122.302,30.702&crs=http://www.opengis.net/def/crs/EPSG/0/4326",
		"/collections/districts/items?datetime=2000-01-01T00:00:00Z",
		"/collections/grids/items/330922100001001",
		"/collections/sea-grids/items?kind=fishing",
		"/collections/nowhere", "/collections/grids/items?limit=x", "/collections/grids/items?color=red",
		"/collections/grids/items/330922100001999",
		"/v1/units?level=grid&limit=2", "/v1/units?network=sea&as_of=2", "/v1/units/330922100001001", "/v1/units/330922100001999",
		"/v1/units/330922100001001?draft=nope",
		"/v1/versions", "/v1/vessels?limit=2", "/v1/vessels?unit=330922900000001001&limit=1000", "/v1/vessels/浙嵊渔10022",
		"/v1/vessels/浙嵊渔10022/route?lon=122.3005&lat=30.7005", "/v1/route?lon=122.3005&lat=30.7005",
		"/v1/route?lon=122.3005&lat=30.7005&fields=code,contact", "/v1/route?lon=122.3005&lat=30.7005&fields=code,staff,chain&crs=gcj02",
		"/v1/route?lon=10&lat=10", "/v1/route?lon=122.3&lat=91", "/v1/route?lon=122.3&lat=30.7&fields=code,chian",
		"/v1/validate?root=330922100001",
	} {
		t.Run(path, func(t *testing.T) { validateResponse(t, router, srv.URL+path) })
	}
	draft := createDraft(t, srv.URL)
	for _, tc := range []struct{ method, path, contentType, body string }{
		{"OPTIONS", "/collections/grids/items?draft=" + draft, "", ""},
		{"OPTIONS", "/collections/grids/items/330922100001001", "", ""},
		{"PUT", "/collections/grids/items/330922100001001", "application/geo+json", `{"type":"Feature","geometry":null,"properties":{}}`},
		{"PUT", "/collections/grids/items/330922100001001?draft=" + draft, "application/geo+json", `{"type":"Feature","geometry":null,"properties":{}}`},
		{"PATCH", "/collections/grids/items/330922100001001?draft=" + draft, "text/plain", `{}`},
		{"DELETE", "/collections/grids/items/330922100001001?draft=" + draft, "", ""},
		{"POST", "/collections/grids/items?draft=" + draft, "application/geo+json", `{"type":"Feature","geometry":{"type":"Point","coordinates":[122.3,30.7]},"properties":{"parent":"330922100001"}}`},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			var body io.Reader
			if tc.body != "" {
				body = strings.NewReader(tc.body)
			}
			req, err := http.NewRequest(tc.method, srv.URL+tc.path, body)
			if err != nil {
				t.Fatal(err)
			}
			if tc.contentType != "" {
				req.Header.Set("Content-Type", tc.contentType)
			}
			var b []byte
			if tc.body != "" {
				b = []byte(tc.body)
			}
			validateRequest(t, router, req, b)
		})
	}
	for _, tc := range []struct{ path, contentType, body string }{
		{"/v1/route/batch", "application/json", `{"points":[[122.3005,30.7005],[10,10]]}`},
		{"/v1/route/batch?fields=code,contact&crs=wgs84", "application/json", `{"crs":"wgs84","points":[[122.3005,30.7005]]}`},
		{"/v1/route/batch?on_error=skip", "application/json", `{"points":[[122.3005,30.7005],[200,0]]}`},
	} {
		t.Run("POST "+tc.path, func(t *testing.T) {
			req, err := http.NewRequest("POST", srv.URL+tc.path, strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", tc.contentType)
			validateRequest(t, router, req, []byte(tc.body))
		})
	}
	// Every /v1 and OGC route the server registers is in the definition,
	// with its method.
	t.Run("CoversV1", func(t *testing.T) {
		n := 0
		for _, r := range srv.routes {
			if !strings.HasPrefix(r.Path, "/v1/") && !strings.HasPrefix(r.Path, "/collections") {
				continue
			}
			n++
			path := r.Path
			for _, seg := range strings.Split(r.Path, "/") {
				if strings.HasPrefix(seg, ":") {
					path = strings.Replace(path, seg, "{"+seg[1:]+"}", 1)
				}
			}
			item := doc.Paths.Find(path)
			if item == nil || item.GetOperation(r.Method) == nil {
				t.Errorf("%s %s (%s) is not in the definition", r.Method, r.Path, path)
			}
		}
		if n < 10 {
			t.Errorf("%d /v1 routes, want the server's (at least 10)", n)
		}
	})

	t.Run("LandingLinks", func(t *testing.T) {
		var lp struct {
			Links []struct{ Href, Rel, Type string }
		}
		_, b := get(t, srv.URL+"/")
		if err := json.Unmarshal(b, &lp); err != nil {
			t.Fatal(err)
		}
		var rels []string
		for _, l := range lp.Links {
			rels = append(rels, l.Rel)
			res, _ := get(t, l.Href)
			if res.StatusCode != http.StatusOK {
				t.Errorf("landing link %s %s: status %d", l.Rel, l.Href, res.StatusCode)
			}
			if want := l.Type; want != "" && !strings.HasPrefix(res.Header.Get("Content-Type"), strings.Split(want, ";")[0]) {
				t.Errorf("landing link %s %s: Content-Type %q, want %q", l.Rel, l.Href, res.Header.Get("Content-Type"), want)
			}
		}
		for _, want := range []string{"self", "alternate", "service-desc", "service-doc", "conformance", "data"} {
			if !slices.Contains(rels, want) {
				t.Errorf("landing page: no %s link (got %v)", want, rels)
			}
		}
	})
	t.Run("Conformance", func(t *testing.T) {
		var c struct{ ConformsTo []string }
		_, b := get(t, srv.URL+"/conformance")
		if err := json.Unmarshal(b, &c); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"ogcapi-features-1/1.0/conf/core", "ogcapi-features-1/1.0/conf/geojson",
			"ogcapi-features-1/1.0/conf/html", "ogcapi-features-1/1.0/conf/oas30", "ogcapi-features-2/1.0/conf/crs",
			"ogcapi-features-4/1.0/conf/create-replace-delete", "ogcapi-features-4/1.0/conf/update",
			"ogcapi-features-4/1.0/conf/optimistic-locking-etags", "ogcapi-features-4/1.0/conf/features"} {
			if !slices.Contains(c.ConformsTo, "http://www.opengis.net/spec/"+want) {
				t.Errorf("conformsTo lacks %s: %v", want, c.ConformsTo)
			}
		}
	})
}

// validateResponse fetches url and validates the request and the response
// against the operation the OpenAPI document defines for the path.
func validateResponse(t *testing.T, router routers.Router, url string) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	validateRequest(t, router, req, nil)
}

// validateRequest sends req (whose body, if any, is body) and validates
// the request, its body included, and the response against the operation
// the OpenAPI document defines for it.
func validateRequest(t *testing.T, router routers.Router, req *http.Request, body []byte) {
	t.Helper()
	url := req.URL.String()
	route, params, err := router.FindRoute(req)
	if err != nil {
		t.Fatalf("no operation for %s %s: %v", req.Method, url, err)
	}
	check := req.Clone(context.Background())
	check.Body = io.NopCloser(bytes.NewReader(body))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	answer, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	in := &openapi3filter.RequestValidationInput{Request: check, PathParams: params, Route: route,
		Options: &openapi3filter.Options{ExcludeRequestBody: body == nil}}
	reqErr := openapi3filter.ValidateRequest(context.Background(), in)
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: res.StatusCode, Header: res.Header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true}}
	out.SetBodyBytes(answer)
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		t.Errorf("%s: status %d: the response does not match the definition: %v\n%s", url, res.StatusCode, err, clip(answer))
	}
	if res.StatusCode < 400 && reqErr != nil {
		t.Errorf("%s: served, but the definition rejects the request: %v", url, reqErr)
	}
	if res.StatusCode == 400 && reqErr == nil && !strings.Contains(url, "color=") {
		t.Errorf("%s: refused, but the definition accepts the request", url)
	}
}

func clip(b []byte) string {
	if len(b) > 600 {
		return string(b[:600]) + "…"
	}
	return string(b)
}

// createDraft starts a draft of the generated community.
func createDraft(t *testing.T, base string) string {
	t.Helper()
	res, err := http.Post(base+"/v1/drafts", "application/json", strings.NewReader(`{"root": "330922100001"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body struct{ Draft struct{ ID string } }
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil || res.StatusCode != 201 {
		t.Fatalf("create a draft: %d %v", res.StatusCode, err)
	}
	return body.Draft.ID
}
