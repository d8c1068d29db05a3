package testdb

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
)

// GeographyArea is the area of g on the ellipsoid by PostGIS
// (ST_Area of geography, lon/lat on WGS84 — CGCS2000 agrees to
// centimetres): the independent oracle of an expected defect area.
func GeographyArea(t testing.TB, g orb.Geometry) float64 {
	t.Helper()
	ctx := context.Background()
	c, err := pgx.Connect(ctx, URL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	b, err := wkb.Marshal(g)
	if err != nil {
		t.Fatal(err)
	}
	var a float64
	if err := c.QueryRow(ctx, "SELECT ST_Area(ST_GeomFromWKB($1, 4326)::geography)", b).Scan(&a); err != nil {
		t.Fatal(err)
	}
	return a
}
