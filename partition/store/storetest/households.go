package storetest

import (
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/partition"
)

// householdPoints are points of one layer, not in lon or lat order, with
// coordinates that no float32 or text round trip keeps.
func householdPoints() []partition.HouseholdPoint {
	return []partition.HouseholdPoint{
		{Point: orb.Point{122.05, 30.05}, Households: 120, Population: 310, Address: "菜园镇海滨路1号"},
		{Point: orb.Point{122.000000000123, 30.0000000001}, Households: 3, Population: 8},
		{Point: orb.Point{122.15, 30.15}, Households: 0, Population: 0, Address: "学校"},
		{Point: orb.Point{122.1, 30.1}, Households: 40, Population: 99, Address: strings.Repeat("号", 166) + "ab"}, // 500 bytes
		{Point: orb.Point{-180, -90}, Households: math.MaxInt32, Population: 1},
	}
}

func households(t *testing.T, s DraftStore, layer int64, b *orb.Bound) []partition.HouseholdPoint {
	t.Helper()
	var pts []partition.HouseholdPoint
	if err := s.Households(ctx(t), layer, b, func(p partition.HouseholdPoint) error { pts = append(pts, p); return nil }); err != nil {
		t.Fatalf("households of layer %d in %v: %v", layer, b, err)
	}
	return pts
}

func importLayer(t *testing.T, s DraftStore, note string, pts []partition.HouseholdPoint) partition.HouseholdLayer {
	t.Helper()
	l, err := s.ImportHouseholds(ctx(t), note, pts)
	if err != nil {
		t.Fatalf("import %q: %v", note, err)
	}
	return l
}

func testHouseholds(t *testing.T, s DraftStore) {
	if ls, err := s.HouseholdLayers(ctx(t)); err != nil || len(ls) != 0 {
		t.Fatalf("layers of an empty store: got %v, %v", ls, err)
	}
	pts := householdPoints()
	l1 := importLayer(t, s, "标准地址 2025", pts) // before any version
	want1 := partition.HouseholdLayer{Number: 1, ImportedAt: l1.ImportedAt, Note: "标准地址 2025", Version: 0,
		Points: 5, Households: 120 + 3 + 40 + math.MaxInt32, Population: 310 + 8 + 99 + 1}
	if l1 != want1 {
		t.Errorf("first layer:\n got %+v\nwant %+v", l1, want1)
	}
	if age := time.Since(l1.ImportedAt); age < -time.Minute || age > time.Minute {
		t.Errorf("imported_at %v is not now", l1.ImportedAt)
	}
	publish(t, s, Sample())
	l2 := importLayer(t, s, "", pts[:2])
	if l2.Number != 2 || l2.Version != 1 || l2.Points != 2 || l2.Households != 123 || l2.Population != 318 {
		t.Errorf("second layer: got %+v, want number 2 on version 1 with 2 points, 123 households, 318 people", l2)
	}
	ls, err := s.HouseholdLayers(ctx(t))
	if err != nil || len(ls) != 2 {
		t.Fatalf("layers: got %+v, %v; want 2", ls, err)
	}
	for i, want := range []partition.HouseholdLayer{l1, l2} {
		got := ls[i]
		if !got.ImportedAt.Equal(want.ImportedAt) {
			t.Errorf("layer %d imported at %v, want %v", want.Number, got.ImportedAt, want.ImportedAt)
		}
		got.ImportedAt = want.ImportedAt
		if got != want {
			t.Errorf("layer %d:\n got %+v\nwant %+v", want.Number, got, want)
		}
	}
	if got := households(t, s, 1, nil); !reflect.DeepEqual(got, pts) {
		t.Errorf("layer 1:\n got %+v\nwant %+v", got, pts)
	}
	if got := households(t, s, 2, nil); !reflect.DeepEqual(got, pts[:2]) {
		t.Errorf("layer 2:\n got %+v\nwant %+v", got, pts[:2])
	}
	for _, n := range []int64{0, 3, -1} {
		err := s.Households(ctx(t), n, nil, func(partition.HouseholdPoint) error { return nil })
		wantKind(t, err, partition.NotFound)
	}
	stop, n := errors.New("stop"), 0
	err = s.Households(ctx(t), 1, nil, func(partition.HouseholdPoint) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("got %v after %d points, want the callback's error after 1", err, n)
	}
	d, err := s.CreateDraft(ctx(t), partition.Draft{ID: "counted", Root: draftRoot, Base: 1, Layer: 2})
	if err != nil || d.Layer != 2 {
		t.Fatalf("a draft counting with layer 2: got %+v, %v", d, err)
	}
	if got, err := s.Draft(ctx(t), d.ID); err != nil || got.Layer != 2 {
		t.Errorf("the draft read back: got %+v, %v; want layer 2", got, err)
	}
}

