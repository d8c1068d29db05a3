package api

import (
	"context"
	"errors"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/wangge/wangge/partition"
)

// errorBody is the one shape of every error response.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string              `json:"code"`
	Message string              `json:"message"`
	Details []partition.Problem `json:"details"`
}

// status maps the error vocabulary onto HTTP statuses.
func status(kind partition.ErrorKind) int {
	switch kind {
	case partition.Invalid:
		return http.StatusBadRequest
	case partition.NotFound:
		return http.StatusNotFound
	case partition.Conflict:
		return http.StatusConflict
	case partition.TooLarge:
		return http.StatusRequestEntityTooLarge
	case partition.Untiled:
		return http.StatusUnprocessableEntity
	}
	return http.StatusInternalServerError
}

// fail writes err as the error body with its status and aborts the request.
func (s *Server) fail(c *gin.Context, err error) {
	code, body := s.errorOf(c, err)
	c.AbortWithStatusJSON(code, body)
}

// failWith is fail with more members beside "error" in the body (a
// refused publish's tiling report and findings).
func (s *Server) failWith(c *gin.Context, err error, more gin.H) {
	code, body := s.errorOf(c, err)
	more["error"] = body.Error
	c.AbortWithStatusJSON(code, more)
}

// errorOf maps err onto its status and the one error shape.
func (s *Server) errorOf(c *gin.Context, err error) (int, errorBody) {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		err = partition.Errorf(partition.TooLarge, "request body is larger than the limit of %d bytes", mbe.Limit)
	}
	kind := partition.KindOf(err)
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		kind = partition.Internal
	}
	body := errorBody{Error: errorDetail{Code: string(kind), Message: err.Error(), Details: []partition.Problem{}}}
	var pe *partition.Error
	if errors.As(err, &pe) {
		body.Error.Message = pe.Message
		if pe.Problems != nil {
			body.Error.Details = pe.Problems
		}
	}
	if kind == partition.Internal {
		s.log.ErrorContext(c.Request.Context(), "request failed", "path", c.Request.URL.Path, "err", err)
		body.Error.Message = "internal error"
	}
	return status(kind), body
}

func invalidf(format string, args ...any) error {
	return partition.Errorf(partition.Invalid, format, args...)
}

// body is the request's body as a handler reads it: at most limit bytes
// (0: no limit, for streams), and a body that ends before its
// Content-Length is the client's mistake, an invalid error, not a server
// error.
func (s *Server) body(c *gin.Context, limit int64) io.Reader {
	var r io.Reader = c.Request.Body
	if limit > 0 {
		r = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
	}
	return shortBody{r}
}

// shortBody names an unexpected end of the request body.
type shortBody struct{ r io.Reader }

func (b shortBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if errors.Is(err, io.ErrUnexpectedEOF) {
		err = invalidf("the request body ended before its Content-Length: nothing was read or written")
	}
	return n, err
}
