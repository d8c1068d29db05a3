package param

import (
	"strings"
	"testing"

	"github.com/wangge/wangge/partition"
)

func TestCheck(t *testing.T) {
	route := Names{"lon", "lat", "crs", "as_of"}
	for _, tc := range []struct {
		names Names
		query string
		want  []string // substrings of the error; none: accepted
		field []string // the details' fields
	}{
		{route, "", nil, nil},
		{route, "lon=1&lat=2&crs=gcj02&as_of=3", nil, nil},
		{route, "lon=1&&lat=2&", nil, nil},
		{route, "l%6Fn=1&lat=2", nil, nil}, // escaped, as url.ParseQuery reads it
		{route, "lon=1&lat=2&cr=gcj02", []string{`unknown query parameter "cr"`, "accepted: lon, lat, crs, as_of"}, []string{"cr"}},
		{route, "lon=1&lat=2&CRS=gcj02", []string{`unknown query parameter "CRS" (names are case-sensitive: did you mean "crs"?)`, "accepted: lon, lat, crs, as_of"}, []string{"CRS"}},
		{route, "x=1&lon=1&y", []string{`unknown query parameters "x", "y"`}, []string{"x", "y"}},
		{route, "=1", []string{`unknown query parameter ""`}, []string{""}},
		{route, "l%zzon=1", []string{`unknown query parameter "l%zzon"`}, []string{"l%zzon"}},
		{route, "lon=1;lat=2", []string{`"lon=1;lat=2"`, "'&', not ';'"}, nil},
		{Names{}, "a=1", []string{`unknown query parameter "a": none is accepted here`}, []string{"a"}},
	} {
		t.Run(tc.query, func(t *testing.T) {
			err := tc.names.Check(tc.query)
			if tc.want == nil {
				if err != nil {
					t.Fatalf("got %v, want no error", err)
				}
				return
			}
			if partition.KindOf(err) != partition.Invalid {
				t.Fatalf("got %v, want an invalid error", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("got %q, want it to contain %q", err, w)
				}
			}
			var got []string
			for _, p := range err.(*partition.Error).Problems {
				got = append(got, p.Field)
			}
			if strings.Join(got, "|") != strings.Join(tc.field, "|") {
				t.Errorf("details name %q, want %q", got, tc.field)
			}
		})
	}
}

func TestOnce(t *testing.T) {
	for _, tc := range []struct {
		query string
		ok    bool
	}{{"", true}, {"a=1&b=2", true}, {"crs=gcj02&crs=wgs84", false}, {"crs=1&cr%73=2", false}, {"a&a", false}} {
		if err := Once(tc.query); (err == nil) != tc.ok {
			t.Errorf("Once(%q) = %v, want ok %v", tc.query, err, tc.ok)
		}
	}
}

// TestCheckAllocs: a query that passes Check and Once costs no allocation (GET /v1/route
// is on the hot path).
func TestCheckAllocs(t *testing.T) {
	route := Names{"lon", "lat", "crs", "as_of"}
	q := "lon=122.05&lat=30.05&crs=gcj02"
	if n := testing.AllocsPerRun(100, func() { _ = route.Check(q); _ = Once(q) }); n != 0 {
		t.Errorf("%v allocations, want 0", n)
	}
}

func TestMembers(t *testing.T) {
	names := Names{"parent", "crs", "households"}
	for _, tc := range []struct {
		body string
		want []string // substrings of the error; none: accepted
	}{
		{`{}`, nil},
		{`{"parent":"330922","crs":"gcj02","households":{"type":"FeatureCollection","features":[],"foreign":1}}`, nil},
		{`{"parent":"330922","colour":"red"}`, []string{`unknown member "colour"; accepted: parent, crs, households`}},
		{`{"CRS":"gcj02","b":1,"a":2}`, []string{`unknown members "CRS" (names are case-sensitive: did you mean "crs"?), "a", "b"`}},
		{`{"parent":"330922"} {"x":1}`, []string{"want one JSON object"}},
		{`[1]`, []string{"want one JSON object"}},
		{`{"parent":`, []string{"want one JSON object"}},
	} {
		err := names.Members([]byte(tc.body))
		if tc.want == nil {
			if err != nil {
				t.Errorf("%s: got %v, want no error", tc.body, err)
			}
			continue
		}
		if partition.KindOf(err) != partition.Invalid {
			t.Errorf("%s: got %v, want an invalid error", tc.body, err)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: got %q, want it to contain %q", tc.body, err, w)
			}
		}
	}
}
