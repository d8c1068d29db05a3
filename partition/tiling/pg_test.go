package tiling

import (
	"context"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"github.com/wangge/wangge/internal/testdb"
)

// pgFamilies loads families into tables parents(id, geom) and
// children(id, parent, geom) of a fresh schema, by COPY, with GiST indexes,
// and returns the connection and the schema-qualified table prefix.
func pgFamilies(ctx context.Context, tb testing.TB, fams []Family) (*pgx.Conn, string) {
	tb.Helper()
	schema := testdb.Schema(tb, "t_tiling")
	conn, err := pgx.Connect(ctx, testdb.URL(tb))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { conn.Close(context.Background()) })
	q := pgx.Identifier{schema}.Sanitize()
	for _, sql := range []string{
		"CREATE SCHEMA " + q,
		"CREATE TABLE " + q + ".parents (id int PRIMARY KEY, wkb bytea, geom geometry(Geometry, 4326))",
		"CREATE TABLE " + q + ".children (id int PRIMARY KEY, parent int, wkb bytea, geom geometry(Geometry, 4326))",
	} {
		if _, err := conn.Exec(ctx, sql); err != nil {
			tb.Fatal(err)
		}
	}
	var prow, crow [][]any
	for i, f := range fams {
		prow = append(prow, []any{i, mustWKB(tb, f.Parent.Geometry)})
		for _, c := range f.Children {
			crow = append(crow, []any{len(crow), i, mustWKB(tb, c.Geometry)})
		}
	}
	if _, err := conn.CopyFrom(ctx, pgx.Identifier{schema, "parents"}, []string{"id", "wkb"}, pgx.CopyFromRows(prow)); err != nil {
		tb.Fatal(err)
	}
	if _, err := conn.CopyFrom(ctx, pgx.Identifier{schema, "children"}, []string{"id", "parent", "wkb"}, pgx.CopyFromRows(crow)); err != nil {
		tb.Fatal(err)
	}
	for _, sql := range []string{
		"UPDATE " + q + ".parents SET geom = ST_GeomFromWKB(wkb, 4326), wkb = NULL",
		"UPDATE " + q + ".children SET geom = ST_GeomFromWKB(wkb, 4326), wkb = NULL",
		"CREATE INDEX ON " + q + ".children USING gist (geom)",
		"CREATE INDEX ON " + q + ".children (parent)",
		"ANALYZE " + q + ".parents", "ANALYZE " + q + ".children",
	} {
		if _, err := conn.Exec(ctx, sql); err != nil {
			tb.Fatal(err)
		}
	}
	return conn, q
}

func mustWKB(tb testing.TB, mp orb.MultiPolygon) []byte {
	b, err := wkb.Marshal(mp)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// pgTotals is PostGIS's formulation of the check, on inputs made valid as
// the check makes them (ST_MakeValid, polygons only, when makeValid): per parent the area of
// parent − ST_Union(children) and of ST_Union(children) − parent, and the
// sum over sibling pairs whose boxes meet (the GiST index) of the area of
// their intersection. Parents with id < limit only, when limit > 0;
// without makeValid the inputs are taken as they are.
func pgTotals(ctx context.Context, tb testing.TB, conn *pgx.Conn, q string, limit int, makeValid bool) (gap, outside, overlap float64) {
	tb.Helper()
	where := ""
	if limit > 0 {
		where = fmt.Sprintf(" WHERE p.id < %d", limit)
	}
	mv := func(g string) string { return g }
	if makeValid {
		mv = func(g string) string { return "ST_CollectionExtract(ST_MakeValid(" + g + "), 3)" }
	}
	sql := `WITH u AS (SELECT p.id, ` + mv("p.geom") + ` AS pg, ST_Union(` + mv("c.geom") + `) AS cu
	          FROM ` + q + `.parents p JOIN ` + q + `.children c ON c.parent = p.id` + where + ` GROUP BY p.id, p.geom)
	        SELECT coalesce(sum(ST_Area(ST_Difference(pg, cu)::geography)), 0),
	               coalesce(sum(ST_Area(ST_Difference(cu, pg)::geography)), 0) FROM u`
	if err := conn.QueryRow(ctx, sql).Scan(&gap, &outside); err != nil {
		tb.Fatal(err)
	}
	where = ""
	if limit > 0 {
		where = fmt.Sprintf(" AND a.parent < %d", limit)
	}
	sql = `SELECT coalesce(sum(ST_Area(ST_Intersection(` + mv("a.geom") + `, ` + mv("b.geom") + `)::geography)), 0)
	         FROM ` + q + `.children a JOIN ` + q + `.children b
	           ON a.parent = b.parent AND a.id < b.id AND a.geom && b.geom` + where
	if err := conn.QueryRow(ctx, sql).Scan(&overlap); err != nil {
		tb.Fatal(err)
	}
	return gap, outside, overlap
}
