package postgis_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io/fs"
	"math"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/store/postgis"
	"github.com/wangge/wangge/partition/store/storetest"
)

// databaseURL returns the test database; the tests fail without one, so that
// a missing database never passes for a green run.
func databaseURL(t *testing.T) string {
	t.Helper()
	url := os.Getenv("WANGGE_TEST_DATABASE_URL")
	if url == "" {
		t.Fatal("WANGGE_TEST_DATABASE_URL is not set: the PostGIS store tests need a PostgreSQL database " +
			"with the postgis extension, e.g. WANGGE_TEST_DATABASE_URL='postgres:///wangge_dev?host=/var/run/postgresql' " +
			"(make test sets it)")
	}
	return url
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// newSchema returns the name of a fresh schema that is dropped, with
// everything in it, when the test ends.
func newSchema(t *testing.T) string {
	t.Helper()
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	schema := "wangge_test_" + hex.EncodeToString(b)
	url := databaseURL(t)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{schema}.Sanitize()+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return schema
}

func openStore(t *testing.T, schema string) *postgis.Store {
	t.Helper()
	s, err := postgis.Open(testContext(t), databaseURL(t), postgis.Options{Schema: schema})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	return s
}

func TestContract(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) partition.Store {
		return openStore(t, newSchema(t))
	})
}

// TestDraftContract runs the contract suite of partition.DraftStore.
func TestDraftContract(t *testing.T) {
	t.Parallel()
	storetest.RunDrafts(t, func(t *testing.T) storetest.DraftStore {
		return openStore(t, newSchema(t))
	})
}

func TestOpenRejectsBadSchema(t *testing.T) {
	t.Parallel()
	for _, schema := range []string{"Upper", "a-b", "x; DROP TABLE units", "a2345678901234567890123456789012345678901"} {
		if s, err := postgis.Open(testContext(t), databaseURL(t), postgis.Options{Schema: schema}); err == nil {
			s.Close()
			t.Errorf("schema %q: got no error", schema)
		}
	}
}

// TestConcurrentOpen starts several replicas on one new schema at once: each
// migration must be applied exactly once, and every replica must work.
func TestConcurrentOpen(t *testing.T) {
	t.Parallel()
	schema := newSchema(t)
	const n = 6
	stores := make([]*postgis.Store, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stores[i], errs[i] = postgis.Open(testContext(t), databaseURL(t), postgis.Options{Schema: schema})
		}()
	}
	wg.Wait()
	for _, s := range stores {
		if s != nil {
			t.Cleanup(func() { s.Close() })
		}
	}
	for i, err := range errs {
		if err != nil {
			t.Fatalf("replica %d: %v", i, err)
		}
	}
	files, err := fs.Glob(os.DirFS("migrations"), "*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("migration files: %v, %v", files, err)
	}
	var applied int
	if err := stores[0].Pool().QueryRow(testContext(t), "SELECT count(*) FROM schema_migrations").Scan(&applied); err != nil {
		t.Fatal(err)
	}
	if applied != len(files) {
		t.Errorf("got %d rows in schema_migrations, want %d", applied, len(files))
	}
	if _, err := stores[1].Publish(testContext(t), storetest.Sample()); err != nil {
		t.Fatal(err)
	}
	if v, err := stores[n-1].Resolve(testContext(t), partition.AsOf{}); err != nil || v.Number != 1 {
		t.Errorf("another replica resolves the latest version as %+v, %v; want 1", v, err)
	}
	// Opening again applies nothing and still works.
	again := openStore(t, schema)
	defer again.Close()
	if v, err := again.Resolve(testContext(t), partition.AsOf{}); err != nil || v.Number != 1 {
		t.Errorf("reopened store resolves %+v, %v; want 1", v, err)
	}
}

// TestGeometryOracle reads what PostGIS holds through its own functions, as
// an oracle independent of the store's EWKB decoder: SRID, type, counts,
// text for exact coordinates, and every vertex, in order, bit for bit.
func TestGeometryOracle(t *testing.T) {
	t.Parallel()
	s := openStore(t, newSchema(t))
	defer s.Close()
	ctx := testContext(t)
	cs := storetest.Sample()
	if _, err := s.Publish(ctx, cs); err != nil {
		t.Fatal(err)
	}
	var text string
	err := s.Pool().QueryRow(ctx, "SELECT ST_AsText(geom) FROM units WHERE code = '330900000000'").Scan(&text)
	if want := "MULTIPOLYGON(((121 29,121 31,124 31,124 29,121 29)))"; err != nil || text != want {
		t.Errorf("ST_AsText: got %q, %v; want %q", text, err, want)
	}
	for _, u := range cs.Units {
		t.Run(string(u.Code), func(t *testing.T) {
			var srid, npoints, nparts int
			var typ *string
			err := s.Pool().QueryRow(ctx, `SELECT coalesce(ST_SRID(geom), 0), GeometryType(geom), coalesce(ST_NPoints(geom), 0), coalesce(ST_NumGeometries(geom), 0)
				FROM units WHERE code = $1`, string(u.Code)).Scan(&srid, &typ, &npoints, &nparts)
			if err != nil {
				t.Fatal(err)
			}
			if u.Geometry == nil {
				if typ != nil {
					t.Errorf("membership unit stored a %s", *typ)
				}
				return
			}
			if srid != postgis.SRID || typ == nil || *typ != "MULTIPOLYGON" || nparts != len(u.Geometry) || npoints != countPoints(u.Geometry) {
				t.Errorf("got SRID %d, type %v, %d parts, %d points; want %d, MULTIPOLYGON, %d, %d",
					srid, typ, nparts, npoints, postgis.SRID, len(u.Geometry), countPoints(u.Geometry))
			}
			if got := dumpPoints(t, s, u.Code); !sameBits(got, u.Geometry) {
				t.Errorf("ST_DumpPoints: got %v, want %v", got, u.Geometry)
			}
		})
	}
}

