package api_test

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/wangge/wangge/api"
	"github.com/wangge/wangge/internal/testdb"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/store/storetest"
)

// publishAnswer is what POST /v1/versions answers, published or refused.
type publishAnswer struct {
	Version *partition.Version
	Units   *int
	Vessels *int
	Tiling  *struct {
		Against  int64 `json:"against_version"`
		Families int
		Errors   int
		Warnings int
		Summary  []partition.Summary
	}
	Findings *struct {
		Type             string
		Errors, Warnings int
		Features         []struct {
			Geometry   json.RawMessage
			Properties struct {
				Rule, Severity string
				Codes          []string
				Area           float64 `json:"area_m2"`
			}
		}
	}
	Error *struct {
		Code, Message string
		Details       []partition.Problem
	}
}

func (s *server) publish(query, body string) (int, publishAnswer, []byte) {
	s.t.Helper()
	code, b := s.do("POST", "/v1/versions?"+query, body)
	var a publishAnswer
	if err := json.Unmarshal(b, &a); err != nil {
		s.t.Fatalf("POST /v1/versions?%s: %d, not JSON: %v: %s", query, code, err, b)
	}
	return code, a, b
}

// unitsBody is units as a posted FeatureCollection.
func unitsBody(t *testing.T, units ...partition.Unit) string {
	t.Helper()
	var buf bytes.Buffer
	cw := partition.NewCollectionWriter(&buf, nil)
	for i := range units {
		if err := cw.Unit(&units[i], nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := cw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func nearArea(got, want float64) bool { return math.Abs(got-want) <= 0.01+1e-6*want }

// The tiling fixture, exact: district D is two towns, T1 two communities.
//
//	30.01 +-------+-------+-------------+
//	      |  C1   |  C2   |             |
//	      |  (T1 .|. T1)  |     T2      |
//	30.00 +-------+-------+-------------+
//	   122.000 122.005 122.010       122.020
var (
	tileD  = fixtureUnit("330922000000", partition.LevelDistrict, "", 122.000, 122.020)
	tileT1 = fixtureUnit("330922100000", partition.LevelStreet, "330922000000", 122.000, 122.010)
	tileT2 = fixtureUnit("330922200000", partition.LevelStreet, "330922000000", 122.010, 122.020)
	tileC1 = fixtureUnit("330922100001", partition.LevelCommunity, "330922100000", 122.000, 122.005)
	tileC2 = fixtureUnit("330922100002", partition.LevelCommunity, "330922100000", 122.005, 122.010)
)

func fixtureUnit(code string, l partition.Level, parent string, x0, x1 float64) partition.Unit {
	return partition.Unit{Code: partition.Code(code), Name: code, Level: l, Network: partition.NetworkLand, Kind: partition.KindComprehensive,
		Parent: partition.Code(parent), Geometry: storetest.Box(x0, 30.00, x1, 30.01)}
}

// moved returns u with another parent and/or west-east extent.
func moved(u partition.Unit, parent string, x0, x1 float64) partition.Unit {
	u.Parent = partition.Code(parent)
	u.Geometry = storetest.Box(x0, 30.00, x1, 30.01)
	return u
}

// TestPublishTiling publishes, over the exact fixture, changesets that
// break its tiling: with require=tiling they are refused (422, code
// untiled, a detail per error finding with its rule, codes and area, the
// findings as GeoJSON) and the store is unchanged; without, they publish
// (201) and the answer counts the findings. Expected areas are PostGIS's
// for the defect the fixture's geometry makes.
func TestPublishTiling(t *testing.T) {
	tests := []struct {
		name     string
		units    []partition.Unit
		retire   string
		rule     partition.Rule
		codes    []string         // of the error finding (a gap: its first code, the parent)
		piece    orb.MultiPolygon // the defect
		warnings int
	}{
		{"a unit overlaps its stored sibling", []partition.Unit{moved(tileC2, "330922100000", 122.004, 122.010)}, "",
			partition.RuleOverlap, []string{"330922100001", "330922100002"}, storetest.Box(122.004, 30, 122.005, 30.01), 0},
		{"two siblings of the changeset overlap", []partition.Unit{tileT1, moved(tileC1, "330922100000", 122.000, 122.006), tileC2}, "",
			partition.RuleOverlap, []string{"330922100001", "330922100002"}, storetest.Box(122.005, 30, 122.006, 30.01), 0},
		{"a community published with parent null", []partition.Unit{moved(tileC1, "", 122.000, 122.005)}, "",
			partition.RuleGap, []string{"330922100000"}, storetest.Box(122.000, 30, 122.005, 30.01), 1},
		{"a town moved away", []partition.Unit{moved(tileT2, "", 122.010, 122.020)}, "",
			partition.RuleGap, []string{"330922000000"}, storetest.Box(122.010, 30, 122.020, 30.01), 1},
		{"a community retired", nil, "330922100002",
			partition.RuleGap, []string{"330922100000"}, storetest.Box(122.005, 30, 122.010, 30.01), 0},
	}
	base := unitsBody(t, tileD, tileT1, tileT2, tileC1, tileC2)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want := testdb.GeographyArea(t, tc.piece)
			for name, st := range stores(t) {
				t.Run(name, func(t *testing.T) {
					s := start(t, st, api.Config{})
					if code, a, b := s.publish("require=tiling", base); code != 201 || a.Tiling == nil || a.Tiling.Errors != 0 || a.Tiling.Warnings != 0 {
						t.Fatalf("publish the exact fixture with require=tiling: %d %s, want 201 with no findings", code, b)
					}
					versions := s.get("/v1/versions", 200)
					probe, body := tc.retire, unitsBody(t, tc.units...)
					if tc.retire != "" {
						body = strings.Replace(body, `"features":[`, `"retire":["`+tc.retire+`"],"features":[`, 1)
					} else {
						probe = string(tc.units[0].Code)
					}
					before := s.get("/v1/units/"+probe, 200)

					code, a, b := s.publish("require=tiling&findings=geojson", body)
					if code != 422 || a.Error == nil || a.Error.Code != "untiled" || a.Tiling == nil || a.Findings == nil {
						t.Fatalf("require=tiling: got %d %s, want 422 untiled with tiling and findings", code, b)
					}
					checkRefusal(t, a, tc.rule, tc.codes, want)
					if a.Tiling.Errors != 1 || a.Tiling.Warnings != tc.warnings || a.Findings.Errors != 1 || a.Findings.Warnings != tc.warnings {
						t.Errorf("counts: tiling %d/%d, findings %d/%d; want 1 error and %d warnings", a.Tiling.Errors, a.Tiling.Warnings, a.Findings.Errors, a.Findings.Warnings, tc.warnings)
					}
					if got := s.get("/v1/versions", 200); !bytes.Equal(got, versions) {
						t.Errorf("a refused publish changed the versions: %s, was %s", got, versions)
					}
					if got := s.get("/v1/units/"+probe, 200); !bytes.Equal(got, before) {
						t.Errorf("a refused publish changed %s", probe)
					}

					code, a, b = s.publish("", body)
					if code != 201 || a.Version == nil || a.Version.Number != 2 || a.Units == nil || *a.Units != len(tc.units) || a.Vessels == nil || *a.Vessels != 0 {
						t.Fatalf("without require: got %d %s, want 201 with version 2 and %d units", code, b, len(tc.units))
					}
					if a.Tiling == nil || a.Tiling.Errors != 1 || a.Tiling.Warnings != tc.warnings || a.Tiling.Against != 1 || a.Findings != nil {
						t.Errorf("without require: tiling %+v, findings %v; want 1 error, %d warnings against version 1, no findings unless asked", a.Tiling, a.Findings != nil, tc.warnings)
					}
				})
			}
		})
	}
}

