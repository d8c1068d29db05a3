package balance

import (
	"context"
	"fmt"
	"time"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/partition"
)

// Household is a demand point: a building entrance, say, with the number of
// households there. Point is lon/lat on CGCS2000; Weight ≥ 1.
type Household struct {
	Point  orb.Point
	Weight int
}

// Grouping methods (Options.Method).
const (
	MethodBest   = ""       // run both, keep the better (the default)
	MethodGrow   = "grow"   // region growing from balanced seeds
	MethodBisect = "bisect" // recursive inertial bisection of the atom graph
)

// Options steer a division.
type Options struct {
	Min, Max int             // household band per child (inclusive)
	Level    partition.Level // level of the children
	Kind     partition.Kind  // default comprehensive
	// Barriers are lines (roads, rivers, coastline) children should not
	// straddle, lon/lat.
	Barriers []orb.LineString
	Seed     uint64
	// NamePrefix + "第N网格" (or 微网格, 社区, 街道 by level); default the
	// parent's name.
	NamePrefix string
	// Method is MethodBest, MethodGrow or MethodBisect.
	Method string
	// JoinSmallIslands joins an inhabited island with fewer households than
	// Min to the nearest child that stays within Max (or, when none has
	// room, to the nearest child), instead of making it a child of its own
	// flagged out of range.
	JoinSmallIslands bool
	// Cell is the lattice cell side; 0 chooses one from the households'
	// density (see cellSide).
	Cell geo.Meters
}

// ChildReport is the quality of one child.
type ChildReport struct {
	Code         partition.Code   `json:"code"`
	Households   int              `json:"households"`
	Area         geo.SquareMeters `json:"area_m2"`
	PolsbyPopper float64          `json:"polsby_popper"`
	Parts        int              `json:"parts"`
	WithinRange  bool             `json:"within_range"`
	Feasible     bool             `json:"feasible"`
	// Changed (rebalancing): the child's area is not the current one's.
	Changed bool   `json:"changed,omitempty"`
	Note    string `json:"note,omitempty"`
}

// Report is the quality of a division. WithinRange counts the children
// within [Min, Max]; Feasible those for which the band could be met at all
// (not a small island, not a region whose households cannot be split into
// children of the band).
type Report struct {
	Children    []ChildReport  `json:"children"`
	WithinRange int            `json:"within_range"`
	Feasible    int            `json:"feasible"`
	MeanPP      float64        `json:"mean_polsby_popper"`
	MinPP       float64        `json:"min_polsby_popper"`
	Largest     partition.Code `json:"largest"`
	Smallest    partition.Code `json:"smallest"`
	Elapsed     time.Duration  `json:"elapsed_ns"`
	Method      string         `json:"method"`
	Min         int            `json:"min"`
	Max         int            `json:"max"`
	// Households is the sum over the children: the households inside the
	// parent. Outside counts (by weight) those of the input outside the
	// parent, which no child holds.
	Households int        `json:"households"`
	Outside    int        `json:"outside"`
	Cell       geo.Meters `json:"cell_m"`
	Atoms      int        `json:"atoms"`
	// Compared holds the figures of each method tried.
	Compared []MethodFigures `json:"compared,omitempty"`
}

// MethodFigures are one grouping method's figures on the same atoms.
type MethodFigures struct {
	Method      string        `json:"method"`
	WithinRange int           `json:"within_range"`
	Feasible    int           `json:"feasible"`
	MeanPP      float64       `json:"mean_polsby_popper"`
	MinPP       float64       `json:"min_polsby_popper"`
	Elapsed     time.Duration `json:"elapsed_ns"`
}

// WithinFeasible counts the feasible children within range.
func (r *Report) WithinFeasible() int {
	n := 0
	for _, c := range r.Children {
		if c.Feasible && c.WithinRange {
			n++
		}
	}
	return n
}

// ShareWithinRange is the share of feasible children within range (1 when
// none is feasible).
func (r *Report) ShareWithinRange() float64 {
	if r.Feasible == 0 {
		return 1
	}
	return float64(r.WithinFeasible()) / float64(r.Feasible)
}

