package ogc_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wangge/wangge/api"
	"github.com/wangge/wangge/internal/gisfixture"
	"github.com/wangge/wangge/partition"
)

// itemsPage is a page of /items as a client reads it.
type itemsPage struct {
	Type           string
	NumberMatched  int
	NumberReturned int
	Features       []struct {
		ID         string
		Geometry   struct{ Coordinates [][][][2]float64 }
		Properties struct{ Code, Name, Parent, Kind string }
	}
	Links []struct{ Href, Rel, Type string }
}

func (p *itemsPage) link(rel string) string {
	for _, l := range p.Links {
		if l.Rel == rel {
			return l.Href
		}
	}
	return ""
}

func (p *itemsPage) codes() []string {
	var out []string
	for _, f := range p.Features {
		out = append(out, f.ID)
	}
	return out
}

func fetchPage(t *testing.T, u string) itemsPage {
	t.Helper()
	res, b := get(t, u)
	if res.StatusCode != 200 {
		t.Fatalf("GET %s: status %d: %s", u, res.StatusCode, b)
	}
	var p itemsPage
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	if p.NumberReturned != len(p.Features) {
		t.Errorf("GET %s: numberReturned %d, but %d features", u, p.NumberReturned, len(p.Features))
	}
	return p
}

func TestItems(t *testing.T) {
	for _, kind := range storeKinds {
		t.Run(kind.name, func(t *testing.T) { testItems(t, kind.open(t)) })
	}
}

