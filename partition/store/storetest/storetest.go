// Package storetest is the contract suite that every partition.Store passes.
// It is run against the real stores (PostGIS and GeoPackage), never a mock.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/partition"
)

// Open returns a new, empty store; the suite closes it.
type Open func(t *testing.T) partition.Store

// Run runs the contract suite.
func Run(t *testing.T, open Open) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s partition.Store)
	}{
		{"Empty", testEmpty},
		{"PublishAndRead", testPublishAndRead},
		{"Filters", testFilters},
		{"Paging", testPaging},
		{"Versions", testVersions},
		{"AsOfTime", testAsOfTime},
		{"InvalidWritesNothing", testInvalidWritesNothing},
		{"RetireWithChildren", testRetireWithChildren},
		{"Vessels", testVessels},
		{"ConcurrentPublish", testConcurrentPublish},
		{"ReadersSeeWholeVersions", testReadersSeeWholeVersions},
		{"Bulk", testBulk},
		{"StopEarly", testStopEarly},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("close: %v", err)
				}
			})
			tt.fn(t, s)
		})
	}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return c
}

// Box is an axis-aligned lon/lat rectangle as a one-part multipolygon.
// Its ring is clockwise, as in the DataV files, to catch stores that reorient.
func Box(x0, y0, x1, y1 float64) orb.MultiPolygon {
	return orb.MultiPolygon{{orb.Ring{{x0, y0}, {x0, y1}, {x1, y1}, {x1, y0}, {x0, y0}}}}
}

// Sample is a small hierarchy covering every level, both networks and every
// kind: city → district → street → community → 2 grids → 2 micro-grids in the
// first, and under the district a fishing grid with a formation, an
// aquaculture grid and a transport grid, with 3 vessels.
func Sample() partition.Changeset {
	u := func(code, name string, level partition.Level, kind partition.Kind, parent string, g orb.MultiPolygon) partition.Unit {
		return partition.Unit{Code: partition.Code(code), Name: name, Level: level, Kind: kind, Network: kind.Network(), Parent: partition.Code(parent), Geometry: g}
	}
	units := []partition.Unit{
		u("330900000000", "舟山市", partition.LevelCity, partition.KindComprehensive, "", Box(121, 29, 124, 31)),
		u("330922000000", "嵊泗县", partition.LevelDistrict, partition.KindComprehensive, "330900000000", Box(122, 30, 123, 31)),
		u("330922100000", "菜园镇", partition.LevelStreet, partition.KindComprehensive, "330922000000", Box(122, 30, 122.5, 30.5)),
		u("330922100001", "海滨社区", partition.LevelCommunity, partition.KindComprehensive, "330922100000", Box(122, 30, 122.2, 30.2)),
		u("330922100001001", "第一网格", partition.LevelGrid, partition.KindComprehensive, "330922100001", Box(122, 30, 122.1, 30.2)),
		u("330922100001002", "学校专属网格", partition.LevelGrid, partition.KindExclusive, "330922100001", Box(122.1, 30, 122.2, 30.2)),
		u("330922100001001001", "微网格一", partition.LevelMicrogrid, partition.KindComprehensive, "330922100001001", Box(122, 30, 122.1, 30.1)),
		u("330922100001001002", "微网格二", partition.LevelMicrogrid, partition.KindComprehensive, "330922100001001", Box(122, 30.1, 122.1, 30.2)),
		u("330922900000001", "渔区一", partition.LevelGrid, partition.KindFishing, "330922000000", Box(122.5, 30.5, 123, 31)),
		u("330922900000001001", "编组一", partition.LevelMicrogrid, partition.KindFormation, "330922900000001", nil),
		u("330922900000002", "养殖网格", partition.LevelGrid, partition.KindAquaculture, "330922000000", Box(122.5, 30, 123, 30.5)),
		u("330922900000003", "运输网格", partition.LevelGrid, partition.KindTransport, "330922000000", nil),
	}
	g := &units[4]
	g.Households, g.Population = 420, 1130
	g.Staff = []partition.Staff{{Role: partition.RoleGridLeader, Name: "张三", Phone: "13800000001"}, {Role: partition.RoleFullTime, Name: "李四"}}
	g.Props = map[string]any{"note": "港口", "area_km2": 12.5, "tags": []any{"a", "b"}}
	// A part with a hole and a second part, for geometry round trips.
	units[2].Geometry = orb.MultiPolygon{
		{orb.Ring{{122, 30}, {122, 30.5}, {122.5, 30.5}, {122.5, 30}, {122, 30}}, orb.Ring{{122.3, 30.3}, {122.4, 30.3}, {122.4, 30.4}, {122.3, 30.4}, {122.3, 30.3}}},
		{orb.Ring{{122.6, 30.6}, {122.6, 30.65}, {122.65, 30.65}, {122.6, 30.6}}},
	}
	// Coordinates that do not survive a float32 or text round trip.
	units[3].Geometry = orb.MultiPolygon{{orb.Ring{{122.000000000123, 30.0000000001}, {122.0000001, 30.2}, {122.2 + 1e-12, 30.2}, {122.2, 30}, {122.000000000123, 30.0000000001}}}}
	return partition.Changeset{
		Note:  "sample",
		Units: units,
		Vessels: []partition.Vessel{
			{ID: "浙嵊渔10001", Name: "浙嵊渔10001", Type: partition.VesselFishing, Crew: 8, Unit: "330922900000001001"},
			{ID: "浙嵊渔10002", Name: "浙嵊渔10002", Type: partition.VesselFishing, Crew: 6, Unit: "330922900000001001"},
			{ID: "浙嵊运001", Name: "嵊运1号", Type: partition.VesselTransport, Crew: 12, Unit: "330922900000003"},
		},
	}
}

