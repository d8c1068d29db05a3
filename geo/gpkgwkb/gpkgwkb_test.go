package gpkgwkb

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
)

// gdalBlob is what GDAL 3.6 (ogr2ogr -a_srs EPSG:4490) wrote for
// MULTIPOLYGON (((122 30,122 31,123 31,123 30,122 30))).
const gdalBlob = "475000038A1100000000000000805E400000000000C05E400000000000003E400000000000003F40" +
	"010600000001000000010300000001000000050000000000000000805E400000000000003E400000000000805E4000000000" +
	"00003F400000000000C05E400000000000003F400000000000C05E400000000000003E400000000000805E400000000000003E40"

func TestGDALBlob(t *testing.T) {
	b, err := hex.DecodeString(gdalBlob)
	if err != nil {
		t.Fatal(err)
	}
	want := orb.MultiPolygon{{{{122, 30}, {122, 31}, {123, 31}, {123, 30}, {122, 30}}}}
	g, h, err := Unmarshal(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(g, want) {
		t.Errorf("got %v, want %v", g, want)
	}
	wantHeader := Header{SRSID: 4490, Envelope: orb.Bound{Min: orb.Point{122, 30}, Max: orb.Point{123, 31}}, HasEnvelope: true, Size: 40}
	if h != wantHeader {
		t.Errorf("header: got %+v, want %+v", h, wantHeader)
	}
	got, err := Marshal(want, 4490)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, b) {
		t.Errorf("Marshal: got\n%X\nwant\n%s", got, gdalBlob)
	}
}

func TestRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		g    orb.Geometry
		env  orb.Bound
	}{
		{"clockwise box", orb.MultiPolygon{{{{121, 29}, {121, 31}, {124, 31}, {124, 29}, {121, 29}}}}, orb.Bound{Min: orb.Point{121, 29}, Max: orb.Point{124, 31}}},
		{"hole and second part", orb.MultiPolygon{
			{{{122, 30}, {122, 30.5}, {122.5, 30.5}, {122.5, 30}, {122, 30}}, {{122.3, 30.3}, {122.4, 30.3}, {122.4, 30.4}, {122.3, 30.3}}},
			{{{122.6, 30.6}, {122.6, 30.65}, {122.65, 30.65}, {122.6, 30.6}}},
		}, orb.Bound{Min: orb.Point{122, 30}, Max: orb.Point{122.65, 30.65}}},
		{"bits beyond float32 and text", orb.MultiPolygon{{{{122.000000000123, 30.0000000001}, {122.0000001, 30.2}, {122.2 + 1e-12, 30.2}, {122.000000000123, 30.0000000001}}}},
			orb.Bound{Min: orb.Point{122.000000000123, 30.0000000001}, Max: orb.Point{122.2 + 1e-12, 30.2}}},
		{"hole outside its shell still counts", orb.Polygon{{{0, 0}, {0, 1}, {1, 1}, {0, 0}}, {{5, 5}, {5, 6}, {6, 6}, {5, 5}}}, orb.Bound{Max: orb.Point{6, 6}}},
		{"point", orb.Point{-73.5, 45.25}, orb.Bound{Min: orb.Point{-73.5, 45.25}, Max: orb.Point{-73.5, 45.25}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := Marshal(tt.g, 4490)
			if err != nil {
				t.Fatal(err)
			}
			g, h, err := Unmarshal(b)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(g, tt.g) {
				t.Errorf("got %v, want %v", g, tt.g)
			}
			if h.SRSID != 4490 || h.Empty || !h.HasEnvelope || h.Envelope != tt.env {
				t.Errorf("header: got %+v, want envelope %v", h, tt.env)
			}
			if env, ok, err := Envelope(b); err != nil || !ok || env != tt.env {
				t.Errorf("Envelope: got %v, %v, %v; want %v", env, ok, err, tt.env)
			}
		})
	}
}

