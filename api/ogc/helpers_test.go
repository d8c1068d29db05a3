package ogc_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/wangge/wangge/api"
	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/internal/testdb"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/store/gpkg"
	"github.com/wangge/wangge/partition/store/postgis"
)

const sampleDir = "../../data/sample"

// storeKinds opens fresh stores, one per kind.
var storeKinds = []struct {
	name string
	open func(t testing.TB) partition.Store
}{
	{"gpkg", openGPKG},
	{"postgis", openPostGIS},
}

func openGPKG(t testing.TB) partition.Store {
	t.Helper()
	s, err := gpkg.Open(context.Background(), filepath.Join(t.TempDir(), "w.gpkg"), gpkg.Options{Limits: geo.DefaultLimits})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func openPostGIS(t testing.TB) partition.Store {
	t.Helper()
	s, err := postgis.Open(context.Background(), testdb.URL(t), postgis.Options{Schema: testdb.Schema(t, "t_ogc"), Limits: geo.DefaultLimits})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// server is the whole API (api.New) on a real listener on 127.0.0.1, with
// the log of the requests it served.
type server struct {
	URL    string
	routes gin.RoutesInfo // the handler's routes
	mu     sync.Mutex
	log    []string
}

func serve(t testing.TB, s partition.Store, cfg api.Config) *server {
	t.Helper()
	srv := &server{}
	h := api.New(s, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), prometheus.NewRegistry())
	if e, ok := h.(*gin.Engine); ok {
		srv.routes = e.Routes()
	}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		srv.mu.Lock()
		srv.log = append(srv.log, r.URL.RequestURI())
		srv.mu.Unlock()
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	srv.URL = ts.URL
	return srv
}

// requests returns the request URIs served so far that start with prefix.
func (s *server) requests(prefix string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, u := range s.log {
		if strings.HasPrefix(u, prefix) {
			out = append(out, u)
		}
	}
	return out
}

func get(t testing.TB, url string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, b
}

// gdal runs a GDAL program; the test fails when it is missing (make test
// installs gdal-bin) or reports an error. Warnings are returned.
func gdal(t testing.TB, prog string, args ...string) (stdout, stderr string) {
	t.Helper()
	path, err := exec.LookPath(prog)
	if err != nil {
		t.Fatalf("%s not found: install gdal-bin (make test does)", prog)
	}
	cmd := exec.Command(path, args...)
	var errb strings.Builder
	cmd.Stderr = &errb
	out, err := cmd.Output()
	if err != nil || strings.Contains(errb.String(), "ERROR") {
		t.Fatalf("%s %s: %v\n%s\n%s", prog, strings.Join(args, " "), err, out, errb.String())
	}
	return string(out), errb.String()
}

// units lists what q selects, with geometry.
func units(t testing.TB, s partition.Store, q partition.Query) []partition.Unit {
	t.Helper()
	var us []partition.Unit
	if err := s.Units(context.Background(), q, func(u partition.Unit) error { us = append(us, u); return nil }); err != nil {
		t.Fatal(err)
	}
	return us
}

func TestMain(m *testing.M) {
	gin.SetMode(gin.ReleaseMode)
	os.Exit(m.Run())
}