func publish(t *testing.T, s partition.Store, cs partition.Changeset) partition.Version {
	t.Helper()
	v, err := s.Publish(ctx(t), cs)
	if err != nil {
		t.Fatalf("publish %q: %v", cs.Note, err)
	}
	return v
}

func list(t *testing.T, s partition.Store, q partition.Query) []partition.Unit {
	t.Helper()
	var us []partition.Unit
	if err := s.Units(ctx(t), q, func(u partition.Unit) error { us = append(us, u); return nil }); err != nil {
		t.Fatalf("units %+v: %v", q, err)
	}
	return us
}

func codes(us []partition.Unit) []string {
	out := []string{}
	for _, u := range us {
		out = append(out, string(u.Code))
	}
	return out
}

func wantKind(t *testing.T, err error, kind partition.ErrorKind) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s", kind)
	}
	if got := partition.KindOf(err); got != kind {
		t.Fatalf("got error kind %s (%v), want %s", got, err, kind)
	}
}

func testEmpty(t *testing.T, s partition.Store) {
	vs, err := s.Versions(ctx(t))
	if err != nil || len(vs) != 0 {
		t.Fatalf("versions of an empty store: got %v, %v; want none", vs, err)
	}
	_, err = s.Resolve(ctx(t), partition.AsOf{})
	wantKind(t, err, partition.NotFound)
	if us := list(t, s, partition.Query{}); len(us) != 0 {
		t.Fatalf("got %d units in an empty store", len(us))
	}
	_, err = s.Unit(ctx(t), "330900000000", partition.AsOf{})
	wantKind(t, err, partition.NotFound)
	_, err = s.Vessel(ctx(t), "x", partition.AsOf{})
	wantKind(t, err, partition.NotFound)
}

// sameUnit compares the stored fields of two units.
func sameUnit(t *testing.T, got, want partition.Unit) {
	t.Helper()
	got.ValidFrom, got.ValidTo = 0, 0
	if len(got.Staff) == 0 {
		got.Staff = nil
	}
	if len(got.Props) == 0 {
		got.Props = nil
	}
	w := want
	if len(w.Staff) == 0 {
		w.Staff = nil
	}
	if len(w.Props) == 0 {
		w.Props = nil
	}
	if !reflect.DeepEqual(got, w) {
		t.Errorf("unit %s:\n got %+v\nwant %+v", want.Code, got, w)
	}
}