// checkRefusal checks that a refusal names the one error finding in its
// details and its findings, with the area want.
func checkRefusal(t *testing.T, a publishAnswer, rule partition.Rule, codes []string, want float64) {
	t.Helper()
	if len(a.Error.Details) != 1 {
		t.Fatalf("details %+v, want one per error finding (1)", a.Error.Details)
	}
	d := a.Error.Details[0]
	got := make([]string, len(d.Codes))
	for i, c := range d.Codes {
		got[i] = string(c)
	}
	if d.Rule != rule || len(got) < len(codes) || !reflect.DeepEqual(got[:len(codes)], codes) || !nearArea(float64(d.Area), want) {
		t.Errorf("detail %+v: want rule %s, codes %v, area %.2f m² (PostGIS)", d, rule, codes, want)
	}
	for _, f := range a.Findings.Features {
		p := f.Properties
		if p.Severity == "error" && partition.Rule(p.Rule) == rule && nearArea(p.Area, want) && len(f.Geometry) > 4 {
			return
		}
	}
	t.Errorf("the findings %+v hold no %s error of %.2f m² with its geometry", a.Findings.Features, rule, want)
}

// TestPublishParams: unknown parameters and values of POST /v1/versions
// are refused, naming them, and write nothing.
func TestPublishParams(t *testing.T) {
	for name, st := range stores(t) {
		t.Run(name, func(t *testing.T) {
			s := start(t, st, api.Config{})
			body := unitsBody(t, tileD)
			for _, tc := range []struct{ query, want string }{
				{"requires=tiling", `unknown query parameter "requires"`},
				{"require=tilings", `require "tilings"`},
				{"findings=kml", `findings "kml"`},
			} {
				code, a, b := s.publish(tc.query, body)
				if code != 400 || a.Error == nil || a.Error.Code != "invalid" || !strings.Contains(a.Error.Message, tc.want) {
					t.Errorf("%s: got %d %s, want 400 invalid with %q", tc.query, code, b, tc.want)
				}
			}
			if b := s.get("/v1/versions", 200); string(b) != `{"versions":[]}` {
				t.Errorf("refused publishes wrote %s", b)
			}
		})
	}
}

