package router

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo/crs"
	"github.com/wangge/wangge/internal/shareddata"
	"github.com/wangge/wangge/internal/testdb"
	"github.com/wangge/wangge/partition"
)

// TestDataVPostGIS: every city or county outline of ../shared with its
// children (the 2019 and 2021 editions, and the detailed children that
// share no edges with each other), and the outlines that have no children
// file, against PostGIS on the same doubles. The points: uniform over the
// outline's box and a little beyond, every vertex of every unit, the
// midpoint of every edge and a random point along it. Where ST_Covers
// finds children covering a point, ours is one of them, exactly; where it
// finds none but the outline covers the point, ours is in the outline's
// gap: the nearest child within 50 m (approximate), else the outline
// naming it, at the distance PostGIS's ST_Distance on the ellipsoid gives
// the nearest child, within a centimetre. PostGIS measures to the edges
// of ST_Segmentize(geometry, 0.0005°), whose geodesic pieces of 50 m or
// less follow the straight lon/lat edges we measure to within a fraction
// of a millimetre (a geography edge alone is a geodesic, which leaves a
// 1.6 km DataV edge by centimetres). Where nothing covers the point, ours
// does not claim to contain it.
func TestDataVPostGIS(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, testdb.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for k, tc := range []struct{ outline, children string }{
		{"330900_zhoushan_outline", "330900_zhoushan_full"},
		{"330900_zhoushan_outline_2021", "330900_zhoushan_full_2021"},
		{"330900_zhoushan_outline", "330900_zhoushan_children_detailed"},
		{"320100_nanjing_outline", "320100_nanjing_full"},
		{"320100_nanjing_outline_2021", "320100_nanjing_full_2021"},
		{"320100_nanjing_outline", "320100_nanjing_children_detailed"},
		{"330922_shengsi", ""},
		{"320481_liyang", ""},
		{"320682_rugao", ""},
		{"370402_zaozhuang_shizhong", ""},
	} {
		t.Run(tc.outline+"+"+tc.children, func(t *testing.T) {
			units := readDataV(t, tc.outline)
			if len(units) != 1 {
				t.Fatalf("%s: want one outline, got %d units", tc.outline, len(units))
			}
			units[0].Parent = "" // Shengsi's names Zhoushan, which is not here
			root := units[0].Code
			if tc.children != "" {
				kids := readDataV(t, tc.children)
				for _, u := range kids {
					if u.Parent != root {
						t.Fatalf("%s: %s's parent is %s, not %s", tc.children, u.Code, u.Parent, root)
					}
				}
				units = append(units, kids...)
			}
			ix, err := New(partition.Version{Number: 1}, units, Options{})
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			pts := dataVPoints(units, 20_000, uint64(k))
			schema := testdb.Schema(t, fmt.Sprintf("t_datav_%d", k))
			covers, err := coversInPostGIS(ctx, conn, schema, units, pts)
			if err != nil {
				t.Fatal(err)
			}
			tCovers := time.Since(start)
			var gaps []int
			var bad []string
			fail := func(format string, args ...any) {
				if len(bad) < 10 {
					bad = append(bad, fmt.Sprintf(format, args...))
				}
			}
			results := make([]Result, len(pts))
			var counts struct{ child, shared, gap, outside int }
			for i, p := range pts {
				r := ix.Route(p)
				results[i] = r
				var kids []string
				inRoot := false
				for _, c := range covers[i] {
					if c == string(root) {
						inRoot = true
					} else {
						kids = append(kids, c)
					}
				}
				switch {
				case len(kids) > 0:
					counts.child++
					if len(kids) > 1 {
						counts.shared++
					}
					if r.Approximate || r.Unit() == nil || !slices.Contains(kids, string(r.Unit().Code)) {
						fail("point %d %v: ST_Covers finds %v, ours %v (approximate %v)", i, p, kids, r.Unit(), r.Approximate)
					}
				case inRoot && tc.children != "":
					counts.gap++
					gaps = append(gaps, i)
					if r.Gap() == nil || r.Gap().Code != root {
						fail("point %d %v: in the outline's gap by ST_Covers, ours %v with gap %v", i, p, r.Unit(), r.Gap())
					}
				case inRoot:
					counts.child++
					if r.Approximate || r.Unit() == nil || r.Unit().Code != root {
						fail("point %d %v: ST_Covers finds the outline, ours %v (approximate %v)", i, p, r.Unit(), r.Approximate)
					}
				default:
					counts.outside++
					if r.Resolved && !r.Approximate && r.Gap() == nil {
						fail("point %d %v: covered by nothing in PostGIS, ours %s exactly", i, p, r.Unit().Code)
					}
				}
			}
			tOurs := time.Since(start)
			if len(gaps) > 0 {
				near, err := nearestInPostGIS(ctx, conn, schema, root, gaps)
				if err != nil {
					t.Fatal(err)
				}
				for _, i := range gaps {
					r, n := &results[i], near[i]
					if n.d < 0 {
						fail("point %d: PostGIS measured no child", i)
						continue
					}
					if math.Abs(n.d-50) < 0.01 {
						continue // on the tolerance, to the centimetre: either answer is right
					}
					var got *partition.Unit
					if n.d < 50 {
						got = r.Unit()
						if !r.Approximate {
							fail("point %d %v: %.3f m from the nearest child by PostGIS, ours is not approximate (%v)", i, pts[i], n.d, got)
						}
					} else {
						got = r.Nearest()
						if r.Approximate || r.Unit().Code != root {
							fail("point %d %v: %.1f m from the nearest child by PostGIS, ours answers %s approximate %v, want the outline", i, pts[i], n.d, r.Unit().Code, r.Approximate)
						}
					}
					if got == nil || !slices.Contains(n.codes, string(got.Code)) || math.Abs(float64(r.Distance)-n.d) > 0.01 {
						fail("point %d %v: ours %v at %.4f m, PostGIS's nearest children %v at %.4f m", i, pts[i], got, r.Distance, n.codes, n.d)
					}
				}
			}
			if len(bad) > 0 {
				t.Fatalf("disagreements with PostGIS: %v", bad)
			}
			t.Logf("%d points: %d in a child (%d on a shared edge or vertex), %d in the outline's gap, %d outside (ST_Covers by %v, ours by %v, ST_Distance by %v)",
				len(pts), counts.child, counts.shared, counts.gap, counts.outside, tCovers.Round(time.Millisecond), (tOurs - tCovers).Round(time.Millisecond), (time.Since(start) - tOurs).Round(time.Millisecond))
		})
	}
}

