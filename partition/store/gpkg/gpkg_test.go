package gpkg_test

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"
	_ "modernc.org/sqlite" // the plain driver, to inspect files as another client would

	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/store/gpkg"
	"github.com/wangge/wangge/partition/store/storetest"
)

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func openStore(t *testing.T, path string) *gpkg.Store {
	t.Helper()
	s, err := gpkg.Open(testContext(t), path, gpkg.Options{})
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	return s
}

func TestContract(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) partition.Store {
		return openStore(t, filepath.Join(t.TempDir(), "w.gpkg"))
	})
}

// TestDraftContract runs the contract suite of partition.DraftStore.
func TestDraftContract(t *testing.T) {
	t.Parallel()
	storetest.RunDrafts(t, func(t *testing.T) storetest.DraftStore {
		return openStore(t, filepath.Join(t.TempDir(), "w.gpkg"))
	})
}

// inspect opens the file read-only with the plain SQLite driver.
func inspect(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// schemaAndMigrations is everything Open might write: the schema, the
// recorded migrations and the GeoPackage header fields.
func schemaAndMigrations(t *testing.T, path string) []string {
	t.Helper()
	db := inspect(t, path)
	var out []string
	add := func(query string) {
		rows, err := db.Query(query)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var a, b any
			if err := rows.Scan(&a, &b); err != nil {
				t.Fatal(err)
			}
			out = append(out, fmt.Sprintf("%v | %v", a, b))
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	}
	add("SELECT name, sql FROM sqlite_master ORDER BY name")
	add("SELECT version, applied_at FROM wangge_migrations ORDER BY version")
	add("SELECT 'application_id', application_id FROM pragma_application_id")
	add("SELECT 'user_version', user_version FROM pragma_user_version")
	return out
}

// TestReopen: a second Open of an existing file keeps its data and applies
// nothing; the store goes on publishing where it left off.
func TestReopen(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "w.gpkg")
	s := openStore(t, path)
	if _, err := s.Publish(testContext(t), storetest.Sample()); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + "-wal"); !os.IsNotExist(err) {
		t.Errorf("after Close the write-ahead log is still there (%v): the .gpkg alone is not complete", err)
	}
	before := schemaAndMigrations(t, path)
	files, err := fs.Glob(os.DirFS("migrations"), "*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("migration files: %v, %v", files, err)
	}
	if got := countRows(t, path, "wangge_migrations"); got != len(files) {
		t.Errorf("got %d recorded migrations, want %d", got, len(files))
	}

	s = openStore(t, path)
	defer s.Close()
	ctx := testContext(t)
	vs, err := s.Versions(ctx)
	if err != nil || len(vs) != 1 || vs[0].Note != "sample" {
		t.Fatalf("versions after reopening: got %+v, %v", vs, err)
	}
	n := 0
	if err := s.Units(ctx, partition.Query{}, func(partition.Unit) error { n++; return nil }); err != nil || n != len(storetest.Sample().Units) {
		t.Fatalf("units after reopening: got %d, %v", n, err)
	}
	if after := schemaAndMigrations(t, path); !reflect.DeepEqual(before, after) {
		t.Errorf("reopening changed the schema or the migrations:\nbefore %q\n after %q", before, after)
	}
	g := storetest.Sample().Units[4]
	g.Households = 500
	v, err := s.Publish(ctx, partition.Changeset{Units: []partition.Unit{g}})
	if err != nil || v.Number != 2 || !v.PublishedAt.After(vs[0].PublishedAt) {
		t.Fatalf("publish after reopening: got %+v, %v; want version 2 after %v", v, err, vs[0].PublishedAt)
	}
}

// TestConcurrentOpen opens one new file from several stores at once, as
// processes started together would: each migration is applied once, and a
// version one store publishes is the latest for the others.
func TestConcurrentOpen(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "w.gpkg")
	const n = 4
	stores := make([]*gpkg.Store, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stores[i], errs[i] = gpkg.Open(testContext(t), path, gpkg.Options{})
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("store %d: %v", i, err)
		}
		defer stores[i].Close()
	}
	files, _ := fs.Glob(os.DirFS("migrations"), "*.sql")
	if got := countRows(t, path, "wangge_migrations"); got != len(files) {
		t.Errorf("got %d recorded migrations, want %d", got, len(files))
	}
	if _, err := stores[1].Publish(testContext(t), storetest.Sample()); err != nil {
		t.Fatal(err)
	}
	if v, err := stores[n-1].Resolve(testContext(t), partition.AsOf{}); err != nil || v.Number != 1 {
		t.Errorf("another store resolves the latest version as %+v, %v; want 1", v, err)
	}
}

