package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/diff"
	"github.com/wangge/wangge/partition/draft"
)

// diffStates serves GET /v1/diff?from=&to=&root=: the areas that changed
// hands between two states (a version as an as-of, or draft:ID) as a
// GeoJSON FeatureCollection, one feature per piece, with the units added
// and removed, the attribute changes and a summary beside them.
func (s *Server) diffStates(c *gin.Context) {
	a, ok := s.args(c)
	if !ok {
		return
	}
	svc, r := a.svc, a.crs
	var err error
	var sides [2]draft.Side
	for i, name := range []string{"from", "to"} {
		v := c.Query(name)
		if v == "" {
			s.fail(c, invalidf("%s: missing: want a version (number, time or date) or draft:ID", name))
			return
		}
		if sides[i], err = draft.ParseSide(v, s.cfg.Location); err != nil {
			s.fail(c, invalidf("%s: %v", name, err))
			return
		}
	}
	res, err := svc.Diff(c.Request.Context(), sides[0], sides[1], partition.Code(c.Query("root")))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Content-Type", "application/geo+json")
	c.Status(http.StatusOK)
	if err := diff.WriteGeoJSON(c.Writer, &res, toCRS(r)); err != nil {
		s.log.WarnContext(c.Request.Context(), "write diff", "err", err)
	}
}
