package diff

import (
	"context"
	"math"
	"os"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"github.com/wangge/wangge/geo/crs"
	"github.com/wangge/wangge/internal/shareddata"
	"github.com/wangge/wangge/internal/testdb"
	"github.com/wangge/wangge/partition"
)

// The two DataV editions of Nanjing's 11 districts (shared/data/boundaries,
// README §2 and §7.4): the 2021 file (anzhou99) is the earlier state here
// and the un-suffixed one (gmap) the later, as a version and its successor
// would be compared; both are GCJ-02, converted to CGCS2000 on load.
const (
	nanjing2021 = "320100_nanjing_full_2021.geojson"
	nanjingNow  = "320100_nanjing_full.geojson"
)

// loadEdition reads one edition's district units.
func loadEdition(tb testing.TB, name string) []partition.Unit {
	tb.Helper()
	r, err := os.Open(shareddata.Boundary(tb, name))
	if err != nil {
		tb.Fatal(err)
	}
	defer r.Close()
	tr := func(g orb.Geometry) orb.Geometry { return crs.ConvertGeometry(g, crs.GCJ02, crs.CGCS2000) }
	d, err := partition.DecodeFeatureCollection(r, partition.DecodeOptions{Transform: tr})
	if err != nil {
		tb.Fatalf("decode %s: %v", name, err)
	}
	return d.Units
}

// loadNanjing returns both editions, checking that they name the same 11
// districts.
func loadNanjing(tb testing.TB) (from, to []partition.Unit) {
	tb.Helper()
	from, to = loadEdition(tb, nanjing2021), loadEdition(tb, nanjingNow)
	codes := func(us []partition.Unit) []partition.Code {
		var cs []partition.Code
		for _, u := range us {
			if u.Level != partition.LevelDistrict {
				tb.Fatalf("%s is a %s, want a district", u.Code, u.Level)
			}
			cs = append(cs, u.Code)
		}
		slices.Sort(cs)
		return cs
	}
	if a, b := codes(from), codes(to); len(a) != 11 || !slices.Equal(a, b) {
		tb.Fatalf("the editions name %v and %v, want the same 11 districts", a, b)
	}
	return from, to
}

// TestNanjingPostGIS compares the two editions and checks every piece
// against PostGIS on the same coordinates (ST_MakeValid, polygons only, on
// the inputs, as Compare makes them valid): for each pair of districts
// A ≠ B, ST_Area(ST_Intersection(A_2021, B_now)::geography); for each
// district the part that no district of the other edition covers
// (ST_Difference from ST_Union), which Compare reports with an empty code;
// and per district the area it lost and gained, ST_Difference(A_2021,
// A_now) and the reverse, against the sum of its pieces.
func TestNanjingPostGIS(t *testing.T) {
	from, to := loadNanjing(t)
	start := time.Now()
	r, err := Compare(context.Background(), from, to, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	t.Logf("Compare: %v, %d pieces, %d geometry changes", elapsed, len(r.Pieces), countField(r.Changed, FieldGeometry))
	if elapsed > 30*time.Second {
		t.Errorf("Compare took %v, want seconds", elapsed)
	}
	if len(r.Added) != 0 || len(r.Removed) != 0 {
		t.Errorf("got added %v removed %v, want none", r.Added, r.Removed)
	}
	ours := map[pair]float64{}
	lost, gained := map[partition.Code]float64{}, map[partition.Code]float64{}
	for _, p := range r.Pieces {
		t.Logf("piece %q→%q: %.1f m²", p.From, p.To, p.Area)
		ours[pair{p.From, p.To}] = float64(p.Area)
		lost[p.From] += float64(p.Area)
		gained[p.To] += float64(p.Area)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	conn, q := pgEditions(ctx, t, from, to)
	pg := pgPieces(ctx, t, conn, q)
	checkPieces(t, ours, pg)
	pgLost, pgGained := pgChange(ctx, t, conn, q)
	for _, c := range []struct {
		what    string
		got, pg map[partition.Code]float64
	}{{"lost", lost, pgLost}, {"gained", gained, pgGained}} {
		for code, want := range c.pg {
			if got := c.got[code]; math.Abs(got-want) > 0.005*want+1 {
				t.Errorf("%s %s: pieces add up to %.1f m², PostGIS's difference is %.1f m²", code, c.what, got, want)
			}
		}
	}
}

// checkPieces: a pair above 10,000 m² on either side must be above it on
// both and agree to 0.5%; a smaller one to 50 m² (an unreported piece
// counting as 0).
func checkPieces(t *testing.T, ours, pg map[pair]float64) {
	t.Helper()
	keys := map[pair]bool{}
	for k := range ours {
		keys[k] = true
	}
	for k, a := range pg {
		if a > 0 {
			keys[k] = true
		}
	}
	var worst float64
	var big int
	for _, k := range sortedPairs(keys) {
		got, want := ours[k], pg[k]
		if got > 1e4 || want > 1e4 {
			big++
			rel := math.Abs(got-want) / want
			worst = max(worst, rel)
			if got <= 1e4 || want <= 1e4 || rel > 0.005 {
				t.Errorf("piece %q→%q: got %.1f m², PostGIS %.1f m²", k.from, k.to, got, want)
			}
		} else if math.Abs(got-want) > 50 {
			t.Errorf("small piece %q→%q: got %.1f m², PostGIS %.1f m²", k.from, k.to, got, want)
		}
	}
	t.Logf("%d pairs above 10,000 m², worst relative error %.2e; %d pairs in all", big, worst, len(keys))
}

func sortedPairs(m map[pair]bool) []pair {
	var out []pair
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].from < out[j].from || out[i].from == out[j].from && out[i].to < out[j].to
	})
	return out
}