func testPublishAndRead(t *testing.T, s partition.Store) {
	cs := Sample()
	v := publish(t, s, cs)
	if v.Number != 1 || v.Note != "sample" || v.PublishedAt.IsZero() {
		t.Fatalf("first version: got %+v, want number 1, note sample, a time", v)
	}
	if d := time.Since(v.PublishedAt); d < -time.Minute || d > time.Minute {
		t.Errorf("published_at %v is not now", v.PublishedAt)
	}
	got := list(t, s, partition.Query{})
	if len(got) != len(cs.Units) {
		t.Fatalf("got %d units, want %d", len(got), len(cs.Units))
	}
	byCode := map[partition.Code]partition.Unit{}
	for _, u := range cs.Units {
		byCode[u.Code] = u
	}
	for i, u := range got {
		if i > 0 && got[i-1].Code >= u.Code {
			t.Fatalf("units not in code order: %s before %s", got[i-1].Code, u.Code)
		}
		if u.ValidFrom != 1 || u.ValidTo != 0 {
			t.Errorf("unit %s valid [%d, %d), want [1, 0)", u.Code, u.ValidFrom, u.ValidTo)
		}
		sameUnit(t, u, byCode[u.Code])
	}
	one, err := s.Unit(ctx(t), "330922100001001", partition.AsOf{})
	if err != nil {
		t.Fatal(err)
	}
	sameUnit(t, one, byCode["330922100001001"])
	if _, err := s.Unit(ctx(t), "330922100001001", partition.AsOf{Version: 1}); err != nil {
		t.Fatalf("as of version 1: %v", err)
	}
	_, err = s.Unit(ctx(t), "330922100001001", partition.AsOf{Version: 2})
	wantKind(t, err, partition.NotFound)
}

