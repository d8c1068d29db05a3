package main

import (
	"fmt"
	"math"
	"sort"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
)

// piece is one child of a division: its polygon and the households in it.
type piece struct {
	Geometry   orb.MultiPolygon
	Households []household
}

// bisect divides mp and the households in it into len(shares) pieces whose
// household totals are as nearly proportional to shares as whole building
// entrances allow. It is recursive bisection by straight cuts: the
// children are split into two halves, the households are sorted along the
// longer side of their extent (measured on the ground), and the polygon is
// cut, by a meridian or a parallel halfway between two entrances, where
// the running total reaches the first half's share; both halves are then
// divided again. The two sides of a cut come from one overlay input, so
// siblings share their edges vertex for vertex; no household lies on a
// cut. Pieces are in the order of the recursion: west before east, south
// before north at each cut.
func bisect(mp orb.MultiPolygon, hs []household, shares []int) ([]piece, error) {
	if len(shares) == 1 {
		return []piece{{Geometry: mp, Households: hs}}, nil
	}
	h := len(shares) / 2
	left, all := 0, 0
	for i, s := range shares {
		all += s
		if i < h {
			left += s
		}
	}
	axis, c, lo, hi, err := cutLine(hs, float64(left)/float64(all))
	if err != nil {
		return nil, err
	}
	below, above, err := cutAt(mp, axis, c)
	if err != nil {
		return nil, err
	}
	a, err := bisect(below, lo, shares[:h])
	if err != nil {
		return nil, err
	}
	b, err := bisect(above, hi, shares[h:])
	if err != nil {
		return nil, err
	}
	return append(a, b...), nil
}

// cutLine chooses the axis and coordinate of a cut that leaves a fraction
// f of the households below it, and returns the households on each side.
func cutLine(hs []household, f float64) (axis int, c float64, lo, hi []household, err error) {
	if len(hs) < 2 {
		return 0, 0, nil, nil, fmt.Errorf("cannot cut %d building entrances in two", len(hs))
	}
	var b orb.Bound = orb.MultiPoint{hs[0].Point}.Bound()
	total := 0
	for _, h := range hs {
		b = b.Extend(h.Point)
		total += h.Households
	}
	kx, ky := geo.MetersPerDegree(b.Center()[1])
	if (b.Max[1]-b.Min[1])*ky > (b.Max[0]-b.Min[0])*kx {
		axis = 1
	}
	s := append([]household(nil), hs...)
	sort.Slice(s, func(i, j int) bool {
		if s[i].Point[axis] != s[j].Point[axis] {
			return s[i].Point[axis] < s[j].Point[axis]
		}
		return s[i].Point[1-axis] < s[j].Point[1-axis]
	})
	target := f * float64(total)
	best, bestErr, run := -1, math.Inf(1), 0
	for i := 1; i < len(s); i++ {
		run += s[i-1].Households
		if s[i-1].Point[axis] == s[i].Point[axis] {
			continue // no line passes between them
		}
		if e := math.Abs(float64(run) - target); e < bestErr {
			best, bestErr = i, e
		}
	}
	if best < 0 {
		return 0, 0, nil, nil, fmt.Errorf("all %d building entrances lie on one line", len(s))
	}
	x0, x1 := s[best-1].Point[axis], s[best].Point[axis]
	c = (x0 + x1) / 2
	if r := round7(c); r > x0 && r < x1 {
		c = r
	}
	return axis, c, s[:best], s[best:], nil
}
