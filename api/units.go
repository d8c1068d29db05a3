package api

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb/geojson"

	"github.com/wangge/wangge/geo/crs"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/tiling"
)

// units serves GET /v1/units as a GeoJSON FeatureCollection, streamed page
// by page: `links` carries the next page when there is one. With
// draft=ID the units are the draft's at its head, filtered and paged alike.
func (s *Server) units(c *gin.Context) {
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
	src, err := s.source(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	page, more, err := src.page(c.Request.Context(), q)
	if err != nil {
		s.fail(c, err)
		return
	}
	meta := map[string]any{"numberReturned": len(page), "links": nonNil(s.nextLink(c, &src, page, more))}
	switch {
	case src.draft != nil:
		etag(c, *src.draft)
		meta["draft"] = *src.draft
	case src.version.Number > 0:
		meta["version"] = src.version
	default:
		meta["version"] = nil
	}
	s.writeUnits(c, page, meta, r)
}

// page reads the page q asks for from src, and whether there is more.
func (src *source) page(ctx context.Context, q partition.Query) ([]partition.Unit, bool, error) {
	if src.version.Number == 0 {
		return nil, false, nil // nothing published yet
	}
	limit := q.Limit
	q.AsOf = src.at() // pin the page to one version
	q.Limit++         // one more tells whether there is a next page
	page := make([]partition.Unit, 0, min(limit+1, 1000))
	err := src.store.Units(ctx, q, func(u partition.Unit) error { page = append(page, u); return nil })
	if err != nil || len(page) <= limit {
		return page, false, err
	}
	return page[:limit], true, nil
}

// nextLink is the link to the page after page, nil when there is none. A
// version's is pinned to it; a draft's reads its head again.
func (s *Server) nextLink(c *gin.Context, src *source, page []partition.Unit, more bool) []gin.H {
	if !more {
		return nil
	}
	next := c.Request.URL.Query()
	next.Set("cursor", string(page[len(page)-1].Code))
	if src.draft == nil {
		next.Set("as_of", strconv.FormatInt(src.version.Number, 10))
	}
	return []gin.H{{"rel": "next", "type": "application/geo+json", "href": pageURL(c, next)}}
}

// writeUnits streams page as a FeatureCollection with meta's members.
func (s *Server) writeUnits(c *gin.Context, page []partition.Unit, meta map[string]any, r crs.CRS) {
	ctx := c.Request.Context()
	c.Header("Content-Type", "application/geo+json")
	c.Status(http.StatusOK)
	cw := partition.NewCollectionWriter(c.Writer, meta)
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
// ancestors (root first) and its children's codes in `properties`. With
// draft=ID it is the draft's unit, its children the draft's, and `draft`
// names the draft.
func (s *Server) unit(c *gin.Context) {
	ctx := c.Request.Context()
	r, err := outCRS(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	src, err := s.source(c)
	if err == nil && src.version.Number == 0 {
		err = partition.Errorf(partition.NotFound, "unit %s does not exist: nothing is published yet", c.Param("code"))
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	u, err := src.store.Unit(ctx, partition.Code(c.Param("code")), src.at())
	if err != nil {
		s.fail(c, err)
		return
	}
	f, err := s.unitFeature(ctx, &src, &u, r)
	if err != nil {
		s.fail(c, err)
		return
	}
	if src.draft != nil {
		etag(c, *src.draft)
	}
	c.Header("Content-Type", "application/geo+json")
	c.JSON(http.StatusOK, f)
}

// unitFeature is u as /v1/units/{code} answers it.
func (s *Server) unitFeature(ctx context.Context, src *source, u *partition.Unit, r crs.CRS) (*geojson.Feature, error) {
	chain, err := s.chain(ctx, src, u)
	if err != nil {
		return nil, err
	}
	children := []string{}
	err = src.store.Units(ctx, partition.Query{AsOf: src.at(), Parent: u.Code, NoGeometry: true}, func(k partition.Unit) error {
		children = append(children, string(k.Code))
		return nil
	})
	if err != nil {
		return nil, err
	}
	f := partition.Feature(u, toCRS(r))
	f.Properties["chain"] = chain
	f.Properties["children"] = children
	f.Properties["valid_from"] = u.ValidFrom
	if u.ValidTo > 0 {
		f.Properties["valid_to"] = u.ValidTo
	} else {
		f.Properties["valid_to"] = nil
	}
	f.Properties["version"] = src.version
	if src.draft != nil {
		f.Properties["draft"] = *src.draft
	}
	return f, nil
}

// link is a unit in a chain of ancestors.
type link struct {
	Code  string `json:"code"`
	Name  string `json:"name"`
	Level string `json:"level"`
}

// chain returns u's ancestors in src, root first.
func (s *Server) chain(ctx context.Context, src *source, u *partition.Unit) ([]link, error) {
	var up []link
	for p := u.Parent; p != "" && len(up) < 16; {
		a, err := s.ancestor(ctx, src, p)
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
	if !s.allow(c, "publishing a version outside the review chain", partition.RoleAdmin) {
		return
	}
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
