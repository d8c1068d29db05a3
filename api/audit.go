package api

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/access"
)

// auditLog serves GET /v1/audit?code=&since=&draft=&after=&limit=: the
// writes that touched a unit whose code starts with code, at or after
// since (RFC 3339, or a date: from the start of that day in the server's
// zone), of a draft, oldest first, a page at a time (after is the last seq
// of the page before; next links the following page). With access control
// on, it needs a token of any role.
func (s *Server) auditLog(c *gin.Context) {
	as := s.audit
	if as == nil {
		s.fail(c, partition.Errorf(partition.NotFound, "this store keeps no audit log"))
		return
	}
	if s.cfg.Access != nil {
		if _, ok := partition.ActorOf(c.Request.Context()); !ok {
			s.unauthorized(c, partition.Errorf(partition.Unauthorized, "the audit log needs a token"))
			return
		}
	}
	q, err := s.auditQuery(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	es, err := as.Audit(c.Request.Context(), partition.AuditQuery{Code: q.Code, Since: q.Since, Draft: q.Draft, After: q.After, Limit: q.Limit + 1})
	if err != nil {
		s.fail(c, err)
		return
	}
	h := gin.H{}
	if len(es) > q.Limit {
		es = es[:q.Limit]
		v := c.Request.URL.Query()
		v.Set("after", strconv.FormatInt(es[len(es)-1].Seq, 10))
		h["next"] = (&url.URL{Path: c.Request.URL.Path, RawQuery: v.Encode()}).String()
	}
	if es == nil {
		es = []partition.AuditEntry{}
	}
	h["entries"] = es
	c.JSON(http.StatusOK, h)
}

// auditQuery parses the parameters of /v1/audit.
func (s *Server) auditQuery(c *gin.Context) (partition.AuditQuery, error) {
	q := partition.AuditQuery{Code: partition.Code(c.Query("code")), Draft: c.Query("draft"), Limit: 1000}
	if err := access.CheckScope(q.Code); err != nil {
		return q, invalidf("code %q: want a code or a code prefix (digits)", q.Code)
	}
	if len(q.Draft) > 64 {
		return q, invalidf("draft: more than 64 bytes")
	}
	if v := c.Query("since"); v != "" {
		t, err := partition.ParseSince(v, s.cfg.Location)
		if err != nil {
			return q, invalidf("since %v", err)
		}
		q.Since = t
	}
	if v := c.Query("after"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return q, invalidf("after %q: want the seq of an entry (a whole number from 0)", v)
		}
		q.After = n
	}
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 10_000 {
			return q, invalidf("limit %q: want a whole number from 1 to 10000", v)
		}
		q.Limit = n
	}
	return q, nil
}