func testHouseholdsBBox(t *testing.T, s DraftStore) {
	pts := householdPoints()
	importLayer(t, s, "a", pts)
	tests := []struct {
		name string
		b    orb.Bound
		want []int // positions in pts, in import order
	}{
		{"all", orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}}, []int{0, 1, 2, 3, 4}},
		{"bounds included", orb.Bound{Min: orb.Point{122.05, 30.05}, Max: orb.Point{122.15, 30.15}}, []int{0, 2, 3}},
		{"1e-9 inside the points", orb.Bound{Min: orb.Point{122.05 + 1e-9, 30.05}, Max: orb.Point{122.15, 30.15 - 1e-9}}, []int{3}},
		{"a point", orb.Bound{Min: orb.Point{122.000000000123, 30.0000000001}, Max: orb.Point{122.000000000123, 30.0000000001}}, []int{1}},
		{"lon in, lat out", orb.Bound{Min: orb.Point{122, 31}, Max: orb.Point{123, 32}}, nil},
		{"nowhere", orb.Bound{Min: orb.Point{0, 0}, Max: orb.Point{1, 1}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var want []partition.HouseholdPoint
			for _, i := range tt.want {
				want = append(want, pts[i])
			}
			if got := households(t, s, 1, &tt.b); !reflect.DeepEqual(got, want) {
				t.Errorf("got %+v\nwant %+v", got, want)
			}
		})
	}
}

func testInvalidHouseholds(t *testing.T, s DraftStore) {
	ok := partition.HouseholdPoint{Point: orb.Point{122, 30}, Households: 1, Population: 2}
	bad := func(f func(*partition.HouseholdPoint)) partition.HouseholdPoint {
		p := ok
		f(&p)
		return p
	}
	tests := []struct {
		name   string
		p      partition.HouseholdPoint
		fields []string
	}{
		{"lon NaN", bad(func(p *partition.HouseholdPoint) { p.Point[0] = math.NaN() }), []string{"lon"}},
		{"lat infinite", bad(func(p *partition.HouseholdPoint) { p.Point[1] = math.Inf(1) }), []string{"lat"}},
		{"lon 180.000001", bad(func(p *partition.HouseholdPoint) { p.Point[0] = 180.000001 }), []string{"lon"}},
		{"lat -91 and lon -181", bad(func(p *partition.HouseholdPoint) { p.Point = orb.Point{-181, -91} }), []string{"lon", "lat"}},
		{"households negative", bad(func(p *partition.HouseholdPoint) { p.Households = -1 }), []string{"households"}},
		{"population negative", bad(func(p *partition.HouseholdPoint) { p.Population = -5 }), []string{"population"}},
		{"households past 32 bits", bad(func(p *partition.HouseholdPoint) { p.Households = math.MaxInt32 + 1 }), []string{"households"}},
		{"address not UTF-8", bad(func(p *partition.HouseholdPoint) { p.Address = "路\xff" }), []string{"address"}},
		{"address with NUL", bad(func(p *partition.HouseholdPoint) { p.Address = "a\x00b" }), []string{"address"}},
		{"address of 501 bytes", bad(func(p *partition.HouseholdPoint) { p.Address = strings.Repeat("a", 501) }), []string{"address"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.ImportHouseholds(ctx(t), "bad", []partition.HouseholdPoint{ok, ok, tt.p, ok})
			wantKind(t, err, partition.Invalid)
			var e *partition.Error
			if !errors.As(err, &e) {
				t.Fatalf("got %T, want a *partition.Error", err)
			}
			var got []string
			for _, p := range e.Problems {
				if p.Index != 2 {
					t.Errorf("a problem of point %d, want 2: %v", p.Index, p)
				}
				got = append(got, p.Field)
			}
			if !reflect.DeepEqual(got, tt.fields) {
				t.Errorf("problems of fields %v, want %v", got, tt.fields)
			}
		})
	}
	_, err := s.ImportHouseholds(ctx(t), "none", nil)
	wantKind(t, err, partition.Invalid)
	if ls, err := s.HouseholdLayers(ctx(t)); err != nil || len(ls) != 0 {
		t.Fatalf("refused imports made layers %+v, %v", ls, err)
	}
	if l := importLayer(t, s, "good", []partition.HouseholdPoint{ok}); l.Number != 1 {
		t.Errorf("the first layer after refused imports is number %d, want 1", l.Number)
	}
}
