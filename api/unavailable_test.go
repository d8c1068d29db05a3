package api_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/wangge/wangge/api"
	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/internal/testdb"
	"github.com/wangge/wangge/partition/store/postgis"
)

// TestStoreUnavailable (issue 16): while the database cannot be reached,
// reads and writes that need it answer 503 with Retry-After (they were
// 500s), routing answers from memory, and once the database is back the
// same requests succeed. The database is real; the test cuts the TCP
// path to it (a proxy it closes and reopens on the same port).
func TestStoreUnavailable(t *testing.T) {
	ctx := context.Background()
	cfg, err := pgconn.ParseConfig(testdb.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	target := func() (net.Conn, error) { // the database, over its socket or TCP
		if strings.HasPrefix(cfg.Host, "/") {
			return net.Dial("unix", cfg.Host+"/.s.PGSQL."+strconv.Itoa(int(cfg.Port)))
		}
		return net.Dial("tcp", net.JoinHostPort(cfg.Host, strconv.Itoa(int(cfg.Port))))
	}
	px := &proxy{target: target}
	addr := px.listen(t, "127.0.0.1:0")
	host, port, _ := net.SplitHostPort(addr)
	url := "postgres:///" + cfg.Database + "?host=" + host + "&port=" + port + "&sslmode=disable&connect_timeout=2"
	if cfg.User != "" {
		url += "&user=" + cfg.User
	}
	st, err := postgis.Open(ctx, url, postgis.Options{Schema: testdb.Schema(t, "t_unavail"), Limits: geo.DefaultLimits})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	s := start(t, st, api.Config{})
	if code, b := s.do("POST", "/v1/versions?note=sample", sampleBody(t)); code != http.StatusCreated {
		t.Fatalf("publish: %d %s", code, b)
	}
	s.get("/v1/route?lon=122.05&lat=30.05", http.StatusOK) // the index is built

	px.cut()
	for _, r := range []struct{ method, path, body string }{
		{"GET", "/v1/units?level=district", ""},
		{"GET", "/v1/units/330922000000", ""},
		{"POST", "/v1/versions?note=again", sampleBody(t)},
	} {
		res := s.raw(r.method, r.path, r.body)
		if res.code != http.StatusServiceUnavailable || res.header.Get("Retry-After") == "" || !strings.Contains(res.body, `"code":"unavailable"`) {
			t.Errorf("%s %s with the database unreachable: %d (Retry-After %q) %s, want 503 with Retry-After", r.method, r.path, res.code, res.header.Get("Retry-After"), res.body)
		}
	}
	if code, b := s.do("GET", "/healthz", ""); code != http.StatusOK || !strings.Contains(string(b), `"status":"degraded"`) || !strings.Contains(string(b), `"routing_version":1`) {
		t.Errorf("/healthz with the database unreachable: %d %s, want 200 degraded, routing version 1", code, b)
	}
	if code, b := s.do("GET", "/v1/route?lon=122.05&lat=30.05", ""); code != http.StatusOK || !strings.Contains(string(b), `"code":"`+landUnit+`"`) {
		t.Errorf("routing with the database unreachable: %d %s, want the answer from memory", code, b)
	}

	px.listen(t, addr)
	deadline := time.Now().Add(15 * time.Second)
	for {
		code, b := s.do("GET", "/v1/units?level=district", "")
		if code == http.StatusOK {
			if _, h := s.do("GET", "/healthz", ""); !strings.Contains(string(h), `"status":"ok"`) {
				t.Errorf("/healthz after the database came back: %s, want ok", h)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("15 s after the database came back: %d %s", code, b)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// proxy forwards TCP connections to target until cut, which closes its
// listener and every connection through it.
type proxy struct {
	target func() (net.Conn, error)
	mu     sync.Mutex
	ln     net.Listener
	conns  []net.Conn
}

func (p *proxy) listen(t *testing.T, addr string) string {
	t.Helper()
	var ln net.Listener
	var err error
	for range 50 { // the port may linger a moment after the cut
		if ln, err = net.Listen("tcp", addr); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	t.Cleanup(p.cut)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			d, err := p.target()
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, d)
			p.mu.Unlock()
			go func() { _, _ = io.Copy(d, c); d.Close() }()
			go func() { _, _ = io.Copy(c, d); c.Close() }()
		}
	}()
	return ln.Addr().String()
}

func (p *proxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		_ = p.ln.Close()
		p.ln = nil
	}
	for _, c := range p.conns {
		_ = c.Close()
	}
	p.conns = nil
}
