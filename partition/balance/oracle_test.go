package balance

import (
	"context"
	"math"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/crs"
	"github.com/wangge/wangge/internal/shareddata"
	"github.com/wangge/wangge/internal/testdb"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/tiling"
)

// TestDivideHouseholdsOracle divides parents with a household file that
// covers far more than the parent (the county's for one community; points
// over a whole city for one of its districts) and asks PostGIS, on the
// same coordinates, how many households each child covers (ST_Covers),
// how many lie outside the parent, and how much gap and overlap the
// children leave. Every child's households must be PostGIS's count, the
// outside count PostGIS's, the children must tile the parent (our check
// and PostGIS's overlay), and no child may be smaller than one lattice
// cell (or the parent's mean share, when that is smaller).
func TestDivideHouseholdsOracle(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, testdb.URL(t))
	if err != nil {
		t.Fatalf("connect to PostGIS: %v", err)
	}
	defer conn.Close(ctx)

	community := sampleUnit(t, "330922100001")
	county, err := DecodeHouseholds(readFile(t, "../../data/sample/shengsi_households.geojson"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	district, city := zhoushanDistrict(t, 330903)
	cityHH := islandHouseholds(partition.Unit{Geometry: city}, 60000, 3) // villages over the whole city
	cases := []struct {
		name   string
		parent partition.Unit
		hh     []Household
		opts   Options
	}{
		{"sample community, county households", community, county, Options{Min: 300, Max: 500, Level: partition.LevelGrid}},
		{"real district, city households", district, cityHH, Options{Min: 1500, Max: 3000, Level: partition.LevelStreet, JoinSmallIslands: true}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Divide(ctx, tc.parent, tc.hh, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			o := postgisOracle(ctx, t, conn, tc.parent, res.Children, tc.hh)
			total := 0
			for _, h := range tc.hh {
				total += h.Weight
			}
			if o.outside == 0 || o.outside == total {
				t.Fatalf("fixture: %d of %d households outside the parent, want some inside and some outside", o.outside, total)
			}
			if res.Report.Outside != o.outside {
				t.Errorf("report outside = %d, PostGIS counts %d households not covered by the parent", res.Report.Outside, o.outside)
			}
			if res.Report.Households != total-o.outside {
				t.Errorf("report households = %d, PostGIS counts %d inside the parent", res.Report.Households, total-o.outside)
			}
			cell := float64(res.Report.Cell)
			minArea := math.Min(cell*cell, float64(geo.Area(tc.parent.Geometry))/float64(len(res.Children)))
			for i, c := range res.Children {
				if c.Households != o.covered[i] {
					t.Errorf("%s: %d households, PostGIS covers %d", c.Code, c.Households, o.covered[i])
				}
				if r := res.Report.Children[i]; r.Households != c.Households {
					t.Errorf("%s: report says %d households, the unit %d", c.Code, r.Households, c.Households)
				}
				if a := float64(geo.Area(c.Geometry)); a < minArea {
					t.Errorf("%s: a sliver of %.1f m², below one %.0f m cell (%.0f m²)", c.Code, a, cell, minArea)
				}
			}
			if o.gap > 1 || o.overlap > 1 {
				t.Errorf("PostGIS: gap %.3f m², overlap %.3f m² among %d children, want ≤ 1 m² each", o.gap, o.overlap, len(res.Children))
			}
			chk, err := tiling.Check(&tc.parent, res.Children, tiling.DefaultOptions())
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range chk.Findings {
				if f.Severity == partition.SeverityError {
					t.Errorf("tiling check: %s %v %.1f m²: %s", f.Rule, f.Codes, float64(f.Area), f.Message)
				}
			}
			t.Logf("%d children, %d households inside, %d outside; PostGIS gap %.4f m², overlap %.4f m²", len(res.Children), res.Report.Households, o.outside, o.gap, o.overlap)
		})
	}
}

// oracle is what PostGIS says of a division.
type oracle struct {
	covered      []int // households covered by each child
	outside      int   // households not covered by the parent
	gap, overlap float64
}

func postgisOracle(ctx context.Context, t *testing.T, conn *pgx.Conn, parent partition.Unit, children []partition.Unit, hh []Household) oracle {
	t.Helper()
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := conn.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	exec(`DROP TABLE IF EXISTS pt_hh, pt_child, pt_parent`)
	exec(`CREATE TEMP TABLE pt_hh (g geometry(Point, 4490), w int)`)
	exec(`CREATE TEMP TABLE pt_child (i int, g geometry(Geometry, 4490))`)
	exec(`CREATE TEMP TABLE pt_parent (g geometry(Geometry, 4490))`)
	xs, ys, ws := make([]float64, len(hh)), make([]float64, len(hh)), make([]int32, len(hh))
	for i, h := range hh {
		xs[i], ys[i], ws[i] = h.Point[0], h.Point[1], int32(h.Weight)
	}
	exec(`INSERT INTO pt_hh SELECT ST_SetSRID(ST_MakePoint(x, y), 4490), w FROM unnest($1::float8[], $2::float8[], $3::int[]) AS t(x, y, w)`, xs, ys, ws)
	exec(`CREATE INDEX ON pt_hh USING gist (g)`)
	for i, c := range children {
		exec(`INSERT INTO pt_child VALUES ($1, ST_GeomFromWKB($2, 4490))`, i, mustWKB(t, c.Geometry))
	}
	exec(`INSERT INTO pt_parent VALUES (ST_MakeValid(ST_GeomFromWKB($1, 4490)))`, mustWKB(t, parent.Geometry))
	exec(`ANALYZE pt_hh`)

	o := oracle{covered: make([]int, len(children))}
	rows, err := conn.Query(ctx, `SELECT c.i, coalesce(sum(h.w), 0) FROM pt_child c LEFT JOIN pt_hh h ON ST_Covers(c.g, h.g) GROUP BY c.i`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var i, n int
		if err := rows.Scan(&i, &n); err != nil {
			t.Fatal(err)
		}
		o.covered[i] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	q := func(sql string, dst any) {
		t.Helper()
		if err := conn.QueryRow(ctx, sql).Scan(dst); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	q(`SELECT coalesce(sum(h.w), 0)::int FROM pt_hh h WHERE NOT EXISTS (SELECT 1 FROM pt_parent p WHERE ST_Covers(p.g, h.g))`, &o.outside)
	// Areas of the pieces with a planar area (over 1 cm² in the lon/lat
	// plane, scaled by the metres of a degree here): a child vertex on a
	// long straight parent edge, up to rounding, leaves a lens with no
	// width in the plane that only the geodesic between the same vertices
	// encloses (partition/tiling/doc.go); lines and points have no area.
	kx, ky := geo.MetersPerDegree(parent.Geometry.Bound().Center()[1])
	planar := func(g string) string {
		return "ST_Area(" + g + ") * " + strconv.FormatFloat(kx*ky, 'g', -1, 64) + " > 1e-4"
	}
	q(`SELECT coalesce(sum(ST_Area(d.geom::geography)), 0) FROM pt_parent p,
		ST_Dump(ST_CollectionExtract(ST_Difference(p.g, (SELECT ST_Union(g) FROM pt_child)), 3)) d WHERE `+planar("d.geom"), &o.gap)
	q(`SELECT coalesce(sum(ST_Area(d.geom::geography)), 0) FROM pt_child a JOIN pt_child b ON a.i < b.i AND a.g && b.g AND ST_Intersects(a.g, b.g),
		ST_Dump(ST_CollectionExtract(ST_Intersection(a.g, b.g), 3)) d WHERE `+planar("d.geom"), &o.overlap)
	return o
}

func mustWKB(t *testing.T, g orb.Geometry) []byte {
	t.Helper()
	b, err := wkb.Marshal(g)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// sampleUnit is a unit of the bundled sample county (CGCS2000).
func sampleUnit(t testing.TB, code partition.Code) partition.Unit {
	t.Helper()
	units, err := DecodeUnits(readFile(t, "../../data/sample/shengsi.geojson"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range units {
		if u.Code == code {
			return u
		}
	}
	t.Fatalf("no unit %s in the sample", code)
	return partition.Unit{}
}

// zhoushanDistrict returns a district of 舟山市 from the detailed DataV
// files (converted to CGCS2000) and the city's outline.
func zhoushanDistrict(t testing.TB, adcode int) (partition.Unit, orb.MultiPolygon) {
	t.Helper()
	tr := crs.Transform(crs.GCJ02, crs.CGCS2000)
	districts, err := DecodeUnits(readFile(t, shareddata.Boundary(t, "330900_zhoushan_children_detailed.geojson")), tr, 0)
	if err != nil {
		t.Fatal(err)
	}
	outline, err := DecodeUnits(readFile(t, shareddata.Boundary(t, "330900_zhoushan_outline.geojson")), tr, 0)
	if err != nil || len(outline) != 1 {
		t.Fatalf("city outline: %v", err)
	}
	city, err := geo.MakeValid(outline[0].Geometry)
	if err != nil {
		t.Fatal(err)
	}
	want := partition.Code(strconv.Itoa(adcode) + "000000")
	for _, u := range districts {
		if u.Code == want {
			u.Parent = ""
			return u, city
		}
	}
	t.Fatalf("no district %s in the detailed Zhoushan file", want)
	return partition.Unit{}, nil
}
