package tiles_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/planar"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/wangge/wangge/api"
	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/internal/gisfixture"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/store/gpkg"
)

func TestMain(m *testing.M) {
	gin.SetMode(gin.ReleaseMode)
	os.Exit(m.Run())
}

func get(t *testing.T, url string, header ...string) (*http.Response, []byte) {
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

// TestTiles decodes tiles with orb's MVT decoder: the generated community
// (a known unit) at z8, z12 and z15 with its attributes and a geometry that
// contains its centre; fewer vertices at low zoom; 204, ETag, 304 and
// Cache-Control; bad tile addresses.
func TestTiles(t *testing.T) {
	ctx := context.Background()
	st, err := gpkg.Open(ctx, filepath.Join(t.TempDir(), "w.gpkg"), gpkg.Options{Limits: geo.DefaultLimits})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	gisfixture.Publish(t, st, "../../data/sample", 20, 20)
	ts := httptest.NewServer(api.New(st, api.Config{}, slog.New(slog.DiscardHandler), prometheus.NewRegistry()))
	defer ts.Close()
	community, err := st.Unit(ctx, gisfixture.Community, partition.AsOf{})
	if err != nil {
		t.Fatal(err)
	}
	centre := community.Geometry.Bound().Center()

	for _, z := range []maptile.Zoom{8, 12, 15} {
		t.Run(fmt.Sprintf("z%d", z), func(t *testing.T) {
			tile := maptile.At(centre, z)
			url := fmt.Sprintf("%s/tiles/communities/%d/%d/%d.mvt", ts.URL, z, tile.X, tile.Y)
			res, b := get(t, url)
			if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/vnd.mapbox-vector-tile" {
				t.Fatalf("GET %s: %d %s", url, res.StatusCode, res.Header.Get("Content-Type"))
			}
			if res.Header.Get("ETag") == "" || res.Header.Get("Cache-Control") == "" {
				t.Errorf("no ETag or Cache-Control: %v", res.Header)
			}
			layers, err := mvt.Unmarshal(b)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if len(layers) != 1 || layers[0].Name != "communities" || len(layers[0].Features) != 1 {
				t.Fatalf("want one layer communities with one feature, got %d layers", len(layers))
			}
			layers.ProjectToWGS84(tile)
			f := layers[0].Features[0]
			want := map[string]string{"code": string(community.Code), "name": community.Name, "level": "community", "kind": "comprehensive", "households": "0"}
			for k, v := range want {
				if got := fmt.Sprint(f.Properties[k]); got != v {
					t.Errorf("%s: got %q, want %q", k, got, v)
				}
			}
			// orb's decoder reads ids as float64: exact for a 12-digit code.
			if id, ok := f.ID.(float64); !ok || fmt.Sprintf("%.0f", id) != string(community.Code) {
				t.Errorf("id: got %v, want %s", f.ID, community.Code)
			}
			mp, ok := f.Geometry.(orb.MultiPolygon)
			if p, isPoly := f.Geometry.(orb.Polygon); isPoly {
				mp, ok = orb.MultiPolygon{p}, true
			}
			if !ok || !planar.MultiPolygonContains(mp, centre) {
				t.Errorf("the decoded %T does not contain the unit's centre %v", f.Geometry, centre)
			}
			// One tile unit is the tolerance: the polygon is the unit, or
			// the unit clipped to the tile and its buffer.
			px := (tile.Bound().Max[0] - tile.Bound().Min[0]) / 4096
			got, wantB := mp.Bound(), intersect(community.Geometry.Bound(), tile.Bound(64.0/4096))
			if d := maxBoundDiff(got, wantB); d > 2*px {
				t.Errorf("decoded bound %v, want %v within %g°", got, wantB, 2*px)
			}
		})
	}

	t.Run("SimplifiedAtLowZoom", func(t *testing.T) {
		shengsi, err := st.Unit(ctx, gisfixture.District, partition.AsOf{})
		if err != nil {
			t.Fatal(err)
		}
		tile := maptile.At(shengsi.Geometry[0][0][0], 8)
		_, b := get(t, fmt.Sprintf("%s/tiles/districts/8/%d/%d.mvt", ts.URL, tile.X, tile.Y))
		layers, err := mvt.Unmarshal(b)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range layers[0].Features {
			if fmt.Sprint(f.Properties["code"]) == string(gisfixture.District) {
				if got, all := vertices(f.Geometry), vertices(shengsi.Geometry); got >= all {
					t.Errorf("z8 tile has %d vertices of 嵊泗县, the unit %d: not simplified", got, all)
				}
				return
			}
		}
		t.Errorf("the z8 tile of 嵊泗县's first vertex lacks it")
	})

	for _, c := range []struct {
		name, path string
		status     int
	}{
		{"EmptyTile", "/tiles/communities/15/0/0.mvt", 204},
		{"UnknownCollection", "/tiles/nowhere/1/0/0.mvt", 404},
		{"NoSuffix", "/tiles/grids/1/0/0.png", 404},
		{"XOutOfRange", "/tiles/grids/2/4/0.mvt", 400},
		{"BadZoom", "/tiles/grids/99/0/0.mvt", 400},
		{"NoSuchVersion", "/tiles/grids/1/0/0.mvt?version=99", 404},
	} {
		t.Run(c.name, func(t *testing.T) {
			if res, b := get(t, ts.URL+c.path); res.StatusCode != c.status {
				t.Errorf("got %d %s, want %d", res.StatusCode, b, c.status)
			}
		})
	}
	t.Run("ETag", func(t *testing.T) {
		tile := maptile.At(centre, 12)
		url := fmt.Sprintf("%s/tiles/grids/12/%d/%d.mvt", ts.URL, tile.X, tile.Y)
		res, _ := get(t, url)
		if res, _ := get(t, url, "If-None-Match", res.Header.Get("ETag")); res.StatusCode != http.StatusNotModified {
			t.Errorf("revalidation: got %d, want 304", res.StatusCode)
		}
		if res, _ := get(t, url+"?version=1"); res.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
			t.Errorf("a pinned version's tile: Cache-Control %q", res.Header.Get("Cache-Control"))
		}
	})
}

func maxBoundDiff(a, b orb.Bound) float64 {
	d := 0.0
	for _, x := range []float64{a.Min[0] - b.Min[0], a.Min[1] - b.Min[1], a.Max[0] - b.Max[0], a.Max[1] - b.Max[1]} {
		d = max(d, x, -x)
	}
	return d
}

func vertices(g orb.Geometry) int {
	n := 0
	switch g := g.(type) {
	case orb.MultiPolygon:
		for _, p := range g {
			for _, r := range p {
				n += len(r)
			}
		}
	case orb.Polygon:
		for _, r := range g {
			n += len(r)
		}
	}
	return n
}

func intersect(a, b orb.Bound) orb.Bound {
	return orb.Bound{Min: orb.Point{max(a.Min[0], b.Min[0]), max(a.Min[1], b.Min[1])}, Max: orb.Point{min(a.Max[0], b.Max[0]), min(a.Max[1], b.Max[1])}}
}
