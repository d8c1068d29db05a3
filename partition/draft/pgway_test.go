package draft_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb/encoding/wkb"

	"github.com/wangge/wangge/internal/testdb"
	"github.com/wangge/wangge/partition"
)

// pgWay is the reference for a reassign: the same edit done as PostGIS
// users do it, in SQL, on tables grids(code, community, geom) and
// communities(code, geom) holding the city, in a schema of their own in
// the test database (dropped when the benchmark ends).
type pgWay struct {
	conn *pgx.Conn
	q    string // the schema, quoted
}

// pgEdit is one reassign for the PostGIS way: area (WKB) given to the grid
// to of community.
type pgEdit struct {
	community, to partition.Code
	area          []byte
}

// loadPGWay copies the city's communities and grids (WKB, by COPY) into a
// fresh schema, and indexes them: by code, by community, and GiST.
func loadPGWay(b *testing.B, units []partition.Unit) *pgWay {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, testdb.URL(b))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { conn.Close(context.Background()) })
	schema := testdb.Schema(b, "b_draft_pgway")
	p := &pgWay{conn: conn, q: pgx.Identifier{schema}.Sanitize()}
	var grids, communities [][]any
	for _, u := range units {
		g, err := wkb.Marshal(u.Geometry)
		if err != nil {
			b.Fatal(err)
		}
		switch u.Level {
		case partition.LevelGrid:
			grids = append(grids, []any{string(u.Code), string(u.Parent), g})
		case partition.LevelCommunity:
			communities = append(communities, []any{string(u.Code), g})
		}
	}
	p.exec(b, "CREATE SCHEMA "+p.q,
		"CREATE TABLE "+p.q+".grids (code text PRIMARY KEY, community text NOT NULL, wkb bytea)",
		"CREATE TABLE "+p.q+".communities (code text PRIMARY KEY, wkb bytea)")
	if _, err := conn.CopyFrom(ctx, pgx.Identifier{schema, "grids"}, []string{"code", "community", "wkb"}, pgx.CopyFromRows(grids)); err != nil {
		b.Fatal(err)
	}
	if _, err := conn.CopyFrom(ctx, pgx.Identifier{schema, "communities"}, []string{"code", "wkb"}, pgx.CopyFromRows(communities)); err != nil {
		b.Fatal(err)
	}
	for _, t := range []string{"grids", "communities"} {
		p.exec(b, "ALTER TABLE "+p.q+"."+t+" ADD COLUMN geom geometry(MultiPolygon, 4490)",
			"UPDATE "+p.q+"."+t+" SET geom = ST_GeomFromWKB(wkb, 4490)",
			"ALTER TABLE "+p.q+"."+t+" DROP COLUMN wkb",
			"VACUUM FULL "+p.q+"."+t)
	}
	p.exec(b, "CREATE INDEX ON "+p.q+".grids USING gist (geom)", "CREATE INDEX ON "+p.q+".grids (community)",
		"ANALYZE "+p.q+".grids", "ANALYZE "+p.q+".communities")
	return p
}

func (p *pgWay) exec(b *testing.B, qs ...string) {
	for _, q := range qs {
		if _, err := p.conn.Exec(context.Background(), q); err != nil {
			b.Fatalf("%s: %v", q, err)
		}
	}
}

// reassign does e in one transaction: the receiver takes the union of its
// geometry with the area, the siblings that the area meets lose it, and
// the community is checked again (the areas of its children's overlaps,
// pairs that intersect beyond touching, and of its gap, the community less
// the union of its children). It returns how long that took, and an error
// when the check finds more than 1 m² of either: the edit went wrong.
func (p *pgWay) reassign(ctx context.Context, e pgEdit) (time.Duration, error) {
	start := time.Now()
	tx, err := p.conn.Begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, "UPDATE "+p.q+".grids SET geom = ST_Multi(ST_Union(geom, ST_GeomFromWKB($2, 4490))) WHERE code = $1",
		string(e.to), e.area); err != nil {
		return 0, fmt.Errorf("postgis way: grow %s: %w", e.to, err)
	}
	if _, err := tx.Exec(ctx, "UPDATE "+p.q+".grids SET geom = ST_Multi(ST_Difference(geom, ST_GeomFromWKB($3, 4490))) "+
		"WHERE community = $1 AND code <> $2 AND ST_Intersects(geom, ST_GeomFromWKB($3, 4490))",
		string(e.community), string(e.to), e.area); err != nil {
		return 0, fmt.Errorf("postgis way: shrink the siblings of %s: %w", e.to, err)
	}
	var overlap, gap float64
	if err := tx.QueryRow(ctx, `SELECT
		  (SELECT coalesce(sum(ST_Area(ST_Intersection(a.geom, b.geom)::geography)), 0)
		     FROM `+p.q+`.grids a JOIN `+p.q+`.grids b ON b.community = a.community AND a.code < b.code
		      AND ST_Intersects(a.geom, b.geom) AND NOT ST_Touches(a.geom, b.geom)
		    WHERE a.community = $1),
		  (SELECT coalesce(ST_Area(ST_Difference(c.geom, (SELECT ST_Union(geom) FROM `+p.q+`.grids WHERE community = $1))::geography), 0)
		     FROM `+p.q+`.communities c WHERE c.code = $1)`, string(e.community)).Scan(&overlap, &gap); err != nil {
		return 0, fmt.Errorf("postgis way: check %s: %w", e.community, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, err
	}
	took := time.Since(start)
	if overlap > 1 || gap > 1 {
		return took, fmt.Errorf("postgis way: after giving an area to %s, community %s has %.3f m² of overlaps and %.3f m² of gap", e.to, e.community, overlap, gap)
	}
	return took, nil
}
