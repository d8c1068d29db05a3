package balance

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"
	"time"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/tiling"
)

// Move is what went from one child to another (a new child's code when a
// child was split, nothing to a retired child's code when it was merged).
type Move struct {
	From       partition.Code   `json:"from"`
	To         partition.Code   `json:"to"`
	Households int              `json:"households"`
	Area       geo.SquareMeters `json:"area_m2"`
}

// Rebalance proposes a division that brings every child of parent within
// the band for the households given, starting from the current children
// and moving as few households (and as little area) as it can: atoms of the
// current children pass to a neighbour one at a time, preferring the
// lightest move that helps, along chains of neighbours when no neighbour
// has room. A child is split in two only when the region has too few
// children for the band, and the lightest is merged into a neighbour only
// when it has too many. Children that nothing touched keep their polygon
// vertex for vertex.
//
// The current children must tile the parent (no error finding of the
// tiling check at its default tolerances) and share the vertices of their
// common borders, as wangge's own divisions do; else the result is an
// invalid error.
func Rebalance(ctx context.Context, parent partition.Unit, current []partition.Unit, hh []Household, opts Options) (Result, []Move, error) {
	start := time.Now()
	if err := opts.check(&parent, hh); err != nil {
		return Result{}, nil, err
	}
	regions, err := currentRegions(&parent, current)
	if err != nil {
		return Result{}, nil, err
	}
	pmp, err := prepareParent(&parent)
	if err != nil {
		return Result{}, nil, err
	}
	side := opts.Cell
	if side <= 0 {
		side = cellSide(pmp, hh, opts)
	}
	set, err := cut(ctx, regions, side)
	if err != nil {
		return Result{}, nil, fmt.Errorf("rebalance %s: %w", parent.Code, err)
	}
	markOutline(set.g, pmp)
	out := set.assign(hh)
	d, err := plan(ctx, set, newBarrierIndex(set, nil), opts)
	if err != nil {
		return Result{}, nil, fmt.Errorf("rebalance %s: %w", parent.Code, err)
	}
	if len(opts.Barriers) > 0 {
		bar := newBarrierIndex(set, opts.Barriers)
		for a := range set.atoms {
			for k, b := range set.adj[a] {
				d.open[a][k] = !bar.blocks(set, int32(a), b)
			}
		}
	}
	gr, codes, err := d.fromCurrent(ctx, &parent, current, opts)
	if err != nil {
		return Result{}, nil, fmt.Errorf("rebalance %s: %w", parent.Code, err)
	}
	order := make([]int32, 0, len(gr.w))
	for c := range gr.w {
		if len(gr.members[c]) > 0 {
			order = append(order, int32(c))
		}
	}
	name := func(_ int, c int32) (partition.Code, string, error) {
		if int(c) < len(current) {
			return current[c].Code, current[c].Name, nil
		}
		num, _ := strconv.Atoi(string(codes[c][len(codes[c])-3:]))
		return codes[c], fmt.Sprintf("%s第%d%s", namePrefix(&parent, opts), num, levelWord(opts.Level)), nil
	}
	res, err := d.result(ctx, &parent, gr, opts, order, name)
	if err != nil {
		return Result{}, nil, fmt.Errorf("rebalance %s: %w", parent.Code, err)
	}
	res.Report.Outside, res.Report.Method = out, "rebalance"
	gr.carry(&res, current, codes)
	res.Report.Elapsed = time.Since(start)
	return res, gr.moves(codes), nil
}

// carry keeps what the proposal did not change. A child that kept its code
// keeps the current unit's name, kind, network, staff, population and free
// properties (the quality figures are in the report, not added to them);
// one that nothing touched keeps its polygon too, as stored. A child whose
// area changed gets the households recounted and a population carried with
// the households that moved (each current child's population shared out
// in proportion to its households, or to its area when it has none; the
// total is kept). The current children emptied by merges are Retired.
func (gr *grouping) carry(res *Result, current []partition.Unit, codes []partition.Code) {
	s := gr.d.s
	n := len(gr.w)
	changed := make([]bool, n)
	hhFrom := make([]float64, len(current)) // households of each current child, by the atoms
	areaFrom := make([]float64, len(current))
	share := map[[2]int32][2]float64{} // (from, to) → households, area
	for a := range s.atoms {
		from, to := gr.original[a], gr.child[a]
		if from != to {
			changed[from], changed[to] = true, true
		}
		w, ar := float64(s.atoms[a].w), float64(s.atoms[a].area)
		hhFrom[from] += w
		areaFrom[from] += ar
		x := share[[2]int32{from, to}]
		share[[2]int32{from, to}] = [2]float64{x[0] + w, x[1] + ar}
	}
	pop := make([]float64, n)
	for k, x := range share {
		from, to := k[0], k[1]
		p := float64(current[from].Population)
		switch {
		case hhFrom[from] > 0:
			pop[to] += p * x[0] / hhFrom[from]
		case areaFrom[from] > 0:
			pop[to] += p * x[1] / areaFrom[from]
		}
	}
	byCode := map[partition.Code]int32{}
	for c := range codes {
		byCode[codes[c]] = int32(c)
	}
	for i := range res.Children {
		u := &res.Children[i]
		c := byCode[u.Code]
		r := &res.Report.Children[i]
		r.Changed = changed[c]
		if int(c) >= len(current) {
			u.Population = int(math.Round(pop[c]))
			continue
		}
		cur := current[c]
		u.Name, u.Kind, u.Network, u.Staff, u.Props = cur.Name, cur.Kind, cur.Network, cur.Staff, cur.Props
		u.Population = cur.Population
		if !changed[c] {
			u.Geometry = cur.Geometry
			continue
		}
		u.Population = int(math.Round(pop[c]))
	}
	for c := range current {
		if len(gr.members[c]) == 0 {
			res.Retired = append(res.Retired, codes[c])
		}
	}
}

