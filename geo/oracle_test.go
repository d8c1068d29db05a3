package geo

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/wangge/wangge/internal/shareddata"
)

// boundary is one real feature: its file, name and geometry (GCJ-02 lon/lat,
// which does not matter for comparing two area computations).
type boundary struct {
	file, name string
	geom       orb.Geometry
	center     []orb.Point // the "center" and "centroid" properties, when present
}

func (b boundary) String() string { return b.file + " " + b.name }

// loadBoundaries reads every feature of every GeoJSON file of the shared boundaries.
func loadBoundaries(tb testing.TB) []boundary {
	tb.Helper()
	boundaryDir := shareddata.Boundaries(tb)
	files, err := filepath.Glob(filepath.Join(boundaryDir, "*.geojson"))
	if err != nil || len(files) == 0 {
		tb.Fatalf("no boundaries in %s (err %v): the tests need shared/data/boundaries beside the repository", boundaryDir, err)
	}
	sort.Strings(files)
	var out []boundary
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			tb.Fatalf("read %s: %v", path, err)
		}
		fc, err := geojson.UnmarshalFeatureCollection(data)
		if err != nil {
			tb.Fatalf("parse %s: %v", path, err)
		}
		for i, f := range fc.Features {
			b := boundary{file: filepath.Base(path), name: fmt.Sprint(f.Properties["name"]), geom: f.Geometry}
			if b.name == "<nil>" {
				b.name = fmt.Sprintf("feature %d", i)
			}
			for _, key := range []string{"center", "centroid"} {
				if p, ok := pointProperty(f.Properties[key]); ok {
					b.center = append(b.center, p)
				}
			}
			out = append(out, b)
		}
	}
	return out
}

func pointProperty(v any) (orb.Point, bool) {
	xs, ok := v.([]any)
	if !ok || len(xs) != 2 {
		return orb.Point{}, false
	}
	lon, ok1 := xs[0].(float64)
	lat, ok2 := xs[1].(float64)
	return orb.Point{lon, lat}, ok1 && ok2
}

// postgis connects to the database named by WANGGE_TEST_DATABASE_URL. The
// oracle tests are part of the suite: without a database they fail.
func postgis(t *testing.T) (*pgx.Conn, context.Context) {
	t.Helper()
	url := os.Getenv("WANGGE_TEST_DATABASE_URL")
	if url == "" {
		t.Fatal("WANGGE_TEST_DATABASE_URL is not set: the PostGIS oracle tests need it " +
			"(for development: postgres:///wangge_dev?host=/var/run/postgresql)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("connect to PostGIS: %v", err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn, ctx
}

// postgisArea is ST_Area(geography) of g.
func postgisArea(ctx context.Context, t *testing.T, conn *pgx.Conn, g orb.Geometry) float64 {
	t.Helper()
	js, err := geojson.NewGeometry(g).MarshalJSON()
	if err != nil {
		t.Fatalf("marshal geometry: %v", err)
	}
	var area float64
	if err := conn.QueryRow(ctx, `SELECT ST_Area(ST_GeomFromGeoJSON($1)::geography)`, string(js)).Scan(&area); err != nil {
		t.Fatalf("ST_Area: %v", err)
	}
	return area
}

// postgisDistance is ST_Distance(geography) between a and b.
func postgisDistance(ctx context.Context, t *testing.T, conn *pgx.Conn, a, b orb.Point) float64 {
	t.Helper()
	var d float64
	err := conn.QueryRow(ctx, `SELECT ST_Distance(
		ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography,
		ST_SetSRID(ST_MakePoint($3, $4), 4326)::geography)`, a[0], a[1], b[0], b[1]).Scan(&d)
	if err != nil {
		t.Fatalf("ST_Distance: %v", err)
	}
	return d
}

// postgisLength is ST_Length(geography) of ls.
func postgisLength(ctx context.Context, t *testing.T, conn *pgx.Conn, ls orb.LineString) float64 {
	t.Helper()
	js, err := geojson.NewGeometry(ls).MarshalJSON()
	if err != nil {
		t.Fatalf("marshal geometry: %v", err)
	}
	var length float64
	if err := conn.QueryRow(ctx, `SELECT ST_Length(ST_GeomFromGeoJSON($1)::geography)`, string(js)).Scan(&length); err != nil {
		t.Fatalf("ST_Length: %v", err)
	}
	return length
}
