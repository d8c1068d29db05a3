package api

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/wangge/wangge/partition"
)

// vesselList serves GET /v1/vessels?unit=&as_of=&limit=&cursor=.
func (s *Server) vesselList(c *gin.Context) {
	at, err := s.asOf(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	q := partition.VesselQuery{AsOf: at, Unit: partition.Code(c.Query("unit")), After: c.Query("cursor"), Limit: s.cfg.DefaultLimit}
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > s.cfg.MaxLimit {
			s.fail(c, invalidf("limit %q: want a whole number from 1 to %d", v, s.cfg.MaxLimit))
			return
		}
		q.Limit = n
	}
	out := []partition.VesselJSON{}
	err = s.store.Vessels(c.Request.Context(), q, func(v partition.Vessel) error { out = append(out, v.JSON()); return nil })
	if err != nil && !(partition.KindOf(err) == partition.NotFound && at.Latest()) {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"vessels": out})
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
