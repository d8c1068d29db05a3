package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/wangge/wangge/api"
	"github.com/wangge/wangge/partition/router"
	"github.com/wangge/wangge/partition/store/gpkg"
	"github.com/wangge/wangge/partition/store/postgis"
)

// serve runs the HTTP API until the context ends (SIGINT/SIGTERM), then
// drains requests in flight for up to --grace.
func serve(ctx context.Context, args []string, e env) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var sf storeFlags
	sf.register(fs)
	addr := fs.String("addr", ":8080", "listen address")
	maxBody := fs.Int64("max-body", 64<<20, "largest request body in bytes")
	grace := fs.Duration("grace", 10*time.Second, "how long to drain requests on shutdown")
	if ok, code := parseFlags(fs, args, e); !ok {
		return code
	}
	log := sf.logger(e)
	s, where, err := sf.open(ctx, e, log, false)
	if err != nil {
		return report(e, "serve", err)
	}
	defer s.Close()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return report(e, "serve", fmt.Errorf("listen on %s: %w", *addr, err))
	}
	rt := router.NewRouter(s, router.Options{}, log)
	if _, err := rt.Reload(ctx); err != nil {
		return report(e, "serve", err)
	}
	if ps, ok := s.(*postgis.Store); ok { // other replicas' publishes swap our index too
		lctx, stop := context.WithCancel(ctx)
		defer stop()
		go func() { _ = ps.Listen(lctx, rt.Notified(lctx)) }()
	}
	h := api.New(s, api.Config{MaxBodyBytes: *maxBody, Router: rt, WriteGPKG: gpkg.WriteExport}, log, prometheus.NewRegistry())
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	base := "http://" + displayAddr(ln.Addr())
	log.Info("serving", "store", where, "addr", ln.Addr().String())
	fmt.Fprintf(e.stdout, "wangge serving %s on %s\n  %s/healthz\n  %s/v1/units?level=district\n  %s/v1/units/330922000000\n  %s/v1/versions\n  %s/metrics\n",
		where, base, base, base, base, base, base)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return report(e, "serve", err)
	case <-ctx.Done():
	}
	log.Info("shutting down", "grace", *grace)
	sctx, cancel := context.WithTimeout(context.Background(), *grace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return report(e, "serve", fmt.Errorf("shutdown: %w", err))
	}
	return exitOK
}

// displayAddr turns a listen address into one a browser can open.
func displayAddr(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}
