package router

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"github.com/wangge/wangge/internal/synth"
	"github.com/wangge/wangge/internal/testdb"
	"github.com/wangge/wangge/partition"
)

// TestPostGISCovers: 100,000 points (uniform, on vertices, on edges)
// against ST_Covers over the cells of a 20,000-cell synth tiling loaded
// into PostGIS. A point on the
// tiling's east or north outline, outside by the boundary rule, resolves
// exactly to the unit whose outline it is on. Where PostGIS finds one cell, ours must be it; where it
// finds several (a point on a shared edge or vertex), ours must be exactly
// one of them; where it finds none, ours must find none.
func TestPostGISCovers(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	units := synthUnits(synth.Options{Origin: orb.Point{121.9, 30.5}, CellDeg: 0.005, Cols: 200, Rows: 100, BlockCols: 10, BlockRows: 10, EdgeVertices: 13, Jitter: 0.2, Seed: 5})
	var cells []partition.Unit
	for _, u := range units {
		if u.Level == partition.LevelGrid {
			cells = append(cells, u)
		}
	}
	ix, err := New(partition.Version{Number: 1}, cells, Options{})
	if err != nil {
		t.Fatal(err)
	}
	pts := testPoints(cells, 100_000, 9)
	schema := testdb.Schema(t, "t_covers")
	conn, err := pgx.Connect(ctx, testdb.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	covers, err := coversInPostGIS(ctx, conn, schema, cells, pts)
	if err != nil {
		t.Fatal(err)
	}
	var bad []string
	multi := 0
	for i, p := range pts {
		r := ix.Route(p)
		var got partition.Code
		if u := r.Unit(); u != nil && !r.Approximate {
			got = u.Code
		}
		want := covers[i]
		if len(want) > 1 {
			multi++
		}
		ok := (len(want) == 0 && got == "") || (len(want) > 0 && slices.Contains(want, string(got)))
		if !ok && len(bad) < 10 {
			bad = append(bad, fmt.Sprintf("point %d %v: got %q, PostGIS covers %v", i, p, got, want))
		}
	}
	if len(bad) > 0 {
		t.Fatalf("disagreements with ST_Covers: %v", bad)
	}
	t.Logf("%d points agree with ST_Covers, %d of them on a shared edge or vertex", len(pts), multi)
}

func coversInPostGIS(ctx context.Context, conn *pgx.Conn, schema string, cells []partition.Unit, pts []orb.Point) (map[int][]string, error) {
	s := pgx.Identifier{schema}.Sanitize()
	for _, q := range []string{
		"CREATE SCHEMA " + s,
		"CREATE TABLE " + s + ".cells (code text, wkt text)",
		"CREATE TABLE " + s + ".pts (i int, x float8, y float8)",
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			return nil, fmt.Errorf("%s: %w", q, err)
		}
	}
	_, err := conn.CopyFrom(ctx, pgx.Identifier{schema, "cells"}, []string{"code", "wkt"}, pgx.CopyFromSlice(len(cells), func(i int) ([]any, error) {
		return []any{string(cells[i].Code), wkt(cells[i].Geometry)}, nil
	}))
	if err != nil {
		return nil, fmt.Errorf("copy cells: %w", err)
	}
	_, err = conn.CopyFrom(ctx, pgx.Identifier{schema, "pts"}, []string{"i", "x", "y"}, pgx.CopyFromSlice(len(pts), func(i int) ([]any, error) {
		return []any{i, pts[i][0], pts[i][1]}, nil
	}))
	if err != nil {
		return nil, fmt.Errorf("copy points: %w", err)
	}
	for _, q := range []string{
		"ALTER TABLE " + s + ".cells ADD COLUMN geom geometry",
		"UPDATE " + s + ".cells SET geom = ST_GeomFromText(wkt, 4490)",
		"CREATE INDEX ON " + s + ".cells USING gist (geom)",
		"ALTER TABLE " + s + ".pts ADD COLUMN geom geometry",
		"UPDATE " + s + ".pts SET geom = ST_SetSRID(ST_MakePoint(x, y), 4490)",
		"ANALYZE " + s + ".cells", "ANALYZE " + s + ".pts",
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			return nil, fmt.Errorf("%s: %w", q, err)
		}
	}
	rows, err := conn.Query(ctx, "SELECT p.i, c.code FROM "+s+".pts p JOIN "+s+".cells c ON ST_Covers(c.geom, p.geom)")
	if err != nil {
		return nil, fmt.Errorf("covers: %w", err)
	}
	out := map[int][]string{}
	var i int
	var code string
	_, err = pgx.ForEachRow(rows, []any{&i, &code}, func() error { out[i] = append(out[i], code); return nil })
	if err != nil {
		return nil, fmt.Errorf("covers: %w", err)
	}
	return out, nil
}

// wkt writes a multipolygon with every coordinate in its shortest exact
// decimal form, so PostGIS reads back the very same doubles.
func wkt(mp orb.MultiPolygon) string {
	var b strings.Builder
	b.WriteString("MULTIPOLYGON(")
	for i, pg := range mp {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('(')
		for j, r := range pg {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('(')
			for k, p := range r {
				if k > 0 {
					b.WriteByte(',')
				}
				b.WriteString(strconv.FormatFloat(p[0], 'g', -1, 64) + " " + strconv.FormatFloat(p[1], 'g', -1, 64))
			}
			b.WriteByte(')')
		}
		b.WriteByte(')')
	}
	b.WriteByte(')')
	return b.String()
}
