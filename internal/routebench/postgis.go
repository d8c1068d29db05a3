package routebench

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"github.com/wangge/wangge/partition"
)

// PostGIS is the reference tiling and the points loaded into a schema of
// their own: cells(code, geom) with a GiST index and pts(i, geom).
type PostGIS struct {
	Pool   *pgxpool.Pool
	Schema string
	// IndexBuild is how long CREATE INDEX … USING gist took; Bytes is the
	// cells table with its indexes (pg_total_relation_size).
	IndexBuild time.Duration
	Bytes      int64
}

// Load copies the cells (as WKB, in binary COPY) and the points into
// schema, which it creates, then indexes and analyses them.
func Load(ctx context.Context, pool *pgxpool.Pool, schema string, cells []partition.Unit, pts []orb.Point) (*PostGIS, error) {
	pg := &PostGIS{Pool: pool, Schema: schema}
	s := pgx.Identifier{schema}.Sanitize()
	if err := pg.exec(ctx, "CREATE SCHEMA "+s,
		"CREATE TABLE "+s+".cells (code text, wkb bytea)",
		"CREATE TABLE "+s+".pts (i int, x float8, y float8)"); err != nil {
		return nil, err
	}
	_, err := pool.CopyFrom(ctx, pgx.Identifier{schema, "cells"}, []string{"code", "wkb"}, pgx.CopyFromSlice(len(cells), func(i int) ([]any, error) {
		b, err := wkb.Marshal(cells[i].Geometry)
		return []any{string(cells[i].Code), b}, err
	}))
	if err != nil {
		return nil, fmt.Errorf("copy cells: %w", err)
	}
	_, err = pool.CopyFrom(ctx, pgx.Identifier{schema, "pts"}, []string{"i", "x", "y"}, pgx.CopyFromSlice(len(pts), func(i int) ([]any, error) {
		return []any{i, pts[i][0], pts[i][1]}, nil
	}))
	if err != nil {
		return nil, fmt.Errorf("copy points: %w", err)
	}
	if err := pg.exec(ctx,
		"ALTER TABLE "+s+".cells ADD COLUMN geom geometry(MultiPolygon, 4490)",
		"UPDATE "+s+".cells SET geom = ST_GeomFromWKB(wkb, 4490)",
		"ALTER TABLE "+s+".cells DROP COLUMN wkb",
		"VACUUM FULL "+s+".cells",
		"ALTER TABLE "+s+".pts ADD COLUMN geom geometry(Point, 4490)",
		"UPDATE "+s+".pts SET geom = ST_SetSRID(ST_MakePoint(x, y), 4490)"); err != nil {
		return nil, err
	}
	start := time.Now()
	if err := pg.exec(ctx, "CREATE INDEX ON "+s+".cells USING gist (geom)"); err != nil {
		return nil, err
	}
	pg.IndexBuild = time.Since(start)
	if err := pg.exec(ctx, "ANALYZE "+s+".cells", "ANALYZE "+s+".pts"); err != nil {
		return nil, err
	}
	if err := pool.QueryRow(ctx, "SELECT pg_total_relation_size($1::regclass)", schema+".cells").Scan(&pg.Bytes); err != nil {
		return nil, fmt.Errorf("size of cells: %w", err)
	}
	return pg, nil
}

func (pg *PostGIS) exec(ctx context.Context, qs ...string) error {
	for _, q := range qs {
		if _, err := pg.Pool.Exec(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	return nil
}

// Join runs the set-based join of every point with the cells covering it,
// reading every row, and returns the points per second.
func (pg *PostGIS) Join(ctx context.Context, n int) (float64, error) {
	s := pgx.Identifier{pg.Schema}.Sanitize()
	start := time.Now()
	rows, err := pg.Pool.Query(ctx, "SELECT p.i, c.code FROM "+s+".pts p JOIN "+s+".cells c ON ST_Covers(c.geom, p.geom)")
	if err != nil {
		return 0, fmt.Errorf("join: %w", err)
	}
	var i int
	var code string
	if _, err := pgx.ForEachRow(rows, []any{&i, &code}, func() error { return nil }); err != nil {
		return 0, fmt.Errorf("join: %w", err)
	}
	return float64(n) / time.Since(start).Seconds(), nil
}

// PerPoint asks for each point's cells with one ST_Covers query per point
// (a prepared statement) from clients connections for about d, and
// returns the points per second.
func (pg *PostGIS) PerPoint(ctx context.Context, pts []orb.Point, clients int, d time.Duration) (float64, error) {
	q := "SELECT code FROM " + pgx.Identifier{pg.Schema}.Sanitize() + ".cells WHERE ST_Covers(geom, ST_SetSRID(ST_MakePoint($1, $2), 4490))"
	var mu sync.Mutex
	var total int
	var firstErr error
	var wg sync.WaitGroup
	start := time.Now()
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := pg.perPointClient(ctx, q, pts, c, clients, start.Add(d))
			mu.Lock()
			defer mu.Unlock()
			total += n
			if err != nil && firstErr == nil {
				firstErr = err
			}
		}()
	}
	wg.Wait()
	return float64(total) / time.Since(start).Seconds(), firstErr
}

func (pg *PostGIS) perPointClient(ctx context.Context, q string, pts []orb.Point, c, clients int, until time.Time) (int, error) {
	conn, err := pg.Pool.Acquire(ctx)
	if err != nil {
		return 0, fmt.Errorf("acquire: %w", err)
	}
	defer conn.Release()
	n := 0
	var code string
	for i := c; time.Now().Before(until); i += clients {
		p := pts[i%len(pts)]
		rows, err := conn.Query(ctx, q, p[0], p[1])
		if err != nil {
			return n, fmt.Errorf("point %d: %w", i, err)
		}
		if _, err := pgx.ForEachRow(rows, []any{&code}, func() error { return nil }); err != nil {
			return n, fmt.Errorf("point %d: %w", i, err)
		}
		n++
	}
	return n, nil
}
