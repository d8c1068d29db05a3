package main

import (
	"context"
	"fmt"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/balance"
)

// band is a household range a level's children are divided to, and the
// side of the partitioner's lattice cells (0: its own choice from the
// households' density).
type band struct {
	Min, Max int
	Cell     geo.Meters
}

// levelStats sums the partitioner's reports of one level: how many
// children, how many within the band, how many the band could be met for
// at all, and their Polsby–Popper compactness.
type levelStats struct {
	Level        partition.Level
	Band         band
	Children     int
	WithinRange  int
	Feasible     int
	sumPP, MinPP float64
}

// MeanPP is the mean Polsby–Popper of the level's children.
func (s *levelStats) MeanPP() float64 {
	if s.Children == 0 {
		return 0
	}
	return s.sumPP / float64(s.Children)
}

func (s *levelStats) add(r *balance.Report) {
	if s.Children == 0 {
		s.MinPP = 1
	}
	for _, c := range r.Children {
		s.Children++
		s.sumPP += c.PolsbyPopper
		s.MinPP = min(s.MinPP, c.PolsbyPopper)
		if c.WithinRange {
			s.WithinRange++
		}
		if c.Feasible {
			s.Feasible++
		}
	}
}

// String is the level's line of the generator's report.
func (s *levelStats) String() string {
	return fmt.Sprintf("%-9s %3d (band %d–%d: %d within, %d feasible), Polsby–Popper mean %.3f, min %.3f",
		s.Level, s.Children, s.Band.Min, s.Band.Max, s.WithinRange, s.Feasible, s.MeanPP(), s.MinPP)
}

// divide cuts parent into children of the level with the partitioner
// (balance.Divide): households within the band wherever an island allows,
// inhabited islands below the band's minimum joined to the nearest child
// with room (JoinSmallIslands), uninhabited ones always joined. It returns
// the children (codes in the parent's code space, the partitioner's quality
// figures and per-child note among their properties) and the households
// that fall in each.
func divide(ctx context.Context, parent *partition.Unit, hs []household, level partition.Level, b band, seed uint64, st *levelStats) ([]partition.Unit, [][]household, error) {
	hh := make([]balance.Household, len(hs))
	for i, h := range hs {
		hh[i] = balance.Household{Point: h.Point, Weight: h.Households}
	}
	res, err := balance.Divide(ctx, *parent, hh, balance.Options{Min: b.Min, Max: b.Max, Level: level, Seed: seed, JoinSmallIslands: true, Cell: b.Cell})
	if err != nil {
		return nil, nil, fmt.Errorf("divide %s into %s: %w", parent.Code, level, err)
	}
	if res.Report.Outside > 0 {
		return nil, nil, fmt.Errorf("divide %s: %d households outside it", parent.Code, res.Report.Outside)
	}
	st.add(&res.Report)
	in, err := locate(res.Children, hs)
	if err != nil {
		return nil, nil, fmt.Errorf("divide %s: %w", parent.Code, err)
	}
	for i := range res.Children {
		u := &res.Children[i]
		u.Population = 0
		for _, h := range in[i] {
			u.Population += h.Population
		}
		u.Props["synthetic"] = syntheticNote
	}
	return res.Children, in, nil
}

// locate puts every household in the one child whose polygon contains it,
// and checks that the children's household counts are what the partitioner
// said: every household must lie in exactly one child.
func locate(children []partition.Unit, hs []household) ([][]household, error) {
	bounds := make([]orb.Bound, len(children))
	for i := range children {
		bounds[i] = children[i].Geometry.Bound()
	}
	out := make([][]household, len(children))
	for _, h := range hs {
		at := -1
		for i := range children {
			if !bounds[i].Contains(h.Point) || !geo.MultiPolygonContains(children[i].Geometry, h.Point) {
				continue
			}
			if at >= 0 {
				return nil, fmt.Errorf("household at %v lies in both %s and %s", h.Point, children[at].Code, children[i].Code)
			}
			at = i
		}
		if at < 0 {
			return nil, fmt.Errorf("household at %v lies in no child", h.Point)
		}
		out[at] = append(out[at], h)
	}
	for i := range children {
		n := 0
		for _, h := range out[i] {
			n += h.Households
		}
		if n != children[i].Households {
			return nil, fmt.Errorf("%s: %d households lie in it, the partitioner counted %d", children[i].Code, n, children[i].Households)
		}
	}
	return out, nil
}
