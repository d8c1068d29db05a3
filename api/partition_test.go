package api_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/wangge/wangge/api"
	"github.com/wangge/wangge/internal/synth"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/balance"
	"github.com/wangge/wangge/partition/tiling"
)

// householdsJSON is n households spread over synth.Community's square.
func householdsJSON(n int, seed uint64) string {
	rng := rand.New(rand.NewPCG(seed, 1))
	var b strings.Builder
	b.WriteString(`{"type":"FeatureCollection","features":[`)
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"type":"Feature","geometry":{"type":"Point","coordinates":[%.7f,%.7f]},"properties":{"households":%d}}`,
			122.40+0.008*rng.Float64(), 30.70+0.008*rng.Float64(), 1+rng.IntN(2))
	}
	return b.String() + "]}"
}

type proposalDoc struct {
	Type   string
	Report balance.Report
	Moves  []balance.Move
}

func TestPartition(t *testing.T) {
	units := synth.Community(0)
	parentFeature, err := json.Marshal(partition.Feature(&units[0], nil))
	if err != nil {
		t.Fatal(err)
	}
	hh := householdsJSON(2500, 1)
	for name, st := range stores(t) {
		t.Run(name, func(t *testing.T) {
			s := start(t, st, api.Config{})
			if code, b := s.do("POST", "/v1/versions?note=community", collectionOf(t, units)); code != 201 {
				t.Fatalf("publish: %d %s", code, b)
			}
			cases := []struct {
				name, body string
				status     int
				want       string // in the body
			}{
				{"feature parent", fmt.Sprintf(`{"parent":%s,"households":%s,"rules":"zhejiang","seed":2}`, parentFeature, hh), 200, `"report"`},
				{"stored parent", fmt.Sprintf(`{"parent":"330922100001","households":%s,"min":300,"max":500,"level":"grid"}`, hh), 200, `"report"`},
				{"rebalance stored", fmt.Sprintf(`{"parent":"330922100001","households":%s,"rules":"zhejiang","current":"stored"}`, hh), 200, `"moves"`},
				{"no band", fmt.Sprintf(`{"parent":"330922100001","households":%s}`, hh), 400, "give rules, or min and max"},
				{"unknown member", `{"parent":"330922100001","household":{}}`, 400, `unknown member \"household\"; accepted: parent, households, rules, min, max, level, barriers, seed, crs, current, method, join_small_islands, redivide`},
				{"member in another case", `{"parent":"330922100001","CRS":"gcj02"}`, 400, `unknown member \"CRS\" (names are case-sensitive: did you mean \"crs\"?)`},
				{"data after the object", `{"parent":"330922100001"} {"rules":"zhejiang"}`, 400, "want one JSON object"},
				{"bad weight", `{"parent":"330922100001","rules":"zhejiang","households":{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[122.401,30.701]},"properties":{"households":-1}}]}}`, 400, "whole number"},
				{"more children than codes", fmt.Sprintf(`{"parent":"330922100001","households":%s,"min":1,"max":2,"level":"grid"}`, hh), 400, "more than 999 children"},
				{"unknown parent", fmt.Sprintf(`{"parent":"330922100009","households":%s,"rules":"zhejiang"}`, hh), 404, "not_found"},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					code, b := s.do("POST", "/v1/partition", tc.body)
					if code != tc.status || !strings.Contains(string(b), tc.want) {
						t.Fatalf("got %d %.300s; want %d with %q", code, b, tc.status, tc.want)
					}
					if code != 200 {
						return
					}
					var doc proposalDoc
					if err := json.Unmarshal(b, &doc); err != nil {
						t.Fatal(err)
					}
					children, err := balance.DecodeUnits(b, nil, 0)
					if err != nil {
						t.Fatal(err)
					}
					res, err := tiling.Check(&units[0], children, tiling.DefaultOptions())
					if err != nil {
						t.Fatal(err)
					}
					if len(res.Findings) > 0 || doc.Type != "FeatureCollection" || doc.Report.ShareWithinRange() < 1 || len(doc.Report.Children) != len(children) {
						t.Errorf("%d findings, type %q, %d/%d within range, %d children reported of %d", len(res.Findings), doc.Type, doc.Report.WithinRange, doc.Report.Feasible, len(doc.Report.Children), len(children))
					}
				})
			}
			// nothing was stored
			var fc struct{ Features []any }
			json.Unmarshal(s.get("/v1/units?parent=330922100001", 200), &fc)
			if len(fc.Features) != 16 {
				t.Errorf("after proposals the store has %d children of the community, want the 16 published", len(fc.Features))
			}
		})
	}
}