func countRows(t *testing.T, path, table string) int {
	t.Helper()
	var n int
	if err := inspect(t, path).QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestMigrateOldFile: a file written before the drafts migration (made
// here by undoing it) gets it on Open, keeps its versions and takes drafts
// on them.
func TestMigrateOldFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "w.gpkg")
	s := openStore(t, path)
	if _, err := s.Publish(testContext(t), storetest.Sample()); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{"DROP TABLE draft_ops", "DROP TABLE drafts", "DROP TABLE households", "DROP TABLE household_layers",
		"DELETE FROM gpkg_contents WHERE table_name IN ('households', 'household_layers')",
		"DELETE FROM wangge_migrations WHERE version = '0002_drafts.sql'"} {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	db.Close()

	s = openStore(t, path)
	defer s.Close()
	ctx := testContext(t)
	if vs, err := s.Versions(ctx); err != nil || len(vs) != 1 {
		t.Fatalf("versions after migrating: got %+v, %v; want 1", vs, err)
	}
	d, err := s.CreateDraft(ctx, partition.Draft{ID: "after", Root: "330922100001", Base: 1})
	if err != nil || d.Base != 1 {
		t.Fatalf("a draft on the migrated file: got %+v, %v", d, err)
	}
	files, _ := fs.Glob(os.DirFS("migrations"), "*.sql")
	if got := countRows(t, path, "wangge_migrations"); got != len(files) {
		t.Errorf("got %d recorded migrations, want %d", got, len(files))
	}
}

// TestOddPath: a file name with URI metacharacters is a file name.
func TestOddPath(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "a b?c=d#e%20f")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "w x.gpkg")
	s := openStore(t, path)
	if _, err := s.Publish(testContext(t), storetest.Sample()); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if entries, err := os.ReadDir(dir); err != nil || len(entries) != 1 || entries[0].Name() != "w x.gpkg" {
		t.Fatalf("files in %s: %v, %v; want just w x.gpkg", dir, entries, err)
	}
}

// TestNotOurs: Open refuses a database it did not make and leaves it alone.
func TestNotOurs(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "other.sqlite")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE TABLE things (id INTEGER PRIMARY KEY)"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if s, err := gpkg.Open(testContext(t), path, gpkg.Options{}); err == nil {
		s.Close()
		t.Fatal("opened a foreign database without error")
	}
	if got := countRows(t, path, "sqlite_master"); got != 1 {
		t.Errorf("the foreign database now has %d schema objects, want 1", got)
	}
}

// TestPropsNotJSON: properties that JSON cannot hold are invalid input, and
// nothing is written.
func TestPropsNotJSON(t *testing.T) {
	t.Parallel()
	s := openStore(t, filepath.Join(t.TempDir(), "w.gpkg"))
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

// TestBBoxExact: the R-tree holds float32 boxes rounded outwards; the bbox
// filter must still be exact on the float64 envelope.
func TestBBoxExact(t *testing.T) {
	t.Parallel()
	s := openStore(t, filepath.Join(t.TempDir(), "w.gpkg"))
	defer s.Close()
	ctx := testContext(t)
	if _, err := s.Publish(ctx, storetest.Sample()); err != nil {
		t.Fatal(err)
	}
	// The city is Box(121, 29, 124, 31); nothing else reaches lon 124.
	tests := []struct {
		name string
		b    orb.Bound
		want []string
	}{
		{"touching", orb.Bound{Min: orb.Point{124, 30}, Max: orb.Point{125, 30.5}}, []string{"330900000000"}},
		{"1e-9 beyond", orb.Bound{Min: orb.Point{124 + 1e-9, 30}, Max: orb.Point{125, 30.5}}, nil},
		{"below", orb.Bound{Min: orb.Point{121.5, 28}, Max: orb.Point{122, 29 - 1e-9}}, nil},
	}
	for _, tt := range tests {
		var got []string
		err := s.Units(ctx, partition.Query{BBox: &tt.b, NoGeometry: true}, func(u partition.Unit) error {
			got = append(got, string(u.Code))
			return nil
		})
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: got %v, %v; want %v", tt.name, got, err, tt.want)
		}
	}
}

// TestBulk publishes 20 grids and 19,980 micro-grids in one version.
func TestBulk(t *testing.T) {
	t.Parallel()
	s := openStore(t, filepath.Join(t.TempDir(), "w.gpkg"))
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
		if u.Geometry == nil {
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
	start = time.Now()
	n = 0
	box := orb.Bound{Min: orb.Point{122.1, 30.01}, Max: orb.Point{122.11, 30.02}}
	if err := s.Units(ctx, partition.Query{BBox: &box, Level: partition.LevelMicrogrid}, func(partition.Unit) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	t.Logf("read %d micro-grids in a bbox in %v", n, time.Since(start))
	if n == 0 {
		t.Error("no micro-grid in the bbox")
	}
	want := cs.Units[len(cs.Units)-1]
	got, err := s.Unit(ctx, want.Code, partition.AsOf{})
	if err != nil || got.Name != want.Name || got.Households != want.Households || !reflect.DeepEqual(got.Geometry, want.Geometry) {
		t.Errorf("unit %s: got %+v, %v", want.Code, got, err)
	}
}
