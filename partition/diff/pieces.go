package diff

import (
	"fmt"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/household"
)

// pieces returns the pieces of every level and network, unsorted.
func (c *comparer) pieces() ([]Piece, error) {
	var out []Piece
	for _, k := range keys(c.before, c.after) {
		movedTo := moved(c.after, c.before, k)
		isMoved := make(map[int]bool, len(movedTo))
		for _, j := range movedTo {
			isMoved[j] = true
		}
		for _, i := range moved(c.before, c.after, k) {
			ps, err := c.outgoing(k, i, isMoved)
			if err != nil {
				return nil, err
			}
			out = append(out, ps...)
		}
		for _, j := range movedTo {
			ps, err := c.fromNobody(k, j)
			if err != nil {
				return nil, err
			}
			out = append(out, ps...)
		}
	}
	return out, nil
}

// moved returns the members of a's group k that b does not have with the
// same geometry in its group k: those absent from it, and those whose
// geometry differs (exactly, coordinate for coordinate). Only they can give
// or take area: a unit whose geometry is unchanged meets another's only
// where two units of one state overlap, which is a tiling defect of that
// state, not a change. They are in code order.
func moved(a, b *state, k groupKey) []int {
	var out []int
	g := a.groups[k]
	if g == nil {
		return nil
	}
	for _, i := range g.members {
		j, ok := b.unit(a.units[i].Code, k)
		if !ok || !orb.Equal(a.units[i].Geometry, b.units[j].Geometry) {
			out = append(out, i)
		}
	}
	return out
}

// outgoing returns the pieces that unit i of the earlier state gives away
// in group k: one for each moved unit of the later state that holds part of
// it, and one for the part that no unit of the later state holds.
func (c *comparer) outgoing(k groupKey, i int, movedTo map[int]bool) ([]Piece, error) {
	a, err := c.before.shape(i)
	if err != nil {
		return nil, err
	}
	src := c.before.units[i]
	var out []Piece
	var holders []orb.MultiPolygon
	for _, j := range c.after.near(k, a.bound) {
		if err := c.checkContext(); err != nil {
			return nil, err
		}
		b, err := c.after.shape(j)
		if err != nil {
			return nil, err
		}
		holders = append(holders, b.mp)
		dst := c.after.units[j]
		if dst.Code == src.Code || !movedTo[j] {
			continue
		}
		x, err := geo.Intersection(a.mp, b.mp)
		if err != nil {
			return nil, fmt.Errorf("compare: %s in from with %s in to: %w", src.Code, dst.Code, err)
		}
		out = c.add(out, Piece{From: src.Code, To: dst.Code, Level: k.level, Network: k.network, Geometry: x}, src, a.area)
	}
	rest, err := unheld(a.mp, holders)
	if err != nil {
		return nil, fmt.Errorf("compare: %s in from, the part no unit holds in to: %w", src.Code, err)
	}
	return c.add(out, Piece{From: src.Code, Level: k.level, Network: k.network, Geometry: rest}, src, a.area), nil
}

// fromNobody returns the piece of unit j of the later state that no unit
// of the earlier state held in group k (none when it is within tolerance).
func (c *comparer) fromNobody(k groupKey, j int) ([]Piece, error) {
	if err := c.checkContext(); err != nil {
		return nil, err
	}
	b, err := c.after.shape(j)
	if err != nil {
		return nil, err
	}
	var holders []orb.MultiPolygon
	for _, i := range c.before.near(k, b.bound) {
		a, err := c.before.shape(i)
		if err != nil {
			return nil, err
		}
		holders = append(holders, a.mp)
	}
	dst := c.after.units[j]
	rest, err := unheld(b.mp, holders)
	if err != nil {
		return nil, fmt.Errorf("compare: %s in to, the part no unit held in from: %w", dst.Code, err)
	}
	return c.add(nil, Piece{To: dst.Code, Level: k.level, Network: k.network, Geometry: rest}, nil, 0), nil
}

// unheld is the part of mp that none of holders covers.
func unheld(mp orb.MultiPolygon, holders []orb.MultiPolygon) (orb.MultiPolygon, error) {
	if len(holders) == 0 {
		return mp, nil
	}
	u, err := geo.Union(holders...)
	if err != nil {
		return nil, err
	}
	return geo.Difference(mp, u)
}

// add appends p to out when its area exceeds the tolerance, with its area
// and its households: counted in the layer, or else the share of src's
// (area srcArea) that p's area is, none when p comes from nobody (src nil).
func (c *comparer) add(out []Piece, p Piece, src *partition.Unit, srcArea geo.SquareMeters) []Piece {
	if len(p.Geometry) == 0 {
		return out
	}
	p.Area = geo.Area(p.Geometry)
	if p.Area <= c.opts.AreaTolerance {
		return out
	}
	var t household.Tally
	switch {
	case c.opts.Layer != nil:
		t = c.opts.Layer.In(p.Geometry)
	case src != nil && srcArea > 0:
		t = household.Share(src.Households, src.Population, float64(p.Area/srcArea))
		p.Estimated = true
	default:
		p.Estimated = true
	}
	p.Households, p.Population = t.Households, t.Population
	return append(out, p)
}
