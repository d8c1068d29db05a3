package main

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestSlowClients (issue 16): 1,000 connections held by clients that went
// quiet — idle after one request, stopped in the middle of their headers,
// stopped in the middle of their body — do not keep a fresh client from
// being served, and the server closes every one of them by its deadlines
// (here 1 s each: --header-timeout, --idle-timeout, --read-budget), where
// it used to hold them forever.
func TestSlowClients(t *testing.T) {
	be := gpkgBackend(t)
	if code, _, stderr := be.wangge(t, "", "import", "--crs", "cgcs2000", sampleFile); code != 0 {
		t.Fatalf("import the sample: %s", stderr)
	}
	base, cancel, done := startServe(t, be, "--header-timeout", "1s", "--idle-timeout", "1s", "--read-budget", "1s", "--stream-idle", "1s", "--grace", "1s")
	defer cancel()
	host := strings.TrimPrefix(base, "http://")

	const n = 1000
	conns := make([]net.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for i := range n {
		c, err := net.Dial("tcp", host)
		if err != nil {
			t.Fatalf("connection %d: %v", i, err)
		}
		conns = append(conns, c)
		var req string
		switch i % 3 {
		case 0: // one request, then idle on a kept-alive connection
			req = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
		case 1: // stopped in the middle of its headers
			req = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: "
		case 2: // stopped in the middle of its body
			req = "POST /v1/validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/geo+json\r\nContent-Length: 100000\r\n\r\n{\"type\":\"FeatureCollection\",\"features\":["
		}
		if _, err := io.WriteString(c, req); err != nil {
			t.Fatalf("connection %d: %v", i, err)
		}
	}
	start := time.Now()
	res, err := http.Get(base + "/v1/units/330922000000")
	took := time.Since(start)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("a fresh client beside %d quiet ones: %v %v", n, res, err)
	}
	res.Body.Close()
	if took > 2*time.Second { // the target is 100 ms; this bound is for a slow shared machine
		t.Errorf("a fresh client was served in %v beside %d quiet connections", took, n)
	}
	t.Logf("a fresh client was served in %v beside %d quiet connections", took, n)

	// Every quiet connection is closed by the server: reading it reaches
	// the end (after an answer, for the idle ones and, perhaps, the others).
	var wg sync.WaitGroup
	var mu sync.Mutex
	open := 0
	for _, c := range conns {
		wg.Go(func() {
			_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
			if _, err := io.Copy(io.Discard, c); err != nil { // nil: the server closed it
				mu.Lock()
				open++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if open > 0 {
		t.Errorf("%d of %d quiet connections were still open 10 s later", open, n)
	} else {
		t.Logf("all %d quiet connections closed by the server within %v", n, time.Since(start).Round(time.Millisecond))
	}

	// A body declared larger than the limit is refused before it is sent.
	c, err := net.Dial("tcp", host)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "POST /v1/versions HTTP/1.1\r\nHost: x\r\nContent-Type: application/geo+json\r\nExpect: 100-continue\r\nContent-Length: 1000000000\r\n\r\n")
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if res, err := http.ReadResponse(bufio.NewReader(c), nil); err != nil || res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("a declared 1 GB body: %v %v, want 413 at once", res, err)
	}

	// A live feed outlasts the read budget: each point is answered as it
	// comes, one every 300 ms for 2.4 s (--stream-idle 1s per read).
	feed, w := io.Pipe()
	req, _ := http.NewRequest("POST", base+"/v1/route/batch?fields=code", feed)
	req.Header.Set("Content-Type", "application/x-ndjson")
	got := make(chan string, 16)
	go func() {
		defer close(got)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			got <- "error: " + err.Error()
			return
		}
		defer res.Body.Close()
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			got <- sc.Text()
		}
	}()
	for i := range 8 {
		if _, err := io.WriteString(w, "122.45,30.72\n"); err != nil {
			t.Fatalf("feed point %d: %v", i, err)
		}
		select {
		case a := <-got:
			if !strings.Contains(a, `"code":"330922100005002004"`) {
				t.Fatalf("feed point %d answered %q", i, a)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("feed point %d not answered within 5 s", i)
		}
		time.Sleep(300 * time.Millisecond)
	}
	w.Close()
	cancel()
	<-done
}
