package gpkgwkb

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
)

// FuzzUnmarshal: ParseHeader, Unmarshal and Envelope never panic on
// arbitrary bytes. A header that parses fits in the bytes, and what
// follows it decodes as orb's WKB decoder decodes it, to the same
// geometry or to an error; a decoded geometry with finite coordinates
// survives Marshal and Unmarshal bit for bit; without an envelope in the
// header, Envelope is the extent of every finite point.
func FuzzUnmarshal(f *testing.F) {
	blob, err := hex.DecodeString(gdalBlob)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(blob)
	f.Add([]byte{})
	f.Add([]byte("GP"))
	f.Add([]byte("GP\x00\x01\x00\x00\x00\x00"))
	f.Add([]byte("GP\x00\x11\x00\x00\x00\x00"))                              // empty, little endian, no WKB
	f.Add([]byte("GP\x01\x01\x00\x00\x00\x00"))                              // version 1
	f.Add([]byte("GP\x00\x21\x00\x00\x00\x00"))                              // extended
	f.Add([]byte("GP\x00\x0f\x00\x00\x00\x00"))                              // envelope indicator 7
	f.Add(append([]byte("GP\x00\x09\x00\x00\x11\x8a"), make([]byte, 64)...)) // XYZM envelope, big-endian srs
	for _, g := range []orb.Geometry{
		orb.Point{122, 30},
		orb.Point{math.NaN(), math.NaN()},
		orb.MultiPoint{{1, 2}, {3, 4}},
		orb.LineString{{1, 2}, {math.Inf(1), 4}},
		orb.MultiLineString{{{1, 2}, {3, 4}}, {}},
		orb.Polygon{{{0, 0}, {0, 1}, {1, 1}, {0, 0}}, {{5, 5}, {5, 6}, {6, 6}, {5, 5}}},
		orb.MultiPolygon{{{{-180, -90}, {180, -90}, {180, 90}, {-180, -90}}}, {}},
		orb.MultiPolygon{},
		orb.Collection{orb.Point{1, 2}, orb.Collection{orb.LineString{{1, 1}, {2, 2}}}},
	} {
		for _, order := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
			body, err := wkb.Marshal(g, order)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(append([]byte("GP\x00\x00\x00\x00\x10\xe6"), body...))
			f.Add(append([]byte("GP\x00\x01\xe6\x10\x00\x00"), body...))
		}
	}
	huge := []byte("GP\x00\x01\x00\x00\x00\x00\x01\x06\x00\x00\x00\xff\xff\xff\x7f") // 2^31-1 polygons, no bytes for them
	f.Add(huge)
	f.Fuzz(func(t *testing.T, b []byte) {
		h, herr := ParseHeader(b)
		g, h2, err := Unmarshal(b)
		env, envOK, envErr := Envelope(b)
		if herr != nil {
			if err == nil || envErr == nil {
				t.Fatalf("ParseHeader refuses (%v), Unmarshal %v, Envelope %v: want both to refuse", herr, err, envErr)
			}
			return
		}
		if h != h2 {
			t.Fatalf("ParseHeader %+v, Unmarshal's header %+v", h, h2)
		}
		if h.Size < fixedHeaderSize || h.Size > len(b) {
			t.Fatalf("header of %d bytes in %d bytes", h.Size, len(b))
		}
		want, werr := wkb.Unmarshal(b[h.Size:])
		if (err == nil) != (werr == nil) || canon(g) != canon(want) {
			t.Fatalf("Unmarshal: %s, %v; orb's WKB decoder: %s, %v", canon(g), err, canon(want), werr)
		}
		if err != nil {
			return
		}
		if !h.HasEnvelope && !h.Empty {
			var e extent
			if gerr := e.geometry(g); envErr != nil || gerr != nil {
				t.Fatalf("Envelope: %v (extent %v) for a geometry that decodes", envErr, gerr)
			}
			wantEnv, wantOK := pointBound(g)
			if envOK != wantOK || envOK && env != wantEnv {
				t.Fatalf("Envelope %v (%v), want %v (%v)", env, envOK, wantEnv, wantOK)
			}
		}
		if hasNonFinite(g) {
			return // Marshal refuses NaN and infinite coordinates
		}
		again, err := Marshal(g, h.SRSID)
		if err != nil {
			t.Fatalf("Marshal of decoded %s: %v", canon(g), err)
		}
		g2, h3, err := Unmarshal(again)
		if err != nil || canon(g2) != canon(g) || h3.SRSID != h.SRSID {
			t.Fatalf("round trip: %s, srs %d, %v; want %s, srs %d", canon(g2), h3.SRSID, err, canon(g), h.SRSID)
		}
	})
}

