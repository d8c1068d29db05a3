package balance

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/partition"
)

// childCode is the n-th child's code (n from 1) at level under parent: a
// grid appends 3 digits to its community's 12-digit code, a micro-grid 3 to
// its grid's 15; a street takes the town digits of a district's code, a
// community the village digits of a street's.
func childCode(parent *partition.Unit, level partition.Level, n int) (partition.Code, error) {
	c, err := partition.ChildCode(parent.Code, level, n)
	if err != nil && n >= 1 && n <= 999 {
		return "", err
	}
	if err != nil {
		// The client's request cannot be met, not a fault: a 400 naming
		// the way out.
		return "", partition.Errorf(partition.Invalid, "the division of %s needs more than 999 children at level %s, and codes have room for 1–999 under one parent: ask for larger children (a higher min and max, or a rule set)", parent.Code, level)
	}
	return c, nil
}

// levelWord names a child: 第N网格, 第N微网格, 第N社区, 第N街道.
func levelWord(l partition.Level) string {
	switch l {
	case partition.LevelMicrogrid:
		return "微网格"
	case partition.LevelCommunity:
		return "社区"
	case partition.LevelStreet:
		return "街道"
	}
	return "网格"
}

// label gives the n-th child (from 0, in output order) its code and name.
type label func(n int, c int32) (partition.Code, string, error)

// numbered labels children by their position: code and 第N网格.
func numbered(parent *partition.Unit, o Options) label {
	prefix := o.NamePrefix
	if prefix == "" {
		prefix = parent.Name
	}
	return func(n int, _ int32) (partition.Code, string, error) {
		code, err := childCode(parent, o.Level, n+1)
		return code, fmt.Sprintf("%s第%d%s", prefix, n+1, levelWord(o.Level)), err
	}
}

// result turns the grouping into units in the given order, with the report.
func (d *division) result(ctx context.Context, parent *partition.Unit, gr *grouping, o Options, order []int32, name label) (Result, error) {
	geoms, err := gr.outline(ctx)
	if err != nil {
		return Result{}, err
	}
	network := parent.Network
	if network == "" {
		network = partition.NetworkLand
	}
	res := Result{Report: Report{Method: gr.method, Min: o.Min, Max: o.Max, Cell: d.s.g.lat.cell, Atoms: len(d.s.atoms), MinPP: 1}}
	for n, c := range order {
		code, nm, err := name(n, c)
		if err != nil {
			return Result{}, err
		}
		cr := gr.childReport(c, code, geoms[c])
		u := partition.Unit{Code: code, Name: nm, Level: o.Level,
			Network: network, Kind: o.Kind, Parent: parent.Code, Households: gr.w[c], Geometry: geoms[c],
			Props: map[string]any{"polsby_popper": round(cr.PolsbyPopper, 4), "area_m2": round(float64(cr.Area), 1),
				"parts": cr.Parts, "within_range": cr.WithinRange, "feasible": cr.Feasible}}
		if cr.Note != "" {
			u.Props["note"] = cr.Note
		}
		res.Children = append(res.Children, u)
		res.Report.add(cr)
	}
	res.Report.finish()
	return res, nil
}

func round(x float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(x*p) / p
}

// childReport measures one child on the ellipsoid.
func (gr *grouping) childReport(c int32, code partition.Code, mp orb.MultiPolygon) ChildReport {
	rg := &gr.d.regions[gr.region[c]]
	cr := ChildReport{Code: code, Households: gr.w[c], Area: geo.Area(mp), Parts: len(mp), Feasible: rg.feasible}
	if p := float64(geo.Perimeter(mp)); p > 0 {
		cr.PolsbyPopper = 4 * math.Pi * float64(cr.Area) / (p * p)
	}
	cr.WithinRange = gr.w[c] >= gr.d.min && gr.w[c] <= gr.d.max
	var notes []string
	switch {
	case rg.note != "":
		notes = append(notes, rg.note)
	case !cr.WithinRange && gr.w[c] < gr.d.min:
		notes = append(notes, fmt.Sprintf("%d households, below the minimum %d: no move of a whole atom brought it in range", gr.w[c], gr.d.min))
	case !cr.WithinRange:
		notes = append(notes, fmt.Sprintf("%d households, above the maximum %d: no move of a whole atom brought it in range", gr.w[c], gr.d.max))
	}
	if gr.grown[c] {
		notes = append(notes, "grown to the minimum area of one lattice cell")
	}
	if j := gr.joined[c]; j.islands > 0 {
		notes = append(notes, fmt.Sprintf("includes %d island(s) without a child of their own (%d households)", j.islands, j.households))
	}
	cr.Note = strings.Join(notes, "; ")
	return cr
}

func (r *Report) add(c ChildReport) {
	r.Children = append(r.Children, c)
	r.Households += c.Households
	if c.WithinRange {
		r.WithinRange++
	}
	if c.Feasible {
		r.Feasible++
	}
	r.MeanPP += c.PolsbyPopper
	r.MinPP = min(r.MinPP, c.PolsbyPopper)
}

func (r *Report) finish() {
	if len(r.Children) == 0 {
		r.MinPP = 0
		return
	}
	r.MeanPP /= float64(len(r.Children))
	big, small := 0, 0
	for i, c := range r.Children {
		if c.Households > r.Children[big].Households {
			big = i
		}
		if c.Households < r.Children[small].Households {
			small = i
		}
	}
	r.Largest, r.Smallest = r.Children[big].Code, r.Children[small].Code
}

// readingOrder sorts the children north to south in bands about one child
// high, west to east within a band.
func (gr *grouping) readingOrder() []int32 {
	s := gr.d.s
	n := len(gr.w)
	cx, cy := make([]float64, n), make([]float64, n)
	area := 0.0
	maxY := math.Inf(-1)
	for a := range s.atoms {
		c := gr.child[a]
		ar := float64(s.atoms[a].area)
		cx[c] += ar * s.atoms[a].xy[0]
		cy[c] += ar * s.atoms[a].xy[1]
		area += ar
		maxY = max(maxY, s.atoms[a].xy[1])
	}
	band := math.Sqrt(area / float64(max(n, 1)))
	order := make([]int32, n)
	row := make([]int, n)
	for c := range n {
		order[c] = int32(c)
		if gr.area[c] > 0 {
			cx[c], cy[c] = cx[c]/gr.area[c], cy[c]/gr.area[c]
		}
		row[c] = int((maxY - cy[c]) / band)
	}
	sort.Slice(order, func(i, j int) bool {
		a, b := order[i], order[j]
		if row[a] != row[b] {
			return row[a] < row[b]
		}
		if cx[a] != cx[b] {
			return cx[a] < cx[b]
		}
		return a < b
	})
	return order
}
