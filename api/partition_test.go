package api_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
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
				{"no band", fmt.Sprintf(`{"parent":"330922100001","households":%s}`, hh), 400, "rules or min and max"},
				{"unknown field", `{"parent":"330922100001","household":{}}`, 400, "unknown field"},
				{"bad weight", `{"parent":"330922100001","rules":"zhejiang","households":{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[122.401,30.701]},"properties":{"households":-1}}]}}`, 400, "whole number"},
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
