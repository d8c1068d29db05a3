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
	px := &proxy{}
	st := storeVia(t, px, "t_unavail", 2)
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

	px.listen(t, px.addr) // the same port: the pool reconnects to it
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

// TestStoreStalled (issue 16): a database that stops answering (its
// connections open, nothing coming back) holds a request no longer than
// the write budget, which reaches the driver through the request's
// context: 503, not a request hung for as long as TCP allows.
func TestStoreStalled(t *testing.T) {
	stalled := make(chan struct{})
	px := &proxy{stall: stalled}
	st := storeVia(t, px, "t_stall", 60)
	defer st.Close()
	defer px.cut() // before closing the pool, whose goodbyes would wait on the stall
	s := start(t, st, api.Config{WriteBudget: time.Second})
	if code, b := s.do("POST", "/v1/versions?note=sample", sampleBody(t)); code != http.StatusCreated {
		t.Fatalf("publish: %d %s", code, b)
	}
	close(stalled) // from now on nothing reaches the database or comes back
	started := time.Now()
	a := s.raw("GET", "/v1/units?level=district", "")
	if took := time.Since(started); a.code != http.StatusServiceUnavailable || took > 10*time.Second {
		t.Errorf("a read with the database stalled: %d after %v %s, want 503 after the 1 s budget", a.code, took, a.body)
	} else {
		t.Logf("503 after %v with the database stalled (write budget 1 s)", took.Round(time.Millisecond))
	}
}

// storeVia opens a PostGIS store on the test database through px (its
// target set here), in a schema of its own, with the connect timeout in
// seconds.
func storeVia(t *testing.T, px *proxy, schemaPrefix string, connectTimeout int) *postgis.Store {
	t.Helper()
	cfg, err := pgconn.ParseConfig(testdb.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	px.target = func() (net.Conn, error) { // the database, over its socket or TCP
		if strings.HasPrefix(cfg.Host, "/") {
			return net.Dial("unix", cfg.Host+"/.s.PGSQL."+strconv.Itoa(int(cfg.Port)))
		}
		return net.Dial("tcp", net.JoinHostPort(cfg.Host, strconv.Itoa(int(cfg.Port))))
	}
	host, port, _ := net.SplitHostPort(px.listen(t, "127.0.0.1:0"))
	url := "postgres:///" + cfg.Database + "?host=" + host + "&port=" + port + "&sslmode=disable&connect_timeout=" + strconv.Itoa(connectTimeout)
	if cfg.User != "" {
		url += "&user=" + cfg.User
	}
	st, err := postgis.Open(context.Background(), url, postgis.Options{Schema: testdb.Schema(t, schemaPrefix), Limits: geo.DefaultLimits})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// proxy forwards TCP connections to target until cut, which closes its
// listener and every connection through it.
type proxy struct {
	target func() (net.Conn, error)
	stall  chan struct{} // when closed, nothing more is forwarded either way
	addr   string        // where it listens
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
	p.ln, p.addr = ln, ln.Addr().String()
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
			go func() { _, _ = p.copy(d, c); d.Close() }()
			go func() { _, _ = p.copy(c, d); c.Close() }()
		}
	}()
	return ln.Addr().String()
}

// copy forwards src to dst until src ends or the proxy stalls, then
// holds the connection open without forwarding anything.
func (p *proxy) copy(dst io.Writer, src io.Reader) (int64, error) {
	if p.stall == nil {
		return io.Copy(dst, src)
	}
	buf := make([]byte, 32<<10)
	var n int64
	for {
		k, err := src.Read(buf)
		select {
		case <-p.stall:
			<-make(chan struct{}) // hold it: a database that stopped answering
		default:
		}
		if k > 0 {
			if _, werr := dst.Write(buf[:k]); werr != nil {
				return n, werr
			}
			n += int64(k)
		}
		if err != nil {
			return n, err
		}
	}
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