func countField(cs []AttributeChange, field string) int {
	n := 0
	for _, c := range cs {
		if c.Field == field {
			n++
		}
	}
	return n
}

// pgEditions loads both editions into table g(edition, code, geom) of a
// fresh schema, edition 0 the earlier, as WKB of the same doubles, and
// returns the connection and the schema-qualified prefix.
func pgEditions(ctx context.Context, t *testing.T, from, to []partition.Unit) (*pgx.Conn, string) {
	t.Helper()
	schema := testdb.Schema(t, "t_diff")
	conn, err := pgx.Connect(ctx, testdb.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	q := pgx.Identifier{schema}.Sanitize()
	for _, sql := range []string{"CREATE SCHEMA " + q, "CREATE TABLE " + q + ".g (edition int, code text, wkb bytea, geom geometry(Geometry, 4326))"} {
		if _, err := conn.Exec(ctx, sql); err != nil {
			t.Fatal(err)
		}
	}
	var rows [][]any
	for e, us := range [][]partition.Unit{from, to} {
		for _, u := range us {
			b, err := wkb.Marshal(u.Geometry)
			if err != nil {
				t.Fatal(err)
			}
			rows = append(rows, []any{e, string(u.Code), b})
		}
	}
	if _, err := conn.CopyFrom(ctx, pgx.Identifier{schema, "g"}, []string{"edition", "code", "wkb"}, pgx.CopyFromRows(rows)); err != nil {
		t.Fatal(err)
	}
	sql := "UPDATE " + q + ".g SET geom = ST_CollectionExtract(ST_MakeValid(ST_GeomFromWKB(wkb, 4326)), 3), wkb = NULL"
	if _, err := conn.Exec(ctx, sql); err != nil {
		t.Fatal(err)
	}
	return conn, q
}

// pgPieces is PostGIS's area of every pair A_2021 ∩ B_now (A ≠ B) whose
// boxes meet, and of each district's part that the other edition's union
// does not cover (with "" for nobody).
func pgPieces(ctx context.Context, t *testing.T, conn *pgx.Conn, q string) map[pair]float64 {
	t.Helper()
	sql := `SELECT a.code, b.code, ST_Area(ST_Intersection(a.geom, b.geom)::geography)
	          FROM ` + q + `.g a JOIN ` + q + `.g b ON a.edition = 0 AND b.edition = 1 AND a.code <> b.code AND a.geom && b.geom
	        UNION ALL
	        SELECT CASE WHEN a.edition = 0 THEN a.code ELSE '' END, CASE WHEN a.edition = 1 THEN a.code ELSE '' END,
	               ST_Area(ST_Difference(a.geom, u.geom)::geography)
	          FROM ` + q + `.g a JOIN (SELECT edition, ST_Union(geom) AS geom FROM ` + q + `.g GROUP BY edition) u ON u.edition <> a.edition`
	return scanAreas(ctx, t, conn, sql, func(a, b string) pair { return pair{partition.Code(a), partition.Code(b)} })
}

// pgChange is, per district, the area of A_2021 − A_now (lost) and of
// A_now − A_2021 (gained).
func pgChange(ctx context.Context, t *testing.T, conn *pgx.Conn, q string) (lost, gained map[partition.Code]float64) {
	t.Helper()
	sql := `SELECT a.code, 'lost', ST_Area(ST_Difference(a.geom, b.geom)::geography) FROM ` + q + `.g a JOIN ` + q + `.g b ON a.code = b.code AND a.edition = 0 AND b.edition = 1
	        UNION ALL
	        SELECT a.code, 'gained', ST_Area(ST_Difference(b.geom, a.geom)::geography) FROM ` + q + `.g a JOIN ` + q + `.g b ON a.code = b.code AND a.edition = 0 AND b.edition = 1`
	m := scanAreas(ctx, t, conn, sql, func(a, b string) pair { return pair{partition.Code(a), partition.Code(b)} })
	lost, gained = map[partition.Code]float64{}, map[partition.Code]float64{}
	for k, v := range m {
		if k.to == "lost" {
			lost[k.from] = v
		} else {
			gained[k.from] = v
		}
	}
	return lost, gained
}

func scanAreas(ctx context.Context, t *testing.T, conn *pgx.Conn, sql string, key func(a, b string) pair) map[pair]float64 {
	t.Helper()
	rows, err := conn.Query(ctx, sql)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[pair]float64{}
	for rows.Next() {
		var a, b string
		var area float64
		if err := rows.Scan(&a, &b, &area); err != nil {
			t.Fatal(err)
		}
		out[key(a, b)] = area
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// BenchmarkCompareNanjing: the two editions of Nanjing's districts.
func BenchmarkCompareNanjing(b *testing.B) {
	from, to := loadNanjing(b)
	for b.Loop() {
		if _, err := Compare(context.Background(), from, to, DefaultOptions()); err != nil {
			b.Fatal(err)
		}
	}
}