func testItems(t *testing.T, st partition.Store) {
	gisfixture.Publish(t, st, sampleDir, 20, 20)
	srv := serve(t, st, api.Config{})
	base := srv.URL + "/collections/"
	first := fetchPage(t, base+"districts/items?limit=100")
	allDistricts := first.codes()
	if len(allDistricts) != 15 {
		t.Fatalf("districts: got %d, want 15", len(allDistricts))
	}

	t.Run("NextAndPrevLinks", func(t *testing.T) {
		var walked []string
		var pages []itemsPage
		for u := base + "districts/items?limit=4"; u != ""; {
			p := fetchPage(t, u)
			if p.NumberMatched != 15 {
				t.Errorf("numberMatched %d, want 15", p.NumberMatched)
			}
			walked = append(walked, p.codes()...)
			pages = append(pages, p)
			u = p.link("next")
		}
		if strings.Join(walked, ",") != strings.Join(allDistricts, ",") || len(pages) != 4 {
			t.Fatalf("walking next links: got %v in %d pages, want %v in 4", walked, len(pages), allDistricts)
		}
		if pages[0].link("prev") != "" {
			t.Errorf("the first page has a prev link")
		}
		for i := 1; i < len(pages); i++ {
			prev := fetchPage(t, pages[i].link("prev"))
			if got, want := strings.Join(prev.codes(), ","), strings.Join(pages[i-1].codes(), ","); got != want {
				t.Errorf("prev of page %d: got %s, want %s", i, got, want)
			}
		}
	})

	t.Run("NextLinksPinTheVersion", func(t *testing.T) {
		p := fetchPage(t, base+"districts/items?limit=10")
		// A new version retires a district before the second page is read.
		cs := partition.Changeset{Note: "retire", DeleteUnits: []partition.Code{partition.Code(allDistricts[0])}}
		if _, err := st.Publish(context.Background(), cs); err != nil {
			t.Fatal(err)
		}
		next := fetchPage(t, p.link("next"))
		if len(next.Features) != 5 || next.NumberMatched != 15 {
			t.Errorf("second page after a publish: %d features of %d, want 5 of 15 (the pinned version)", len(next.Features), next.NumberMatched)
		}
		if now := fetchPage(t, base+"districts/items?limit=100"); now.NumberMatched != 14 {
			t.Errorf("latest: %d districts, want 14", now.NumberMatched)
		}
	})

	vs, err := st.Versions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	v1 := vs[0].PublishedAt.UTC().Format(time.RFC3339Nano)
	for _, c := range []struct {
		name, path string
		want       int
	}{
		{"DatetimeBeforeAnyVersion", "cities/items?datetime=2000-01-01T00:00:00Z", 0},
		{"DatetimeFirstVersion", "cities/items?datetime=" + url.QueryEscape(v1), 1},
		{"IntervalTakesTheEnd", "cities/items?datetime=" + url.QueryEscape("2000-01-01T00:00:00Z/"+v1), 1},
		{"OpenEndIsLatest", "cities/items?datetime=" + url.QueryEscape("2000-01-01T00:00:00Z/.."), 2},
		{"Version", "cities/items?version=1", 1},
		{"Code", "grids/items?code=330922100001002", 1},
		{"CodeOfAnotherLevel", "grids/items?code=330922100001", 0},
		{"Parent", "microgrids/items?parent=330922100001002", 100},
		{"LevelOfTheCollection", "grids/items?level=grid", 4},
		{"OtherLevel", "grids/items?level=street", 0},
		{"Kind", "sea-grids/items?kind=aquaculture", 1},
		{"SeaGridsHaveNoMembershipUnits", "sea-grids/items", 2},
		{"BBoxCRS84", "microgrids/items?bbox=122.3001,30.7001,122.3004,30.7004", 1},
		{"BBoxLatFirst", "microgrids/items?bbox=30.7001,122.3001,30.7004,122.3004&bbox-crs=" + url.QueryEscape("http://www.opengis.net/def/crs/EPSG/0/4326"), 1},
		{"BBoxSixNumbers", "microgrids/items?bbox=122.3001,30.7001,0,122.3004,30.7004,10", 1},
		{"LimitAboveMaxIsLowered", "microgrids/items?limit=100000000", 400},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := fetchPage(t, base+c.path)
			if p.NumberMatched != c.want || len(p.Features) != min(c.want, 10_000) {
				t.Errorf("got %d matched, %d returned, want %d", p.NumberMatched, len(p.Features), c.want)
			}
		})
	}

	for _, c := range []struct {
		name, path string
		status     int
	}{
		{"UnknownCollection", "nowhere/items", 404},
		{"UnknownParameter", "grids/items?colour=red", 400},
		{"BadLimit", "grids/items?limit=0", 400},
		{"BadCRS", "grids/items?crs=EPSG:3857", 400},
		{"BadBBox", "grids/items?bbox=1,2,3", 400},
		{"BadDatetime", "grids/items?datetime=yesterday", 400},
		{"BadKind", "grids/items?kind=round", 400},
		{"NoSuchVersion", "grids/items?version=99", 404},
		{"FeatureOfAnotherCollection", "grids/items/330922100001002001", 404},
		{"NoSuchFeature", "grids/items/330922100001999", 404},
		{"BadFormat", "grids/items?f=xml", 400},
	} {
		t.Run(c.name, func(t *testing.T) {
			res, b := get(t, base+c.path)
			var e struct {
				Error struct{ Code, Message string }
			}
			if res.StatusCode != c.status || json.Unmarshal(b, &e) != nil || e.Error.Message == "" {
				t.Errorf("got %d %s, want %d with the error shape", res.StatusCode, b, c.status)
			}
		})
	}

	t.Run("AxisOrder", func(t *testing.T) { testAxisOrder(t, srv) })
	t.Run("HTML", func(t *testing.T) { testHTML(t, srv) })
}

