package tiling

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/internal/synth"
	"github.com/wangge/wangge/partition"
)

const testParent partition.Code = "330902001001"

// synthFamily is an 8×8 synth tiling of one community into 64 grids.
func synthFamily() (partition.Unit, []partition.Unit) {
	t := synth.Grid(synth.Options{Origin: orb.Point{122.1, 30.0}, CellDeg: 0.005, Cols: 8, Rows: 8, BlockCols: 8, BlockRows: 8, EdgeVertices: 12, Jitter: 0.2, Seed: 11})
	parent := partition.Unit{Code: testParent, Name: "community", Level: partition.LevelCommunity, Network: partition.NetworkLand, Kind: partition.KindComprehensive,
		Geometry: orb.MultiPolygon{t.Parents[0]}}
	kids := make([]partition.Unit, len(t.Cells))
	for i, c := range t.Cells {
		kids[i] = partition.Unit{Code: cellCode(i), Name: fmt.Sprintf("grid %d", i), Level: partition.LevelGrid, Network: partition.NetworkLand,
			Kind: partition.KindComprehensive, Parent: testParent, Geometry: orb.MultiPolygon{orb.Polygon{append(orb.Ring{}, c[0]...)}}}
	}
	return parent, kids
}

func cellCode(i int) partition.Code { return partition.Code(fmt.Sprintf("%s%03d", testParent, i+1)) }

// cell index at row r, column c of the 8×8 grid.
func cellAt(r, c int) int { return r*8 + c }

// East-edge interior vertices of a synth cell ring (EdgeVertices 12): the
// ring runs along the south side (indices 0–12), then the east side from
// index 13 (the south-east node) to 26 (the north-east node).
const eastFirst, eastLast = 14, 25

// metres converts a displacement in metres east/north to degrees at lat.
func metres(lat, east, north float64) orb.Point {
	return orb.Point{east / (111320 * math.Cos(lat*math.Pi/180)), north / 110574}
}

func add(p, d orb.Point) orb.Point { return orb.Point{p[0] + d[0], p[1] + d[1]} }

// want is an expected finding: rule, codes (nil: do not compare) and area.
type want struct {
	rule   partition.Rule
	codes  []partition.Code
	area   float64 // m²; 0: do not compare
	sliver bool
	at     orb.Point // for invalid: the location, within 1 m
}

func TestInjectedDefects(t *testing.T) {
	tests := []struct {
		name   string
		inject func(kids []partition.Unit) ([]partition.Unit, []want)
	}{
		{"valid tiling", func(k []partition.Unit) ([]partition.Unit, []want) { return k, nil }},
		{"shift a shared vertex", shiftVertex},
		{"remove a child", removeChild},
		{"duplicate a child", duplicateChild},
		{"bow-tie", bowTie},
		{"0.3 m sliver gap", sliverGap},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			parent, kids := synthFamily()
			kids, wants := tc.inject(kids)
			res, err := Check(&parent, kids, DefaultOptions())
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range wants {
				t.Logf("want %s %v %.3f m² sliver=%v", w.rule, w.codes, w.area, w.sliver)
			}
			assertFindings(t, res.Findings, wants)
			if res.Summary == nil || res.Summary.Children != len(kids) {
				t.Errorf("got summary %+v, want one with %d children", res.Summary, len(kids))
			}
		})
	}
}

func assertFindings(t *testing.T, got []partition.Finding, wants []want) {
	t.Helper()
	if len(got) != len(wants) {
		for _, f := range got {
			t.Logf("got %s %v %.3f m² sliver=%v: %s", f.Rule, f.Codes, float64(f.Area), f.Sliver, f.Message)
		}
		t.Fatalf("got %d findings, want %d", len(got), len(wants))
	}
	used := make([]bool, len(got))
	for _, w := range wants {
		found := false
		for i, f := range got {
			if used[i] || f.Rule != w.rule || (w.codes != nil && !slices.Equal(f.Codes, w.codes)) {
				continue
			}
			used[i], found = true, true
			if w.area > 0 && math.Abs(float64(f.Area)-w.area) > 0.01*w.area {
				t.Errorf("%s %v: got area %.3f m², want %.3f m² ±1%%", f.Rule, f.Codes, float64(f.Area), w.area)
			}
			if w.rule != partition.RuleInvalid && w.rule != partition.RuleCode && f.Sliver != w.sliver {
				t.Errorf("%s %v: got sliver %v, want %v (width %.3f m)", f.Rule, f.Codes, f.Sliver, w.sliver, float64(f.Width))
			}
			if w.rule == partition.RuleInvalid {
				pt, ok := f.Geometry.(orb.Point)
				if !ok || geo.Distance(pt, w.at) > 1 {
					t.Errorf("invalid %v: got location %v, want within 1 m of %v", f.Codes, f.Geometry, w.at)
				}
			}
			break
		}
		if !found {
			for _, f := range got {
				t.Logf("got %s %v %.3f m²: %s", f.Rule, f.Codes, float64(f.Area), f.Message)
			}
			t.Errorf("no %s finding with codes %v", w.rule, w.codes)
		}
	}
}