// TestProposalPublishesBack is the planner's round trip on the sample
// county: rebalance the grids of 菜园第2社区 (a band of 310–400 moves
// households between some of its five grids), publish the answer as it
// is, and read the division back. The grids keep their staff (the issue
// saw publishing erase a five-person roster); without redivide the
// micro-grids under changed grids are named in `attention` and the stored
// check shows their defects, with redivide the community's subtree tiles.
func TestProposalPublishesBack(t *testing.T) {
	sample, err := os.ReadFile("../data/sample/shengsi.geojson")
	if err != nil {
		t.Fatal(err)
	}
	hh, err := os.ReadFile("../data/sample/shengsi_households.geojson")
	if err != nil {
		t.Fatal(err)
	}
	type doc struct {
		Report    balance.Report
		Retire    []string
		Attention []struct{ Code, Reason string }
		Tiling    struct{ Errors int }
	}
	staffOf := func(s *server) map[string]string {
		var fc struct {
			Features []struct{ Properties map[string]any }
		}
		json.Unmarshal(s.get("/v1/units?parent=330922100002", 200), &fc)
		out := map[string]string{}
		for _, f := range fc.Features {
			b, _ := json.Marshal(f.Properties["staff"])
			out[f.Properties["code"].(string)] = string(b)
		}
		return out
	}
	for name, st := range stores(t) {
		for _, redivide := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/redivide=%v", name, redivide), func(t *testing.T) {
				s := start(t, st, api.Config{})
				if code, b := s.do("POST", "/v1/versions?crs=cgcs2000&note=sample", string(sample)); code != 201 {
					t.Fatalf("publish the sample: %d %.300s", code, b)
				}
				before := staffOf(s)
				body := fmt.Sprintf(`{"parent":"330922100002","households":%s,"rules":"zhejiang","min":310,"max":400,"current":"stored","crs":"cgcs2000","redivide":%v}`, hh, redivide)
				code, answer := s.do("POST", "/v1/partition", body)
				if code != 200 {
					t.Fatalf("propose: %d %.300s", code, answer)
				}
				var d doc
				if err := json.Unmarshal(answer, &d); err != nil {
					t.Fatal(err)
				}
				changed := 0
				for _, c := range d.Report.Children {
					if c.Changed {
						changed++
					}
				}
				if changed == 0 {
					t.Fatalf("fixture: the rebalancing changed no grid")
				}
				if !redivide && len(d.Attention) < changed {
					t.Errorf("%d grids changed, %d units need attention; want every changed grid with micro-grids named", changed, len(d.Attention))
				}
				if redivide && d.Tiling.Errors > 0 {
					t.Errorf("re-divided proposal: %d errors in the affected subtree", d.Tiling.Errors)
				}
				if code, b := s.do("POST", "/v1/versions?crs=cgcs2000&note=rebalance", string(answer)); code != 201 {
					t.Fatalf("publish the answer: %d %.300s", code, b)
				}
				after := staffOf(s)
				for code, staff := range before {
					if after[code] != staff {
						t.Errorf("%s: staff %s after publishing, was %s", code, after[code], staff)
					}
				}
				var rep struct{ Errors int }
				json.Unmarshal(s.get("/v1/validate?root=330922100002", 200), &rep)
				if redivide != (rep.Errors == 0) {
					t.Errorf("stored check after publishing: %d errors (redivide %v)", rep.Errors, redivide)
				}
			})
		}
	}
}
