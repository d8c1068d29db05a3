package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/wangge/wangge/partition"
)

// TestErrorAnswers: every error answer comes from one function (errorFor,
// for JSON bodies and NDJSON lines alike), from the error vocabulary: a
// client that went away is 499 canceled and not logged as an error; an
// internal error's message never reaches the client, and is logged; a
// deadline passed on the way to the store is 503 unavailable.
func TestErrorAnswers(t *testing.T) {
	var logs bytes.Buffer
	s := &Server{log: slog.New(slog.NewTextHandler(&logs, nil))}
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tc := range []struct {
		name     string
		ctx      context.Context
		err      error
		status   int
		code     string
		message  string
		logError bool
	}{
		{"client went away", gone, fmt.Errorf("list units: %w", context.Canceled), 499, "canceled", "the client went away", false},
		{"canceled while the client is there", context.Background(), fmt.Errorf("list units: %w", context.Canceled), 500, "internal", "internal error", true},
		{"internal", context.Background(), errors.New("pq: secret table t_xyz is corrupt"), 500, "internal", "internal error", true},
		{"deadline on the way to the store", context.Background(), fmt.Errorf("resolve: %w", context.DeadlineExceeded), 503, "unavailable", "cannot be reached", false},
		{"invalid", context.Background(), partition.Errorf(partition.Invalid, "bbox: bad"), 400, "invalid", "bbox: bad", false},
		{"body too large", context.Background(), &http.MaxBytesError{Limit: 10}, 413, "too_large", "limit of 10 bytes", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			logs.Reset()
			c, _ := gin.CreateTestContext(httptest.NewRecorder())
			c.Request = httptest.NewRequestWithContext(tc.ctx, "GET", "/v1/units", nil)
			status, body := s.errorOf(c, tc.err)
			if status != tc.status || body.Error.Code != tc.code || !strings.Contains(body.Error.Message, tc.message) {
				t.Errorf("got %d %+v, want %d %s %q", status, body.Error, tc.status, tc.code, tc.message)
			}
			if logged := strings.Contains(logs.String(), "level=ERROR"); logged != tc.logError {
				t.Errorf("logged as an error: %v, want %v (%s)", logged, tc.logError, logs.String())
			}
			if line := errorFor(tc.err); tc.code == "internal" && line.Error.Message != "internal error" {
				t.Errorf("an NDJSON line would carry the internal message %q", line.Error.Message)
			}
		})
	}
}
