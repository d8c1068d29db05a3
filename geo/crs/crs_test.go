package crs

import (
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want CRS
	}{
		{"wgs84", WGS84},
		{"WGS84", WGS84},
		{" Wgs84 ", WGS84},
		{"EPSG:4326", WGS84},
		{"epsg:4326", WGS84},
		{"CRS84", WGS84},
		{"http://www.opengis.net/def/crs/OGC/1.3/CRS84", WGS84},
		{"http://www.opengis.net/def/crs/EPSG/0/4326", WGS84},
		{"urn:ogc:def:crs:OGC:1.3:CRS84", WGS84},
		{"urn:ogc:def:crs:EPSG::4326", WGS84},
		{"cgcs2000", CGCS2000},
		{"CGCS2000", CGCS2000},
		{"EPSG:4490", CGCS2000},
		{"http://www.opengis.net/def/crs/EPSG/0/4490", CGCS2000},
		{"urn:ogc:def:crs:EPSG::4490", CGCS2000},
		{"gcj02", GCJ02},
		{"GCJ02", GCJ02},
		{"bd09", BD09},
		{"BD09", BD09},
		{"wgs-84", WGS84},
		{"WGS-84", WGS84},
		{"gcj-02", GCJ02},
		{"GCJ-02", GCJ02},
		{"bd-09", BD09},
		{"BD-09", BD09},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := Parse(tt.in)
			if err != nil {
				t.Fatalf("Parse(%q): got error %v, want %s", tt.in, err, tt.want)
			}
			if got != tt.want {
				t.Errorf("Parse(%q) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseUnknown(t *testing.T) {
	for _, in := range []string{"", "wgs 84", "gcj-02x", "gcj_02", "bd-9", "wgs--84", "epsg:3857", "EPSG:4214", "bd09mc", "http://www.opengis.net/def/crs/EPSG/0/3857"} {
		t.Run(in, func(t *testing.T) {
			got, err := Parse(in)
			if err == nil {
				t.Fatalf("Parse(%q) = %s, want an error", in, got)
			}
			if !strings.Contains(err.Error(), "unknown coordinate system") {
				t.Errorf("Parse(%q) error = %q, want it to say unknown coordinate system", in, err)
			}
			// The error names the accepted spellings.
			for _, w := range []string{"wgs84", "wgs-84", "EPSG:4326", "cgcs2000", "EPSG:4490", "gcj02", "gcj-02", "bd09", "bd-09", "http://www.opengis.net/def/crs/OGC/1.3/CRS84"} {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Parse(%q) error = %q, want it to name %s", in, err, w)
				}
			}
		})
	}
}

func TestOutsideChinaUnchanged(t *testing.T) {
	points := []orb.Point{
		{2.3522, 48.8566},   // Paris
		{-74.006, 40.7128},  // New York
		{139.6917, 35.6895}, // Tokyo, east of 137.8347
		{121.5, 0.5},        // south of 0.8293
		{100, 56},           // north of 55.8271
		{71.9, 40},          // west of 72.004
		{-180, -90}, {0, 0}, // the south pole, null island
	}
	for _, p := range points {
		for _, c := range []struct {
			name string
			f    func(orb.Point) orb.Point
		}{
			{"WGS84→GCJ02", func(p orb.Point) orb.Point { return Convert(p, WGS84, GCJ02) }},
			{"GCJ02→WGS84", func(p orb.Point) orb.Point { return Convert(p, GCJ02, WGS84) }},
			{"CGCS2000→GCJ02", func(p orb.Point) orb.Point { return Convert(p, CGCS2000, GCJ02) }},
		} {
			if got := c.f(p); got != p {
				t.Errorf("%s %v: got %v, want it unchanged", c.name, p, got)
			}
		}
	}
}

func TestWGS84IsCGCS2000(t *testing.T) {
	p := orb.Point{118.78, 32.04}
	for _, to := range []CRS{WGS84, CGCS2000, GCJ02, BD09} {
		if got, want := Convert(p, CGCS2000, to), Convert(p, WGS84, to); got != want {
			t.Errorf("from CGCS2000 to %s: got %v, want %v as from WGS84", to, got, want)
		}
	}
	if got := Convert(p, WGS84, CGCS2000); got != p {
		t.Errorf("WGS84→CGCS2000: got %v, want %v unchanged", got, p)
	}
}

// TestConvertComposes checks that every pair of systems agrees with the path
// through WGS84, and that ToWGS84/FromWGS84 are Convert.
func TestConvertComposes(t *testing.T) {
	all := []CRS{WGS84, CGCS2000, GCJ02, BD09}
	p := orb.Point{122.45, 30.72}
	for _, from := range all {
		for _, to := range all {
			got := Convert(p, from, to)
			want := FromWGS84(ToWGS84(p, from), to)
			if !near(got, want, 1e-10) {
				t.Errorf("Convert(%v, %s, %s) = %v, want %v via WGS84", p, from, to, got, want)
			}
			back := Convert(got, to, from)
			if !near(back, p, 1e-10) {
				t.Errorf("%s→%s→%s: got %v, want %v", from, to, from, back, p)
			}
		}
	}
}

func TestUnknownCRSPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Errorf("Convert with CRS(\"utm\"): got no panic, want one")
		}
	}()
	Convert(orb.Point{0, 0}, CRS("utm"), WGS84)
}

