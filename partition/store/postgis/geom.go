package postgis

import (
	"encoding/binary"
	"fmt"

	"github.com/paulmach/orb"
	"github.com/twpayne/go-geom"
	"github.com/twpayne/go-geom/encoding/ewkb"
)

// SRID is the spatial reference of every stored geometry: CGCS2000 lon/lat.
const SRID = 4490

// encodeGeometry returns mp as little-endian EWKB with SRID 4490, or nil for
// a unit without geometry. Coordinates are copied as they are: no ring is
// reoriented, closed or deduplicated.
func encodeGeometry(mp orb.MultiPolygon) ([]byte, error) {
	if mp == nil {
		return nil, nil
	}
	g, err := toGeom(mp)
	if err != nil {
		return nil, err
	}
	b, err := ewkb.Marshal(g, binary.LittleEndian)
	if err != nil {
		return nil, fmt.Errorf("encode ewkb: %w", err)
	}
	return b, nil
}

// decodeGeometry turns EWKB from PostGIS into a multipolygon; nil bytes
// (SQL NULL) give a nil geometry.
func decodeGeometry(b []byte) (orb.MultiPolygon, error) {
	if b == nil {
		return nil, nil
	}
	t, err := ewkb.Unmarshal(b)
	if err != nil {
		return nil, fmt.Errorf("decode ewkb: %w", err)
	}
	g, ok := t.(*geom.MultiPolygon)
	if !ok {
		return nil, fmt.Errorf("decode ewkb: got a %T, want a MultiPolygon", t)
	}
	if g.SRID() != SRID {
		return nil, fmt.Errorf("decode ewkb: got SRID %d, want %d", g.SRID(), SRID)
	}
	return fromGeom(g)
}

// toGeom converts an orb multipolygon to a go-geom one with SRID 4490.
func toGeom(mp orb.MultiPolygon) (*geom.MultiPolygon, error) {
	n := 0
	for _, p := range mp {
		for _, r := range p {
			n += len(r)
		}
	}
	flat := make([]float64, 0, 2*n)
	endss := make([][]int, len(mp))
	for i, p := range mp {
		if len(p) == 0 {
			return nil, fmt.Errorf("polygon %d has no rings", i)
		}
		ends := make([]int, len(p))
		for j, r := range p {
			for _, pt := range r {
				flat = append(flat, pt[0], pt[1])
			}
			ends[j] = len(flat)
		}
		endss[i] = ends
	}
	return geom.NewMultiPolygonFlat(geom.XY, flat, endss).SetSRID(SRID), nil
}

// fromGeom converts a go-geom multipolygon to orb, dropping any Z or M.
func fromGeom(g *geom.MultiPolygon) (orb.MultiPolygon, error) {
	stride := g.Stride()
	if stride < 2 {
		return nil, fmt.Errorf("geometry has %d dimensions, want at least 2", stride)
	}
	flat := g.FlatCoords()
	endss := g.Endss()
	mp := make(orb.MultiPolygon, len(endss))
	start := 0
	for i, ends := range endss {
		p := make(orb.Polygon, len(ends))
		for j, end := range ends {
			r := make(orb.Ring, 0, (end-start)/stride)
			for k := start; k < end; k += stride {
				r = append(r, orb.Point{flat[k], flat[k+1]})
			}
			p[j] = r
			start = end
		}
		mp[i] = p
	}
	return mp, nil
}