func testFilters(t *testing.T, s partition.Store) {
	publish(t, s, Sample())
	tests := []struct {
		name string
		q    partition.Query
		want []string
	}{
		{"level district", partition.Query{Level: partition.LevelDistrict}, []string{"330922000000"}},
		{"level microgrid", partition.Query{Level: partition.LevelMicrogrid}, []string{"330922100001001001", "330922100001001002", "330922900000001001"}},
		{"parent", partition.Query{Parent: "330922100001"}, []string{"330922100001001", "330922100001002"}},
		{"roots", partition.Query{Roots: true}, []string{"330900000000"}},
		{"prefix", partition.Query{Prefix: "3309229"}, []string{"330922900000001", "330922900000001001", "330922900000002", "330922900000003"}},
		{"network sea", partition.Query{Network: partition.NetworkSea}, []string{"330922900000001", "330922900000001001", "330922900000002", "330922900000003"}},
		{"kind exclusive", partition.Query{Kind: partition.KindExclusive}, []string{"330922100001002"}},
		{"bbox", partition.Query{BBox: &orb.Bound{Min: orb.Point{122.05, 30.15}, Max: orb.Point{122.06, 30.16}}}, []string{"330900000000", "330922000000", "330922100000", "330922100001", "330922100001001", "330922100001001002"}},
		{"bbox at sea", partition.Query{BBox: &orb.Bound{Min: orb.Point{122.7, 30.7}, Max: orb.Point{122.8, 30.8}}, Level: partition.LevelGrid}, []string{"330922900000001"}},
		{"bbox nowhere", partition.Query{BBox: &orb.Bound{Min: orb.Point{0, 0}, Max: orb.Point{1, 1}}}, []string{}},
		// Boxes a micrometre past a unit's edge do not meet it, however an
		// index rounds its boxes (PostGIS and the GeoPackage R-tree keep
		// float32 boxes, rounded outwards: 122.1 becomes 122.1000061).
		{"bbox just east of an edge", partition.Query{BBox: &orb.Bound{Min: orb.Point{122.1 + 1e-6, 30.05}, Max: orb.Point{122.15, 30.06}}}, []string{"330900000000", "330922000000", "330922100000", "330922100001", "330922100001002"}},
		{"bbox just west of an edge", partition.Query{BBox: &orb.Bound{Min: orb.Point{122.05, 30.05}, Max: orb.Point{122.1 - 1e-6, 30.06}}}, []string{"330900000000", "330922000000", "330922100000", "330922100001", "330922100001001", "330922100001001001"}},
		{"bbox touching an edge", partition.Query{BBox: &orb.Bound{Min: orb.Point{122.1, 30.05}, Max: orb.Point{122.15, 30.06}}}, []string{"330900000000", "330922000000", "330922100000", "330922100001", "330922100001001", "330922100001001001", "330922100001002"}},
		{"combined", partition.Query{Level: partition.LevelGrid, Prefix: "330922100"}, []string{"330922100001001", "330922100001002"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := codes(list(t, s, tt.q)); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	for _, u := range list(t, s, partition.Query{NoGeometry: true}) {
		if u.Geometry != nil {
			t.Errorf("NoGeometry: unit %s came with a geometry", u.Code)
		}
	}
}

func testPaging(t *testing.T, s partition.Store) {
	publish(t, s, Sample())
	all := codes(list(t, s, partition.Query{}))
	var paged []string
	after := partition.Code("")
	for i := 0; ; i++ {
		page := list(t, s, partition.Query{After: after, Limit: 5})
		if len(page) > 5 {
			t.Fatalf("page of %d with limit 5", len(page))
		}
		if len(page) == 0 {
			break
		}
		paged = append(paged, codes(page)...)
		after = page[len(page)-1].Code
		if i > 10 {
			t.Fatal("paging does not end")
		}
	}
	if !reflect.DeepEqual(paged, all) {
		t.Errorf("paged %v, want %v", paged, all)
	}
	// Backwards: pages before a code, in descending order, walk the same
	// codes from the end.
	var back []string
	before := partition.Code("")
	for i := 0; ; i++ {
		q := partition.Query{Reverse: true, Limit: 4}
		if before != "" {
			q.Before = before
		}
		page := list(t, s, q)
		if len(page) == 0 {
			break
		}
		back = append(back, codes(page)...)
		before = page[len(page)-1].Code
		if i > 10 {
			t.Fatal("paging backwards does not end")
		}
	}
	slices.Reverse(back)
	if !reflect.DeepEqual(back, all) {
		t.Errorf("paged backwards %v, want %v", back, all)
	}
	// Between two cursors, filtered: only what lies strictly between.
	mid := list(t, s, partition.Query{After: partition.Code(all[1]), Before: partition.Code(all[5]), Level: partition.LevelGrid})
	want := []string{}
	for _, u := range list(t, s, partition.Query{Level: partition.LevelGrid}) {
		if string(u.Code) > all[1] && string(u.Code) < all[5] {
			want = append(want, string(u.Code))
		}
	}
	if got := codes(mid); !reflect.DeepEqual(got, want) || len(want) == 0 {
		t.Errorf("between %s and %s: %v, want %v", all[1], all[5], got, want)
	}
}

func testVersions(t *testing.T, s partition.Store) {
	v1 := publish(t, s, Sample())
	g := Sample().Units[5] // the exclusive grid
	g.Name = "学校专属网格（新）"
	g.Geometry = Box(122.1, 30, 122.25, 30.2)
	v2 := publish(t, s, partition.Changeset{Note: "redraw", Units: []partition.Unit{g}, DeleteUnits: []partition.Code{"330922100001001002"}})
	if v2.Number != v1.Number+1 {
		t.Fatalf("second version is %d, want %d", v2.Number, v1.Number+1)
	}
	vs, err := s.Versions(ctx(t))
	if err != nil || len(vs) != 2 || vs[0].Number != 1 || vs[1].Number != 2 || vs[1].Note != "redraw" {
		t.Fatalf("versions: got %+v, %v", vs, err)
	}
	if got, err := s.Resolve(ctx(t), partition.AsOf{}); err != nil || got.Number != 2 {
		t.Fatalf("latest: got %+v, %v; want 2", got, err)
	}
	_, err = s.Resolve(ctx(t), partition.AsOf{Version: 3})
	wantKind(t, err, partition.NotFound)

	now, err := s.Unit(ctx(t), g.Code, partition.AsOf{})
	if err != nil || now.Name != g.Name || now.ValidFrom != 2 {
		t.Fatalf("latest %s: got %+v, %v", g.Code, now, err)
	}
	old, err := s.Unit(ctx(t), g.Code, partition.AsOf{Version: 1})
	if err != nil || old.Name != "学校专属网格" || old.ValidFrom != 1 || old.ValidTo != 2 {
		t.Fatalf("%s as of 1: got %+v, %v", g.Code, old, err)
	}
	if !reflect.DeepEqual(old.Geometry, Sample().Units[5].Geometry) {
		t.Errorf("old geometry changed: %v", old.Geometry)
	}
	_, err = s.Unit(ctx(t), "330922100001001002", partition.AsOf{})
	wantKind(t, err, partition.NotFound)
	if _, err := s.Unit(ctx(t), "330922100001001002", partition.AsOf{Version: 1}); err != nil {
		t.Fatalf("retired unit as of 1: %v", err)
	}
	if n1, n2 := len(list(t, s, partition.Query{AsOf: partition.AsOf{Version: 1}})), len(list(t, s, partition.Query{})); n1 != 12 || n2 != 11 {
		t.Errorf("units at versions 1 and 2: got %d and %d, want 12 and 11", n1, n2)
	}
	got := codes(list(t, s, partition.Query{Parent: "330922100001001", AsOf: partition.AsOf{Version: 1}}))
	if want := []string{"330922100001001001", "330922100001001002"}; !reflect.DeepEqual(got, want) {
		t.Errorf("children as of 1: got %v, want %v", got, want)
	}
	err = s.Units(ctx(t), partition.Query{AsOf: partition.AsOf{Version: 9}}, func(partition.Unit) error { return nil })
	wantKind(t, err, partition.NotFound)
}

func testAsOfTime(t *testing.T, s partition.Store) {
	v1 := publish(t, s, Sample())
	time.Sleep(20 * time.Millisecond)
	g := Sample().Units[4]
	g.Households = 480
	v2 := publish(t, s, partition.Changeset{Units: []partition.Unit{g}})
	if !v2.PublishedAt.After(v1.PublishedAt) {
		t.Fatalf("version 2 published at %v, not after version 1 at %v", v2.PublishedAt, v1.PublishedAt)
	}
	mid := v1.PublishedAt.Add(v2.PublishedAt.Sub(v1.PublishedAt) / 2)
	for _, tt := range []struct {
		at   time.Time
		want int64
	}{{v1.PublishedAt, 1}, {mid, 1}, {v2.PublishedAt, 2}, {v2.PublishedAt.Add(time.Hour), 2}} {
		got, err := s.Resolve(ctx(t), partition.AsOf{Time: tt.at})
		if err != nil || got.Number != tt.want {
			t.Errorf("as of %v: got %+v, %v; want version %d", tt.at, got, err, tt.want)
		}
	}
	_, err := s.Resolve(ctx(t), partition.AsOf{Time: v1.PublishedAt.Add(-time.Second)})
	wantKind(t, err, partition.NotFound)
	u, err := s.Unit(ctx(t), g.Code, partition.AsOf{Time: mid})
	if err != nil || u.Households != 420 {
		t.Errorf("households as of %v: got %d, %v; want 420", mid, u.Households, err)
	}
}

func testInvalidWritesNothing(t *testing.T, s partition.Store) {
	publish(t, s, Sample())
	before := list(t, s, partition.Query{})
	good := Sample().Units[6]
	good.Name = "改名"
	bad := []struct {
		name string
		cs   partition.Changeset
	}{
		{"missing parent", partition.Changeset{Units: []partition.Unit{good, {Code: "330922100002001", Name: "x", Level: partition.LevelGrid, Kind: partition.KindComprehensive, Network: partition.NetworkLand, Parent: "330922100002", Geometry: Box(122, 30, 122.1, 30.1)}}}},
		{"bad prefix", partition.Changeset{Units: []partition.Unit{good, {Code: "330921100001003", Name: "x", Level: partition.LevelGrid, Kind: partition.KindComprehensive, Network: partition.NetworkLand, Parent: "330922100001", Geometry: Box(122, 30, 122.1, 30.1)}}}},
		{"bow-tie", partition.Changeset{Units: []partition.Unit{good, {Code: "330922100001003", Name: "x", Level: partition.LevelGrid, Kind: partition.KindComprehensive, Network: partition.NetworkLand, Parent: "330922100001", Geometry: orb.MultiPolygon{{orb.Ring{{122, 30}, {122.1, 30.1}, {122.1, 30}, {122, 30.1}, {122, 30}}}}}}}},
		{"duplicate", partition.Changeset{Units: []partition.Unit{good, good}}},
		{"vessel without unit", partition.Changeset{Units: []partition.Unit{good}, Vessels: []partition.Vessel{{ID: "v", Name: "v", Type: partition.VesselFishing, Unit: "330922900000009001"}}}},
		{"empty", partition.Changeset{}},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.Publish(ctx(t), tt.cs)
			wantKind(t, err, partition.Invalid)
			var e *partition.Error
			if errors.As(err, &e) && tt.name != "empty" && len(e.Problems) == 0 {
				t.Errorf("error %v lists no problems", err)
			}
		})
	}
	vs, _ := s.Versions(ctx(t))
	if len(vs) != 1 {
		t.Fatalf("after refused publishes: %d versions, want 1", len(vs))
	}
	after := list(t, s, partition.Query{})
	if !reflect.DeepEqual(before, after) {
		t.Errorf("a refused publish changed the units")
	}
}

func testRetireWithChildren(t *testing.T, s partition.Store) {
	publish(t, s, Sample())
	_, err := s.Publish(ctx(t), partition.Changeset{DeleteUnits: []partition.Code{"330922100001001"}})
	wantKind(t, err, partition.Invalid)
	_, err = s.Publish(ctx(t), partition.Changeset{DeleteUnits: []partition.Code{"330922900000003"}})
	wantKind(t, err, partition.Invalid) // keeps a vessel
	publish(t, s, partition.Changeset{DeleteUnits: []partition.Code{"330922100001001", "330922100001001001", "330922100001001002"}})
	if got := codes(list(t, s, partition.Query{Parent: "330922100001"})); !reflect.DeepEqual(got, []string{"330922100001002"}) {
		t.Errorf("after retiring a grid and its micro-grids: children %v", got)
	}
}

func testVessels(t *testing.T, s partition.Store) {
	cs := Sample()
	publish(t, s, cs)
	var got []partition.Vessel
	if err := s.Vessels(ctx(t), partition.VesselQuery{}, func(v partition.Vessel) error { got = append(got, v); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("got %d vessels, want 3", len(got))
	}
	for i := 1; i < len(got); i++ {
		if got[i-1].ID >= got[i].ID {
			t.Fatalf("vessels not in id order: %s before %s", got[i-1].ID, got[i].ID)
		}
	}
	v, err := s.Vessel(ctx(t), "浙嵊运001", partition.AsOf{})
	want := cs.Vessels[2]
	want.ValidFrom = 1
	if err != nil || !reflect.DeepEqual(v, want) {
		t.Fatalf("vessel: got %+v, %v; want %+v", v, err, want)
	}
	var inUnit []string
	if err := s.Vessels(ctx(t), partition.VesselQuery{Unit: "330922900000001001"}, func(v partition.Vessel) error { inUnit = append(inUnit, v.ID); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(inUnit) != 2 {
		t.Errorf("vessels of the formation: got %v, want 2", inUnit)
	}
	moved := cs.Vessels[0]
	moved.Crew = 9
	publish(t, s, partition.Changeset{Vessels: []partition.Vessel{moved}, DeleteVessels: []string{"浙嵊渔10002"}})
	if v, err := s.Vessel(ctx(t), moved.ID, partition.AsOf{}); err != nil || v.Crew != 9 || v.ValidFrom != 2 {
		t.Errorf("updated vessel: got %+v, %v", v, err)
	}
	if v, err := s.Vessel(ctx(t), moved.ID, partition.AsOf{Version: 1}); err != nil || v.Crew != 8 || v.ValidTo != 2 {
		t.Errorf("vessel as of 1: got %+v, %v", v, err)
	}
	_, err = s.Vessel(ctx(t), "浙嵊渔10002", partition.AsOf{})
	wantKind(t, err, partition.NotFound)
}

func testConcurrentPublish(t *testing.T, s partition.Store) {
	publish(t, s, Sample())
	const n = 6
	var wg sync.WaitGroup
	nums := make([]int64, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g := Sample().Units[4]
			g.Households = 300 + i
			v, err := s.Publish(ctx(t), partition.Changeset{Note: fmt.Sprint(i), Units: []partition.Unit{g}})
			nums[i], errs[i] = v.Number, err
		}()
	}
	wg.Wait()
	seen := map[int64]bool{}
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("concurrent publish %d: %v", i, errs[i])
		}
		if seen[nums[i]] || nums[i] < 2 || nums[i] > n+1 {
			t.Fatalf("concurrent publishes got versions %v, want each of 2..%d once", nums, n+1)
		}
		seen[nums[i]] = true
	}
	// Exactly one row of the grid is current, and every version has exactly one.
	for v := int64(1); v <= n+1; v++ {
		got := list(t, s, partition.Query{AsOf: partition.AsOf{Version: v}, Prefix: "330922100001001", Level: partition.LevelGrid})
		if len(got) != 1 {
			t.Fatalf("version %d: %d rows of the grid, want 1", v, len(got))
		}
	}
}

// testReadersSeeWholeVersions publishes versions that rewrite many units at
// once while readers list the latest version: every read must show all units
// with the same households value, never a mix.
func testReadersSeeWholeVersions(t *testing.T, s partition.Store) {
	base := Sample()
	publish(t, s, base)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	var mixed error
	var mu sync.Mutex
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				vals := map[int]bool{}
				err := s.Units(ctx(t), partition.Query{Level: partition.LevelMicrogrid, Network: partition.NetworkLand, NoGeometry: true}, func(u partition.Unit) error {
					vals[u.Population] = true
					return nil
				})
				mu.Lock()
				if err != nil && mixed == nil {
					mixed = err
				}
				if len(vals) > 1 && mixed == nil {
					mixed = fmt.Errorf("one read saw populations %v", vals)
				}
				mu.Unlock()
			}
		}()
	}
	for i := 1; i <= 8; i++ {
		var us []partition.Unit
		for _, u := range base.Units {
			if u.Level == partition.LevelMicrogrid && u.Network == partition.NetworkLand {
				u.Population = i
				us = append(us, u)
			}
		}
		publish(t, s, partition.Changeset{Units: us})
	}
	close(stop)
	wg.Wait()
	if mixed != nil {
		t.Fatal(mixed)
	}
}

