package api

import (
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/wangge/wangge/partition"
)

// Access control (Config.Access): every request may carry a bearer token
// (Authorization: Bearer wg_…); its name, role and scope become the
// request's actor (partition.WithActor), which the draft service checks
// for each write and the stores record in the audit log. A write without
// a token is 401; a read without one is 401 only when Config.ReadsNeedToken
// is set (a deployment), not by default (the bundled sample stays
// zero-setup). /healthz and /metrics never need one.

// readPosts are the POST routes that compute an answer and write nothing.
var readPosts = []string{"/v1/route/batch", "/v1/validate", "/v1/partition"}

// isWrite reports whether the request may write: any method but GET, HEAD
// and OPTIONS, except the POSTs that only compute. A route added later is
// a write until it is listed here.
func isWrite(r *http.Request) bool {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return false
	case http.MethodPost:
		return !slices.Contains(readPosts, r.URL.Path)
	}
	return true
}

// authenticate sets the request's actor from its bearer token, refusing
// (401) a token that is not valid, and a request without one that needs
// one.
func (s *Server) authenticate(c *gin.Context) {
	if s.cfg.Access == nil {
		c.Next()
		return
	}
	switch c.Request.URL.Path {
	case "/healthz", "/metrics":
		c.Next()
		return
	}
	h := strings.TrimSpace(c.GetHeader("Authorization"))
	if h == "" {
		switch {
		case isWrite(c.Request):
			s.unauthorized(c, partition.Errorf(partition.Unauthorized, "%s %s writes: it needs a token (Authorization: Bearer TOKEN; `wangge token create` makes one)",
				c.Request.Method, c.Request.URL.Path))
			return
		case s.cfg.ReadsNeedToken:
			s.unauthorized(c, partition.Errorf(partition.Unauthorized, "this server needs a token for every request (Authorization: Bearer TOKEN)"))
			return
		}
		c.Next()
		return
	}
	scheme, secret, _ := strings.Cut(h, " ")
	if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(secret) == "" {
		s.unauthorized(c, partition.Errorf(partition.Unauthorized, "Authorization: want Bearer TOKEN, not %q", scheme))
		return
	}
	a, err := s.cfg.Access.Authenticate(c.Request.Context(), strings.TrimSpace(secret))
	if err != nil {
		if partition.KindOf(err) == partition.Unauthorized {
			s.unauthorized(c, err)
		} else {
			s.fail(c, err)
		}
		return
	}
	c.Request = c.Request.WithContext(partition.WithActor(c.Request.Context(), a))
	c.Next()
}

// unauthorized answers 401 with the challenge RFC 6750 asks for.
func (s *Server) unauthorized(c *gin.Context, err error) {
	c.Header("WWW-Authenticate", `Bearer realm="wangge"`)
	s.fail(c, err)
}

// allow refuses (403, or 401 without a token) a write that needs one of
// roles, when access control is on.
func (s *Server) allow(c *gin.Context, what string, roles ...partition.Role) bool {
	if s.cfg.Access == nil {
		return true
	}
	a, ok := partition.ActorOf(c.Request.Context())
	if !ok {
		s.unauthorized(c, partition.Errorf(partition.Unauthorized, "%s needs a token", what))
		return false
	}
	if err := a.Permit(what, roles); err != nil {
		s.fail(c, err)
		return false
	}
	return true
}
