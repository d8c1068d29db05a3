package api

import (
	"compress/gzip"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"time"

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

// statusClientClosed is what the metrics and the log record for a request
// whose client went away (nginx's 499): not a server error.
const statusClientClosed = 499

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
	case partition.Unavailable:
		return http.StatusServiceUnavailable
	case partition.NotAllowed:
		return http.StatusMethodNotAllowed
	case partition.Canceled:
		return statusClientClosed
	case partition.Unauthorized:
		return http.StatusUnauthorized
	case partition.Forbidden:
		return http.StatusForbidden
	case partition.Stale:
		return http.StatusPreconditionFailed
	case partition.PreconditionRequired:
		return http.StatusPreconditionRequired
	case partition.UnsupportedMedia:
		return http.StatusUnsupportedMediaType
	}
	return http.StatusInternalServerError
}

// fail writes err as the error body with its status and aborts the request.
func (s *Server) fail(c *gin.Context, err error) {
	code, body := s.errorOf(c, err)
	if code == http.StatusServiceUnavailable {
		c.Header("Retry-After", retryAfter)
	}
	c.AbortWithStatusJSON(code, body)
}

// retryAfter is how many seconds a client is asked to wait when the store
// is unavailable: about as long as a database restart or failover takes.
const retryAfter = "5"

// failWith is fail with more members beside "error" in the body (a
// refused publish's tiling report and findings).
func (s *Server) failWith(c *gin.Context, err error, more gin.H) {
	code, body := s.errorOf(c, err)
	more["error"] = body.Error
	c.AbortWithStatusJSON(code, more)
}

// errorOf maps err onto its status and the one error shape, logging the
// internal errors (whose message the client does not see).
func (s *Server) errorOf(c *gin.Context, err error) (int, errorBody) {
	gone := errors.Is(err, context.Canceled) && c.Request.Context().Err() != nil
	body := errorFor(err)
	switch {
	case gone:
		body = errorFor(partition.Errorf(partition.Canceled, "the client went away before the answer was ready"))
	case body.Error.Code == string(partition.Internal):
		s.log.ErrorContext(c.Request.Context(), "request failed", "path", c.Request.URL.Path, "err", err)
	}
	return status(partition.ErrorKind(body.Error.Code)), body
}

// errorFor is the one error answer for err, as a JSON body or an NDJSON
// line carries it: the kind of the error vocabulary and its message and
// problems; a body too large for its limit is too_large, a store that
// cannot be reached (or a deadline passed on the way to it) unavailable;
// any other error is internal, whose message the client never sees.
func errorFor(err error) errorBody {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		err = partition.Errorf(partition.TooLarge, "request body is larger than the limit of %d bytes", mbe.Limit)
	}
	kind := partition.KindOf(err)
	if kind == partition.Internal && (unreachable(err) || errors.Is(err, context.DeadlineExceeded)) {
		kind = partition.Unavailable
		err = partition.Errorf(partition.Unavailable, "the store cannot be reached; try again later")
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
		body.Error.Message = "internal error"
	}
	return body
}

// unreachable reports whether err comes from a store that cannot be
// reached: a network error on the way to the database (a refused or reset
// connection, a dial that failed) or a connection that ended in the middle
// of an answer. A request body that ended early never gets here: body
// names that as the client's mistake first.
func unreachable(err error) bool {
	var ne *net.OpError
	return errors.As(err, &ne) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.ErrUnexpectedEOF)
}

func invalidf(format string, args ...any) error {
	return partition.Errorf(partition.Invalid, format, args...)
}

// body is the request's body as a handler reads it: at most limit bytes
// (0: no limit, for streams, whose every read then extends the
// connection's deadlines by StreamIdle), and a body that ends before its
// Content-Length is the client's mistake, an invalid error, not a server
// error. A declared length over the limit is refused before any of it is
// read (see deadlines).
func (s *Server) body(c *gin.Context, limit int64) io.Reader {
	var r io.Reader = c.Request.Body
	if limit > 0 {
		r = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
	} else {
		r = &idleBody{r: r, rc: http.NewResponseController(c.Writer), idle: s.cfg.StreamIdle}
	}
	r = shortBody{r}
	switch enc := strings.ToLower(strings.TrimSpace(c.GetHeader("Content-Encoding"))); enc {
	case "", "identity":
		return r
	case "gzip", "x-gzip":
		return &gunzip{r: r, limit: limit}
	default:
		return failing{invalidf("Content-Encoding %q: want gzip, or none", enc)}
	}
}

