// Package teststore opens, for tests, a fresh store of each kind — an
// embedded GeoPackage in the test's temporary directory and a PostGIS
// schema of its own in the test database (internal/testdb) — so that a
// test runs against both over real connections. They are closed, and the
// schema dropped, when the test ends.
package teststore

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/internal/testdb"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/store/gpkg"
	"github.com/wangge/wangge/partition/store/postgis"
)

// Both returns {"gpkg": …, "postgis": …}; schemaPrefix names the PostGIS
// schema (testdb.Schema adds a random suffix).
func Both(t testing.TB, schemaPrefix string) map[string]partition.Store {
	t.Helper()
	ctx := context.Background()
	g, err := gpkg.Open(ctx, filepath.Join(t.TempDir(), "w.gpkg"), gpkg.Options{Limits: geo.DefaultLimits})
	if err != nil {
		t.Fatal(err)
	}
	p, err := postgis.Open(ctx, testdb.URL(t), postgis.Options{Schema: testdb.Schema(t, schemaPrefix), Limits: geo.DefaultLimits})
	if err != nil {
		g.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { g.Close(); p.Close() })
	return map[string]partition.Store{"gpkg": g, "postgis": p}
}