// FuzzMarshal: a MultiPolygon built from fuzzed bytes (a layout byte per
// ring: a new polygon when its top bit is set, then up to 15 points, whose
// coordinates are float64 bits read from coords) is refused by Marshal when
// a coordinate is NaN or infinite, and otherwise comes back from Unmarshal
// exactly, bit for bit, with srs and envelope in the header; the bytes
// after the header are orb's little-endian WKB of it, which orb decodes to
// the same geometry.
func FuzzMarshal(f *testing.F) {
	le := func(fs ...float64) []byte {
		var b []byte
		for _, x := range fs {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(x))
		}
		return b
	}
	square := le(122, 30, 122.1, 30, 122.1, 30.1, 122, 30.1, 122, 30)
	f.Add([]byte{}, []byte{}, int32(4490))
	f.Add([]byte{0x85}, square, int32(4490))
	f.Add([]byte{0x85, 0x04, 0x85}, square, int32(4326))
	f.Add([]byte{0x80, 0x80, 0x00}, []byte{}, int32(0))
	f.Add([]byte{0x83}, le(math.NaN(), 0, 1, 1, 0, 0), int32(-1))
	f.Add([]byte{0x83}, le(math.Inf(-1), 0, 1, 1, 0, 0), int32(math.MaxInt32))
	f.Add([]byte{0x84}, le(math.Copysign(0, -1), 5e-324, math.MaxFloat64, -math.MaxFloat64, 1e-300, 1e300, 0, 0), int32(math.MinInt32))
	f.Add([]byte{0x8f, 0x0f, 0x0f}, []byte{1, 2, 3}, int32(1))
	f.Fuzz(func(t *testing.T, layout, coords []byte, srs int32) {
		mp, finite := buildMultiPolygon(layout, coords)
		b, err := Marshal(mp, srs)
		if !finite {
			if err == nil {
				t.Fatalf("Marshal of %s: no error, want one for a NaN or infinite coordinate", canon(mp))
			}
			return
		}
		if err != nil {
			t.Fatalf("Marshal of %s: %v", canon(mp), err)
		}
		g, h, err := Unmarshal(b)
		if err != nil || canon(g) != canon(mp) {
			t.Fatalf("Unmarshal: %s, %v; want %s", canon(g), err, canon(mp))
		}
		env, hasPoints := pointBound(mp)
		want := Header{SRSID: srs, Empty: !hasPoints, Envelope: env, HasEnvelope: hasPoints, Size: fixedHeaderSize}
		if hasPoints {
			want.Size += 32
		}
		if h != want {
			t.Fatalf("header %+v, want %+v", h, want)
		}
		body, err := wkb.Marshal(mp, binary.LittleEndian)
		if err != nil || !bytes.Equal(b[h.Size:], body) {
			t.Fatalf("WKB after the header:\n%x\norb's WKB (%v):\n%x", b[h.Size:], err, body)
		}
		if og, err := wkb.Unmarshal(body); err != nil || canon(og) != canon(mp) {
			t.Fatalf("orb decodes its WKB to %s, %v; want %s", canon(og), err, canon(mp))
		}
	})
}