func readDataV(t *testing.T, name string) []partition.Unit {
	t.Helper()
	fh, err := os.Open(shareddata.Boundary(t, name+".geojson"))
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	d, err := partition.DecodeFeatureCollection(fh, partition.DecodeOptions{Transform: func(g orb.Geometry) orb.Geometry {
		return crs.ConvertGeometry(g, crs.GCJ02, crs.CGCS2000)
	}})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return d.Units
}

// dataVPoints: n uniform over the units' box (1% beyond it on each side),
// every vertex, every edge's midpoint and a random point along it.
func dataVPoints(units []partition.Unit, n int, seed uint64) []orb.Point {
	rng := rand.New(rand.NewPCG(seed, 11))
	ext := units[0].Geometry.Bound()
	for _, u := range units {
		ext = ext.Union(u.Geometry.Bound())
	}
	w, h := ext.Max[0]-ext.Min[0], ext.Max[1]-ext.Min[1]
	var pts []orb.Point
	for range n {
		pts = append(pts, orb.Point{ext.Min[0] - 0.01*w + 1.02*w*rng.Float64(), ext.Min[1] - 0.01*h + 1.02*h*rng.Float64()})
	}
	for _, u := range units {
		for _, pg := range u.Geometry {
			for _, r := range pg {
				for i := range r {
					a, b := r[i], r[(i+1)%len(r)]
					t := rng.Float64()
					pts = append(pts, a, orb.Point{(a[0] + b[0]) / 2, (a[1] + b[1]) / 2}, orb.Point{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])})
				}
			}
		}
	}
	return pts
}

type pgNearest struct {
	d     float64  // metres to the nearest child, -1 for none
	codes []string // the children within a centimetre of d
}

// nearestInPostGIS measures, for each point index, the geodesic distance
// to every child of root in the schema's cells (coversInPostGIS's table),
// along ST_Segmentize(geom, 0.0005°), of those that can be the nearest.
func nearestInPostGIS(ctx context.Context, conn *pgx.Conn, schema string, root partition.Code, idx []int) (map[int]pgNearest, error) {
	s := pgx.Identifier{schema}.Sanitize()
	if _, err := conn.Exec(ctx, `CREATE TABLE `+s+`.kids AS SELECT code, ST_Segmentize(geom, 0.0005)::geography AS g FROM `+s+`.cells WHERE code <> $1`, string(root)); err != nil {
		return nil, fmt.Errorf("segmentize: %w", err)
	}
	// Only the children that a planar distance in degrees puts within
	// 1.25 times (more than 1/cos of these latitudes) of the nearest can be
	// the nearest on the ellipsoid; the points of one child come one after
	// another, so PostGIS reuses its tree of that child's edges.
	q := `WITH d AS (SELECT p.i, p.geom, c.code, ST_Distance(c.geom, p.geom) AS deg FROM ` + s + `.pts p CROSS JOIN ` + s + `.cells c WHERE p.i = ANY($1) AND c.code <> $2),
		m AS (SELECT i, min(deg) AS least FROM d GROUP BY i)
		SELECT d.i, d.code, ST_Distance(k.g, d.geom::geography) FROM d JOIN m USING (i) JOIN ` + s + `.kids k USING (code)
		WHERE d.deg <= 1.25 * m.least + 1e-7 ORDER BY d.code, d.i`
	rows, err := conn.Query(ctx, q, idx, string(root))
	if err != nil {
		return nil, fmt.Errorf("nearest: %w", err)
	}
	type row struct {
		code string
		d    float64
	}
	all := map[int][]row{}
	var i int
	var r row
	if _, err := pgx.ForEachRow(rows, []any{&i, &r.code, &r.d}, func() error { all[i] = append(all[i], r); return nil }); err != nil {
		return nil, fmt.Errorf("nearest: %w", err)
	}
	out := map[int]pgNearest{}
	for _, i := range idx {
		n := pgNearest{d: -1}
		for _, r := range all[i] {
			if n.d < 0 || r.d < n.d {
				n.d = r.d
			}
		}
		for _, r := range all[i] {
			if r.d <= n.d+0.01 {
				n.codes = append(n.codes, r.code)
			}
		}
		out[i] = n
	}
	return out, nil
}
