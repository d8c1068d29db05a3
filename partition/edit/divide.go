package edit

import (
	"context"
	"math"
	"strconv"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/balance"
)

// create makes children under Unit with the partitioner, from the
// household layer: Count of them, or children within the band (Min–Max,
// or the rule set's for the level below).
func (t *tx) create(ctx context.Context, op *Op) error {
	u, err := t.member("unit", op.Unit, false)
	if err != nil {
		return err
	}
	if !u.Polygonal() || len(u.Geometry) == 0 {
		return invalid("unit", "%s has no area to divide", u.Code)
	}
	if kids := t.polygonalChildren(u.Code); len(kids) > 0 {
		return &partition.Error{Kind: partition.Conflict, Message: "operation: " + string(u.Code) + " already has " +
			strconv.Itoa(len(kids)) + " children: split them, or merge or delete them first"}
	}
	res, err := t.divide(ctx, op, &u)
	if err != nil {
		return err
	}
	for _, c := range res.Children {
		tl := t.env.Layer.In(c.Geometry)
		c.Households, c.Population = tl.Households, tl.Population
		if _, taken := t.s.units[c.Code]; taken {
			return &partition.Error{Kind: partition.Conflict, Message: "operation: the code " + string(c.Code) + " of a new child is taken"}
		}
		t.put(c)
	}
	return nil
}

// splitCount divides Unit with the partitioner into siblings (As
// "siblings", the default) or children (As "children": as create).
func (t *tx) splitCount(ctx context.Context, op *Op) error {
	switch op.As {
	case "children":
		return t.create(ctx, op)
	case "", "siblings":
	default:
		return invalid("as", "want siblings or children, got %q", op.As)
	}
	u, err := t.member("unit", op.Unit, true)
	if err != nil {
		return err
	}
	// The partitioner divides a parent into children: give it u's area as
	// if it were u's parent, so that its pieces have u's level (their
	// codes are made by carve).
	p, ok := t.unit(u.Parent)
	if !ok {
		return invalid("unit", "the parent of %s is not in the draft", u.Code)
	}
	as := p
	as.Geometry = u.Geometry
	res, err := t.divide(ctx, op, &as)
	if err != nil {
		return err
	}
	if len(res.Children) < 2 {
		return invalid("count", "the partitioner made %d part of %s: nothing to split", len(res.Children), u.Code)
	}
	pieces := make([]orb.MultiPolygon, 0, len(res.Children)-1)
	for _, c := range res.Children[1:] {
		pieces = append(pieces, c.Geometry)
	}
	return t.carve(u, res.Children[0].Geometry, pieces, nil)
}

// divide runs the partitioner on u's households.
func (t *tx) divide(ctx context.Context, op *Op, u *partition.Unit) (balance.Result, error) {
	if t.env.Layer == nil {
		return balance.Result{}, &partition.Error{Kind: partition.Conflict,
			Message: "operation: the partitioner needs a household layer, and this draft has none (import one with wangge import --households FILE)"}
	}
	d := u.Level.Depth()
	if d < 0 || d+1 >= len(partition.Levels()) {
		return balance.Result{}, invalid("unit", "%s is a %s: there is no level below it", u.Code, u.Level)
	}
	level := partition.Levels()[d+1]
	pts := t.env.Layer.Within(u.Geometry)
	hh := make([]balance.Household, 0, len(pts))
	total := 0
	for _, p := range pts {
		if p.Households > 0 {
			hh = append(hh, balance.Household{Point: p.Point, Weight: p.Households})
			total += p.Households
		}
	}
	if total == 0 {
		return balance.Result{}, invalid("unit", "%s holds no households of the layer: nothing to divide by", u.Code)
	}
	lo, hi, err := t.band(op, level, total)
	if err != nil {
		return balance.Result{}, err
	}
	res, err := balance.Divide(ctx, *u, hh, balance.Options{Min: lo, Max: hi, Level: level, Seed: t.env.Seed})
	// For a count, the band around total/count is a first guess: move it
	// by the ratio of what came out to what was asked, a few times, and keep
	// the division nearest the count.
	for try := 0; err == nil && op.Count > 0 && len(res.Children) != op.Count && try < 4; try++ {
		scale := float64(len(res.Children)) / float64(op.Count)
		lo, hi = max(1, int(float64(lo)*scale)), max(1, int(math.Ceil(float64(hi)*scale)))
		next, err2 := balance.Divide(ctx, *u, hh, balance.Options{Min: lo, Max: hi, Level: level, Seed: t.env.Seed})
		if err2 != nil {
			break
		}
		if abs(len(next.Children)-op.Count) < abs(len(res.Children)-op.Count) {
			res = next
		}
	}
	return res, err
}

func abs(n int) int { return max(n, -n) }

// band is the household band of the division: Min–Max when given, the
// band around total/Count (±15%) for a count, or the rule set's.
func (t *tx) band(op *Op, level partition.Level, total int) (lo, hi int, err error) {
	switch {
	case op.Count < 0 || op.Count > 999:
		return 0, 0, invalid("count", "want 1–999, got %d", op.Count)
	case op.Min != 0 || op.Max != 0:
		if op.Count != 0 {
			return 0, 0, invalid("count", "give a count or a band (min, max), not both")
		}
		if op.Min < 1 || op.Max < op.Min {
			return 0, 0, invalid("min", "want 1 ≤ min ≤ max, got %d–%d", op.Min, op.Max)
		}
		return op.Min, op.Max, nil
	case op.Count > 0:
		mean := float64(total) / float64(op.Count)
		return max(1, int(math.Floor(mean*0.85))), max(1, int(math.Ceil(mean*1.15))), nil
	case t.env.Rules != nil:
		lo, hi, err := balance.Band(t.env.Rules, level)
		if err != nil {
			return 0, 0, invalid("count", "%v: give a count or min and max", err)
		}
		return lo, hi, nil
	}
	return 0, 0, invalid("count", "missing: give a count, or min and max (the draft has no rule set)")
}
