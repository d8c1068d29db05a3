package geo

import (
	"fmt"

	"github.com/paulmach/orb"
	sf "github.com/peterstace/simplefeatures/geom"
)

// toSF converts a multipolygon to simplefeatures without validating it.
func toSF(mp orb.MultiPolygon) sf.MultiPolygon {
	polys := make([]sf.Polygon, 0, len(mp))
	for _, p := range mp {
		polys = append(polys, polygonToSF(p))
	}
	return sf.NewMultiPolygon(polys)
}

func polygonToSF(p orb.Polygon) sf.Polygon {
	rings := make([]sf.LineString, len(p))
	for j, r := range p {
		flat := make([]float64, 0, 2*len(r))
		for _, pt := range r {
			flat = append(flat, pt[0], pt[1])
		}
		rings[j] = sf.NewLineString(sf.NewSequence(flat, sf.DimXY))
	}
	return sf.NewPolygon(rings)
}

// fromSF keeps the polygonal parts of g (an overlay result may hold lines
// and points where inputs touch) as an orb multipolygon.
func fromSF(g sf.Geometry) (orb.MultiPolygon, error) {
	var out orb.MultiPolygon
	switch g.Type() {
	case sf.TypePolygon:
		p := g.MustAsPolygon()
		if !p.IsEmpty() {
			out = append(out, polygonFromSF(p))
		}
	case sf.TypeMultiPolygon:
		m := g.MustAsMultiPolygon()
		for i := 0; i < m.NumPolygons(); i++ {
			if p := m.PolygonN(i); !p.IsEmpty() {
				out = append(out, polygonFromSF(p))
			}
		}
	case sf.TypeGeometryCollection:
		c := g.MustAsGeometryCollection()
		for i := 0; i < c.NumGeometries(); i++ {
			part, err := fromSF(c.GeometryN(i))
			if err != nil {
				return nil, err
			}
			out = append(out, part...)
		}
	case sf.TypePoint, sf.TypeMultiPoint, sf.TypeLineString, sf.TypeMultiLineString:
	default:
		return nil, fmt.Errorf("unexpected overlay result type %s", g.Type())
	}
	return out, nil
}

func polygonFromSF(p sf.Polygon) orb.Polygon {
	out := make(orb.Polygon, 0, p.NumRings())
	for i := 0; i < p.NumRings(); i++ {
		var ls sf.LineString
		if i == 0 {
			ls = p.ExteriorRing()
		} else {
			ls = p.InteriorRingN(i - 1)
		}
		seq := ls.Coordinates()
		r := make(orb.Ring, seq.Length())
		for k := range r {
			xy := seq.GetXY(k)
			r[k] = orb.Point{xy.X, xy.Y}
		}
		out = append(out, r)
	}
	return out
}
