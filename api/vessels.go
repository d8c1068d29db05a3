package api

import (
	"context"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/wangge/wangge/partition"
)

// vesselList serves GET /v1/vessels?unit=&as_of=&limit=&cursor=: a page
// of the registry in id order, {"vessels", "numberMatched" (every vessel
// the query selects, on every page), "numberReturned", "links" (next, with
// a cursor, pinned to the version read, while there is more), "version"}.
func (s *Server) vesselList(c *gin.Context) {
	ctx := c.Request.Context()
	at, err := s.asOf(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	q := partition.VesselQuery{Unit: partition.Code(c.Query("unit")), After: c.Query("cursor"), Limit: s.cfg.DefaultLimit}
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > s.cfg.MaxLimit {
			s.fail(c, invalidf("limit %q: want a whole number from 1 to %d", v, s.cfg.MaxLimit))
			return
		}
		q.Limit = n
	}
	v, err := s.store.Resolve(ctx, at)
	if err != nil && !(partition.KindOf(err) == partition.NotFound && at.Latest()) {
		s.fail(c, err)
		return
	}
	out, matched, links := []partition.VesselJSON{}, 0, []gin.H{}
	var version any
	if v.Number > 0 {
		q.AsOf, version = partition.AsOf{Version: v.Number}, v // pin the page to one version
		if out, matched, err = s.vesselPage(ctx, q); err != nil {
			s.fail(c, err)
			return
		}
	}
	if len(out) > q.Limit {
		out = out[:q.Limit]
		next := c.Request.URL.Query()
		next.Set("cursor", out[len(out)-1].ID)
		next.Set("as_of", strconv.FormatInt(v.Number, 10))
		links = append(links, gin.H{"rel": "next", "type": "application/json", "href": pageURL(c, next)})
	}
	c.JSON(http.StatusOK, gin.H{"vessels": out, "numberMatched": matched, "numberReturned": len(out), "links": links, "version": version})
}

// vesselPage reads the page q selects and one vessel more (there is a next
// page when it is there), and counts the vessels of q's unit at its
// version, whatever the cursor.
func (s *Server) vesselPage(ctx context.Context, q partition.VesselQuery) ([]partition.VesselJSON, int, error) {
	page := q
	page.Limit++
	out := []partition.VesselJSON{}
	if err := s.store.Vessels(ctx, page, func(v partition.Vessel) error { out = append(out, v.JSON()); return nil }); err != nil {
		return nil, 0, err
	}
	all := partition.VesselQuery{AsOf: q.AsOf, Unit: q.Unit}
	matched := 0
	if err := s.store.Vessels(ctx, all, func(partition.Vessel) error { matched++; return nil }); err != nil {
		return nil, 0, err
	}
	return out, matched, nil
}

// vessel serves GET /v1/vessels/{id}.
func (s *Server) vessel(c *gin.Context) {
	at, err := s.asOf(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	v, err := s.store.Vessel(c.Request.Context(), c.Param("id"), at)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"vessel": v.JSON(), "valid_from": v.ValidFrom})
}
