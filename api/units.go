package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/wangge/wangge/geo/crs"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/tiling"
)

// units serves GET /v1/units as a GeoJSON FeatureCollection, streamed page
// by page: `links` carries the next page when there is one.
func (s *Server) units(c *gin.Context) {
	ctx := c.Request.Context()
	r, err := outCRS(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	q, err := s.unitQuery(c, r)
	if err != nil {
		s.fail(c, err)
		return
	}
	if id := c.Query("draft"); id != "" {
		s.draftUnits(c, id, q, r)
		return
	}
	v, err := s.store.Resolve(ctx, q.AsOf)
	if err != nil && !(partition.KindOf(err) == partition.NotFound && q.AsOf.Latest()) {
		s.fail(c, err)
		return
	}
	q.AsOf = partition.AsOf{Version: v.Number} // pin the page to one version
	limit := q.Limit
	q.Limit++ // one more tells whether there is a next page
	page := make([]partition.Unit, 0, min(limit+1, 1000))
	if v.Number > 0 {
		err = s.store.Units(ctx, q, func(u partition.Unit) error { page = append(page, u); return nil })
		if err != nil {
			s.fail(c, err)
			return
		}
	}
	var links []gin.H
	if len(page) > limit {
		page = page[:limit]
		next := c.Request.URL.Query()
		next.Set("cursor", string(page[limit-1].Code))
		next.Set("as_of", strconv.FormatInt(v.Number, 10))
		links = append(links, gin.H{"rel": "next", "type": "application/geo+json", "href": pageURL(c, next)})
	}
	var version any
	if v.Number > 0 {
		version = v
	}
	c.Header("Content-Type", "application/geo+json")
	c.Status(http.StatusOK)
	cw := partition.NewCollectionWriter(c.Writer, map[string]any{"numberReturned": len(page), "links": nonNil(links), "version": version})
	tr := toCRS(r)
	for i := range page {
		if err := cw.Unit(&page[i], tr); err != nil {
			s.log.WarnContext(ctx, "write units", "err", err)
			return
		}
	}
	if err := cw.Close(); err != nil {
		s.log.WarnContext(ctx, "write units", "err", err)
	}
}

func nonNil(l []gin.H) []gin.H {
	if l == nil {
		return []gin.H{}
	}
	return l
}

func pageURL(c *gin.Context, q url.Values) string {
	u := *c.Request.URL
	u.RawQuery = q.Encode()
	return u.RequestURI()
}

// unit serves GET /v1/units/{code}: the unit as a Feature, with its chain of
// ancestors (root first) and its children's codes in `properties`.
func (s *Server) unit(c *gin.Context) {
	ctx := c.Request.Context()
	r, err := outCRS(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	at, err := s.asOf(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	v, err := s.store.Resolve(ctx, at)
	if err != nil {
		if partition.KindOf(err) == partition.NotFound && at.Latest() {
			err = partition.Errorf(partition.NotFound, "unit %s does not exist: nothing is published yet", c.Param("code"))
		}
		s.fail(c, err)
		return
	}
	pin := partition.AsOf{Version: v.Number}
	u, err := s.store.Unit(ctx, partition.Code(c.Param("code")), pin)
	if err != nil {
		s.fail(c, err)
		return
	}
	chain, err := s.chain(c, u, pin)
	if err != nil {
		s.fail(c, err)
		return
	}
	children := []string{}
	err = s.store.Units(ctx, partition.Query{AsOf: pin, Parent: u.Code, NoGeometry: true}, func(k partition.Unit) error {
		children = append(children, string(k.Code))
		return nil
	})
	if err != nil {
		s.fail(c, err)
		return
	}
	f := partition.Feature(&u, toCRS(r))
	f.Properties["chain"] = chain
	f.Properties["children"] = children
	f.Properties["valid_from"] = u.ValidFrom
	if u.ValidTo > 0 {
		f.Properties["valid_to"] = u.ValidTo
	} else {
		f.Properties["valid_to"] = nil
	}
	f.Properties["version"] = v
	c.Header("Content-Type", "application/geo+json")
	c.JSON(http.StatusOK, f)
}

// link is a unit in a chain of ancestors.
type link struct {
	Code  string `json:"code"`
	Name  string `json:"name"`
	Level string `json:"level"`
}

// chain returns u's ancestors, root first.
func (s *Server) chain(c *gin.Context, u partition.Unit, at partition.AsOf) ([]link, error) {
	var up []link
	for p := u.Parent; p != "" && len(up) < 16; {
		a, err := s.store.Unit(c.Request.Context(), p, at)
		if err != nil {
			return nil, err
		}
		up = append(up, link{Code: string(a.Code), Name: a.Name, Level: string(a.Level)})
		p = a.Parent
	}
	out := make([]link, len(up))
	for i := range up {
		out[i] = up[len(up)-1-i]
	}
	return out, nil
}

// versions serves GET /v1/versions.
func (s *Server) versions(c *gin.Context) {
	vs, err := s.store.Versions(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	if vs == nil {
		vs = []partition.Version{}
	}
	c.JSON(http.StatusOK, gin.H{"versions": vs})
}

// publish serves POST /v1/versions[?crs=&note=&require=tiling&findings=geojson]:
// a FeatureCollection of units (and vessels) published as a new version,
// all or nothing. The tiling check runs first on the families the
// changeset touches, read with the latest version (tiling.CheckChangeset),
// after the checks Publish makes (unusable input is refused as invalid
// first), and the answer carries its summary in `tiling` and, with
// findings=geojson, the findings as a FeatureCollection in `findings`.
// Error findings do not stop the publish — real boundary files have gaps
// that must still import — unless require=tiling: then the changeset is
// refused with 422 (code untiled, a detail per error finding, `tiling` and
// `findings` beside `error`) and nothing is written.
//
// Any other query parameter is refused (server.go), so that a misspelt
// require=tiling does not publish unchecked. Roles do not exist yet: once
// they do (the review-chain issue), only an admin may publish without
// require=tiling.
func (s *Server) publish(c *gin.Context) {
	ctx := c.Request.Context()
	in, err := outCRS(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	require, withFindings, err := publishOptions(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	body := s.body(c, s.cfg.MaxBodyBytes)
	d, err := partition.DecodeFeatureCollection(body, partition.DecodeOptions{Transform: crs.Transform(in, crs.CGCS2000), MaxFeatures: s.cfg.MaxFeatures})
	if err != nil {
		s.fail(c, err)
		return
	}
	if _, err := partition.ResolveSoftParents(ctx, &d, s.store); err != nil {
		s.fail(c, err)
		return
	}
	d.Note = c.Query("note")
	rep, err := tiling.CheckChangeset(ctx, s.store, &d.Changeset, tiling.DefaultOptions(), s.cfg.Limits)
	if err != nil {
		s.fail(c, err)
		return
	}
	findings := func() json.RawMessage {
		var buf bytes.Buffer
		if err := tiling.WriteGeoJSON(&buf, &rep.Report, toCRS(in), 0); err != nil {
			s.log.ErrorContext(ctx, "encode findings", "err", err)
			return json.RawMessage("null")
		}
		return buf.Bytes()
	}
	if require {
		if err := rep.Refusal(&d.Changeset); err != nil {
			s.failWith(c, err, gin.H{"tiling": rep.Summary(), "findings": findings()})
			return
		}
	}
	v, err := s.store.Publish(ctx, d.Changeset)
	if err != nil {
		s.fail(c, err)
		return
	}
	if _, err := s.router.ReloadTo(ctx, v.Number); err != nil { // route from the new version at once
		s.log.ErrorContext(ctx, "router reload after publish", "version", v.Number, "err", err)
	}
	res := gin.H{"version": v, "units": len(d.Units), "vessels": len(d.Vessels), "tiling": rep.Summary()}
	if withFindings {
		res["findings"] = findings()
	}
	c.JSON(http.StatusCreated, res)
}

// publishOptions parses require (tiling: refuse a changeset with tiling
// errors) and findings (geojson: answer the findings).
func publishOptions(c *gin.Context) (require, findings bool, err error) {
	switch v := c.Query("require"); v {
	case "":
	case "tiling":
		require = true
	default:
		return false, false, invalidf("require %q: want tiling (refuse the publish when the tiling check finds errors)", v)
	}
	switch v := c.Query("findings"); v {
	case "":
	case "geojson":
		findings = true
	default:
		return false, false, invalidf("findings %q: want geojson (the findings of the tiling check as a FeatureCollection)", v)
	}
	return require, findings, nil
}