func testBulk(t *testing.T, s partition.Store) {
	publish(t, s, Sample())
	// 1,500 micro-grids under two grids: exercises the bulk path.
	cs := partition.Changeset{Note: "bulk"}
	for i := range 1500 {
		x := 122 + float64(i%50)*0.002
		y := 30 + float64(i/50)*0.002
		parent, n := "330922100001002", i+1
		if i >= 999 {
			parent, n = "330922100001001", i-999+3
		}
		cs.Units = append(cs.Units, partition.Unit{
			Code: partition.Code(fmt.Sprintf("%s%03d", parent, n)), Name: fmt.Sprintf("微网格%d", i),
			Level: partition.LevelMicrogrid, Kind: partition.KindComprehensive, Network: partition.NetworkLand,
			Parent: partition.Code(parent), Households: i, Geometry: Box(x, y, x+0.002, y+0.002),
		})
	}
	publish(t, s, cs)
	got := list(t, s, partition.Query{Level: partition.LevelMicrogrid, Network: partition.NetworkLand})
	if len(got) != 1500+2 {
		t.Fatalf("got %d micro-grids, want %d", len(got), 1502)
	}
	u, err := s.Unit(ctx(t), "330922100001002500", partition.AsOf{})
	if err != nil || u.Households != 499 || u.Name != "微网格499" {
		t.Fatalf("bulk unit: got %+v, %v", u, err)
	}
}

