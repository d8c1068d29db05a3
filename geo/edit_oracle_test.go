package geo

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/paulmach/orb/geojson"

	"github.com/wangge/wangge/internal/shareddata"
)

// district is one feature of a real boundary file, made valid (two of
// Nanjing's districts are not).
type district struct {
	name string
	mp   orb.MultiPolygon
}

// readDistricts reads the features of one file of the shared boundaries.
func readDistricts(tb testing.TB, file string) []district {
	tb.Helper()
	data, err := os.ReadFile(shareddata.Boundary(tb, file))
	if err != nil {
		tb.Fatal(err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(data)
	if err != nil {
		tb.Fatalf("parse %s: %v", file, err)
	}
	out := make([]district, 0, len(fc.Features))
	for _, f := range fc.Features {
		mp, ok := f.Geometry.(orb.MultiPolygon)
		if !ok {
			tb.Fatalf("%s: %s is a %s, want a MultiPolygon", file, f.Properties["name"], f.Geometry.GeoJSONType())
		}
		if mp, err = MakeValid(mp); err != nil {
			tb.Fatalf("%s: make %s valid: %v", file, f.Properties["name"], err)
		}
		out = append(out, district{name: fmt.Sprint(f.Properties["name"]), mp: mp})
	}
	return out
}

// randomLine is a line of n vertices whose ends lie on the box b widened
// by a tenth on every side and whose inner vertices lie in b.
func randomLine(rng *rand.Rand, b orb.Bound, n int) orb.LineString {
	w, h := b.Max[0]-b.Min[0], b.Max[1]-b.Min[1]
	outer := orb.Bound{Min: orb.Point{b.Min[0] - w/10, b.Min[1] - h/10}, Max: orb.Point{b.Max[0] + w/10, b.Max[1] + h/10}}
	onBox := func() orb.Point {
		x := outer.Min[0] + rng.Float64()*(outer.Max[0]-outer.Min[0])
		y := outer.Min[1] + rng.Float64()*(outer.Max[1]-outer.Min[1])
		switch rng.IntN(4) {
		case 0:
			return orb.Point{x, outer.Min[1]}
		case 1:
			return orb.Point{outer.Max[0], y}
		case 2:
			return orb.Point{x, outer.Max[1]}
		}
		return orb.Point{outer.Min[0], y}
	}
	line := orb.LineString{onBox()}
	for range n - 2 {
		line = append(line, orb.Point{b.Min[0] + rng.Float64()*w, b.Min[1] + rng.Float64()*h})
	}
	return append(line, onBox())
}

// piece is one polygon of ST_Split's answer: its ST_Area(geography) and
// ST_PointOnSurface.
type piece struct {
	area float64
	at   orb.Point
}

func postgisSplit(ctx context.Context, t *testing.T, conn *pgx.Conn, mp orb.MultiPolygon, line orb.LineString) []piece {
	t.Helper()
	g, err := wkb.Marshal(mp)
	if err != nil {
		t.Fatal(err)
	}
	l, err := wkb.Marshal(line)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := conn.Query(ctx, `SELECT ST_Area(d.geom::geography), ST_X(p), ST_Y(p)
		FROM ST_Dump(ST_Split(ST_GeomFromWKB($1, 4326), ST_GeomFromWKB($2, 4326))) d,
		LATERAL ST_PointOnSurface(d.geom) p`, g, l)
	if err != nil {
		t.Fatalf("ST_Split: %v", err)
	}
	pieces, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (piece, error) {
		var pc piece
		err := r.Scan(&pc.area, &pc.at[0], &pc.at[1])
		return pc, err
	})
	if err != nil {
		t.Fatalf("ST_Split: %v", err)
	}
	return pieces
}

// TestSplitByLinePostGIS splits the real districts of Zhoushan and Nanjing
// by random straight lines and 3-vertex polylines across their bounding
// boxes and compares each side with ST_Split's pieces on that side
// (PostGIS does not say which side a piece is on: a piece is put where its
// ST_PointOnSurface falls, and for a straight line that must also be the
// side Orient gives).
func TestSplitByLinePostGIS(t *testing.T) {
	conn, ctx := postgis(t)
	rng := rand.New(rand.NewPCG(7, 11))
	cuts, misses, worstSide, worstSum := 0, 0, 0.0, 0.0
	for _, file := range []string{"330900_zhoushan_children_detailed.geojson", "320100_nanjing_full.geojson"} {
		for _, d := range readDistricts(t, file) {
			for trial := range 12 {
				line := randomLine(rng, d.mp.Bound(), 2+trial%2)
				left, right, err := SplitByLine(d.mp, line)
				if errors.Is(err, ErrNoCut) {
					misses++
					continue
				}
				if err != nil {
					t.Errorf("%s, line %v: %v", d.name, line, err)
					continue
				}
				cuts++
				checkSides(t, d.mp, left, right)
				wl, wr := sidesOfPieces(t, postgisSplit(ctx, t, conn, d.mp, line), left, right, line)
				gl, gr := float64(Area(left)), float64(Area(right))
				worstSide = max(worstSide, relErr(gl, wl), relErr(gr, wr))
				if relErr(gl, wl) > 1e-6 || relErr(gr, wr) > 1e-6 {
					t.Errorf("%s, line %v: got sides of %.3f and %.3f m², ST_Split %.3f and %.3f m²", d.name, line, gl, gr, wl, wr)
				}
				worstSum = max(worstSum, relErr(gl+gr, float64(Area(d.mp))))
			}
		}
	}
	t.Logf("%d cuts (%d lines missed), worst relative difference of a side from ST_Split's %.2g; "+
		"of the sides' Area sum from the district's own %.2g (the cut points split geodesic edges; see checkSides)", cuts, misses, worstSide, worstSum)
	if cuts < 100 {
		t.Errorf("only %d lines cut a district, want at least 100", cuts)
	}
}

// sidesOfPieces sums the areas of ST_Split's pieces by the side of ours
// that holds their inner point.
func sidesOfPieces(t *testing.T, pieces []piece, left, right orb.MultiPolygon, line orb.LineString) (l, r float64) {
	t.Helper()
	for _, pc := range pieces {
		inL, inR := MultiPolygonContains(left, pc.at), MultiPolygonContains(right, pc.at)
		if inL == inR {
			t.Errorf("ST_Split piece of %.3f m² with inner point %v: in left %v, in right %v", pc.area, pc.at, inL, inR)
			continue
		}
		if len(line) == 2 && (Orient(line[0], line[1], pc.at) > 0) != inL {
			t.Errorf("ST_Split piece of %.3f m² at %v: on the wrong side of the straight line", pc.area, pc.at)
		}
		if inL {
			l += pc.area
		} else {
			r += pc.area
		}
	}
	return l, r
}

// TestSharedBorderPostGIS compares SharedBorder with the length of the
// linear part of ST_Intersection(ST_Boundary(a), ST_Boundary(b)) over every
// pair of districts of Nanjing and of Zhoushan (whose neighbours share
// their edges), within 0.1% + 1 m.
func TestSharedBorderPostGIS(t *testing.T) {
	conn, ctx := postgis(t)
	touching, worst := 0, 0.0
	for _, file := range []string{"320100_nanjing_full.geojson", "330900_zhoushan_full.geojson"} {
		ds := readDistricts(t, file)
		for i := range ds {
			for j := i + 1; j < len(ds); j++ {
				got := float64(SharedBorder(ds[i].mp, ds[j].mp))
				want := postgisSharedBorder(ctx, t, conn, ds[i].mp, ds[j].mp)
				worst = max(worst, math.Abs(got-want))
				if math.Abs(got-want) > 0.001*want+1 {
					t.Errorf("%s / %s: got %.3f m, PostGIS %.3f m", ds[i].name, ds[j].name, got, want)
				}
				if Touches(ds[i].mp, ds[j].mp) != (got > 0) {
					t.Errorf("%s / %s: Touches is %v with a shared border of %.3f m", ds[i].name, ds[j].name, !(got > 0), got)
				}
				if want > 0 {
					touching++
				}
			}
		}
	}
	if touching < 20 {
		t.Errorf("only %d pairs of districts share a border, want at least 20", touching)
	}
	t.Logf("%d neighbouring pairs; worst difference from PostGIS %.2g m", touching, worst)
}

func postgisSharedBorder(ctx context.Context, t *testing.T, conn *pgx.Conn, a, b orb.MultiPolygon) float64 {
	t.Helper()
	wa, err := wkb.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	wb, err := wkb.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	var length float64
	err = conn.QueryRow(ctx, `SELECT COALESCE(ST_Length(ST_CollectionExtract(ST_Intersection(
		ST_Boundary(ST_GeomFromWKB($1, 4326)), ST_Boundary(ST_GeomFromWKB($2, 4326))), 2)::geography), 0)`, wa, wb).Scan(&length)
	if err != nil {
		t.Fatalf("shared border in PostGIS: %v", err)
	}
	return length
}
