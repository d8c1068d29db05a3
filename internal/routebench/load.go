package routebench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"
)

// client is a keep-alive HTTP client with one connection of its own.
func client() *http.Client {
	return &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1, MaxConnsPerHost: 1, DisableCompression: true, ReadBufferSize: 64 << 10}}
}

// PostBatch posts body (n points) to url again and again from clients
// keep-alive connections for about d, reading every response to its end,
// and returns the points answered per second.
func PostBatch(ctx context.Context, url, contentType string, body []byte, n, clients int, d time.Duration) (float64, error) {
	var mu sync.Mutex
	var done int
	var firstErr error
	var wg sync.WaitGroup
	start := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := client()
			defer c.CloseIdleConnections()
			k, err := postLoop(ctx, c, url, contentType, body, start.Add(d))
			mu.Lock()
			defer mu.Unlock()
			done += k * n
			if err != nil && firstErr == nil {
				firstErr = err
			}
		}()
	}
	wg.Wait()
	return float64(done) / time.Since(start).Seconds(), firstErr
}

func postLoop(ctx context.Context, c *http.Client, url, contentType string, body []byte, until time.Time) (int, error) {
	k := 0
	buf := make([]byte, 1<<20)
	for time.Now().Before(until) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
		if err != nil {
			return k, fmt.Errorf("post: %w", err)
		}
		req.Header.Set("Content-Type", contentType)
		res, err := c.Do(req)
		if err != nil {
			return k, fmt.Errorf("post: %w", err)
		}
		err = drain(res.Body, buf)
		res.Body.Close()
		if err != nil || res.StatusCode != http.StatusOK {
			return k, fmt.Errorf("post: status %d, %v", res.StatusCode, err)
		}
		k++
	}
	return k, nil
}

// drain reads r to its end in reads as large as buf, as a client of bulk
// answers would (io.Copy to io.Discard reads 8 kB at a time: one system
// call each).
func drain(r io.Reader, buf []byte) error {
	for {
		if _, err := r.Read(buf); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
	}
}

// Get requests the urls in turn from conns keep-alive connections, one
// request at a time on each, for about d, and returns the requests per
// second and the 99th percentile latency.
func Get(ctx context.Context, urls []string, conns int, d time.Duration) (float64, time.Duration, error) {
	var mu sync.Mutex
	var lat []time.Duration
	var firstErr error
	var wg sync.WaitGroup
	start := time.Now()
	for c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cl := client()
			defer cl.CloseIdleConnections()
			l, err := getLoop(ctx, cl, urls, c, conns, start.Add(d))
			mu.Lock()
			defer mu.Unlock()
			lat = append(lat, l...)
			if err != nil && firstErr == nil {
				firstErr = err
			}
		}()
	}
	wg.Wait()
	el := time.Since(start)
	if len(lat) == 0 {
		return 0, 0, firstErr
	}
	slices.Sort(lat)
	return float64(len(lat)) / el.Seconds(), lat[len(lat)*99/100], firstErr
}

func getLoop(ctx context.Context, c *http.Client, urls []string, first, step int, until time.Time) ([]time.Duration, error) {
	lat := make([]time.Duration, 0, 1<<16)
	buf := make([]byte, 32<<10)
	for i := first; ; i += step {
		t0 := time.Now()
		if !t0.Before(until) {
			return lat, nil
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, urls[i%len(urls)], nil)
		if err != nil {
			return lat, fmt.Errorf("get: %w", err)
		}
		res, err := c.Do(req)
		if err != nil {
			return lat, fmt.Errorf("get: %w", err)
		}
		_, err = io.CopyBuffer(io.Discard, res.Body, buf)
		res.Body.Close()
		if err != nil || res.StatusCode != http.StatusOK {
			return lat, fmt.Errorf("get %s: status %d, %v", urls[i%len(urls)], res.StatusCode, err)
		}
		lat = append(lat, time.Since(t0))
	}
}

// Floor is the HTTP floor: a bare net/http handler that answers every
// request with an empty JSON object and does nothing else.
func Floor() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte("{}"))
	})
}