// testAxisOrder checks crs=EPSG:4326/4490 against GDAL: ogr2ogr writes the
// CRS84 page as GML with SRSNAME_FORMAT=OGC_URN, in which GDAL puts
// coordinates in the axis order of the EPSG definition; our output in that
// CRS must have the same numbers in the same order.
func testAxisOrder(t *testing.T, srv *server) {
	items := srv.URL + "/collections/grids/items?limit=2"
	_, crs84 := get(t, items)
	dir := t.TempDir()
	in := filepath.Join(dir, "crs84.geojson")
	if err := os.WriteFile(in, crs84, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, epsg := range []string{"4326", "4490"} {
		uri := "http://www.opengis.net/def/crs/EPSG/0/" + epsg
		res, b := get(t, items+"&crs="+url.QueryEscape(uri))
		if got := res.Header.Get("Content-Crs"); got != "<"+uri+">" {
			t.Errorf("Content-Crs %q, want <%s>", got, uri)
		}
		var p itemsPage
		if err := json.Unmarshal(b, &p); err != nil {
			t.Fatal(err)
		}
		gml := filepath.Join(dir, "epsg"+epsg+".gml")
		gdal(t, "ogr2ogr", "-f", "GML", gml, in, "-t_srs", "EPSG:"+epsg, "-dsco", "FORMAT=GML3", "-dsco", "SRSNAME_FORMAT=OGC_URN")
		g, err := os.ReadFile(gml)
		if err != nil {
			t.Fatal(err)
		}
		lists := regexp.MustCompile(`<gml:posList[^>]*>([^<]+)</gml:posList>`).FindAllStringSubmatch(string(g), -1)
		if len(lists) != 2 {
			t.Fatalf("GDAL's GML has %d rings, want 2", len(lists))
		}
		for i, f := range p.Features {
			want := strings.Fields(lists[i][1])
			ring := f.Geometry.Coordinates[0][0]
			if len(want) != 2*len(ring) {
				t.Fatalf("feature %d: GDAL has %d numbers, we have %d positions", i, len(want), len(ring))
			}
			for k, pt := range ring {
				a, _ := strconv.ParseFloat(want[2*k], 64)
				b, _ := strconv.ParseFloat(want[2*k+1], 64)
				if d := max(abs(a-pt[0]), abs(b-pt[1])); d > 1e-9 {
					t.Fatalf("EPSG:%s feature %d position %d: got %v, GDAL has (%v %v)", epsg, i, k, pt, a, b)
				}
			}
			if pt := ring[0]; !(pt[0] > 29 && pt[0] < 33 && pt[1] > 118) {
				t.Errorf("EPSG:%s: first position %v is not (lat, lon)", epsg, pt)
			}
		}
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func testHTML(t *testing.T, srv *server) {
	for _, c := range []struct {
		path, accept, want string
	}{
		{"/?f=html", "", "text/html"},
		{"/", "text/html,application/xhtml+xml,*/*;q=0.8", "text/html"},
		{"/", "application/json", "application/json"},
		{"/collections?f=html", "", "text/html"},
		{"/collections/grids", "text/html", "text/html"},
		{"/collections/grids/items", "text/html", "text/html"},
		{"/collections/grids/items?f=json", "text/html", "application/geo+json"},
		{"/collections/grids/items/330922100001001?f=html", "", "text/html"},
		{"/conformance?f=html", "", "text/html"},
		{"/api?f=html", "", "text/html"},
	} {
		t.Run(fmt.Sprintf("%s %s", c.path, c.accept), func(t *testing.T) {
			res, b := get(t, srv.URL+c.path, "Accept", c.accept)
			if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), c.want) {
				t.Fatalf("got %d %s, want 200 %s: %s", res.StatusCode, res.Header.Get("Content-Type"), c.want, clip(b))
			}
			if c.want == "text/html" && (!strings.Contains(string(b), "</html>") || strings.Contains(string(b), "http://cdn") || strings.Contains(string(b), "<script")) {
				t.Errorf("not a whole, self-contained page: %s", clip(b))
			}
		})
	}
	_, b := get(t, srv.URL+"/collections/grids/items?f=html")
	if !strings.Contains(string(b), "<svg") || !strings.Contains(string(b), "330922100001001") {
		t.Errorf("the items page has no map or no feature: %s", clip(b))
	}
}
