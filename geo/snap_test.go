package geo

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
)

// off is p moved east and north by the given ground distances, in the plane
// at p's latitude (the plane Snap measures in).
func off(p orb.Point, east, north float64) orb.Point {
	kx, ky := MetersPerDegree(p[1])
	return orb.Point{p[0] + east/kx, p[1] + north/ky}
}

// snapTarget is a 0.01° square at 120°E, 30°N whose south side has two
// more vertices, at 120.003° and 120.006°:
//
//	(120,30.01) +-------------+ (120.01,30.01)
//	            |             |
//	(120,30)    +---*----*----+ (120.01,30)
func snapTarget() []orb.MultiPolygon {
	return []orb.MultiPolygon{{{{{120, 30}, {120.003, 30}, {120.006, 30}, {120.01, 30}, {120.01, 30.01}, {120, 30.01}, {120, 30}}}}}
}

func TestSnap(t *testing.T) {
	sw, se := orb.Point{120, 30}, orb.Point{120.01, 30}
	s1, s2 := orb.Point{120.003, 30}, orb.Point{120.006, 30}
	mid := orb.Point{120.005, 30.005}
	d := 1 / math.Sqrt2 // a diagonal unit step
	kx30, _ := MetersPerDegree(30)
	tests := []struct {
		name string
		g    orb.Geometry
		want orb.Geometry
	}{
		{"vertex onto vertex", orb.LineString{off(sw, 0.3, 0.2), mid}, orb.LineString{sw, mid}},
		{"vertex onto edge", orb.LineString{off(orb.Point{120.0015, 30}, 0, -0.3), {120.0015, 29.99}},
			orb.LineString{{120.0015, 30}, {120.0015, 29.99}}},
		{"a vertex in reach beats a nearer edge", orb.LineString{off(sw, 0.4, -0.1), {119.99, 29.99}}, orb.LineString{sw, {119.99, 29.99}}},
		{"border vertices inserted in order", orb.LineString{off(sw, 0, 0.2), off(se, 0, -0.2)}, orb.LineString{sw, s1, s2, se}},
		{"inserted between ends snapped onto edges", orb.LineString{off(orb.Point{120.001, 30}, 0, 0.3), off(orb.Point{120.008, 30}, 0, 0.3)},
			orb.LineString{{120.001, 30}, s1, s2, {120.008, 30}}},
		{"reversed line, reversed insertion", orb.LineString{off(se, 0, 0.2), off(sw, 0, -0.2)}, orb.LineString{se, s2, s1, sw}},
		{"0.49 m from a vertex snaps", orb.LineString{off(sw, -0.49*d, -0.49*d), {119.99, 29.99}}, orb.LineString{sw, {119.99, 29.99}}},
		{"0.51 m from a vertex does not", orb.LineString{off(sw, -0.51*d, -0.51*d), {119.99, 29.99}},
			orb.LineString{off(sw, -0.51*d, -0.51*d), {119.99, 29.99}}},
		{"0.49 m from an edge snaps", orb.LineString{off(orb.Point{120.0015, 30}, 0, -0.49), {120.0015, 29.99}},
			orb.LineString{{120.0015, 30}, {120.0015, 29.99}}},
		{"0.51 m from an edge does not", orb.LineString{off(orb.Point{120.0015, 30}, 0, -0.51), {120.0015, 29.99}},
			orb.LineString{off(orb.Point{120.0015, 30}, 0, -0.51), {120.0015, 29.99}}},
		{"0.51 m from a border vertex: not inserted", orb.LineString{off(orb.Point{120.001, 30}, 0, 0.3), off(orb.Point{120.002, 30}, 0, -0.51)},
			orb.LineString{{120.001, 30}, off(orb.Point{120.002, 30}, 0, -0.51)}},
		{"border vertex 0.49 m from a crossing segment inserted", orb.LineString{{s1[0] + 0.49/kx30, 29.99}, {s1[0] + 0.49/kx30, 30.005}},
			orb.LineString{{s1[0] + 0.49/kx30, 29.99}, s1, {s1[0] + 0.49/kx30, 30.005}}},
		{"border vertex 0.51 m from a crossing segment not inserted", orb.LineString{{s1[0] + 0.51/kx30, 29.99}, {s1[0] + 0.51/kx30, 30.005}},
			orb.LineString{{s1[0] + 0.51/kx30, 29.99}, {s1[0] + 0.51/kx30, 30.005}}},
		{"duplicates dropped", orb.LineString{off(sw, 0.1, 0), off(sw, 0, 0.1), mid}, orb.LineString{sw, mid}},
		{"ring stays closed, closing segment gets the border",
			orb.Polygon{{off(se, 0.1, 0.1), {120.005, 29.99}, off(sw, -0.1, 0.2), off(se, 0.1, 0.1)}},
			orb.Polygon{{se, {120.005, 29.99}, sw, s1, s2, se}}},
		{"multipolygon", orb.MultiPolygon{{{off(sw, 0.2, 0.2), {120.005, 29.99}, {119.995, 29.99}, off(sw, 0.2, 0.2)}}},
			orb.MultiPolygon{{{sw, {120.005, 29.99}, {119.995, 29.99}, sw}}}},
		{"other types unchanged", off(sw, 0.1, 0.1), off(sw, 0.1, 0.1)},
		{"empty line", orb.LineString{}, orb.LineString{}},
		{"one-vertex line", orb.LineString{off(sw, 0.1, 0.1)}, orb.LineString{sw}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Snap(tc.g, snapTarget(), 0.5)
			if !sameGeometry(got, tc.want, 1e-12) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// sameGeometry compares two geometries vertex by vertex, to tol degrees.
func sameGeometry(a, b orb.Geometry, tol float64) bool {
	if a.GeoJSONType() != b.GeoJSONType() {
		return false
	}
	pa, pb := geometryPaths(a), geometryPaths(b)
	if len(pa) != len(pb) {
		return false
	}
	for i := range pa {
		if len(pa[i]) != len(pb[i]) {
			return false
		}
		for k := range pa[i] {
			if math.Abs(pa[i][k][0]-pb[i][k][0]) > tol || math.Abs(pa[i][k][1]-pb[i][k][1]) > tol {
				return false
			}
		}
	}
	return true
}

// geometryPaths lists the vertex sequences of g: its lines or rings.
func geometryPaths(g orb.Geometry) [][]orb.Point {
	switch g := g.(type) {
	case orb.Point:
		return [][]orb.Point{{g}}
	case orb.LineString:
		return [][]orb.Point{g}
	case orb.Polygon:
		return polygonPaths(nil, g)
	case orb.MultiPolygon:
		var out [][]orb.Point
		for _, p := range g {
			out = polygonPaths(out, p)
		}
		return out
	}
	return nil
}

// TestSnapNoTargets: with nothing to snap to, or a negative tolerance, the
// drawing is returned as it is.
func TestSnapNoTargets(t *testing.T) {
	line := orb.LineString{off(orb.Point{120, 30}, 0.1, 0.1), {120.005, 30.005}}
	for _, tc := range []struct {
		name string
		to   []orb.MultiPolygon
		tol  Meters
	}{{"no targets", nil, 0.5}, {"empty target", []orb.MultiPolygon{{}}, 0.5}, {"negative tolerance", snapTarget(), -1}} {
		if got := Snap(line, tc.to, tc.tol); !sameGeometry(got, line, 0) {
			t.Errorf("%s: got %v, want %v", tc.name, got, line)
		}
	}
}

// TestSnapRingsClosed: every ring Snap returns is closed, whether or not
// its first vertex moves.
func TestSnapRingsClosed(t *testing.T) {
	for _, first := range []orb.Point{off(orb.Point{120, 30}, 0.2, -0.2), off(orb.Point{120.002, 30}, 0, -0.3), {120.002, 29.995}} {
		p := orb.Polygon{{first, {120.004, 29.995}, off(orb.Point{120.004, 30}, 0, 0.2), first}}
		got := Snap(p, snapTarget(), 0.5).(orb.Polygon)
		r := got[0]
		if len(r) < 4 || r[0] != r[len(r)-1] {
			t.Errorf("ring from %v: got %v, not closed", first, r)
		}
	}
}
