package tiling

import (
	"fmt"
	"sort"
	"strings"

	"github.com/paulmach/orb"
	"github.com/peterstace/simplefeatures/rtree"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/partition"
)

// tile runs the area rules: against the parent's polygon for children of
// its network, overlaps only for the others.
func (c *checker) tile() error {
	if c.parent == nil {
		return c.overlapsOnly(c.shapes)
	}
	var same, other []*shape
	for _, s := range c.shapes {
		if s.unit.Network == c.parent.Network {
			same = append(same, s)
		} else {
			other = append(other, s)
		}
	}
	if err := c.overlapsOnly(other); err != nil {
		return err
	}
	if !c.parent.Polygonal() || len(c.parent.Geometry) == 0 || !c.polygonal {
		return c.overlapsOnly(same)
	}
	pmp, err := geo.MakeValid(c.parent.Geometry)
	if err != nil {
		return fmt.Errorf("repair parent %s: %w", c.parentCode, err)
	}
	return c.againstParent(geo.OrientRings(pmp), same)
}

// defects collects pieces across cluster boxes.
type defects struct {
	gaps     []gapPiece
	overlaps map[[2]int]orb.MultiPolygon // by pair of shape indices
	outside  map[int]orb.MultiPolygon    // by shape index
}

type gapPiece struct {
	mp    orb.MultiPolygon
	codes []partition.Code // bordering children
}

func (c *checker) againstParent(pmp orb.MultiPolygon, shapes []*shape) error {
	area := geo.Area(pmp)
	sum := &partition.Summary{Parent: c.parentCode, Name: c.parent.Name, Level: c.parent.Level, Children: len(shapes), Area: area, CoveredPct: 100}
	c.summary = sum
	d := defects{overlaps: map[[2]int]orb.MultiPolygon{}, outside: map[int]orb.MultiPolygon{}}
	if net := netBoundary(pmp, shapes); len(net) > 0 {
		tree := shapeTree(shapes)
		for _, box := range clusterBoxes(net) {
			if err := d.inBox(box, pmp, shapes, tree); err != nil {
				return err
			}
		}
	}
	for _, g := range d.gaps {
		a := geo.Area(g.mp)
		sum.Gap += a
		codes := append([]partition.Code{c.parentCode}, g.codes...)
		c.defect(partition.RuleGap, codes, g.mp, a, fmt.Sprintf("gap of %s inside %s, covered by no child", m2(a), c.parentCode), bordering(g.codes))
	}
	if area > 0 {
		sum.CoveredPct = 100 * float64(area-sum.Gap) / float64(area)
	}
	c.outside(d.outside, shapes, sum)
	c.overlaps(d.overlaps, shapes, sum)
	for _, f := range c.findings {
		if f.Severity == partition.SeverityError {
			sum.Errors++
		} else {
			sum.Warnings++
		}
	}
	return nil
}

func bordering(codes []partition.Code) string {
	if len(codes) == 0 {
		return ""
	}
	s := make([]string, len(codes))
	for i, c := range codes {
		s[i] = string(c)
	}
	return ", next to " + strings.Join(s, ", ")
}

func (c *checker) outside(out map[int]orb.MultiPolygon, shapes []*shape, sum *partition.Summary) {
	for _, i := range sortedKeys(out) {
		mp := solid(out[i])
		if len(mp) == 0 {
			continue
		}
		a := geo.Area(mp)
		sum.Outside += a
		u := shapes[i].unit
		c.defect(partition.RuleOutside, []partition.Code{u.Code}, mp, a, fmt.Sprintf("%s has %s outside its parent %s", u.Code, m2(a), c.parentCode), "")
	}
}

