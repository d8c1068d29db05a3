package api_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"

	"github.com/wangge/wangge/api"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/household"
)

// TestDraftViews merges two adjacent micro-grids in a draft and reads the
// draft where the published version is read: a tile covering both shows
// the merged-away unit in the published tile and not in the draft's, the
// kept one with both units' households; /v1/units/{code}?draft= answers
// the draft's unit with its chain and children, and 404 for the code the
// merge removed; /v1/units?draft= pages through the draft.
func TestDraftViews(t *testing.T) {
	sample := mustRead(t, "../data/sample/shengsi.geojson")
	pts, err := household.Decode(mustRead(t, "../data/sample/shengsi_households.geojson"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	for name, st := range stores(t) {
		t.Run(name, func(t *testing.T) {
			if _, err := st.(partition.DraftStore).ImportHouseholds(context.Background(), "sample", pts); err != nil {
				t.Fatal(err)
			}
			s := start(t, st, api.Config{})
			if code, b := s.do("POST", "/v1/versions?crs=cgcs2000", string(sample)); code != 201 {
				t.Fatalf("publish the sample: %d %s", code, b)
			}
			m := mergeInDraft(t, s)
			t.Run("Tiles", func(t *testing.T) { testDraftTiles(t, s, m) })
			t.Run("Unit", func(t *testing.T) { testDraftUnit(t, s, m) })
			t.Run("Pages", func(t *testing.T) { testDraftPages(t, s, m) })
			t.Run("Refusals", func(t *testing.T) { testDraftViewRefusals(t, s, m) })
		})
	}
}

// merged is a draft in which micro-grid gone was merged into kept.
type merged struct {
	id, grid   string
	kept, gone partition.Unit
}

// mergeInDraft starts a draft of the first street and merges two adjacent
// micro-grids of its first grid.
func mergeInDraft(t *testing.T, s *server) merged {
	a := s.send("POST", "/v1/drafts", `{"root": "330922100000"}`, nil)
	if a.code != 201 {
		t.Fatalf("create: %d %s", a.code, a.body)
	}
	m := merged{id: decode[struct{ Draft partition.Draft }](t, a.body).Draft.ID, grid: "330922100001001"}
	m.kept, m.gone = adjacent(t, draftUnits(t, s, m.id, m.grid))
	op := fmt.Sprintf(`{"op": "merge", "units": ["%s", "%s"]}`, m.kept.Code, m.gone.Code)
	if a := s.send("POST", "/v1/drafts/"+m.id+"/ops", op, nil); a.code != 200 {
		t.Fatalf("merge: %d %s", a.code, a.body)
	}
	return m
}

// coveringTile is the deepest tile whose bounds hold both bounds.
func coveringTile(a, b orb.Bound) maptile.Tile {
	u := a.Union(b)
	for z := maptile.Zoom(18); ; z-- {
		t := maptile.At(u.Center(), z)
		if tb := t.Bound(); z == 0 || tb.Contains(u.Min) && tb.Contains(u.Max) {
			return t
		}
	}
}

// tileUnits decodes a microgrids tile: households by code.
func tileUnits(t *testing.T, s *server, path string) map[string]int {
	t.Helper()
	b := s.get(path, 200)
	layers, err := mvt.Unmarshal(b)
	if err != nil || len(layers) != 1 {
		t.Fatalf("decode %s: %d layers, %v", path, len(layers), err)
	}
	out := map[string]int{}
	for _, f := range layers[0].Features {
		hh, _ := f.Properties["households"].(float64)
		out[fmt.Sprint(f.Properties["code"])] = int(hh)
	}
	return out
}

func testDraftTiles(t *testing.T, s *server, m merged) {
	tile := coveringTile(m.kept.Geometry.Bound(), m.gone.Geometry.Bound())
	path := fmt.Sprintf("/tiles/microgrids/%d/%d/%d.mvt", tile.Z, tile.X, tile.Y)
	published, drafted := tileUnits(t, s, path), tileUnits(t, s, path+"?draft="+m.id)
	if _, ok := published[string(m.gone.Code)]; !ok {
		t.Errorf("the published tile %s lacks %s: %v", path, m.gone.Code, published)
	}
	if hh, ok := drafted[string(m.gone.Code)]; ok {
		t.Errorf("the draft's tile holds %s (%d households), which the merge removed", m.gone.Code, hh)
	}
	if got, want := drafted[string(m.kept.Code)], m.kept.Households+m.gone.Households; got != want {
		t.Errorf("the draft's tile: %s has %d households, want %d", m.kept.Code, got, want)
	}
	if got := published[string(m.kept.Code)]; got != m.kept.Households {
		t.Errorf("the published tile: %s has %d households, want %d", m.kept.Code, got, m.kept.Households)
	}
	a := s.raw("GET", path+"?draft="+m.id, "")
	if tag := a.header.Get("ETag"); !strings.Contains(tag, m.id) || a.header.Get("Cache-Control") != "private, no-cache" {
		t.Errorf("the draft's tile: ETag %q, Cache-Control %q; want the draft named, revalidated", tag, a.header.Get("Cache-Control"))
	}
	h := map[string]string{"If-None-Match": a.header.Get("ETag")}
	if a := s.send("GET", path+"?draft="+m.id, "", h); a.code != 304 {
		t.Errorf("revalidating the draft's tile: %d, want 304", a.code)
	}
	if a := s.send("GET", path, "", h); a.code != 200 {
		t.Errorf("the published tile with the draft's ETag: %d, want 200", a.code)
	}
}

// unitAnswer is the part of /v1/units/{code} the tests read.
type unitAnswer struct {
	Properties struct {
		Households int
		Children   []string
		Chain      []struct{ Code string }
		Draft      *partition.Draft
	}
}

func testDraftUnit(t *testing.T, s *server, m merged) {
	u := decode[unitAnswer](t, string(s.get("/v1/units/"+string(m.kept.Code)+"?draft="+m.id, 200)))
	if got, want := u.Properties.Households, m.kept.Households+m.gone.Households; got != want {
		t.Errorf("the kept unit in the draft: %d households, want %d", got, want)
	}
	if u.Properties.Draft == nil || u.Properties.Draft.ID != m.id {
		t.Errorf("the kept unit in the draft: draft %+v, want %s", u.Properties.Draft, m.id)
	}
	pub := decode[unitAnswer](t, string(s.get("/v1/units/"+string(m.kept.Code), 200)))
	if got, want := fmt.Sprint(u.Properties.Chain), fmt.Sprint(pub.Properties.Chain); got != want || len(pub.Properties.Chain) != 4 {
		t.Errorf("chain in the draft %s, want the published %s (county, street, community, grid)", got, want)
	}
	if pub.Properties.Households != m.kept.Households || pub.Properties.Draft != nil {
		t.Errorf("the published unit: %d households, draft %v; want %d and none", pub.Properties.Households, pub.Properties.Draft, m.kept.Households)
	}
	grid := decode[unitAnswer](t, string(s.get("/v1/units/"+m.grid+"?draft="+m.id, 200)))
	pubGrid := decode[unitAnswer](t, string(s.get("/v1/units/"+m.grid, 200)))
	if len(grid.Properties.Children) != len(pubGrid.Properties.Children)-1 || strings.Contains(fmt.Sprint(grid.Properties.Children), string(m.gone.Code)) {
		t.Errorf("the grid's children in the draft %v, want the published %v but %s", grid.Properties.Children, pubGrid.Properties.Children, m.gone.Code)
	}
	if a := s.send("GET", "/v1/units/"+string(m.gone.Code)+"?draft="+m.id, "", nil); a.code != 404 || !strings.Contains(a.body, string(m.gone.Code)) {
		t.Errorf("the merged-away unit in the draft: %d %s, want 404 naming it", a.code, a.body)
	}
	s.get("/v1/units/"+string(m.gone.Code), 200) // still published
}

// testDraftPages reads the grid's micro-grids in the draft one per page,
// following the next links, which carry no as_of.
func testDraftPages(t *testing.T, s *server, m merged) {
	var got []string
	next := "/v1/units?draft=" + m.id + "&parent=" + m.grid + "&limit=1"
	for i := 0; next != "" && i < 100; i++ {
		fc, err := geojson.UnmarshalFeatureCollection(s.get(next, 200))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fc.Features {
			got = append(got, f.Properties.MustString("code"))
		}
		next = ""
		for _, l := range fc.ExtraMembers["links"].([]any) {
			href := l.(map[string]any)["href"].(string)
			if u, _ := url.Parse(href); u.Query().Has("as_of") {
				t.Errorf("a draft's next link %s carries as_of", href)
			}
			next = href
		}
	}
	want := draftUnits(t, s, m.id, m.grid)
	if len(got) != len(want) {
		t.Errorf("paged %d micro-grids %v, want %d", len(got), got, len(want))
	}
	for i := 1; i < len(got); i++ {
		if got[i] <= got[i-1] {
			t.Errorf("pages out of code order: %v", got)
		}
	}
}

func testDraftViewRefusals(t *testing.T, s *server, m merged) {
	code := string(m.kept.Code)
	for _, tc := range []struct {
		name, path string
		status     int
		want       []string
	}{
		{"unit with as_of", "/v1/units/" + code + "?draft=" + m.id + "&as_of=1", 400, []string{"as_of", "draft"}},
		{"units with as_of", "/v1/units?draft=" + m.id + "&as_of=1", 400, []string{"as_of", "draft"}},
		{"tile with version", "/tiles/microgrids/0/0/0.mvt?draft=" + m.id + "&version=1", 400, []string{"version", "draft"}},
		{"unit of an unknown draft", "/v1/units/" + code + "?draft=nope", 404, []string{"nope"}},
		{"tile of an unknown draft", "/tiles/microgrids/0/0/0.mvt?draft=nope", 404, []string{"nope"}},
		{"tile parameter misspelt", "/tiles/microgrids/0/0/0.mvt?drfat=" + m.id, 400, []string{"drfat"}},
		{"tile parameter twice", "/tiles/microgrids/0/0/0.mvt?draft=" + m.id + "&draft=" + m.id, 400, []string{"draft"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := s.send("GET", tc.path, "", nil)
			if a.code != tc.status {
				t.Errorf("got %d %s, want %d", a.code, a.body, tc.status)
			}
			for _, w := range tc.want {
				if !strings.Contains(a.body, w) {
					t.Errorf("got %s, want it to name %q", a.body, w)
				}
			}
		})
	}
}
