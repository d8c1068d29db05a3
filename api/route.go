package api

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo/crs"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/router"
)

// index returns the router's current index, loading the first one when
// nothing was loaded yet (a server started without a router).
func (s *Server) index(ctx context.Context) (*router.Index, error) {
	ix := s.router.Current()
	if ix.Version().Number == 0 {
		return s.router.Reload(ctx)
	}
	return ix, nil
}

// indexAt returns the index that answers a routing request: that of the
// version its as_of selects (a number, an RFC 3339 time or a date), from
// the router's cache of past versions, or the current one.
func (s *Server) indexAt(c *gin.Context) (*router.Index, error) {
	at, err := s.asOf(c)
	if err != nil {
		return nil, err
	}
	if at.Latest() {
		return s.index(c.Request.Context())
	}
	return s.router.At(c.Request.Context(), at)
}

// checkPoint refuses a single point (the query's lon and lat) that is not
// a finite lon/lat in range.
func checkPoint(p [2]float64) error {
	msg := pointProblem(p)
	if msg == "" {
		return nil
	}
	e := partition.Errorf(partition.Invalid, "%s", msg)
	e.Problems = []partition.Problem{{Index: -1, Field: "point", Message: msg}}
	return e
}

// pointProblem says what is wrong with a point that is not a finite
// lon/lat in range, "" when nothing is.
func pointProblem(p [2]float64) string {
	switch {
	case math.IsNaN(p[0]) || math.IsNaN(p[1]) || math.IsInf(p[0], 0) || math.IsInf(p[1], 0):
		return "coordinates must be finite numbers"
	case p[0] < -180 || p[0] > 180:
		return "lon " + strconv.FormatFloat(p[0], 'g', -1, 64) + " is outside -180…180"
	case p[1] < -90 || p[1] > 90:
		return "lat " + strconv.FormatFloat(p[1], 'g', -1, 64) + " is outside -90…90"
	}
	return ""
}

// toStored converts a point from the request's coordinate system to
// CGCS2000, the one the units are stored in.
func toStored(p [2]float64, in crs.CRS) orb.Point {
	if in == crs.WGS84 || in == crs.CGCS2000 {
		return orb.Point(p)
	}
	return crs.Convert(orb.Point(p), in, crs.CGCS2000)
}

// route serves GET /v1/route?lon=&lat=&crs=&as_of=&fields=: the router's
// answer (only the members fields names, when it is given), ending with
// "crs", the system the point was read in.
func (s *Server) route(c *gin.Context) {
	in, err := outCRS(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	p, err := queryPoint(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	fields, err := answerFields(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	ix, err := s.indexAt(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	r := ix.Route(toStored(p, in))
	var pt [64]byte
	buf := router.AppendJSONFields(make([]byte, 0, 1024), &r, router.AppendPoint(pt[:0], p), fields)
	buf = appendCRS(buf, in)
	c.Data(http.StatusOK, "application/json", buf)
}

// queryPoint parses the lon and lat query parameters.
func queryPoint(c *gin.Context) ([2]float64, error) {
	var p [2]float64
	for i, k := range [...]string{"lon", "lat"} {
		v, ok := c.GetQuery(k)
		if !ok || v == "" {
			return p, partition.Errorf(partition.Invalid, "%s is missing: want /v1/route?lon=…&lat=…[&crs=wgs84|cgcs2000|gcj02|bd09]", k)
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return p, invalidf("%s %q is not a number", k, v)
		}
		p[i] = f
	}
	return p, checkPoint(p)
}

// vesselRoute serves GET /v1/vessels/{id}/route[?lon&lat&crs]: the
// vessel's formation or transport unit with its chain, and, given a
// position, the route of that position (the sea grid it is in) as
// /v1/route answers it, "crs" included.
func (s *Server) vesselRoute(c *gin.Context) {
	ctx := c.Request.Context()
	in, err := outCRS(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	ix, err := s.indexAt(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	v, err := ix.Vessel(ctx, s.store, c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	out := gin.H{"vessel": v.Vessel.JSON(), "unit": v.Unit.Code, "chain": chainJSON(v.Chain), "version": ix.Version()}
	if _, has := c.GetQuery("lon"); has {
		p, err := queryPoint(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		r := ix.Route(toStored(p, in))
		out["position"] = rawJSON(appendCRS(router.AppendJSON(nil, &r, p), in))
	}
	c.JSON(http.StatusOK, out)
}

type rawJSON []byte

func (r rawJSON) MarshalJSON() ([]byte, error) { return r, nil }

func chainJSON(chain []*partition.Unit) []gin.H {
	out := make([]gin.H, len(chain))
	for i, u := range chain {
		staff := u.Staff
		if staff == nil {
			staff = []partition.Staff{}
		}
		out[i] = gin.H{"code": u.Code, "name": u.Name, "level": u.Level, "network": u.Network, "kind": u.Kind, "staff": staff}
	}
	return out
}

func jsonLine(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	return append(b, '\n'), err
}
