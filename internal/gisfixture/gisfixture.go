// Package gisfixture publishes the data the GIS interoperability tests and
// benchmarks read (api/ogc, api/tiles, cmd/wangge): the bundled sample
// (data/sample, GCJ-02, converted on import as `make sample` does) and,
// under 嵊泗县, a generated exact tiling — a street, a community, grids and
// micro-grids (internal/synth) — and a small sea network, so that every
// collection of OGC API – Features has features and one has more than
// 10,000.
package gisfixture

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo/crs"
	"github.com/wangge/wangge/internal/synth"
	"github.com/wangge/wangge/partition"
)

// SampleFiles are the files of the bundled sample in import order.
var SampleFiles = []string{
	"330900_zhoushan_outline.geojson",
	"330900_zhoushan_children_detailed.geojson",
	"320100_nanjing_outline.geojson",
	"320100_nanjing_full.geojson",
}

// Codes of the generated units.
const (
	District  = partition.Code("330922000000") // 嵊泗县, from the sample
	Street    = partition.Code("330922100000")
	Community = partition.Code("330922100001")
)

// PublishSample publishes the bundled sample from dataDir (data/sample),
// one version per file.
func PublishSample(t testing.TB, s partition.Store, dataDir string) {
	t.Helper()
	ctx := context.Background()
	for _, name := range SampleFiles {
		f, err := os.Open(filepath.Join(dataDir, name))
		if err != nil {
			t.Fatal(err)
		}
		d, err := partition.DecodeFeatureCollection(f, partition.DecodeOptions{Transform: crs.Transform(crs.GCJ02, crs.CGCS2000)})
		f.Close()
		if err != nil {
			t.Fatalf("decode %s: %v", name, err)
		}
		if _, err := partition.ResolveSoftParents(ctx, &d, s); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		d.Note = "sample " + name
		if _, err := s.Publish(ctx, d.Changeset); err != nil {
			t.Fatalf("publish %s: %v", name, err)
		}
	}
}

// Tiling is a generated community: Cols×Rows micro-grids in grids of
// BlockCols×BlockRows, cells of 0.0005° (about 50 m) north of 30.70°N.
func Tiling(cols, rows, blockCols, blockRows int) synth.Tiling {
	return synth.Grid(synth.Options{Origin: orb.Point{122.30, 30.70}, CellDeg: 0.0005, Cols: cols, Rows: rows,
		BlockCols: blockCols, BlockRows: blockRows, EdgeVertices: 2, Jitter: 0.1, Seed: 7})
}

// Frame returns the street and the community around tiling t.
func Frame(t synth.Tiling) []partition.Unit {
	o := t.Opts
	b := orb.Bound{Min: o.Origin, Max: orb.Point{o.Origin[0] + float64(o.Cols)*o.CellDeg, o.Origin[1] + float64(o.Rows)*o.CellDeg}}
	box := orb.MultiPolygon{{b.ToRing()}}
	return []partition.Unit{
		unit(Street, "菜园镇", partition.LevelStreet, partition.KindComprehensive, District, box, 0),
		unit(Community, "合成社区", partition.LevelCommunity, partition.KindComprehensive, Street, orb.Clone(box).(orb.MultiPolygon), 0),
	}
}

// Cells returns the grids (blocks) and micro-grids (cells) of t whose
// blocks are in rows [fromBlockRow, toBlockRow) of blocks, grids first.
// A grid is coded by its block number (from 001) and a micro-grid by its
// place in the block (from 001), so that codes follow the lattice.
func Cells(t synth.Tiling, fromBlockRow, toBlockRow int) []partition.Unit {
	o := t.Opts
	perRow := o.Cols / o.BlockCols
	var grids, micro []partition.Unit
	for b := fromBlockRow * perRow; b < toBlockRow*perRow; b++ {
		code := partition.Code(fmt.Sprintf("%s%03d", Community, b+1))
		grids = append(grids, unit(code, fmt.Sprintf("网格%d", b+1), partition.LevelGrid, partition.KindComprehensive, Community,
			orb.MultiPolygon{t.Parents[b]}, 300+b%200))
	}
	for i, cell := range t.Cells {
		b := t.ParentOf[i]
		if b < fromBlockRow*perRow || b >= toBlockRow*perRow {
			continue
		}
		c, r := i%o.Cols, i/o.Cols
		k := (r%o.BlockRows)*o.BlockCols + c%o.BlockCols
		parent := partition.Code(fmt.Sprintf("%s%03d", Community, b+1))
		micro = append(micro, unit(partition.Code(fmt.Sprintf("%s%03d", parent, k+1)), fmt.Sprintf("微网格%d-%d", b+1, k+1),
			partition.LevelMicrogrid, partition.KindComprehensive, parent, orb.MultiPolygon{cell}, 50+i%30))
	}
	return append(grids, micro...)
}

// Sea returns a fishing grid with a formation and a vessel, an aquaculture
// grid, and a transport grid, east of the community.
func Sea() ([]partition.Unit, []partition.Vessel) {
	box := func(x0, y0, x1, y1 float64) orb.MultiPolygon {
		return orb.MultiPolygon{{orb.Ring{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}}
	}
	us := []partition.Unit{
		unit("330922900000001", "渔区一", partition.LevelGrid, partition.KindFishing, District, box(122.6, 30.7, 122.7, 30.8), 0),
		unit("330922900000001001", "编组一", partition.LevelMicrogrid, partition.KindFormation, "330922900000001", nil, 0),
		unit("330922900000002", "养殖网格", partition.LevelGrid, partition.KindAquaculture, District, box(122.7, 30.7, 122.8, 30.8), 0),
		unit("330922900000003", "运输网格", partition.LevelGrid, partition.KindTransport, District, nil, 0),
	}
	vs := []partition.Vessel{
		{ID: "浙嵊渔10001", Name: "浙嵊渔10001", Type: partition.VesselFishing, Crew: 8, Unit: "330922900000001001"},
		{ID: "浙嵊运001", Name: "嵊运1号", Type: partition.VesselTransport, Crew: 12, Unit: "330922900000003"},
	}
	return us, vs
}

func unit(code partition.Code, name string, l partition.Level, k partition.Kind, parent partition.Code, g orb.MultiPolygon, households int) partition.Unit {
	return partition.Unit{Code: code, Name: name, Level: l, Kind: k, Network: k.Network(), Parent: parent, Geometry: g, Households: households}
}

// Publish publishes the sample and, in one more version, a community of
// cols×rows micro-grids in 10×10 grids and the sea network.
func Publish(t testing.TB, s partition.Store, dataDir string, cols, rows int) synth.Tiling {
	t.Helper()
	PublishSample(t, s, dataDir)
	tl := Tiling(cols, rows, 10, 10)
	units := append(Frame(tl), Cells(tl, 0, rows/10)...)
	sea, vessels := Sea()
	cs := partition.Changeset{Note: "generated community and sea grids", Units: append(units, sea...), Vessels: vessels}
	if _, err := s.Publish(context.Background(), cs); err != nil {
		t.Fatalf("publish generated units: %v", err)
	}
	return tl
}
