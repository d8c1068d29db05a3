package tiling

import (
	"encoding/binary"
	"fmt"
	"math"
	"reflect"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/partition"
)

// The fuzzed families lie in a box of 0.015° (about 1.5 km) at 122°E 30°N.
const (
	fuzzLon, fuzzLat = 122.0, 30.0
	fuzzSpan         = 0.015
)

// fuzzFamily is a parent and its children, each a ring read from data:
// data[0] gives 2 to 4 children, data[1]'s low bit a coarse grid (a byte a
// vertex, 16×16 points 0.001° apart, so that rings share vertices and
// edges) or a fine one (two bytes a coordinate); then for each ring a
// byte of 3 to 6 vertices and the vertices. Missing bytes are 0.
func fuzzFamily(data []byte) (partition.Unit, []partition.Unit) {
	at := 0
	next := func() byte {
		if at >= len(data) {
			return 0
		}
		at++
		return data[at-1]
	}
	nChildren, coarse := 2+int(next())%3, next()&1 == 1
	vertex := func() orb.Point {
		if coarse {
			b := next()
			return orb.Point{fuzzLon + float64(b>>4)*0.001, fuzzLat + float64(b&15)*0.001}
		}
		x, y := binary.BigEndian.Uint16([]byte{next(), next()}), binary.BigEndian.Uint16([]byte{next(), next()})
		return orb.Point{fuzzLon + float64(x)/math.MaxUint16*fuzzSpan, fuzzLat + float64(y)/math.MaxUint16*fuzzSpan}
	}
	ring := func() orb.MultiPolygon {
		r := make(orb.Ring, 3+int(next())%4)
		for i := range r {
			r[i] = vertex()
		}
		return orb.MultiPolygon{{append(r, r[0])}}
	}
	parent := fuzzUnit("330922100001", partition.LevelCommunity, ring())
	children := make([]partition.Unit, nChildren)
	for i := range children {
		children[i] = fuzzUnit(fmt.Sprintf("330922100001%03d", i+1), partition.LevelGrid, ring())
		children[i].Parent = parent.Code
	}
	return parent, children
}

func fuzzUnit(code string, level partition.Level, mp orb.MultiPolygon) partition.Unit {
	return partition.Unit{Code: partition.Code(code), Level: level, Network: partition.NetworkLand, Kind: partition.KindComprehensive, Geometry: mp}
}

// FuzzCheck: Check on a parent and 2 to 4 children of a few vertices each,
// drawn from fuzzed bytes in a small box (shared vertices and edges,
// crossing and degenerate rings, slivers), does not panic, leaves its
// input as it was, and finds the same twice: the same findings, summary
// and error. Its findings are of known rules and severities, with areas
// and widths finite and not negative.
func FuzzCheck(f *testing.F) {
	for _, s := range [][]byte{
		{},
		{0, 1},
		{0, 1, 1, 0x00, 0x0f, 0xff, 0xf0, 1, 0x00, 0x0f, 0x8f, 0x80, 1, 0x80, 0x8f, 0xff, 0xf0},                         // two halves of a square: exact
		{0, 1, 1, 0x00, 0x0f, 0xff, 0xf0, 1, 0x00, 0x0f, 0x9f, 0x90, 1, 0x70, 0x7f, 0xef, 0xe0},                         // overlap and gap
		{0, 1, 1, 0x00, 0x0f, 0xff, 0xf0, 1, 0x00, 0xff, 0x0f, 0xf0, 1, 0x80, 0x8f, 0xff, 0xf0},                         // a bow tie
		{2, 1, 0, 0x00, 0x0f, 0xff, 0, 0x00, 0x00, 0x00, 0, 0x11, 0x22, 0x33, 0, 0x00, 0x0f, 0xff, 0, 0x00, 0x0f, 0xff}, // a point, a line, duplicates
		{1, 1, 1, 0x00, 0x0f, 0xff, 0xf0, 1, 0x00, 0x0f, 0x7f, 0x70, 1, 0x70, 0x7f, 0xff, 0xf0, 0, 0x00, 0x0f, 0xff},
		{0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0},
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		parent, children := fuzzFamily(data)
		res, err := Check(&parent, children, DefaultOptions())
		if p2, c2 := fuzzFamily(data); !reflect.DeepEqual(p2, parent) || !reflect.DeepEqual(c2, children) {
			t.Fatalf("Check changed its input:\n got %v %v\nwant %v %v", parent, children, p2, c2)
		}
		parent2, children2 := fuzzFamily(data)
		res2, err2 := Check(&parent2, children2, DefaultOptions())
		if fmt.Sprint(err) != fmt.Sprint(err2) || !sameResult(res, res2) {
			t.Fatalf("two checks differ:\n%s, %v\n%s, %v", resultText(res), err, resultText(res2), err2)
		}
		for _, fd := range res.Findings {
			checkFinding(t, fd)
		}
	})
}

