package api_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/wangge/wangge/api"
	"github.com/wangge/wangge/internal/synth"
	"github.com/wangge/wangge/partition"
)

type findings struct {
	Type     string
	Errors   int
	Warnings int
	Summary  []partition.Summary
	Features []struct {
		Geometry   map[string]any
		Properties struct {
			Rule    string
			Codes   []string
			AreaM2  float64 `json:"area_m2"`
			Message string
		}
	}
}

func collectionOf(t *testing.T, units []partition.Unit) string {
	var buf bytes.Buffer
	cw := partition.NewCollectionWriter(&buf, nil)
	for i := range units {
		if err := cw.Feature(partition.Feature(&units[i], nil)); err != nil {
			t.Fatal(err)
		}
	}
	if err := cw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestValidate(t *testing.T) {
	for name, st := range stores(t) {
		t.Run(name, func(t *testing.T) {
			s := start(t, st, api.Config{})
			units := synth.Community(400)
			var got findings
			code, b := s.do("POST", "/v1/validate", collectionOf(t, units))
			if json.Unmarshal(b, &got); code != 200 || got.Type != "FeatureCollection" || len(got.Features) != 0 || len(got.Summary) != 1 {
				t.Fatalf("exact tiling: %d %s", code, b)
			}
			missing := append(append([]partition.Unit{}, units[:6]...), units[7:]...) // grid 006 removed
			code, b = s.do("POST", "/v1/validate?rules=zhejiang&area_tolerance=0.5", collectionOf(t, missing))
			got = findings{}
			if json.Unmarshal(b, &got); code != 200 || got.Errors != 1 || got.Features[0].Properties.Rule != "gap" || got.Features[0].Properties.Codes[0] != "330922100001" || got.Features[0].Geometry["type"] != "MultiPolygon" {
				t.Fatalf("missing grid: %d %s", code, b)
			}
			if code, b := s.do("GET", "/v1/versions", ""); code != 200 || string(b) != `{"versions":[]}` {
				t.Fatalf("validating a proposal stored something: %s", b)
			}
			if code, b := s.do("POST", "/v1/versions", collectionOf(t, missing)); code != 201 {
				t.Fatalf("publish: %d %s", code, b)
			}
			got = findings{}
			code, b = s.do("GET", "/v1/validate?root=330922100001&crs=gcj02", "")
			if json.Unmarshal(b, &got); code != 200 || got.Errors != 1 || got.Summary[0].Parent != "330922100001" || got.Summary[0].Children != 15 {
				t.Fatalf("stored: %d %s", code, b)
			}
			for _, tt := range []struct {
				method, path, body string
				status             int
			}{
				{"GET", "/v1/validate", "", 400},
				{"GET", "/v1/validate?root=110000000000", "", 404},
				{"GET", "/v1/validate?root=330922100001&rules=nowhere", "", 400},
				{"GET", "/v1/validate?root=330922100001&area_tolerance=-1", "", 400},
				{"POST", "/v1/validate", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"1","level":"town"},"geometry":null}]}`, 400},
				{"POST", "/v1/validate", `[`, 400},
			} {
				if code, b := s.do(tt.method, tt.path, tt.body); code != tt.status {
					t.Errorf("%s %s: %d %s, want %d", tt.method, tt.path, code, b, tt.status)
				}
			}
		})
	}
}