// shiftVertex moves one vertex of A's east edge (shared with B) 20 m north,
// along the edge, in A only: the old and new paths cross, leaving a lobe
// inside B (overlap) and one inside old A (gap).
func shiftVertex(kids []partition.Unit) ([]partition.Unit, []want) {
	a, b := cellAt(3, 3), cellAt(3, 4)
	ring := kids[a].Geometry[0][0]
	old := orb.Polygon{append(orb.Ring{}, ring...)}
	k := 19
	u, v, w := ring[k-1], ring[k], ring[k+1]
	v2 := add(v, metres(v[1], 0, 20))
	ring[k] = v2
	var wants []want
	for _, lobe := range lobes(u, v, w, v2) {
		c, _ := planar.CentroidArea(lobe)
		ar := float64(geo.Area(lobe))
		if planar.PolygonContains(old, c) {
			wants = append(wants, want{rule: partition.RuleGap, codes: []partition.Code{testParent, kids[a].Code, kids[b].Code}, area: ar, sliver: geo.MeanWidth(orb.MultiPolygon{lobe}) < 0.5})
		} else {
			wants = append(wants, want{rule: partition.RuleOverlap, codes: []partition.Code{kids[a].Code, kids[b].Code}, area: ar, sliver: geo.MeanWidth(orb.MultiPolygon{lobe}) < 0.5})
		}
	}
	return kids, wants
}

// lobes splits the closed path u→v→w→v2→u at its crossing into the two
// regions between the old path u→v→w and the new u→v2→w.
func lobes(u, v, w, v2 orb.Point) []orb.Polygon {
	if x, ok := cross(v, w, v2, u); ok {
		return []orb.Polygon{{{u, v, x, u}}, {{x, w, v2, x}}}
	}
	if x, ok := cross(u, v, w, v2); ok {
		return []orb.Polygon{{{x, v, w, x}}, {{u, x, v2, u}}}
	}
	return []orb.Polygon{{{u, v, w, v2, u}}}
}

func cross(a, b, c, d orb.Point) (orb.Point, bool) {
	den := (b[0]-a[0])*(d[1]-c[1]) - (b[1]-a[1])*(d[0]-c[0])
	if den == 0 {
		return orb.Point{}, false
	}
	t := ((c[0]-a[0])*(d[1]-c[1]) - (c[1]-a[1])*(d[0]-c[0])) / den
	s := ((c[0]-a[0])*(b[1]-a[1]) - (c[1]-a[1])*(b[0]-a[0])) / den
	if t <= 0 || t >= 1 || s <= 0 || s >= 1 {
		return orb.Point{}, false
	}
	return orb.Point{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])}, true
}

func removeChild(kids []partition.Unit) ([]partition.Unit, []want) {
	i := cellAt(4, 4)
	gone := kids[i]
	out := slices.Delete(slices.Clone(kids), i, i+1)
	// the four neighbours that share an edge, not the diagonal ones
	codes := []partition.Code{testParent, cellCode(cellAt(3, 4)), cellCode(cellAt(4, 3)), cellCode(cellAt(4, 5)), cellCode(cellAt(5, 4))}
	return out, []want{{rule: partition.RuleGap, codes: codes, area: float64(geo.Area(gone.Geometry))}}
}

func duplicateChild(kids []partition.Unit) ([]partition.Unit, []want) {
	i := cellAt(2, 6)
	dup := kids[i]
	dup.Geometry = orb.MultiPolygon{orb.Polygon{append(orb.Ring{}, dup.Geometry[0][0]...)}}
	return append(kids, dup), []want{
		{rule: partition.RuleCode, codes: []partition.Code{dup.Code}},
		{rule: partition.RuleOverlap, codes: []partition.Code{dup.Code, dup.Code}, area: float64(geo.Area(dup.Geometry))},
	}
}

// bowTie puts a figure-of-eight of 0.2 m at a vertex of one cell: the ring
// crosses itself, but the area it adds or takes is far below 1 m².
func bowTie(kids []partition.Unit) ([]partition.Unit, []want) {
	i := cellAt(5, 2)
	ring := kids[i].Geometry[0][0]
	v := ring[eastFirst+3]
	e := metres(v[1], 0.2, 0)
	n := metres(v[1], 0, 0.2)
	loop := []orb.Point{v, add(add(v, e), n), add(v, e), add(v, n)}
	r := append(append(append(orb.Ring{}, ring[:eastFirst+3]...), loop...), ring[eastFirst+3:]...)
	kids[i].Geometry = orb.MultiPolygon{{r}}
	return kids, []want{{rule: partition.RuleInvalid, codes: []partition.Code{kids[i].Code}, at: v}}
}

// sliverGap moves the interior vertices of A's east edge 0.3 m west: a strip
// 0.3 m wide between A and B, tapering to the edge's end nodes.
func sliverGap(kids []partition.Unit) ([]partition.Unit, []want) {
	a, b := cellAt(2, 5), cellAt(2, 6)
	ring := kids[a].Geometry[0][0]
	strip := orb.Ring{ring[eastFirst-1]}
	strip = append(strip, ring[eastFirst:eastLast+1]...)
	strip = append(strip, ring[eastLast+1])
	for k := eastLast; k >= eastFirst; k-- {
		ring[k] = add(ring[k], metres(ring[k][1], -0.3, 0))
		strip = append(strip, ring[k])
	}
	strip = append(strip, strip[0])
	return kids, []want{{rule: partition.RuleGap, codes: []partition.Code{testParent, kids[a].Code, kids[b].Code}, area: float64(geo.Area(orb.Polygon{strip})), sliver: true}}
}