func TestConvertGeometry(t *testing.T) {
	ring := orb.Ring{{118.7, 32}, {118.8, 32}, {118.8, 32.1}, {118.7, 32}}
	tests := []struct {
		name string
		g    orb.Geometry
	}{
		{"point", orb.Point{118.78, 32.04}},
		{"multipoint", orb.MultiPoint{{118.78, 32.04}, {122.45, 30.72}}},
		{"linestring", orb.LineString{{118.78, 32.04}, {122.45, 30.72}}},
		{"multilinestring", orb.MultiLineString{{{118.78, 32.04}, {122.45, 30.72}}}},
		{"ring", ring},
		{"polygon", orb.Polygon{ring}},
		{"multipolygon", orb.MultiPolygon{{ring}, {ring}}},
		{"bound", orb.Bound{Min: orb.Point{118.7, 32}, Max: orb.Point{118.8, 32.1}}},
		{"collection", orb.Collection{orb.Point{118.78, 32.04}, orb.Polygon{ring}, orb.Bound{Min: orb.Point{118.7, 32}, Max: orb.Point{118.8, 32.1}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := orb.Clone(tt.g)
			got := ConvertGeometry(tt.g, GCJ02, WGS84)
			if !orb.Equal(tt.g, before) {
				t.Fatalf("input changed: got %v, want %v", tt.g, before)
			}
			if got.GeoJSONType() != tt.g.GeoJSONType() {
				t.Fatalf("type: got %s, want %s", got.GeoJSONType(), tt.g.GeoJSONType())
			}
			var in, out []orb.Point
			collectPoints(tt.g, &in)
			collectPoints(got, &out)
			if len(in) != len(out) {
				t.Fatalf("got %d points, want %d", len(out), len(in))
			}
			for i := range in {
				if want := Convert(in[i], GCJ02, WGS84); out[i] != want {
					t.Errorf("point %d: got %v, want %v", i, out[i], want)
				}
			}
		})
	}
	if got := ConvertGeometry(nil, GCJ02, WGS84); got != nil {
		t.Errorf("nil geometry: got %v, want nil", got)
	}
}

func collectPoints(g orb.Geometry, ps *[]orb.Point) {
	switch g := g.(type) {
	case orb.Point:
		*ps = append(*ps, g)
	case orb.Bound:
		*ps = append(*ps, g.Min, g.Max)
	case orb.MultiPoint:
		*ps = append(*ps, g...)
	case orb.LineString:
		*ps = append(*ps, g...)
	case orb.Ring:
		*ps = append(*ps, g...)
	case orb.MultiLineString:
		for _, ls := range g {
			*ps = append(*ps, ls...)
		}
	case orb.Polygon:
		for _, r := range g {
			*ps = append(*ps, r...)
		}
	case orb.MultiPolygon:
		for _, p := range g {
			collectPoints(p, ps)
		}
	case orb.Collection:
		for _, c := range g {
			collectPoints(c, ps)
		}
	}
}
