package partition

import (
	"context"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/wangge/wangge/internal/shareddata"
)

// memLookup is the latest version as a map: enough for the pure checks.
type memLookup map[Code]Unit

func (m memLookup) LookupUnit(_ context.Context, c Code) (Unit, bool, error) {
	u, ok := m[c]
	return u, ok, nil
}

func (m memLookup) ChildCodes(_ context.Context, c Code) ([]Code, error) {
	var out []Code
	for _, u := range m {
		if u.Parent == c {
			out = append(out, u.Code)
		}
	}
	return out, nil
}

func (m memLookup) VesselIDs(context.Context, Code) ([]string, error) { return nil, nil }

const square = `{"type":"Polygon","coordinates":[[[122,30],[122.1,30],[122.1,30.1],[122,30.1],[122,30]]]}`

func feature(props, geom string) string {
	return `{"type":"Feature","properties":` + props + `,"geometry":` + geom + `}`
}

func collection(features ...string) string {
	return `{"type":"FeatureCollection","features":[` + strings.Join(features, ",") + `]}`
}

const street = `{"code":"330922100000","name":"菜园镇","level":"street"}`

// TestBadInput covers every class of refused input: each must name the
// feature (index and code) and the problem.
func TestBadInput(t *testing.T) {
	existing := memLookup{"330922000000": {Code: "330922000000", Level: LevelDistrict, Kind: KindComprehensive, Network: NetworkLand}}
	tests := []struct {
		name  string
		body  string
		index int    // feature index the problem names; -1 for none
		code  string // code the problem names
		want  string // substring of the message
	}{
		{"invalid JSON", `{"type":"FeatureCollection","features":[`, -1, "", "invalid JSON"},
		{"not a collection", `{"type":"Feature"}`, -1, "", "FeatureCollection"},
		{"not a feature", collection(`{"type":"Point"}`), 0, "", "want a Feature"},
		{"point geometry", collection(feature(street, `{"type":"Point","coordinates":[122,30]}`)), 0, "330922100000", "not areal"},
		{"line geometry", collection(feature(street, `{"type":"LineString","coordinates":[[122,30],[123,31]]}`)), 0, "330922100000", "not areal"},
		{"empty polygon", collection(feature(street, `{"type":"Polygon","coordinates":[]}`)), 0, "330922100000", "no rings"},
		{"empty multipolygon", collection(feature(street, `{"type":"MultiPolygon","coordinates":[]}`)), 0, "330922100000", "empty"},
		{"empty ring", collection(feature(street, `{"type":"Polygon","coordinates":[[]]}`)), 0, "330922100000", "at least 4"},
		{"bow-tie", collection(feature(street, `{"type":"Polygon","coordinates":[[[122,30],[122.1,30.1],[122.1,30],[122,30.1],[122,30]]]}`)), 0, "330922100000", "not simple"},
		{"out of range", collection(feature(street, `{"type":"Polygon","coordinates":[[[122,30],[190,30],[122.1,30.1],[122,30]]]}`)), 0, "330922100000", "outside lon"},
		{"overflowing number", collection(feature(street, `{"type":"Polygon","coordinates":[[[122,30],[1e999,30],[122.1,30.1],[122,30]]]}`)), 0, "330922100000", "geometry"},
		{"unknown level", collection(feature(`{"code":"330922100000","name":"x","level":"town"}`, square)), 0, "330922100000", "unknown level"},
		{"unknown kind", collection(feature(`{"code":"330922100000","name":"x","level":"street","kind":"park"}`, square)), 0, "330922100000", "unknown kind"},
		{"missing parent", collection(feature(`{"code":"330922100000","name":"x","level":"street","parent":"330921000000"}`, square)), 0, "330922100000", "does not exist"},
		{"bad prefix", collection(feature(`{"code":"330921100000","name":"x","level":"street","parent":"330922000000"}`, square)), 0, "330921100000", "prefix"},
		{"level order", collection(feature(`{"code":"330922100000","name":"x","level":"city","parent":"330922000000"}`, square)), 0, "330922100000", "code"},
		{"duplicate code", collection(feature(street, square), feature(street, square)), 1, "330922100000", "duplicate"},
		{"negative households", collection(feature(`{"code":"330922100000","name":"x","level":"street","households":-3}`, square)), 0, "330922100000", "households"},
		{"membership with polygon", collection(feature(`{"code":"330922900000003","name":"x","level":"grid","kind":"transport","parent":"330922000000"}`, square)), 0, "330922900000003", "no polygon"},
		{"polygonal without geometry", collection(feature(street, `null`)), 0, "330922100000", "needs a Polygon"},
		{"unknown role", collection(feature(`{"code":"330922100000","name":"x","level":"street","staff":[{"role":"boss","name":"x"}]}`, square)), 0, "330922100000", "unknown role"},
		{"second feature bad", collection(feature(street, square), feature(`{"code":"330922200000","name":"y","level":"street"}`, `{"type":"Polygon","coordinates":[[[122,30],[122,30]]]}`)), 1, "330922200000", "at least 4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := DecodeFeatureCollection(strings.NewReader(tt.body), DecodeOptions{})
			if err == nil {
				err = CheckChangeset(context.Background(), &d.Changeset, existing, testLimits)
			}
			var e *Error
			if !errors.As(err, &e) || e.Kind != Invalid {
				t.Fatalf("got %v, want an invalid error", err)
			}
			if tt.index < 0 {
				if !strings.Contains(e.Error(), tt.want) {
					t.Fatalf("got %q, want it to contain %q", e.Error(), tt.want)
				}
				return
			}
			for _, p := range e.Problems {
				if p.Index == tt.index && p.Code == tt.code && strings.Contains(p.String(), tt.want) {
					return
				}
			}
			t.Fatalf("got problems %v, want one for feature %d (%s) containing %q", e.Problems, tt.index, tt.code, tt.want)
		})
	}
}