const (
	roundTripCounty = "../data/sample/shengsi.geojson"
	roundTripRoot   = "330922100001" // 菜园第1社区
	roundTripTown   = "330922100000" // 菜园镇
)

// TestPublishRoundTrip exports a community of the sample county, edits it
// and publishes it back: it keeps its place (its chain, the town's tiling).
// The same export with the root's parent set to null, as exports used to
// be, is refused with require=tiling, naming the town's gap, whose area is
// the community's by PostGIS; without, it publishes, reported, and the
// stored town has that gap.
func TestPublishRoundTrip(t *testing.T) {
	county := readFileT(t, roundTripCounty)
	for name, st := range stores(t) {
		t.Run(name, func(t *testing.T) {
			s := start(t, st, api.Config{})
			if code, a, b := s.publish("crs=cgcs2000&require=tiling", county); code != 201 || a.Tiling.Errors != 0 {
				t.Fatalf("publish the sample county: %d %.300s", code, b)
			}
			fc, err := geojson.UnmarshalFeatureCollection(s.get("/v1/export?root="+roundTripRoot, 200))
			if err != nil {
				t.Fatal(err)
			}
			root := fc.Features[0]
			if root.Properties["code"] != roundTripRoot || root.Properties["parent"] != roundTripTown {
				t.Fatalf("the export starts with %v (parent %v), want %s under %s", root.Properties["code"], root.Properties["parent"], roundTripRoot, roundTripTown)
			}
			root.Properties["name"] = "菜园第一社区"
			edited := marshalT(t, fc)
			code, a, b := s.publish("crs=cgcs2000&require=tiling", edited)
			if code != 201 || a.Tiling.Errors != 0 || a.Tiling.Warnings != 0 || !summarises(a.Tiling.Summary, roundTripTown) {
				t.Fatalf("publish the edited export back: %d %.500s; want 201, no findings, the town checked", code, b)
			}
			if chain, name := chainOf(t, s, roundTripRoot); !reflect.DeepEqual(chain, []string{"330922000000", roundTripTown}) || name != "菜园第一社区" {
				t.Errorf("after the round trip: chain %v, name %s; want [330922000000 %s], 菜园第一社区", chain, name, roundTripTown)
			}
			if gap := storedGap(t, s, roundTripTown); gap > 1 {
				t.Errorf("after the round trip the town has a gap of %.2f m²", gap)
			}

			want := testdb.GeographyArea(t, root.Geometry.(orb.MultiPolygon))
			root.Properties["parent"] = nil
			detached := marshalT(t, fc)
			versions := s.get("/v1/versions", 200)
			code, a, b = s.publish("crs=cgcs2000&require=tiling", detached)
			if code != 422 || a.Error == nil || a.Error.Code != "untiled" {
				t.Fatalf("parent null with require=tiling: %d %.500s, want 422", code, b)
			}
			gap, gaps := 0.0, len(a.Error.Details)
			for _, d := range a.Error.Details {
				if d.Rule != partition.RuleGap || len(d.Codes) == 0 || d.Codes[0] != roundTripTown {
					t.Errorf("detail %+v: want a gap of %s", d, roundTripTown)
				}
				gap += float64(d.Area)
			}
			if !nearArea(gap, want) {
				t.Errorf("refusal: the town's gaps add up to %.2f m², want the community's %.2f m² (PostGIS)", gap, want)
			}
			if got := s.get("/v1/versions", 200); !bytes.Equal(got, versions) {
				t.Errorf("a refused publish changed the versions")
			}
			code, a, b = s.publish("crs=cgcs2000&findings=geojson", detached)
			if code != 201 || a.Tiling.Errors != gaps || a.Tiling.Warnings != 1 || !hasDetached(a) {
				t.Fatalf("parent null: %d %.500s; want 201 with the gaps and the detached warning", code, b)
			}
			if chain, _ := chainOf(t, s, roundTripRoot); len(chain) != 0 {
				t.Errorf("a community published with parent null still has the chain %v", chain)
			}
			if got := storedGap(t, s, roundTripTown); !nearArea(got, want) {
				t.Errorf("the stored town's gap is %.2f m², want %.2f m² (PostGIS)", got, want)
			}
		})
	}
}

