package api

import (
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"

	"github.com/wangge/wangge/api/internal/param"
	"github.com/wangge/wangge/geo/crs"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/router"
)

// asOf parses `as_of`: a version number, an RFC 3339 time, or a date
// (YYYY-MM-DD, meaning the end of that day in the configured zone, so
// "as of 3 March" includes what was published on 3 March).
func (s *Server) asOf(c *gin.Context) (partition.AsOf, error) {
	return partition.ParseAsOf(c.Query("as_of"), s.cfg.Location)
}

// outCRS parses `crs`, the coordinate system of the request's coordinates
// and of the answer's (default wgs84).
func outCRS(c *gin.Context) (crs.CRS, error) {
	v := c.Query("crs")
	if v == "" {
		return crs.WGS84, nil
	}
	r, err := crs.Parse(v)
	if err != nil {
		return "", invalidf("crs: %v", err)
	}
	return r, nil
}

// answerFields parses `fields`, the members a routing answer is narrowed
// to (router.ParseFields); 0, every member, when it is not given.
func answerFields(c *gin.Context) (router.Fields, error) {
	v, ok := c.GetQuery("fields")
	if !ok {
		return 0, nil
	}
	f, err := router.ParseFields(v)
	if err != nil {
		return 0, invalidf("fields: %v", err)
	}
	return f, nil
}

// toCRS returns a transform from stored coordinates to r, nil for none.
func toCRS(r crs.CRS) func(orb.Geometry) orb.Geometry { return crs.Transform(crs.CGCS2000, r) }

// unitQuery parses the filters of /v1/units.
func (s *Server) unitQuery(c *gin.Context, in crs.CRS) (partition.Query, error) {
	var q partition.Query
	var err error
	if q.AsOf, err = s.asOf(c); err != nil {
		return q, err
	}
	if v := c.Query("level"); v != "" {
		if q.Level, err = partition.ParseLevel(v); err != nil {
			return q, invalidf("level: %v", err)
		}
	}
	if v := c.Query("network"); v != "" {
		if q.Network, err = partition.ParseNetwork(v); err != nil {
			return q, invalidf("network: %v", err)
		}
	}
	if v := c.Query("kind"); v != "" {
		if q.Kind, err = partition.ParseKind(v); err != nil {
			return q, invalidf("kind: %v", err)
		}
	}
	q.Parent = partition.Code(c.Query("parent"))
	q.Prefix = c.Query("prefix")
	q.After = partition.Code(c.Query("cursor"))
	if v := c.Query("bbox"); v != "" {
		b, err := parseBBox(v, in)
		if err != nil {
			return q, err
		}
		q.BBox = &b
	}
	q.Limit = s.cfg.DefaultLimit
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > s.cfg.MaxLimit {
			return q, invalidf("limit %q: want a whole number from 1 to %d", v, s.cfg.MaxLimit)
		}
		q.Limit = n
	}
	return q, nil
}

// parseBBox parses minLon,minLat,maxLon,maxLat in the request's crs.
func parseBBox(v string, in crs.CRS) (orb.Bound, error) {
	f, err := param.Floats(v)
	if err != nil {
		return orb.Bound{}, invalidf("bbox %q: %v", v, err)
	}
	if len(f) != 4 {
		return orb.Bound{}, invalidf("bbox %q: want minLon,minLat,maxLon,maxLat", v)
	}
	if f[0] > f[2] || f[1] > f[3] || f[0] < -180 || f[2] > 180 || f[1] < -90 || f[3] > 90 {
		return orb.Bound{}, invalidf("bbox %q: want minLon ≤ maxLon and minLat ≤ maxLat within ±180, ±90", v)
	}
	lo := crs.Convert(orb.Point{f[0], f[1]}, in, crs.CGCS2000)
	hi := crs.Convert(orb.Point{f[2], f[3]}, in, crs.CGCS2000)
	return orb.Bound{Min: lo, Max: hi}, nil
}

// accept is the first handler of a /v1 route: it refuses a request with
// a query parameter not in names (which are case-sensitive), naming it and
// the accepted ones, or with a parameter given more than once.
func (s *Server) accept(names ...string) gin.HandlerFunc {
	accepted := param.Names(names)
	return func(c *gin.Context) {
		q := c.Request.URL.RawQuery
		if err := accepted.Check(q); err != nil {
			s.fail(c, err)
			return
		}
		if err := param.Once(q); err != nil {
			s.fail(c, err)
		}
	}
}