func TestDecodeNative(t *testing.T) {
	body := collection(feature(`{"code":"330922100001001","name":"第一网格","level":"grid","parent":"330922100001","households":420,"population":1130,
		"staff":[{"role":"grid_leader","name":"张三","phone":"138"}],"color":"red","area":1.5}`, square))
	body = strings.TrimSuffix(body, "}") + `,"vessels":[{"id":"v1","name":"浙嵊渔1","type":"fishing","crew":8,"unit":"330922900000001001"}]}`
	d, err := DecodeFeatureCollection(strings.NewReader(body), DecodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	u := d.Units[0]
	if u.Code != "330922100001001" || u.Level != LevelGrid || u.Kind != KindComprehensive || u.Network != NetworkLand ||
		u.Parent != "330922100001" || u.Households != 420 || u.Population != 1130 || len(u.Staff) != 1 || u.Staff[0].Name != "张三" {
		t.Errorf("got %+v", u)
	}
	if len(u.Props) != 2 || u.Props["color"] != "red" || u.Props["area"] != 1.5 {
		t.Errorf("props: got %v, want color and area", u.Props)
	}
	if len(u.Geometry) != 1 || len(u.Geometry[0][0]) != 5 {
		t.Errorf("geometry: got %v", u.Geometry)
	}
	if len(d.Vessels) != 1 || d.Vessels[0].Crew != 8 || d.Vessels[0].Type != VesselFishing {
		t.Errorf("vessels: got %+v", d.Vessels)
	}
	if len(d.SoftParents) != 0 {
		t.Errorf("soft parents: got %v, want none", d.SoftParents)
	}
}

func TestDecodeDataV(t *testing.T) {
	f, err := os.Open(shareddata.Boundary(t, "330900_zhoushan_full_2021.geojson"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d, err := DecodeFeatureCollection(f, DecodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Units) != 4 || len(d.SoftParents) != 4 {
		t.Fatalf("got %d units, %d soft parents; want 4 and 4", len(d.Units), len(d.SoftParents))
	}
	u := d.Units[3]
	if u.Code != "330922000000" || u.Name != "嵊泗县" || u.Level != LevelDistrict || u.Parent != "330900000000" {
		t.Errorf("got %s %s %s parent %s", u.Code, u.Name, u.Level, u.Parent)
	}
	if _, ok := u.Props["adcode"]; ok {
		t.Error("adcode kept as a free property")
	}
	if _, ok := u.Props["centroid"]; !ok {
		t.Error("centroid dropped")
	}
	if got := len(u.Geometry); got != 45 {
		t.Errorf("嵊泗县 has %d parts, want 45", got)
	}
	if ps := CheckUnit(&u, testLimits); len(ps) != 0 {
		t.Errorf("a real county fails its own checks: %v", ps)
	}
}

// TestDecodeRetire: the `retire` member (a partitioner's proposal carries
// the children it merged away) becomes the changeset's retired codes; an
// empty code is refused, naming its index.
func TestDecodeRetire(t *testing.T) {
	cases := []struct {
		body    string
		want    []Code
		problem string
	}{
		{`{"type":"FeatureCollection","features":[],"retire":["330922100001003","330922100001003001"]}`, []Code{"330922100001003", "330922100001003001"}, ""},
		{`{"type":"FeatureCollection","features":[]}`, nil, ""},
		{`{"type":"FeatureCollection","features":[],"retire":["330922100001003",""]}`, nil, "retire[1]"},
	}
	for _, tc := range cases {
		d, err := DecodeFeatureCollection(strings.NewReader(tc.body), DecodeOptions{})
		if tc.problem != "" {
			var pe *Error
			if !errors.As(err, &pe) || len(pe.Problems) != 1 || pe.Problems[0].Field != tc.problem {
				t.Errorf("%s: got %v, want a problem in %s", tc.body, err, tc.problem)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(d.DeleteUnits, tc.want) {
			t.Errorf("%s: got %v, %v; want %v", tc.body, d.DeleteUnits, err, tc.want)
		}
	}
}
