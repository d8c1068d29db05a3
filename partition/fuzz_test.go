package partition

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/wangge/wangge/geo/crs"
	"github.com/wangge/wangge/internal/shareddata"
)

// FuzzDecodeFeatureCollection: DecodeFeatureCollection never panics; what
// it accepts is one JSON value that encoding/json accepts too, UTF-8, with
// one unit per feature and no more features than the limit; decoding the
// same bytes twice gives the same result (or the same error); and every
// refusal is a *Error of kind Invalid, or TooLarge when a limit is set.
// The seeds are small collections written here and the first feature of
// two real DataV files (one with acroutes, one with parent.adcode).
func FuzzDecodeFeatureCollection(f *testing.F) {
	square := `{"type":"Polygon","coordinates":[[[122,30],[122.1,30],[122.1,30.1],[122,30.1],[122,30]]]}`
	for _, s := range []string{
		``,
		` `,
		"\t\r\n",
		`null`,
		`{}`,
		`[]`,
		`"FeatureCollection"`,
		`{"type":"FeatureCollection"}`,
		`{"type":"FeatureCollection","features":[]}`,
		`{"type":"FeatureCollection","features":null}`,
		`{"type":"FeatureCollection","features":[]} {}`,
		`{"type":"FeatureCollection","features":[]}x`,
		`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null,"properties":{"code":"330922000000","name":"嵊泗县","level":"district"}}]}`,
		`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":` + square + `,"properties":{"code":"330922100001","name":"网格","level":"community","parent":"330922100000","households":12,"population":1e2,"staff":[{"role":"grid_leader","name":"张三","phone":"13800000000"}],"x":{"y":[1,2.5,-0e-0]}}}]}`,
		`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"MultiPolygon","coordinates":[[[[122,30],[123,30],[123,31],[122,30]]],[]]},"properties":{"adcode":330922,"name":"嵊泗县","level":"district","acroutes":[100000,330000,330900]}}]}`,
		`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[122,30]},"properties":{"code":"1"}}]}`,
		`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[1e999,30],[1,2],[3,4],[1e999,30]]]},"properties":{"code":"1","households":-1,"population":1.5}}]}`,
		`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[[[[]]]]]]},"properties":{"code":"1","staff":"x"}}]}`,
		`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"1","name":"\u00e9\ud800","level":"grid"}},{"type":"Feature","properties":{"code":"1"}}]}`,
		`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"a` + "\xff" + `b"}}]}`,
		`{"type":"FeatureCollection","features":[],"vessels":[{"id":"浙嵊渔1","name":"渔船","type":"fishing","crew":8,"unit":"330922100001001001"}],"retire":["330922100002",""]}`,
		`{"type":"FeatureCollection","features":[],"vessels":[{}],"retire":[1]}`,
		`{"Type":"FeatureCollection","FEATURES":[{"type":"feature"}]}`,
		`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":123456789012345678901234567890,"households":99999999999}}]}`,
		`[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]`,
		`{"type":"FeatureCollection","features":[` + strings.Repeat(`{"type":"Feature","properties":{"code":"1"}},`, 5) + `{"type":"Feature","properties":{"code":"2"}}]}`,
	} {
		f.Add([]byte(s), uint8(0), false)
		f.Add([]byte(s), uint8(1), true)
	}
	for _, name := range []string{"320100_nanjing_full.geojson", "320100_nanjing_full_2021.geojson"} {
		seed := firstFeature(f, name)
		f.Add(seed, uint8(0), false)
		f.Add(seed, uint8(0), true)
	}
	f.Fuzz(func(t *testing.T, data []byte, maxFeatures uint8, gcj bool) {
		decode := func() (Decoded, error) {
			opts := DecodeOptions{MaxFeatures: int(maxFeatures)}
			if gcj {
				opts.Transform = crs.Transform(crs.GCJ02, crs.CGCS2000)
			}
			return DecodeFeatureCollection(bytes.NewReader(data), opts)
		}
		d, err := decode()
		d2, err2 := decode()
		if !sameDecoded(d, d2) || fmt.Sprint(err) != fmt.Sprint(err2) || !reflect.DeepEqual(problemsOf(err), problemsOf(err2)) {
			t.Fatalf("two decodings differ:\n got %#v, %v\nthen %#v, %v", d, err, d2, err2)
		}
		if err != nil {
			switch k := KindOf(err); {
			case k == Invalid, k == TooLarge && maxFeatures > 0:
			default:
				t.Fatalf("refused with %T of kind %q (%v), want a *partition.Error of kind invalid or too_large", err, k, err)
			}
			return
		}
		if !json.Valid(data) || !utf8.Valid(data) {
			t.Fatalf("accepted %q, which is not one valid JSON value in UTF-8", data)
		}
		var fc struct {
			Features []json.RawMessage `json:"features"`
		}
		if jerr := json.Unmarshal(data, &fc); jerr != nil {
			t.Fatalf("accepted %q, which encoding/json refuses: %v", data, jerr)
		}
		if len(d.Units) != len(fc.Features) {
			t.Fatalf("got %d units from %d features", len(d.Units), len(fc.Features))
		}
		if maxFeatures > 0 && len(fc.Features) > int(maxFeatures) {
			t.Fatalf("accepted %d features, more than the limit of %d", len(fc.Features), maxFeatures)
		}
	})
}

// sameDecoded compares two decodings, taking NaNs (which a datum shift
// could make) as equal to each other.
func sameDecoded(a, b Decoded) bool {
	return reflect.DeepEqual(a, b) || fmt.Sprintf("%#v", a) == fmt.Sprintf("%#v", b)
}

func problemsOf(err error) []Problem {
	if e, ok := err.(*Error); ok {
		return e.Problems
	}
	return nil
}

// firstFeature is a FeatureCollection of the first feature of a file of
// shared/data/boundaries: a real DataV feature, small enough for a seed.
func firstFeature(tb testing.TB, name string) []byte {
	tb.Helper()
	data, err := os.ReadFile(shareddata.Boundary(tb, name))
	if err != nil {
		tb.Fatal(err)
	}
	var fc struct {
		Features []json.RawMessage `json:"features"`
	}
	if err := json.Unmarshal(data, &fc); err != nil || len(fc.Features) == 0 {
		tb.Fatalf("%s: got %d features (%v), want some", name, len(fc.Features), err)
	}
	return []byte(`{"type":"FeatureCollection","features":[` + string(fc.Features[0]) + `]}`)
}