// buildMultiPolygon makes a MultiPolygon from a layout (see FuzzMarshal)
// and coordinates (8 bytes each, little-endian float64 bits, read in a
// cycle; all 0 without any); finite is false when a coordinate is NaN or
// infinite. At most 64 rings.
func buildMultiPolygon(layout, coords []byte) (mp orb.MultiPolygon, finite bool) {
	mp, finite = orb.MultiPolygon{}, true
	k := 0
	next := func() float64 {
		if len(coords) < 8 {
			return 0
		}
		i := k % (len(coords) / 8)
		k++
		return math.Float64frombits(binary.LittleEndian.Uint64(coords[8*i:]))
	}
	for i, l := range layout {
		if i == 64 {
			break
		}
		if l&0x80 != 0 || len(mp) == 0 {
			mp = append(mp, orb.Polygon{})
		}
		r := orb.Ring{}
		for range l & 0x0f {
			p := orb.Point{next(), next()}
			finite = finite && !math.IsNaN(p[0]) && !math.IsNaN(p[1]) && !math.IsInf(p[0], 0) && !math.IsInf(p[1], 0)
			r = append(r, p)
		}
		mp[len(mp)-1] = append(mp[len(mp)-1], r)
	}
	return mp, finite
}

// canon writes a geometry exactly: its type, its nesting and every
// coordinate's bits, so that equal texts mean equal geometries (NaNs and
// the sign of zero included).
func canon(g orb.Geometry) string {
	var b strings.Builder
	var walk func(g orb.Geometry)
	pts := func(ps []orb.Point) {
		for _, p := range ps {
			fmt.Fprintf(&b, "%x %x,", math.Float64bits(p[0]), math.Float64bits(p[1]))
		}
	}
	walk = func(g orb.Geometry) {
		fmt.Fprintf(&b, "%T(", g)
		switch g := g.(type) {
		case orb.Point:
			pts([]orb.Point{g})
		case orb.MultiPoint:
			pts(g)
		case orb.LineString:
			pts(g)
		case orb.Ring:
			pts(g)
		case orb.MultiLineString:
			for _, l := range g {
				walk(l)
			}
		case orb.Polygon:
			for _, r := range g {
				walk(r)
			}
		case orb.MultiPolygon:
			for _, p := range g {
				walk(p)
			}
		case orb.Collection:
			for _, c := range g {
				walk(c)
			}
		}
		b.WriteString(")")
	}
	walk(g)
	return b.String()
}

// points calls fn on every point of g.
func points(g orb.Geometry, fn func(orb.Point)) {
	switch g := g.(type) {
	case orb.Point:
		fn(g)
	case orb.MultiPoint:
		for _, p := range g {
			fn(p)
		}
	case orb.LineString:
		points(orb.MultiPoint(g), fn)
	case orb.Ring:
		points(orb.MultiPoint(g), fn)
	case orb.MultiLineString:
		for _, l := range g {
			points(l, fn)
		}
	case orb.Polygon:
		for _, r := range g {
			points(r, fn)
		}
	case orb.MultiPolygon:
		for _, p := range g {
			points(p, fn)
		}
	case orb.Collection:
		for _, c := range g {
			points(c, fn)
		}
	}
}

// pointBound is the bound of g's finite points, written independently of
// extent; ok is false when there are none.
func pointBound(g orb.Geometry) (bound orb.Bound, ok bool) {
	points(g, func(p orb.Point) {
		if math.IsNaN(p[0]) || math.IsNaN(p[1]) || math.IsInf(p[0], 0) || math.IsInf(p[1], 0) {
			return
		}
		if !ok {
			bound, ok = orb.Bound{Min: p, Max: p}, true
			return
		}
		bound.Min = orb.Point{math.Min(bound.Min[0], p[0]), math.Min(bound.Min[1], p[1])}
		bound.Max = orb.Point{math.Max(bound.Max[0], p[0]), math.Max(bound.Max[1], p[1])}
	})
	return bound, ok
}

func hasNonFinite(g orb.Geometry) (bad bool) {
	points(g, func(p orb.Point) {
		bad = bad || math.IsNaN(p[0]) || math.IsNaN(p[1]) || math.IsInf(p[0], 0) || math.IsInf(p[1], 0)
	})
	return bad
}
