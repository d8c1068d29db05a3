package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/net/netutil"

	"github.com/wangge/wangge/api"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/access"
	"github.com/wangge/wangge/partition/router"
	"github.com/wangge/wangge/partition/store/gpkg"
	"github.com/wangge/wangge/partition/store/postgis"
	"github.com/wangge/wangge/partition/tiling"
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
	var lim connLimits
	fs.DurationVar(&lim.header, "header-timeout", 10*time.Second, "longest wait for a request's headers")
	fs.DurationVar(&lim.idle, "idle-timeout", time.Minute, "how long a kept-alive connection may wait for its next request")
	fs.DurationVar(&lim.read, "read-budget", time.Minute, "longest time to read a request body (a streamed batch: --stream-idle per read instead)")
	fs.DurationVar(&lim.write, "write-budget", 5*time.Minute, "longest time to write an answer")
	fs.DurationVar(&lim.stream, "stream-idle", 30*time.Second, "longest wait for a streamed batch's next bytes, or for its client to take its answers")
	fs.IntVar(&lim.conns, "max-conns", 4096, "most connections open at once; more wait to be accepted")
	fs.IntVar(&lim.large, "max-large-bodies", 4, "most request bodies of 1 MiB or more read at once; another waits 10 s for its turn, then gets 503")
	reads := fs.String("reads", "open", "whether reads need a token: open (the default: only writes need one) or token")
	rules := fs.String("rules", "", "sizing standard drafts show households against (zhejiang, zaozhuang or a JSON rule-set file); default none")
	if ok, code := parseFlags(fs, args, e); !ok {
		return code
	}
	if *reads != "open" && *reads != "token" {
		fmt.Fprintf(e.stderr, "wangge serve: --reads %q: want open or token\n", *reads)
		return exitInput
	}
	rs, err := tiling.Rules(*rules, os.ReadFile)
	if err != nil {
		return report(e, "serve", err)
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
	if !lim.ok() {
		fmt.Fprintln(e.stderr, "wangge serve: --header-timeout, --idle-timeout, --read-budget, --write-budget, --stream-idle, --max-conns and --max-large-bodies must be positive")
		return exitInput
	}
	as, ok := s.(partition.AccessStore)
	if !ok {
		return report(e, "serve", fmt.Errorf("the store keeps no tokens: it cannot serve with access control"))
	}
	h := api.New(s, api.Config{MaxBodyBytes: *maxBody, Router: rt, WriteGPKG: gpkg.WriteExport,
		ReadBudget: lim.read, WriteBudget: lim.write, StreamIdle: lim.stream, MaxLargeBodies: lim.large, Rules: rs,
		Access: access.New(as, access.Options{}, log), ReadsNeedToken: *reads == "token"}, log, prometheus.NewRegistry())
	srv := &http.Server{Handler: h, ReadHeaderTimeout: lim.header, IdleTimeout: lim.idle, MaxHeaderBytes: 64 << 10}
	ln = netutil.LimitListener(ln, lim.conns)
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

// connLimits bound what a connection may hold: the time to send headers,
// to wait idle between requests, to send a body and take an answer (per
// route: see api.Config), and how many connections are open at once.
type connLimits struct {
	header, idle, read, write, stream time.Duration
	conns, large                      int
}

func (l connLimits) ok() bool {
	return l.header > 0 && l.idle > 0 && l.read > 0 && l.write > 0 && l.stream > 0 && l.conns > 0 && l.large > 0
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
