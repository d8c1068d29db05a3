package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/wangge/wangge/geo/crs"
	"github.com/wangge/wangge/partition"
)

// draftUnits serves GET /v1/units?draft=ID: the draft's units at its head,
// filtered and paged as the published ones are.
func (s *Server) draftUnits(c *gin.Context, id string, q partition.Query, r crs.CRS) {
	svc, ok := s.service(c)
	if !ok {
		return
	}
	if c.Query("as_of") != "" {
		s.fail(c, invalidf("as_of: a draft has one state, its head: give draft or as_of, not both"))
		return
	}
	d, units, err := svc.Units(c.Request.Context(), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	page := make([]partition.Unit, 0, min(q.Limit+1, 1000))
	for i := range units {
		if q.Matches(&units[i]) {
			page = append(page, units[i])
			if len(page) > q.Limit {
				break
			}
		}
	}
	var links []gin.H
	if len(page) > q.Limit {
		page = page[:q.Limit]
		next := c.Request.URL.Query()
		next.Set("cursor", string(page[q.Limit-1].Code))
		links = append(links, gin.H{"rel": "next", "type": "application/geo+json", "href": pageURL(c, next)})
	}
	etag(c, d)
	c.Header("Content-Type", "application/geo+json")
	c.Status(http.StatusOK)
	cw := partition.NewCollectionWriter(c.Writer, map[string]any{"numberReturned": len(page), "links": nonNil(links), "draft": d})
	tr := toCRS(r)
	for i := range page {
		if err := cw.Unit(&page[i], tr); err != nil {
			s.log.WarnContext(c.Request.Context(), "write units", "err", err)
			return
		}
	}
	if err := cw.Close(); err != nil {
		s.log.WarnContext(c.Request.Context(), "write units", "err", err)
	}
}