func TestEmpty(t *testing.T) {
	b, err := Marshal(orb.MultiPolygon{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) != 8+9 || b[3] != flagLittleEndian|flagEmpty {
		t.Fatalf("got %X, want an 8-byte header with flags 0x11 and 9 bytes of WKB", b)
	}
	h, err := ParseHeader(b)
	if err != nil || !h.Empty || h.HasEnvelope || h.Size != 8 {
		t.Errorf("header: got %+v, %v", h, err)
	}
	if _, ok, err := Envelope(b); ok || err != nil {
		t.Errorf("Envelope of empty: got ok=%v, %v", ok, err)
	}
}

// bigEndianNoEnvelope builds a blob as another writer might: big-endian
// header without envelope, big-endian WKB.
func bigEndianNoEnvelope(t *testing.T, g orb.Geometry, srsID int32) []byte {
	t.Helper()
	body, err := wkb.Marshal(g, binary.BigEndian)
	if err != nil {
		t.Fatal(err)
	}
	b := []byte{'G', 'P', 0, 0, 0, 0, 0, 0}
	binary.BigEndian.PutUint32(b[4:], uint32(srsID))
	return append(b, body...)
}

func TestOtherWriters(t *testing.T) {
	mp := orb.MultiPolygon{{{{1, 2}, {1, 3}, {4, 3}, {1, 2}}}}
	b := bigEndianNoEnvelope(t, mp, 4326)
	g, h, err := Unmarshal(b)
	if err != nil || !reflect.DeepEqual(g, mp) || h.SRSID != 4326 || h.HasEnvelope {
		t.Fatalf("got %v, %+v, %v", g, h, err)
	}
	env, ok, err := Envelope(b)
	if want := (orb.Bound{Min: orb.Point{1, 2}, Max: orb.Point{4, 3}}); err != nil || !ok || env != want {
		t.Errorf("Envelope: got %v, %v, %v; want %v", env, ok, err, want)
	}
	// An envelope of NaNs counts as none.
	withNaN, _ := Marshal(mp, 4326)
	binary.LittleEndian.PutUint64(withNaN[8:], math.Float64bits(math.NaN()))
	if h, err := ParseHeader(withNaN); err != nil || h.HasEnvelope {
		t.Errorf("NaN envelope: got %+v, %v", h, err)
	}
}

func TestInvalid(t *testing.T) {
	good, err := Marshal(orb.MultiPolygon{{{{1, 2}, {1, 3}, {4, 3}, {1, 2}}}}, 4490)
	if err != nil {
		t.Fatal(err)
	}
	with := func(i int, v byte) []byte {
		b := bytes.Clone(good)
		b[i] = v
		return b
	}
	// A multipolygon that claims 2^32-1 parts in 13 bytes.
	huge := append(bytes.Clone(good[:40]), 1, 6, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 1, 3, 0, 0)
	tests := []struct {
		name string
		b    []byte
		want string
	}{
		{"nil", nil, "not a GeoPackage"},
		{"short", good[:5], "not a GeoPackage"},
		{"bad magic", with(0, 'X'), "not a GeoPackage"},
		{"version 1", with(2, 1), "version"},
		{"extended type", with(3, good[3]|flagExtended), "extended"},
		{"envelope indicator 5", with(3, flagLittleEndian|5<<envelopeShift), "envelope indicator"},
		{"truncated envelope", good[:20], "shorter"},
		{"truncated wkb", good[:len(good)-3], "wkb"},
		{"no wkb", good[:40], "wkb"},
		{"huge count", huge, "wkb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Unmarshal(tt.b)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
	for _, g := range []orb.Geometry{nil, orb.MultiPolygon{{{{1, math.NaN()}, {1, 3}, {4, 3}, {1, 2}}}}, orb.Point{math.Inf(1), 0}} {
		if _, err := Marshal(g, 4490); err == nil {
			t.Errorf("Marshal(%v): got no error", g)
		}
	}
}
