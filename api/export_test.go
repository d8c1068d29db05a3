package api_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wangge/wangge/api"
	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/internal/gisfixture"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/store/gpkg"
)

// TestExport streams /v1/export as GeoJSON and as a GeoPackage from each
// store, for a whole version and for subtrees, and reads the GeoPackage
// back with the gpkg store. In GeoJSON the root keeps its stored parent; in
// the GeoPackage, a store of its own, it has none.
func TestExport(t *testing.T) {
	for name, st := range stores(t) {
		t.Run(name, func(t *testing.T) {
			gisfixture.Publish(t, st, "../data/sample", 20, 20)
			s := start(t, st, api.Config{WriteGPKG: gpkg.WriteExport})
			for _, c := range []struct {
				root           string
				units, vessels int
			}{
				{"", 2 + 15 + 406 + 4, 2},
				{string(gisfixture.Street), 406, 0},
				{string(gisfixture.District), 1 + 406 + 4, 2},
			} {
				t.Run("geojson "+c.root, func(t *testing.T) {
					var fc struct {
						Features []struct {
							Properties struct{ Code, Parent *string }
						}
						Vessels []json.RawMessage
					}
					if err := json.Unmarshal(s.get("/v1/export?format=geojson&root="+c.root, 200), &fc); err != nil {
						t.Fatal(err)
					}
					if len(fc.Features) != c.units || len(fc.Vessels) != c.vessels {
						t.Errorf("got %d units and %d vessels, want %d and %d", len(fc.Features), len(fc.Vessels), c.units, c.vessels)
					}
					if c.root == "" {
						return
					}
					var stored struct{ Properties struct{ Parent *string } }
					if err := json.Unmarshal(s.get("/v1/units/"+c.root, 200), &stored); err != nil || stored.Properties.Parent == nil {
						t.Fatalf("stored root %s: parent %v (%v), want one", c.root, stored.Properties.Parent, err)
					}
					if p := fc.Features[0].Properties; *p.Code != c.root || p.Parent == nil || *p.Parent != *stored.Properties.Parent {
						t.Errorf("the first feature is %v with parent %v, want the root %s with its parent %s", *p.Code, p.Parent, c.root, *stored.Properties.Parent)
					}
				})
				t.Run("gpkg "+c.root, func(t *testing.T) {
					path := filepath.Join(t.TempDir(), "x.gpkg")
					if err := os.WriteFile(path, s.get("/v1/export?format=gpkg&root="+c.root, 200), 0o644); err != nil {
						t.Fatal(err)
					}
					back, err := gpkg.Open(context.Background(), path, gpkg.Options{Limits: geo.DefaultLimits})
					if err != nil {
						t.Fatal(err)
					}
					defer back.Close()
					vs, err := back.Versions(context.Background())
					if err != nil || len(vs) != 1 {
						t.Fatalf("versions: %v, %v; want one", vs, err)
					}
					n, nv := 0, 0
					ctx := context.Background()
					if err := back.Units(ctx, partition.Query{}, func(partition.Unit) error { n++; return nil }); err != nil {
						t.Fatal(err)
					}
					if err := back.Vessels(ctx, partition.VesselQuery{}, func(partition.Vessel) error { nv++; return nil }); err != nil {
						t.Fatal(err)
					}
					if n != c.units || nv != c.vessels {
						t.Errorf("the GeoPackage holds %d units and %d vessels, want %d and %d", n, nv, c.units, c.vessels)
					}
					if c.root == "" {
						return
					}
					if r, err := back.Unit(ctx, partition.Code(c.root), partition.AsOf{}); err != nil || r.Parent != "" {
						t.Errorf("the GeoPackage's root %s: parent %q (%v), want none", c.root, r.Parent, err)
					}
					if !strings.Contains(vs[0].Note, "not in this file") {
						t.Errorf("the GeoPackage's note %q does not say the root's parent is left out", vs[0].Note)
					}
				})
			}
			s.get("/v1/export?root=110000000000", 404)
			s.get("/v1/export?format=shp", 400)
			s.get("/v1/export?version=99", 404)
			// A server wired with no GeoPackage writer refuses the format.
			if b := start(t, st, api.Config{}).get("/v1/export?format=gpkg", 400); !strings.Contains(string(b), "GeoPackage") {
				t.Errorf("gpkg without a writer: %s", b)
			}
		})
	}
}