// TestPropsNotJSON: properties that JSON cannot hold are invalid input, and
// nothing is written.
func TestPropsNotJSON(t *testing.T) {
	t.Parallel()
	s := openStore(t, newSchema(t))
	defer s.Close()
	cs := storetest.Sample()
	cs.Units[4].Props = map[string]any{"ratio": math.NaN()}
	_, err := s.Publish(testContext(t), cs)
	if got := partition.KindOf(err); got != partition.Invalid {
		t.Fatalf("got %v (kind %s), want an invalid error", err, got)
	}
	if vs, err := s.Versions(testContext(t)); err != nil || len(vs) != 0 {
		t.Errorf("after a refused publish: versions %v, %v; want none", vs, err)
	}
}

func countPoints(mp orb.MultiPolygon) int {
	n := 0
	for _, p := range mp {
		for _, r := range p {
			n += len(r)
		}
	}
	return n
}

// dumpPoints rebuilds a stored geometry from ST_DumpPoints' paths and float8
// coordinates, without EWKB.
func dumpPoints(t *testing.T, s *postgis.Store, code partition.Code) orb.MultiPolygon {
	t.Helper()
	rows, err := s.Pool().Query(testContext(t), `SELECT (d).path, ST_X((d).geom), ST_Y((d).geom)
		FROM (SELECT ST_DumpPoints(geom) AS d FROM units WHERE code = $1) x`, string(code))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var mp orb.MultiPolygon
	for rows.Next() {
		var path []int32
		var x, y float64
		if err := rows.Scan(&path, &x, &y); err != nil {
			t.Fatal(err)
		}
		if len(path) != 3 {
			t.Fatalf("path %v, want [part ring vertex]", path)
		}
		part, ring, vertex := int(path[0])-1, int(path[1])-1, int(path[2])-1
		for len(mp) <= part {
			mp = append(mp, nil)
		}
		for len(mp[part]) <= ring {
			mp[part] = append(mp[part], nil)
		}
		if vertex != len(mp[part][ring]) {
			t.Fatalf("path %v out of order", path)
		}
		mp[part][ring] = append(mp[part][ring], orb.Point{x, y})
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return mp
}

func sameBits(a, b orb.MultiPolygon) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			if len(a[i][j]) != len(b[i][j]) {
				return false
			}
			for k, p := range a[i][j] {
				q := b[i][j][k]
				if math.Float64bits(p[0]) != math.Float64bits(q[0]) || math.Float64bits(p[1]) != math.Float64bits(q[1]) {
					return false
				}
			}
		}
	}
	return true
}

// TestBulk publishes 20 grids and 19,980 micro-grids in one version.
func TestBulk(t *testing.T) {
	t.Parallel()
	s := openStore(t, newSchema(t))
	defer s.Close()
	ctx := testContext(t)
	if _, err := s.Publish(ctx, storetest.Sample()); err != nil {
		t.Fatal(err)
	}
	cs := storetest.Bulk(20, 999)
	start := time.Now()
	v, err := s.Publish(ctx, cs)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("published %d units in %v", len(cs.Units), time.Since(start))

	start = time.Now()
	n := 0
	err = s.Units(ctx, partition.Query{AsOf: partition.AsOf{Version: v.Number}, Prefix: "330922100001"}, func(u partition.Unit) error {
		if u.Geometry == nil && u.Kind == partition.KindComprehensive {
			return fmt.Errorf("unit %s has no geometry", u.Code)
		}
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("read %d units with geometry in %v", n, time.Since(start))
	if want := len(cs.Units) + 5; n != want { // the sample's community, 2 grids and 2 micro-grids
		t.Errorf("got %d units under the community, want %d", n, want)
	}
	start = time.Now()
	n = 0
	if err := s.Units(ctx, partition.Query{Level: partition.LevelMicrogrid, NoGeometry: true}, func(partition.Unit) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	t.Logf("read %d micro-grids without geometry in %v", n, time.Since(start))
	if want := 20*999 + 3; n != want {
		t.Errorf("got %d micro-grids, want %d", n, want)
	}
	want := cs.Units[len(cs.Units)-1]
	got, err := s.Unit(ctx, want.Code, partition.AsOf{})
	if err != nil || got.Name != want.Name || got.Households != want.Households || !sameBits(got.Geometry, want.Geometry) {
		t.Errorf("unit %s: got %+v, %v", want.Code, got, err)
	}
}
