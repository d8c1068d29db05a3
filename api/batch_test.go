package api_test

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

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
// alone, encoded the same, in input order: as JSON and as NDJSON, from
// WGS84 and from GCJ-02, with points inside, on vertices and edges,
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

	pts := batchPoints(sample.Units, 30_011)
	for _, in := range []crs.CRS{crs.WGS84, crs.GCJ02} {
		want := [][]byte{}
		for _, p := range pts {
			r := ix.Route(crs.Convert(orb.Point(p), in, crs.CGCS2000))
			want = append(want, router.AppendJSON(nil, &r, p))
		}
		var js, nd bytes.Buffer
		js.WriteString(`{"crs":"` + string(in) + `","points":[`)
		for i, p := range pts {
			if i > 0 {
				js.WriteByte(',')
			}
			pair := "[" + strconv.FormatFloat(p[0], 'f', -1, 64) + "," + strconv.FormatFloat(p[1], 'f', -1, 64) + "]"
			js.WriteString(pair)
			nd.WriteString(pair + "\n")
		}
		js.WriteString("]}")

		code, b := s.do("POST", "/v1/route/batch", js.String())
		wantBody := `{"version":1,"results":[` + string(bytes.Join(want, []byte(","))) + "]}\n"
		if code != 200 || string(b) != wantBody {
			t.Errorf("%s JSON batch: status %d, %d bytes; want 200 and %d bytes; first difference %s", in, code, len(b), len(wantBody), firstDiff(b, []byte(wantBody)))
		}

		req, _ := http.NewRequest("POST", s.url+"/v1/route/batch?crs="+string(in), &nd)
		req.Header.Set("Content-Type", "application/x-ndjson")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(nil, 1<<20)
		n := 0
		for ; sc.Scan(); n++ {
			if n < len(want) && sc.Text() != string(want[n]) {
				t.Fatalf("%s NDJSON line %d: got %s, want %s", in, n, sc.Text(), want[n])
			}
		}
		res.Body.Close()
		if n != len(want) {
			t.Errorf("%s NDJSON: %d lines for %d points", in, n, len(want))
		}
	}
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

// firstDiff shows where got and want part.
func firstDiff(got, want []byte) string {
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	cut := func(b []byte) string { return strings.ToValidUTF8(string(b[i:min(len(b), i+120)]), "?") }
	return "at byte " + strconv.Itoa(i) + ": got " + cut(got) + " … want " + cut(want)
}