func readFileT(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func marshalT(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func summarises(ss []partition.Summary, code string) bool {
	for _, s := range ss {
		if string(s.Parent) == code {
			return true
		}
	}
	return false
}

func hasDetached(a publishAnswer) bool {
	if a.Findings == nil {
		return false
	}
	for _, f := range a.Findings.Features {
		if f.Properties.Rule == string(partition.RuleDetached) && reflect.DeepEqual(f.Properties.Codes, []string{roundTripTown, roundTripRoot}) {
			return true
		}
	}
	return false
}

// chainOf returns the chain codes and the name of a stored unit.
func chainOf(t *testing.T, s *server, code string) ([]string, string) {
	t.Helper()
	var f struct {
		Properties struct {
			Name  string
			Chain []struct{ Code string }
		}
	}
	if err := json.Unmarshal(s.get("/v1/units/"+code, 200), &f); err != nil {
		t.Fatal(err)
	}
	chain := []string{}
	for _, c := range f.Properties.Chain {
		chain = append(chain, c.Code)
	}
	return chain, f.Properties.Name
}

// storedGap is the gap of a stored unit's children by GET /v1/validate.
func storedGap(t *testing.T, s *server, code string) float64 {
	t.Helper()
	var fc struct{ Summary []partition.Summary }
	if err := json.Unmarshal(s.get("/v1/validate?root="+code, 200), &fc); err != nil {
		t.Fatal(err)
	}
	for _, sum := range fc.Summary {
		if string(sum.Parent) == code {
			return float64(sum.Gap)
		}
	}
	t.Fatalf("GET /v1/validate?root=%s has no summary of %s", code, code)
	return 0
}