// Result is a proposed division: children in code order and its report.
// Retired (rebalancing) holds the codes of current children merged into
// others, which the proposal retires.
type Result struct {
	Children []partition.Unit
	Report   Report
	Retired  []partition.Code
}

// Divide proposes children of parent holding the households within the
// band, tiling the parent exactly. The result is deterministic for a seed.
func Divide(ctx context.Context, parent partition.Unit, hh []Household, opts Options) (Result, error) {
	start := time.Now()
	if err := opts.check(&parent, hh); err != nil {
		return Result{}, err
	}
	pmp, err := prepareParent(&parent)
	if err != nil {
		return Result{}, err
	}
	side := opts.Cell
	if side <= 0 {
		side = cellSide(pmp, hh, opts)
	}
	set, err := cut(ctx, []orb.MultiPolygon{pmp}, side)
	if err != nil {
		return Result{}, fmt.Errorf("divide %s: %w", parent.Code, err)
	}
	out := set.assign(hh)
	bar := newBarrierIndex(set, opts.Barriers)
	d, err := plan(ctx, set, bar, opts)
	if err != nil {
		return Result{}, fmt.Errorf("divide %s: %w", parent.Code, err)
	}
	best, compared, err := d.group(ctx, opts)
	if err != nil {
		return Result{}, fmt.Errorf("divide %s: %w", parent.Code, err)
	}
	res, err := d.result(ctx, &parent, best, opts, best.readingOrder(), numbered(&parent, opts))
	if err != nil {
		return Result{}, fmt.Errorf("divide %s: %w", parent.Code, err)
	}
	res.Report.Compared, res.Report.Outside = compared, out
	res.Report.Elapsed = time.Since(start)
	return res, nil
}

// prepareParent returns the parent's polygon made valid and oriented.
func prepareParent(parent *partition.Unit) (orb.MultiPolygon, error) {
	if len(parent.Geometry) == 0 {
		return nil, partition.Errorf(partition.Invalid, "parent %s has no polygon to divide", parent.Code)
	}
	mp, err := geo.MakeValid(parent.Geometry)
	if err != nil {
		return nil, partition.Errorf(partition.Invalid, "parent %s: %v", parent.Code, err)
	}
	return geo.OrientRings(mp), nil
}

func (o *Options) check(parent *partition.Unit, hh []Household) error {
	var ps []partition.Problem
	bad := func(field, format string, args ...any) {
		ps = append(ps, partition.Problem{Index: -1, Field: field, Message: fmt.Sprintf(format, args...)})
	}
	if o.Min < 1 || o.Max < o.Min {
		bad("min/max", "want 1 ≤ min ≤ max, got %d–%d", o.Min, o.Max)
	}
	if o.Kind == "" {
		o.Kind = partition.KindComprehensive
	}
	if _, err := childCode(parent, o.Level, 1); err != nil {
		bad("level", "%v", err)
	}
	switch o.Method {
	case MethodBest, MethodGrow, MethodBisect:
	default:
		bad("method", "unknown method %q (want grow, bisect or empty for the better of both)", o.Method)
	}
	for i, h := range hh {
		if h.Weight < 1 {
			ps = append(ps, partition.Problem{Index: i, Field: "households", Message: fmt.Sprintf("weight %d, want ≥ 1", h.Weight)})
		}
		if h.Point[0] < -180 || h.Point[0] > 180 || h.Point[1] < -90 || h.Point[1] > 90 || h.Point != h.Point {
			ps = append(ps, partition.Problem{Index: i, Message: fmt.Sprintf("coordinates (%g, %g) out of range", h.Point[0], h.Point[1])})
		}
		if len(ps) > 100 {
			break
		}
	}
	if len(ps) > 0 {
		return &partition.Error{Kind: partition.Invalid, Message: "cannot divide " + string(parent.Code), Problems: ps}
	}
	return nil
}