// FuzzCheckExactTiling: a rectangle cut into vertical strips at fuzzed
// longitudes, the first strip cut again at a fuzzed latitude, each child's
// ring walked either way round, is an exact tiling: Check finds nothing,
// whether the parent's ring has the cuts' vertices or not (T-junctions,
// which the overlay resolves).
func FuzzCheckExactTiling(f *testing.F) {
	f.Add(uint16(0), uint16(0), uint16(65535), uint16(65535), uint16(32768), uint16(0), uint16(0), uint16(16384), uint8(0), false)
	f.Add(uint16(100), uint16(200), uint16(60000), uint16(50000), uint16(1000), uint16(59000), uint16(30000), uint16(201), uint8(0xff), true)
	f.Add(uint16(0), uint16(0), uint16(2), uint16(65535), uint16(1), uint16(1), uint16(1), uint16(65534), uint8(5), false)
	f.Add(uint16(0), uint16(0), uint16(65535), uint16(3), uint16(12345), uint16(54321), uint16(22222), uint16(1), uint8(9), true)
	f.Fuzz(func(t *testing.T, x0, y0, x1, y1, cut1, cut2, cut3, ycut uint16, reverse uint8, parentHasCuts bool) {
		if x0 > x1 {
			x0, x1 = x1, x0
		}
		if y0 > y1 {
			y0, y1 = y1, y0
		}
		xs := []uint16{x0, x1}
		for _, c := range []uint16{cut1, cut2, cut3} {
			if c > x0 && c < x1 {
				xs = append(xs, c)
			}
		}
		slices.Sort(xs)
		xs = slices.Compact(xs)
		if len(xs) < 2 || y1 <= y0 {
			return // no area
		}
		lon := func(x uint16) float64 { return fuzzLon + float64(x)/math.MaxUint16*fuzzSpan }
		lat := func(y uint16) float64 { return fuzzLat + float64(y)/math.MaxUint16*fuzzSpan }
		box := func(xa, xb uint16, ya, yb float64) orb.Ring {
			return orb.Ring{{lon(xa), ya}, {lon(xb), ya}, {lon(xb), yb}, {lon(xa), yb}, {lon(xa), ya}}
		}
		bottom, top := lat(y0), lat(y1)
		var rings []orb.Ring
		if ycut > y0 && ycut < y1 {
			rings = append(rings, box(xs[0], xs[1], bottom, lat(ycut)), box(xs[0], xs[1], lat(ycut), top))
		} else {
			rings = append(rings, box(xs[0], xs[1], bottom, top))
		}
		for i := 1; i+1 < len(xs); i++ {
			rings = append(rings, box(xs[i], xs[i+1], bottom, top))
		}
		var children []partition.Unit
		for i, r := range rings {
			if reverse>>i&1 == 1 {
				slices.Reverse(r)
			}
			c := fuzzUnit(fmt.Sprintf("330922100001%03d", i+1), partition.LevelGrid, orb.MultiPolygon{{r}})
			c.Parent = "330922100001"
			children = append(children, c)
		}
		outline := box(xs[0], xs[len(xs)-1], bottom, top)
		if parentHasCuts {
			outline = orb.Ring{}
			for _, x := range xs {
				outline = append(outline, orb.Point{lon(x), bottom})
			}
			for _, x := range slices.Backward(xs) {
				outline = append(outline, orb.Point{lon(x), top})
			}
			outline = append(outline, outline[0])
		}
		parent := fuzzUnit("330922100001", partition.LevelCommunity, orb.MultiPolygon{{outline}})
		res, err := Check(&parent, children, DefaultOptions())
		if err != nil || len(res.Findings) != 0 {
			t.Fatalf("parent %v, children %v: got %s, %v; want no findings", outline, rings, resultText(res), err)
		}
	})
}

// sameResult compares two results, NaNs (a parent of no area has no
// covered share) equal to each other.
func sameResult(a, b Result) bool {
	return reflect.DeepEqual(a, b) || resultText(a) == resultText(b)
}

func resultText(r Result) string {
	s := fmt.Sprintf("%d findings", len(r.Findings))
	for _, f := range r.Findings {
		s += fmt.Sprintf("\n  %#v", f)
	}
	if r.Summary != nil {
		s += fmt.Sprintf("\n  summary %#v", *r.Summary)
	}
	return s
}

func checkFinding(t *testing.T, f partition.Finding) {
	t.Helper()
	if _, err := partition.ParseRule(string(f.Rule)); err != nil {
		t.Errorf("finding %#v: %v", f, err)
	}
	if _, err := partition.ParseSeverity(string(f.Severity)); err != nil {
		t.Errorf("finding %#v: %v", f, err)
	}
	a, w := float64(f.Area), float64(f.Width)
	if len(f.Codes) == 0 || math.IsNaN(a) || math.IsInf(a, 0) || a < 0 || math.IsNaN(w) || math.IsInf(w, 0) || w < 0 {
		t.Errorf("finding %#v: want codes, and an area and width finite and ≥ 0", f)
	}
}