// markOutline marks the current children's vertices that are not the
// parent's as outline vertices.
func markOutline(g *graph, parent orb.MultiPolygon) {
	own := map[orb.Point]bool{}
	for _, p := range parent {
		for _, r := range p {
			for _, pt := range r {
				own[pt] = true
			}
		}
	}
	for v, k := range g.kind {
		if k == vertRegion && !own[g.pts[v]] {
			g.kind[v] = vertOutline
		}
	}
}

func namePrefix(parent *partition.Unit, o Options) string {
	if o.NamePrefix != "" {
		return o.NamePrefix
	}
	return parent.Name
}

// currentRegions checks that the current children tile the parent and
// returns their polygons, valid and oriented.
func currentRegions(parent *partition.Unit, current []partition.Unit) ([]orb.MultiPolygon, error) {
	if len(current) == 0 {
		return nil, partition.Errorf(partition.Invalid, "rebalance %s: no current children", parent.Code)
	}
	res, err := tiling.Check(parent, current, tiling.DefaultOptions())
	if err != nil {
		return nil, fmt.Errorf("check the current children of %s: %w", parent.Code, err)
	}
	var ps []partition.Problem
	for _, f := range res.Findings {
		if f.Severity == partition.SeverityError {
			ps = append(ps, partition.Problem{Index: -1, Code: fmt.Sprint(f.Codes), Field: string(f.Rule), Message: f.Message})
		}
	}
	if len(ps) > 0 {
		return nil, &partition.Error{Kind: partition.Invalid, Message: fmt.Sprintf("the current children of %s do not tile it (fix them first: wangge validate)", parent.Code), Problems: ps}
	}
	out := make([]orb.MultiPolygon, len(current))
	for i := range current {
		mp, err := geo.MakeValid(current[i].Geometry)
		if err != nil || len(mp) == 0 {
			return nil, partition.Errorf(partition.Invalid, "current child %s: not a usable polygon", current[i].Code)
		}
		out[i] = geo.OrientRings(mp)
	}
	return out, nil
}

// fromCurrent starts a grouping from the current children (atom region =
// current child), splits or merges children where a region has too few or
// too many for the band, and repairs frugally. codes holds the code of
// each child, new ones numbered after the highest current code.
func (d *division) fromCurrent(ctx context.Context, parent *partition.Unit, current []partition.Unit, o Options) (*grouping, []partition.Code, error) {
	s := d.s
	n := len(current)
	d.children = n
	gr := newGrouping(d, "rebalance")
	gr.frugal = true
	gr.original = make([]int32, len(s.atoms))
	for a := range s.atoms {
		gr.original[a] = s.atoms[a].region
		gr.put(int32(a), s.atoms[a].region)
	}
	codes := make([]partition.Code, n)
	next := 0
	for i := range current {
		codes[i] = current[i].Code
		if v, err := strconv.Atoi(string(current[i].Code[max(0, len(current[i].Code)-3):])); err == nil {
			next = max(next, v)
		}
	}
	gr.assignRegions()
	for r := range d.regions {
		if err := gr.adjustCount(int32(r), parent, o, &codes, &next); err != nil {
			return nil, nil, err
		}
	}
	if err := gr.repair(ctx); err != nil {
		return nil, nil, err
	}
	gr.growSlivers()
	return gr, codes, nil
}

// assignRegions gives each child the region most of its atoms lie in and
// that region's band; regions count their children.
func (gr *grouping) assignRegions() {
	d := gr.d
	for r := range d.regions {
		d.regions[r].k = 0
	}
	for c := range gr.w {
		count := map[int32]int{}
		for _, a := range gr.members[c] {
			if r := d.regionOf[a]; r >= 0 {
				count[r] += 1 + d.s.atoms[a].w
			}
		}
		best, bestN := int32(0), -1
		for r, k := range count {
			if k > bestN || k == bestN && r < best {
				best, bestN = r, k
			}
		}
		gr.setRegion(int32(c), best)
	}
}