// gunzip decompresses a gzip body as it is read, at most limit bytes of
// it when limit > 0 (the limit holds for what the body holds, not only for
// what it weighs: a small bomb is too large too).
type gunzip struct {
	r     io.Reader
	z     *gzip.Reader
	limit int64
	n     int64
}

func (g *gunzip) Read(p []byte) (int, error) {
	if g.z == nil {
		z, err := gzip.NewReader(g.r)
		if err != nil {
			return 0, invalidf("Content-Encoding gzip: the body is not gzip: %v", err)
		}
		g.z = z
	}
	n, err := g.z.Read(p)
	g.n += int64(n)
	if g.limit > 0 && g.n > g.limit {
		return n, partition.Errorf(partition.TooLarge, "request body is larger than the limit of %d bytes once decompressed", g.limit)
	}
	var mbe *http.MaxBytesError
	if err != nil && !errors.Is(err, io.EOF) && !errors.As(err, &mbe) && partition.KindOf(err) == partition.Internal {
		err = invalidf("Content-Encoding gzip: %v", err)
	}
	return n, err
}

// failing is a body that cannot be read: its error is the answer.
type failing struct{ err error }

func (f failing) Read([]byte) (int, error) { return 0, f.err }

// idleBody extends the read and write deadlines by idle at each read of a
// streamed body: a client that keeps sending (and taking its answers) is
// served as long as it likes, one that stops is cut off after idle.
type idleBody struct {
	r    io.Reader
	rc   *http.ResponseController
	idle time.Duration
}

func (b *idleBody) Read(p []byte) (int, error) {
	at := time.Now().Add(b.idle)
	_ = b.rc.SetReadDeadline(at)
	_ = b.rc.SetWriteDeadline(at)
	return b.r.Read(p)
}

// deadlines bounds each request's time on its connection: ReadBudget to
// read the body and WriteBudget to write the answer, which also bounds
// the request's context, and so its queries (a streamed body replaces both
// with StreamIdle per read, see body). A body declared
// larger than MaxBodyBytes is refused at once, before a byte of it is read
// (and so without "100 Continue"), unless it is a stream, which has no
// limit; the connection is then closed.
func (s *Server) deadlines(c *gin.Context) {
	now := time.Now()
	rc := http.NewResponseController(c.Writer)
	_ = rc.SetReadDeadline(now.Add(s.cfg.ReadBudget))
	_ = rc.SetWriteDeadline(now.Add(s.cfg.WriteBudget + writeGrace))
	_, out := streamed(c.Request)
	if c.Request.ContentLength > s.cfg.MaxBodyBytes && !out {
		n := c.Request.ContentLength
		c.Header("Connection", "close")
		s.fail(c, partition.Errorf(partition.TooLarge, "request body of %d bytes (Content-Length) is larger than the limit of %d bytes", n, s.cfg.MaxBodyBytes))
		return
	}
	if large := c.Request.ContentLength > LargeBody || (c.Request.ContentLength < 0 && c.Request.Body != http.NoBody && !out); large {
		// A large body is read whole into memory: at most
		// MaxLargeBodies at once, the others wait LargeWait for a turn.
		t := time.NewTimer(s.cfg.LargeWait)
		defer t.Stop()
		select {
		case s.large <- struct{}{}:
			defer func() { <-s.large }()
		case <-t.C:
			c.Header("Connection", "close")
			s.fail(c, partition.Errorf(partition.Unavailable, "%d large request bodies are being read already: try again later", cap(s.large)))
			return
		case <-c.Request.Context().Done():
			return
		}
	}
	if !out {
		// The deadline reaches the store's driver too: a query stuck on a
		// database that stopped answering ends with the write budget.
		ctx, cancel := context.WithTimeout(c.Request.Context(), s.cfg.WriteBudget)
		defer cancel()
		c.Request = c.Request.WithContext(ctx)
	}
	c.Next()
}

// writeGrace is how much longer than the write budget (which ends the
// request's work, through its context) the connection may take to write
// the answer: enough for the error that says the budget ran out.
const writeGrace = 5 * time.Second

// LargeBody is the size from which a request body counts against
// Config.MaxLargeBodies: a body of unknown length does too.
const LargeBody = 1 << 20

// streamed reports whether r's body is NDJSON (in), and whether its
// answer is a stream that reads the body as it goes (out: NDJSON in or
// asked for), so that the body has no limit.
func streamed(r *http.Request) (in, out bool) {
	in = strings.HasPrefix(r.Header.Get("Content-Type"), ndjsonType)
	return in, in || strings.Contains(r.Header.Get("Accept"), ndjsonType)
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