func testStopEarly(t *testing.T, s partition.Store) {
	publish(t, s, Sample())
	stop := errors.New("stop")
	n := 0
	err := s.Units(ctx(t), partition.Query{}, func(partition.Unit) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Fatalf("got %v after %d units, want the callback's error after 1", err, n)
	}
	c, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Units(c, partition.Query{}, func(partition.Unit) error { return nil }); err == nil {
		t.Error("a cancelled context listed units without error")
	}
}

// Bulk makes grids new grids under Sample's community 330922100001, each
// with micro micro-grids (micro ≤ 999): boxes of about 150 m in a lattice,
// with households, population and a free property, for bulk publishes.
func Bulk(grids, micro int) partition.Changeset {
	cs := partition.Changeset{Note: "bulk"}
	for g := range grids {
		gcode := fmt.Sprintf("330922100001%03d", g+3)
		x0, y0 := 122+float64(g)*0.05, 30.0
		cs.Units = append(cs.Units, partition.Unit{
			Code: partition.Code(gcode), Name: "网格" + gcode, Level: partition.LevelGrid,
			Kind: partition.KindComprehensive, Network: partition.NetworkLand, Parent: "330922100001",
			Geometry: Box(x0, y0, x0+0.05, y0+0.05),
		})
		for m := range micro {
			x, y := x0+float64(m%32)*0.0015, y0+float64(m/32)*0.0015
			cs.Units = append(cs.Units, partition.Unit{
				Code: partition.Code(fmt.Sprintf("%s%03d", gcode, m+1)), Name: fmt.Sprintf("微网格%d-%d", g, m),
				Level: partition.LevelMicrogrid, Kind: partition.KindComprehensive, Network: partition.NetworkLand,
				Parent: partition.Code(gcode), Households: m, Population: 3 * m,
				Props:    map[string]any{"seq": float64(m)},
				Geometry: Box(x, y, x+0.0015, y+0.0015),
			})
		}
	}
	return cs
}
