package ogc_test

import (
	"context"
	"log/slog"
	"os"
	"strings"
	"testing"

	"github.com/paulmach/orb/geojson"

	"github.com/wangge/wangge/api"
	"github.com/wangge/wangge/internal/gisfixture"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/access"
)

// TestDraftRoot: a draft is a service root of its own, /drafts/ID/, whose
// links all stay under it; a client given that root and nothing else (no
// query, no header, as QGIS writes) reads the draft, learns from OPTIONS
// that it may write, and its PUT with If-Match lands in the draft; GDAL's
// OAPIF driver reads the edit from the same root.
func TestDraftRoot(t *testing.T) {
	for _, kind := range storeKinds {
		t.Run(kind.name, func(t *testing.T) {
			srv, id := editSetup(t, kind.open)
			root := srv.URL + "/drafts/" + id
			land := send(t, "GET", root+"/", "")
			if land.code != 200 {
				t.Fatalf("GET %s/: %d %s", root, land.code, land.body)
			}
			for _, l := range land.json(t)["links"].([]any) {
				if href := l.(map[string]any)["href"].(string); !strings.HasPrefix(href, root+"/") {
					t.Errorf("the draft's landing page links %s, outside %s/", href, root)
				}
			}
			item := root + gridsAt + "/" + gridA
			if a := send(t, "OPTIONS", item, ""); a.header.Get("Allow") != "GET, PUT, PATCH, DELETE, OPTIONS" {
				t.Errorf("OPTIONS %s: %d, Allow %q", item, a.code, a.header.Get("Allow"))
			}
			got := send(t, "GET", item, "")
			g, props := unitOf(t, got)
			props["name"] = "网格一（QGIS）"
			a := send(t, "PUT", item, feature(gridA, g, props), "Content-Type", "application/geo+json", "If-Match", got.header.Get("ETag"))
			if a.code != 200 {
				t.Fatalf("PUT %s: %d %s", item, a.code, a.body)
			}
			if log := draftLog(t, srv, id); len(log) != 1 || log[0].Op["op"] != "attributes" || log[0].Op["unit"] != gridA {
				t.Errorf("the draft's log %+v, want the attributes of %s", log, gridA)
			}
			if _, p := unitOf(t, send(t, "GET", srv.URL+gridsAt+"/"+gridA, "")); p["name"] == "网格一（QGIS）" {
				t.Error("the PUT under the draft's root changed the published version")
			}
			file := t.TempDir() + "/grids.geojson"
			gdal(t, "ogr2ogr", "-f", "GeoJSON", file, "OAPIF:"+root+"/", "grids")
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			fc, err := geojson.UnmarshalFeatureCollection(b)
			if err != nil {
				t.Fatal(err)
			}
			names := map[string]string{}
			for _, f := range fc.Features {
				names[f.Properties.MustString("code", "")] = f.Properties.MustString("name", "")
			}
			if names[gridA] != "网格一（QGIS）" {
				t.Errorf("GDAL read %v from the draft's root, want %s renamed", names, gridA)
			}
			for _, r := range srv.requests("/drafts/" + id + "/collections/grids/items") {
				if strings.Contains(r, "draft=") {
					t.Errorf("GDAL sent %s: the root alone names the draft", r)
				}
			}
			if a := send(t, "GET", root+gridsAt+"?draft=other", ""); a.code != 400 {
				t.Errorf("a draft's root with ?draft=other: %d, want 400", a.code)
			}
		})
	}
}

// TestFeatureWritesAccess: with tokens checked, a Part 4 write needs a
// token (401), a planner's role (403) and a scope that covers every unit
// it touches (403 naming them), and writes nothing when refused; once the
// draft is submitted, OPTIONS offers reads only and a PUT is 409.
func TestFeatureWritesAccess(t *testing.T) {
	for _, kind := range storeKinds {
		t.Run(kind.name, func(t *testing.T) {
			st := kind.open(t)
			gisfixture.Publish(t, st, sampleDir, 20, 20)
			auth := access.New(st.(partition.AccessStore), access.Options{}, slog.New(slog.DiscardHandler))
			secret := map[string]string{}
			for _, tk := range []struct {
				name  string
				role  partition.Role
				scope partition.Code
			}{{"社区规划", partition.RolePlanner, gisfixture.Community}, {"邻镇规划", partition.RolePlanner, "330922101"}, {"读者", partition.RoleReader, ""}} {
				_, s, err := auth.Create(context.Background(), tk.name, tk.role, tk.scope)
				if err != nil {
					t.Fatal(err)
				}
				secret[tk.name] = "Bearer " + s
			}
			srv := serve(t, st, api.Config{Access: auth})
			a := send(t, "POST", srv.URL+"/v1/drafts", `{"root": "`+string(gisfixture.Community)+`"}`, "Authorization", secret["社区规划"])
			if a.code != 201 {
				t.Fatalf("create a draft: %d %s", a.code, a.body)
			}
			id := a.json(t)["draft"].(map[string]any)["id"].(string)
			item := srv.URL + "/drafts/" + id + gridsAt + "/" + gridA
			got := send(t, "GET", item, "")
			g, _ := unitOf(t, got)
			cg, _ := unitOf(t, send(t, "GET", srv.URL+"/drafts/"+id+"/collections/microgrids/items/"+cellB1, ""))
			body := feature(gridA, union(t, g, cg), nil)
			hdr := func(who string) []string {
				h := []string{"Content-Type", "application/geo+json", "If-Match", got.header.Get("ETag")}
				if who != "" {
					h = append(h, "Authorization", secret[who])
				}
				return h
			}
			for _, tt := range []struct {
				who    string
				status int
				names  string
			}{
				{"", 401, "token"},
				{"读者", 403, "planner"},
				{"邻镇规划", 403, gridA},
			} {
				if a := send(t, "PATCH", item, body, hdr(tt.who)...); a.code != tt.status || !strings.Contains(string(a.body), tt.names) {
					t.Errorf("PATCH as %q: %d %s, want %d naming %s", tt.who, a.code, a.body, tt.status, tt.names)
				}
			}
			if log := draftLog(t, srv, id); len(log) != 0 {
				t.Fatalf("refused writes changed the draft: %+v", log)
			}
			if a := send(t, "PATCH", item, body, hdr("社区规划")...); a.code != 200 {
				t.Fatalf("PATCH as the community's planner: %d %s", a.code, a.body)
			}
			now := send(t, "GET", item, "")
			etag := now.header.Get("ETag")
			ng, _ := unitOf(t, now)
			if a := send(t, "POST", srv.URL+"/v1/drafts/"+id+"/submit", `{"comment": "初划"}`, "Authorization", secret["社区规划"]); a.code != 200 {
				t.Fatalf("submit: %d %s", a.code, a.body)
			}
			if a := send(t, "OPTIONS", item, ""); a.header.Get("Allow") != "GET, OPTIONS" {
				t.Errorf("OPTIONS on a submitted draft: Allow %q, want GET, OPTIONS", a.header.Get("Allow"))
			}
			if a := send(t, "PATCH", item, feature(gridA, ng, map[string]any{"name": "x"}), "Content-Type", "application/geo+json", "If-Match", etag, "Authorization", secret["社区规划"]); a.code != 409 || !strings.Contains(string(a.body), "submitted") {
				t.Errorf("PATCH on a submitted draft: %d %s, want 409 saying it is submitted", a.code, a.body)
			}
		})
	}
}
