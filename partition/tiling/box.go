package tiling

import (
	"fmt"
	"sort"

	"github.com/paulmach/orb"
	"github.com/peterstace/simplefeatures/rtree"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/partition"
)

// clipTo returns the part of mp inside box, mp itself when it lies inside.
func clipTo(mp orb.MultiPolygon, bound, box orb.Bound) (orb.MultiPolygon, error) {
	if box.Contains(bound.Min) && box.Contains(bound.Max) {
		return mp, nil
	}
	if !box.Intersects(bound) {
		return nil, nil
	}
	return geo.Clip(mp, box)
}

// inBox computes the defects inside one cluster box: the gap pieces
// (parent − ∪ children), each child's part outside the parent, and the
// overlap of each pair of children, all clipped to the box. No defect
// crosses the box's edge (see clusterBoxes), so nothing is cut in two.
func (d *defects) inBox(box orb.Bound, pmp orb.MultiPolygon, shapes []*shape, tree *rtree.RTree) error {
	var local []int
	_ = tree.RangeSearch(toBox(box), func(i int) error { local = append(local, i); return nil })
	sort.Ints(local)
	pb, err := clipTo(pmp, pmp.Bound(), box)
	if err != nil {
		return fmt.Errorf("clip parent: %w", err)
	}
	clipped := make([]orb.MultiPolygon, len(local))
	for k, i := range local {
		if clipped[k], err = clipTo(shapes[i].mp, shapes[i].bound, box); err != nil {
			return fmt.Errorf("clip %s: %w", shapes[i].unit.Code, err)
		}
	}
	if err := d.gapsIn(pb, clipped, local, shapes); err != nil {
		return err
	}
	for k, i := range local {
		if len(clipped[k]) == 0 {
			continue
		}
		out, err := geo.Difference(clipped[k], pb)
		if err != nil {
			return fmt.Errorf("part of %s outside: %w", shapes[i].unit.Code, err)
		}
		if len(out) > 0 {
			d.outside[i] = append(d.outside[i], out...)
		}
	}
	return d.overlapsIn(clipped, local, shapes)
}

func (d *defects) gapsIn(pb orb.MultiPolygon, clipped []orb.MultiPolygon, local []int, shapes []*shape) error {
	if len(pb) == 0 {
		return nil
	}
	cover, err := geo.Union(clipped...)
	if err != nil {
		return fmt.Errorf("union of %d children: %w", len(clipped), err)
	}
	gap := pb
	if len(cover) > 0 {
		if gap, err = geo.Difference(pb, cover); err != nil {
			return fmt.Errorf("gap: %w", err)
		}
	}
	for _, p := range gap {
		piece := orb.MultiPolygon{p}
		if geo.Area(piece) < noiseArea || flat(piece) {
			continue
		}
		b := piece.Bound()
		var codes []partition.Code
		for k, i := range local {
			if len(clipped[k]) > 0 && b.Intersects(shapes[i].bound) && borders(piece, clipped[k]) {
				codes = append(codes, shapes[i].unit.Code)
			}
		}
		sort.Slice(codes, func(x, y int) bool { return codes[x] < codes[y] })
		d.gaps = append(d.gaps, gapPiece{mp: piece, codes: codes})
	}
	return nil
}

func (d *defects) overlapsIn(clipped []orb.MultiPolygon, local []int, shapes []*shape) error {
	for a := range local {
		if len(clipped[a]) == 0 {
			continue
		}
		ba := clipped[a].Bound()
		for b := a + 1; b < len(local); b++ {
			if len(clipped[b]) == 0 || !ba.Intersects(clipped[b].Bound()) {
				continue
			}
			x, err := geo.Intersection(clipped[a], clipped[b])
			if err != nil {
				return fmt.Errorf("overlap of %s and %s: %w", shapes[local[a]].unit.Code, shapes[local[b]].unit.Code, err)
			}
			if len(x) > 0 {
				key := [2]int{local[a], local[b]}
				d.overlaps[key] = append(d.overlaps[key], x...)
			}
		}
	}
	return nil
}

// onEdge is how far (degrees, about 0.1 mm) the midpoint of a gap piece's
// edge may be from a child's edge that it was cut from.
const onEdge = 1e-9

// borders reports whether the gap piece shares a stretch of boundary with
// the child (not just a point, as a diagonal neighbour does): some edge of
// the piece has its midpoint on an edge of the child.
func borders(piece, child orb.MultiPolygon) bool {
	cb := child.Bound().Pad(onEdge)
	for _, p := range piece {
		for _, r := range p {
			for k := 0; k+1 < len(r); k++ {
				m := orb.Point{(r[k][0] + r[k+1][0]) / 2, (r[k][1] + r[k+1][1]) / 2}
				if cb.Contains(m) && nearBoundary(child, m) {
					return true
				}
			}
		}
	}
	return false
}

func nearBoundary(mp orb.MultiPolygon, m orb.Point) bool {
	for _, p := range mp {
		for _, r := range p {
			for k := 0; k+1 < len(r); k++ {
				if segmentDist2(r[k], r[k+1], m) <= onEdge*onEdge {
					return true
				}
			}
		}
	}
	return false
}

// segmentDist2 is the squared planar distance from p to segment a–b.
func segmentDist2(a, b, p orb.Point) float64 {
	dx, dy := b[0]-a[0], b[1]-a[1]
	t := 0.0
	if l := dx*dx + dy*dy; l > 0 {
		t = max(0, min(1, ((p[0]-a[0])*dx+(p[1]-a[1])*dy)/l))
	}
	ex, ey := a[0]+t*dx-p[0], a[1]+t*dy-p[1]
	return ex*ex + ey*ey
}