func (gr *grouping) setRegion(c, r int32) {
	rg := &gr.d.regions[r]
	rg.k++
	lo, hi := gr.d.min, gr.d.max
	if !rg.feasible {
		k := gr.d.childCount(rg.w)
		lo, hi = min(lo, rg.w/k), max(hi, (rg.w+k-1)/k)
	}
	gr.region[c], gr.lo[c], gr.hi[c] = r, lo, hi
}

// addChild appends an empty child in region r.
func (gr *grouping) addChild(r int32) int32 {
	c := int32(len(gr.w))
	gr.w = append(gr.w, 0)
	gr.area = append(gr.area, 0)
	gr.members = append(gr.members, nil)
	gr.region = append(gr.region, 0)
	gr.lo = append(gr.lo, 0)
	gr.hi = append(gr.hi, 0)
	gr.setRegion(c, r)
	return c
}

// adjustCount splits the heaviest child of region r while it has too few
// children for the band, and merges the lightest into its lightest
// neighbour while it has too many.
func (gr *grouping) adjustCount(r int32, parent *partition.Unit, o Options, codes *[]partition.Code, next *int) error {
	d := gr.d
	rg := &d.regions[r]
	if !rg.feasible {
		return nil
	}
	lo, hi := (rg.w+d.max-1)/d.max, rg.w/d.min
	for rg.k < lo {
		heavy := gr.extreme(r, true)
		if heavy < 0 || len(gr.members[heavy]) < 2 {
			break
		}
		*next++
		code, err := childCode(parent, o.Level, *next)
		if err != nil {
			return err
		}
		c := gr.addChild(r)
		*codes = append(*codes, code)
		atoms := append([]int32(nil), gr.members[heavy]...)
		// bisect into heavy (first half) and c (second half)
		gr.splitInto(atoms, heavy, c)
	}
	for rg.k > hi && rg.k > 1 {
		light := gr.extreme(r, false)
		nbs := gr.neighbours(light)
		if light < 0 || len(nbs) == 0 {
			break
		}
		sort.Slice(nbs, func(i, j int) bool {
			return gr.w[nbs[i]] < gr.w[nbs[j]] || gr.w[nbs[i]] == gr.w[nbs[j]] && nbs[i] < nbs[j]
		})
		for _, a := range append([]int32(nil), gr.members[light]...) {
			gr.put(a, nbs[0])
		}
		rg.k--
	}
	return nil
}

// extreme is the heaviest (or lightest non-empty) child of region r.
func (gr *grouping) extreme(r int32, heaviest bool) int32 {
	best := int32(-1)
	for c := range gr.w {
		if gr.region[c] != r || len(gr.members[c]) == 0 {
			continue
		}
		if best < 0 || heaviest && gr.w[c] > gr.w[best] || !heaviest && gr.w[c] < gr.w[best] {
			best = int32(c)
		}
	}
	return best
}

// splitInto bisects atoms into child a (the part keeping more of them
// where they were) and child b.
func (gr *grouping) splitInto(atoms []int32, a, b int32) {
	ew, total := gr.effWeights(atoms)
	w := make(map[int32]float64, len(atoms))
	for i, x := range atoms {
		w[x] = ew[i]
	}
	var bestA, bestB []int32
	bestCut := -1.0
	for _, dir := range gr.directions(atoms, w) {
		x, y := gr.splitAlong(atoms, w, dir, total/2)
		if len(x) == 0 || len(y) == 0 {
			continue
		}
		if c := gr.cutLength(x, y); bestCut < 0 || c < bestCut {
			bestA, bestB, bestCut = x, y, c
		}
	}
	if bestA == nil {
		return
	}
	bestA, bestB = gr.connect(bestA, bestB, w)
	for _, x := range bestB {
		gr.put(x, b)
	}
	_ = a
}

// moves sums what changed child, by pair of codes.
func (gr *grouping) moves(codes []partition.Code) []Move {
	s := gr.d.s
	type key struct{ from, to int32 }
	sum := map[key]*Move{}
	var keys []key
	for a := range s.atoms {
		from, to := gr.original[a], gr.child[a]
		if from == to {
			continue
		}
		k := key{from, to}
		m, ok := sum[k]
		if !ok {
			m = &Move{From: codes[from], To: codes[to]}
			sum[k] = m
			keys = append(keys, k)
		}
		m.Households += s.atoms[a].w
		m.Area += s.atoms[a].area
	}
	sort.Slice(keys, func(i, j int) bool {
		return keys[i].from < keys[j].from || keys[i].from == keys[j].from && keys[i].to < keys[j].to
	})
	out := make([]Move, len(keys))
	for i, k := range keys {
		out[i] = *sum[k]
	}
	return out
}