func (c *checker) overlaps(ov map[[2]int]orb.MultiPolygon, shapes []*shape, sum *partition.Summary) {
	pairs := make([][2]int, 0, len(ov))
	for p := range ov {
		pairs = append(pairs, p)
	}
	sort.Slice(pairs, func(i, j int) bool {
		return pairs[i][0] < pairs[j][0] || (pairs[i][0] == pairs[j][0] && pairs[i][1] < pairs[j][1])
	})
	for _, p := range pairs {
		mp := solid(ov[p])
		if len(mp) == 0 {
			continue
		}
		a := geo.Area(mp)
		if sum != nil {
			sum.Overlap += a
		}
		x, y := shapes[p[0]].unit.Code, shapes[p[1]].unit.Code
		if y < x {
			x, y = y, x
		}
		c.defect(partition.RuleOverlap, []partition.Code{x, y}, mp, a, fmt.Sprintf("%s and %s overlap by %s", x, y, m2(a)), "")
	}
}

// flat reports whether the overlay left piece with no width in the lon/lat
// plane. Edges are straight in that plane (RFC 7946), so such a piece is no
// defect, although its vertices, joined by geodesics, enclose a sliver: where
// a child's vertex lies on a long straight edge of its parent, the geodesic
// bows away from that edge by about L²·tanφ/8R (10 cm on a 3 km edge).
func flat(piece orb.MultiPolygon) bool { return geo.FlatArea(piece) < noiseArea }

// solid returns the parts of mp that are not flat.
func solid(mp orb.MultiPolygon) orb.MultiPolygon {
	var out orb.MultiPolygon
	for _, p := range mp {
		if !flat(orb.MultiPolygon{p}) {
			out = append(out, p)
		}
	}
	return out
}

// defect adds a gap, overlap or outside finding when its area exceeds the
// tolerance, as an error or, for a sliver, a warning.
func (c *checker) defect(rule partition.Rule, codes []partition.Code, mp orb.MultiPolygon, a geo.SquareMeters, msg, suffix string) {
	if a <= c.opts.AreaTolerance || a < noiseArea {
		return
	}
	w := geo.MeanWidth(mp)
	f := partition.Finding{Rule: rule, Severity: partition.SeverityError, Codes: codes, Area: a, Width: w, Geometry: mp}
	msg += fmt.Sprintf(" (mean width %.2f m)", float64(w))
	if w < c.opts.SliverWidth {
		f.Sliver, f.Severity = true, partition.SeverityWarning
		msg += fmt.Sprintf(", a sliver narrower than %g m", float64(c.opts.SliverWidth))
	}
	f.Message = msg + suffix
	c.add(f)
}

func m2(a geo.SquareMeters) string {
	if a >= 1e6 {
		return fmt.Sprintf("%.3f km²", float64(a)/1e6)
	}
	return fmt.Sprintf("%.2f m²", float64(a))
}

func sortedKeys(m map[int]orb.MultiPolygon) []int {
	ks := make([]int, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Ints(ks)
	return ks
}

func shapeTree(shapes []*shape) *rtree.RTree {
	items := make([]rtree.BulkItem, len(shapes))
	for i, s := range shapes {
		items[i] = rtree.BulkItem{Box: toBox(s.bound), RecordID: i}
	}
	return rtree.BulkLoad(items)
}

// overlapsOnly checks every pair of shapes whose boxes meet.
func (c *checker) overlapsOnly(shapes []*shape) error {
	if len(shapes) < 2 {
		return nil
	}
	tree := shapeTree(shapes)
	ov := map[[2]int]orb.MultiPolygon{}
	for i, s := range shapes {
		err := tree.RangeSearch(toBox(s.bound), func(j int) error {
			if j <= i {
				return nil
			}
			x, err := geo.Intersection(s.mp, shapes[j].mp)
			if err != nil {
				return fmt.Errorf("overlap of %s and %s: %w", s.unit.Code, shapes[j].unit.Code, err)
			}
			if len(x) > 0 {
				ov[[2]int{i, j}] = x
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	c.overlaps(ov, shapes, c.summary)
	return nil
}
