package api_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/api"
	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/crs"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/router"
	"github.com/wangge/wangge/partition/store/gpkg"
	"github.com/wangge/wangge/partition/store/storetest"
)

// TestRouteBatchAgreesWithRoute: a batch large enough to be cut into many
// runs and chunks (and routed in the index's order, not the order given)
// answers every point exactly as the index's Route does for that point
// alone, encoded the same, in input order: as JSON and as NDJSON (from an
// NDJSON body, and from a JSON body whose "crs" is then read on the way),
// from WGS84 and from GCJ-02, with points inside, on vertices and edges,
// outside every unit and beyond the tolerance.
func TestRouteBatchAgreesWithRoute(t *testing.T) {
	ctx := context.Background()
	st, err := gpkg.Open(ctx, filepath.Join(t.TempDir(), "w.gpkg"), gpkg.Options{Limits: geo.DefaultLimits})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sample := storetest.Sample()
	if _, err := st.Publish(ctx, sample); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ix, err := router.Build(ctx, st, partition.AsOf{}, router.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rt := router.NewRouter(st, router.Options{}, log)
	rt.Swap(ix)
	s := start(t, st, api.Config{Router: rt})

	// 30,011 points in both systems, as JSON and as NDJSON; then, as JSON,
	// more than one segment of the JSON path (2^18 points routed together).
	for _, tc := range []struct {
		n      int
		in     crs.CRS
		ndjson bool
	}{{30_011, crs.WGS84, true}, {30_011, crs.GCJ02, true}, {270_001, crs.WGS84, false}} {
		pts := batchPoints(sample.Units, tc.n)
		answer := func(i int) []byte {
			r := ix.Route(crs.Convert(orb.Point(pts[i]), tc.in, crs.CGCS2000))
			return router.AppendJSON(nil, &r, pts[i])
		}
		var js, nd bytes.Buffer
		js.WriteString(`{"crs":"` + string(tc.in) + `","points":[`)
		for i, p := range pts {
			if i > 0 {
				js.WriteByte(',')
			}
			pair := "[" + strconv.FormatFloat(p[0], 'f', -1, 64) + "," + strconv.FormatFloat(p[1], 'f', -1, 64) + "]"
			js.WriteString(pair)
			nd.WriteString(pair + "\n")
		}
		js.WriteString("]}")

		body := slices.Clone(js.Bytes())
		res, err := http.Post(s.url+"/v1/route/batch", "application/json", &js)
		if err != nil {
			t.Fatal(err)
		}
		br := bufio.NewReaderSize(res.Body, 1<<20)
		expect := func(what string, want []byte) {
			got := make([]byte, len(want))
			if _, err := io.ReadFull(br, got); err != nil || !bytes.Equal(got, want) {
				res.Body.Close() // else the server, blocked writing, never ends
				t.Fatalf("%d points from %s, JSON: %s: got %s (%v), want %s", tc.n, tc.in, what, got, err, want)
			}
		}
		if res.StatusCode != 200 {
			t.Fatalf("%d points from %s, JSON: status %d", tc.n, tc.in, res.StatusCode)
		}
		expect("head", []byte(`{"version":1,"crs":"`+string(tc.in)+`","results":[`))
		for i := range pts {
			if i > 0 {
				expect("separator", []byte(","))
			}
			expect("result "+strconv.Itoa(i), answer(i))
		}
		expect("end", []byte("]}\n"))
		if _, err := br.ReadByte(); err != io.EOF {
			t.Errorf("%d points from %s, JSON: bytes after the end", tc.n, tc.in)
		}
		res.Body.Close()
		if !tc.ndjson {
			continue
		}

		// NDJSON in (crs in the query) and JSON in (crs in the body), both
		// answered as NDJSON.
		ndIn, _ := http.NewRequest("POST", s.url+"/v1/route/batch?crs="+string(tc.in), &nd)
		ndIn.Header.Set("Content-Type", "application/x-ndjson")
		jsIn, _ := http.NewRequest("POST", s.url+"/v1/route/batch", bytes.NewReader(body))
		jsIn.Header.Set("Content-Type", "application/json")
		jsIn.Header.Set("Accept", "application/x-ndjson")
		for name, req := range map[string]*http.Request{"NDJSON": ndIn, "JSON streamed": jsIn} {
			res, err = http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			sc := bufio.NewScanner(res.Body)
			sc.Buffer(nil, 1<<20)
			n := 0
			for ; sc.Scan(); n++ {
				if n >= len(pts) {
					continue
				}
				// A streamed answer ends with the crs its point was read in.
				if want := withCRS(answer(n), tc.in); sc.Text() != string(want) {
					res.Body.Close() // else the server, blocked writing, never ends
					t.Fatalf("%s %s line %d: got %s, want %s", tc.in, name, n, sc.Text(), want)
				}
			}
			res.Body.Close()
			if n != len(pts) {
				t.Errorf("%s %s: %d lines for %d points", tc.in, name, n, len(pts))
			}
		}
	}
}

// withCRS is a router answer ended with the member "crs": c, as the API
// sends it where it says which system it read the point in.
func withCRS(answer []byte, c crs.CRS) []byte {
	return append(append(bytes.Clone(answer[:len(answer)-1]), `,"crs":"`+string(c)+`"`...), '}')
}

// batchPoints draws n points over the units' extent and a little beyond:
// uniform, on their vertices, on their edges.
func batchPoints(units []partition.Unit, n int) [][2]float64 {
	rng := rand.New(rand.NewPCG(5, 8))
	var ext orb.Bound
	var rings []orb.Ring
	for i, u := range units {
		if i == 0 {
			ext = u.Geometry.Bound()
		}
		ext = ext.Union(u.Geometry.Bound())
		for _, pg := range u.Geometry {
			rings = append(rings, pg...)
		}
	}
	w, h := ext.Max[0]-ext.Min[0], ext.Max[1]-ext.Min[1]
	pts := make([][2]float64, n)
	for i := range pts {
		r := rings[rng.IntN(len(rings))]
		k := rng.IntN(len(r) - 1)
		switch i % 3 {
		case 0:
			pts[i] = [2]float64{ext.Min[0] - 0.05*w + 1.1*w*rng.Float64(), ext.Min[1] - 0.05*h + 1.1*h*rng.Float64()}
		case 1:
			pts[i] = r[k]
		default:
			t := rng.Float64()
			pts[i] = [2]float64{r[k][0] + t*(r[k+1][0]-r[k][0]), r[k][1] + t*(r[k+1][1]-r[k][1])}
		}
	}
	return pts
}

// TestRouteBatchLiveFeed: an NDJSON batch whose client sends a point, waits
// for its answer, then sends the next, gets each answer as soon as it has
// sent the point (not once a chunk of points is full).
func TestRouteBatchLiveFeed(t *testing.T) {
	ctx := context.Background()
	st, err := gpkg.Open(ctx, filepath.Join(t.TempDir(), "w.gpkg"), gpkg.Options{Limits: geo.DefaultLimits})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Publish(ctx, storetest.Sample()); err != nil {
		t.Fatal(err)
	}
	s := start(t, st, api.Config{})
	pr, pw := io.Pipe()
	req, _ := http.NewRequest("POST", s.url+"/v1/route/batch", pr)
	req.Header.Set("Content-Type", "application/x-ndjson")
	type answer struct {
		res *http.Response
		err error
	}
	got := make(chan answer, 1)
	go func() {
		res, err := http.DefaultClient.Do(req)
		got <- answer{res, err}
	}()
	var lines *bufio.Scanner
	for i, p := range []string{"122.05,30.05", "122.7,30.8", "125,30"} {
		if _, err := io.WriteString(pw, p+"\n"); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			select {
			case a := <-got:
				if a.err != nil {
					t.Fatal(a.err)
				}
				defer a.res.Body.Close()
				lines = bufio.NewScanner(a.res.Body)
			case <-time.After(10 * time.Second):
				t.Fatal("no response 10 s after the first point")
			}
		}
		line := make(chan string, 1)
		go func() {
			lines.Scan()
			line <- lines.Text()
		}()
		select {
		case l := <-line:
			if !strings.HasPrefix(l, `{"point":[`+p+`]`) {
				t.Fatalf("point %d: answered %s", i, l)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("point %d: no answer 10 s after it was sent", i)
		}
	}
	pw.Close()
}

// TestRouteBatchBadPoints: bad points at the edges of chunks (2,048
// points) and of JSON segments (2^18 points routed together), first, last
// and in runs are answered in their place — with on_error=skip in a JSON
// batch, by default in NDJSON — and every other point exactly as the
// index's Route answers it alone.
func TestRouteBatchBadPoints(t *testing.T) {
	ctx := context.Background()
	st, err := gpkg.Open(ctx, filepath.Join(t.TempDir(), "w.gpkg"), gpkg.Options{Limits: geo.DefaultLimits})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sample := storetest.Sample()
	if _, err := st.Publish(ctx, sample); err != nil {
		t.Fatal(err)
	}
	ix, err := router.Build(ctx, st, partition.AsOf{}, router.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rt := router.NewRouter(st, router.Options{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	rt.Swap(ix)
	s := start(t, st, api.Config{Router: rt})

	const segment = 1 << 18
	n := segment + 5000
	bad := map[int]bool{}
	for _, i := range []int{0, 1, 2047, 2048, 2049, 4095, 4096, 4097, 4098, 4099, 100_000, segment - 1, segment, segment + 1, n - 1} {
		bad[i] = true
	}
	pts := batchPoints(sample.Units, n)
	var js, nd bytes.Buffer
	js.WriteString(`{"crs":"gcj02","points":[`)
	for i, p := range pts {
		pair := strconv.FormatFloat(p[0], 'f', -1, 64) + "," + strconv.FormatFloat(p[1], 'f', -1, 64)
		if bad[i] {
			pair = strconv.FormatFloat(p[0], 'f', -1, 64) + ",-91"
		}
		if i > 0 {
			js.WriteByte(',')
		}
		js.WriteString("[" + pair + "]")
		nd.WriteString(pair + "\n")
	}
	js.WriteString("]}")
	// want is point i's answer; ndjson: as a line of the stream.
	want := func(i int, ndjson bool) string {
		if bad[i] {
			if ndjson {
				return `{"line":` + strconv.Itoa(i+1) + `,"error":{"code":"invalid","message":"line ` + strconv.Itoa(i+1) + `: lat -91 is outside -90…90","details":[{"index":` + strconv.Itoa(i) + `,"field":"point","message":"lat -91 is outside -90…90"}]}}`
			}
			return `{"index":` + strconv.Itoa(i) + `,"error":{"code":"invalid","message":"point ` + strconv.Itoa(i) + `: lat -91 is outside -90…90","details":[{"index":` + strconv.Itoa(i) + `,"field":"point","message":"lat -91 is outside -90…90"}]}}`
		}
		r := ix.Route(crs.Convert(orb.Point(pts[i]), crs.GCJ02, crs.CGCS2000))
		if ndjson {
			return string(withCRS(router.AppendJSON(nil, &r, pts[i]), crs.GCJ02))
		}
		return string(router.AppendJSON(nil, &r, pts[i]))
	}

	res, err := http.Post(s.url+"/v1/route/batch?on_error=skip", "application/json", &js)
	if err != nil {
		t.Fatal(err)
	}
	var out struct{ Results []json.RawMessage }
	err = json.NewDecoder(res.Body).Decode(&out)
	res.Body.Close()
	if err != nil || res.StatusCode != 200 || len(out.Results) != n {
		t.Fatalf("JSON, on_error=skip: status %d, %d results for %d points (%v)", res.StatusCode, len(out.Results), n, err)
	}
	for i, r := range out.Results {
		if w := want(i, false); string(r) != w {
			t.Fatalf("JSON, on_error=skip: result %d: got %s, want %s", i, r, w)
		}
	}

	req, _ := http.NewRequest("POST", s.url+"/v1/route/batch?crs=gcj02", &nd)
	req.Header.Set("Content-Type", "application/x-ndjson")
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(nil, 1<<20)
	i := 0
	for ; sc.Scan(); i++ {
		if i >= n {
			continue
		}
		if w := want(i, true); sc.Text() != w {
			t.Fatalf("NDJSON: line %d: got %s, want %s", i+1, sc.Text(), w)
		}
	}
	if i != n {
		t.Errorf("NDJSON: %d lines for %d points", i, n)
	}
}
