package draft_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/draft"
	"github.com/wangge/wangge/partition/edit"
	"github.com/wangge/wangge/partition/tiling"
)

// steps is how many random steps a property run takes per store:
// WANGGE_PROPERTY_STEPS, default 150 (make test); thousands by hand.
func steps(t *testing.T) int {
	if v := os.Getenv("WANGGE_PROPERTY_STEPS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("WANGGE_PROPERTY_STEPS=%q: want a whole number", v)
		}
		return n
	}
	return 150
}

// invariants are what every step must keep: per level and network, the
// area and the households of all units.
type invariants struct {
	area       map[string]geo.SquareMeters
	households map[string]int
}

// measure totals units per level. Areas are planar: the shoelace area in
// the lon/lat plane, scaled to m² at one latitude, which is what the
// tiling is exact in (edges are straight in lon/lat). The ellipsoidal
// area (geo.Area) of a ring changes by up to a few millionths when a
// point is inserted on one of its edges, as every cut does, since an edge
// straight in lon/lat is not a geodesic: that is measurement, not area
// lost, and would hide a real loss below it.
func measure(units []partition.Unit) invariants {
	inv := invariants{area: map[string]geo.SquareMeters{}, households: map[string]int{}}
	for _, u := range units {
		k := string(u.Network) + "/" + string(u.Level)
		inv.area[k] += planarArea(u.Geometry)
		inv.households[k] += u.Households
	}
	return inv
}

// planarArea is the area of mp in the lon/lat plane in m² at 30°N.
func planarArea(mp orb.MultiPolygon) geo.SquareMeters {
	kx, ky := geo.MetersPerDegree(30)
	var sum float64
	for _, p := range mp {
		for j, r := range p {
			a, o := 0.0, r[0]
			for k := 1; k+1 < len(r); k++ {
				a += (r[k][0]-o[0])*(r[k+1][1]-o[1]) - (r[k+1][0]-o[0])*(r[k][1]-o[1])
			}
			a = math.Abs(a) / 2
			if j > 0 {
				a = -a
			}
			sum += a
		}
	}
	return geo.SquareMeters(sum * kx * ky)
}

// holds reports whether got keeps want (check says how it does not).
func (want invariants) holds(got invariants) bool {
	for k, a := range want.area {
		if math.Abs(float64(got.area[k]-a)) > 0.01 || got.households[k] != want.households[k] {
			return false
		}
	}
	return len(got.area) == len(want.area)
}

func (want invariants) check(t *testing.T, step int, got invariants) {
	t.Helper()
	for k, a := range want.area {
		if d := math.Abs(float64(got.area[k] - a)); d > 0.01 {
			t.Fatalf("step %d: the %s units cover %.4f m², %.4f m² from the %.4f m² they covered", step, k, got.area[k], d, a)
		}
		if got.households[k] != want.households[k] {
			t.Fatalf("step %d: the %s units hold %d households, not %d", step, k, got.households[k], want.households[k])
		}
	}
	if len(got.area) != len(want.area) {
		t.Fatalf("step %d: levels %v, want %v", step, got.area, want.area)
	}
}

// fullCheck is the tiling check of every family of units, from scratch.
func fullCheck(t *testing.T, units []partition.Unit) []partition.Finding {
	t.Helper()
	var fams []tiling.Family
	for _, f := range tiling.Families(units) {
		if f.Parent != nil {
			fams = append(fams, f)
		}
	}
	opts := tiling.DefaultOptions()
	rs, _ := partition.BuiltinRuleSet("zhejiang")
	opts.Rules = &rs
	rep, err := tiling.Run(context.Background(), tiling.Slice(fams), opts, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	return rep.Findings
}

// errorsOf keeps the error findings.
func errorsOf(fs []partition.Finding) []partition.Finding {
	var out []partition.Finding
	for _, f := range fs {
		if f.Severity == partition.SeverityError {
			out = append(out, f)
		}
	}
	return out
}

// generator draws random operations that may or may not be possible: a
// refused one must leave the draft as it was.
type generator struct {
	rng *rand.Rand
}

func (g *generator) pick(units []partition.Unit, ok func(*partition.Unit) bool) *partition.Unit {
	var c []int
	for i := range units {
		if ok(&units[i]) {
			c = append(c, i)
		}
	}
	if len(c) == 0 {
		return nil
	}
	return &units[c[g.rng.IntN(len(c))]]
}

// op draws an operation on the units of the draft below root.
func (g *generator) op(root partition.Code, units []partition.Unit) edit.Op {
	byCode := map[partition.Code]*partition.Unit{}
	for i := range units {
		byCode[units[i].Code] = &units[i]
	}
	shaped := func(u *partition.Unit) bool {
		return u.Code != root && u.Polygonal() && len(u.Geometry) > 0 && byCode[u.Parent] != nil
	}
	u := g.pick(units, shaped)
	if u == nil {
		return edit.Op{Op: edit.OpAttributes}
	}
	sib := g.pick(units, func(s *partition.Unit) bool {
		return shaped(s) && s.Parent == u.Parent && s.Code != u.Code && s.Network == u.Network && s.Geometry.Bound().Intersects(u.Geometry.Bound())
	})
	switch k := g.rng.IntN(10); {
	case k < 4 && sib != nil:
		return edit.Op{Op: edit.OpReassign, To: u.Code, Area: geojson.NewGeometry(g.blob(u, sib))}
	case k < 5 && sib != nil:
		return edit.Op{Op: edit.OpMoveBorder, Units: []partition.Code{u.Code, sib.Code}, Line: geojson.NewGeometry(g.line(u, sib))}
	case k < 7:
		return edit.Op{Op: edit.OpSplit, Unit: u.Code, Line: geojson.NewGeometry(g.line(u, u))}
	case k < 8 && sib != nil:
		return edit.Op{Op: edit.OpMerge, Units: []partition.Code{u.Code, sib.Code}}
	case k < 9 && sib != nil:
		return edit.Op{Op: edit.OpDelete, Unit: u.Code, Neighbors: []partition.Code{sib.Code}}
	}
	name := fmt.Sprintf("改名%d", g.rng.IntN(1000))
	return edit.Op{Op: edit.OpAttributes, Unit: u.Code, Name: &name}
}

// blob is a random quadrilateral around a vertex of a's ring nearest b:
// an area across their border, of tens of metres.
func (g *generator) blob(a, b *partition.Unit) orb.Polygon {
	ring := b.Geometry[g.rng.IntN(len(b.Geometry))][0]
	c := ring[g.rng.IntN(len(ring)-1)]
	kx, ky := geo.MetersPerDegree(c[1])
	r := 10 + g.rng.Float64()*150
	var out orb.Ring
	for i := range 4 {
		th := (float64(i) + 0.3*g.rng.Float64()) * math.Pi / 2
		out = append(out, orb.Point{c[0] + r*math.Cos(th)/kx, c[1] + r*math.Sin(th)/ky})
	}
	return orb.Polygon{append(out, out[0])}
}

// line is a random straight or bent line across the bounds of a and b.
func (g *generator) line(a, b *partition.Unit) orb.LineString {
	bd := a.Geometry.Bound().Union(b.Geometry.Bound())
	c := orb.Point{bd.Min[0] + (0.3+0.4*g.rng.Float64())*(bd.Max[0]-bd.Min[0]), bd.Min[1] + (0.3+0.4*g.rng.Float64())*(bd.Max[1]-bd.Min[1])}
	th := g.rng.Float64() * math.Pi
	d := math.Hypot(bd.Max[0]-bd.Min[0], bd.Max[1]-bd.Min[1])
	dx, dy := math.Cos(th)*d, math.Sin(th)*d
	mid := orb.Point{c[0] + 0.1*dy*(g.rng.Float64()-0.5), c[1] - 0.1*dx*(g.rng.Float64()-0.5)}
	return orb.LineString{{c[0] - dx, c[1] - dy}, mid, {c[0] + dx, c[1] + dy}}
}

// run takes random steps on draft id: operations, and now and then an
// undo or a redo; after each it checks the invariants, that the draft has
// no error finding, and that its incremental findings are those of a full
// check. At the end it undoes everything and compares with the base.
func run(t *testing.T, svc *draft.Service, id string, seed uint64, n int) (applied, refused int) {
	ctx := context.Background()
	d0, base, err := svc.Units(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	want := measure(base)
	baseErrors := len(errorsOf(fullCheck(t, base)))
	g := &generator{rng: rand.New(rand.NewPCG(seed, 13))}
	var last dump
	for step := range n {
		_, units, err := svc.Units(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		var res draft.Result
		switch k := g.rng.IntN(20); {
		case k == 0:
			res, err = svc.Undo(ctx, id, -1, 1+g.rng.IntN(3))
		case k == 1:
			res, err = svc.Undo(ctx, id, -1, -1)
		default:
			op := g.op(d0.Root, units)
			res, err = svc.Apply(ctx, id, -1, op)
			last = dump{Op: op, Units: units}
		}
		if err != nil {
			if partition.KindOf(err) == partition.Internal {
				t.Fatalf("step %d: %v", step, err)
			}
			refused++
			_, after, err := svc.Units(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if !sameJSON(t, units, after) {
				t.Fatalf("step %d: a refused step changed the draft", step)
			}
			continue
		}
		applied++
		_, after, err := svc.Units(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if !want.holds(measure(after)) {
			last.save(t)
		}
		want.check(t, step, measure(after))
		full := fullCheck(t, after)
		if e := errorsOf(full); len(e) > baseErrors {
			last.save(t)
			t.Fatalf("step %d (%s): %d error findings, the base had %d; first: %s %v %s", step, describe(res), len(e), baseErrors, e[0].Rule, e[0].Codes, e[0].Message)
		}
		if got, wantN := len(res.Findings), len(full); got != wantN {
			t.Fatalf("step %d (%s): the draft reports %d findings, a full check finds %d", step, describe(res), got, wantN)
		}
	}
	d, _, err := svc.Units(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if d.Head > 0 {
		if _, err := svc.Undo(ctx, id, d.Revision, d.Head); err != nil {
			t.Fatal(err)
		}
	}
	_, back, err := svc.Units(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if !sameJSON(t, base, back) {
		t.Fatal("undoing every operation does not give the base back byte for byte")
	}
	return applied, refused
}

func describe(r draft.Result) string {
	if len(r.Changes) == 0 {
		return "?"
	}
	return r.Changes[0].Op
}

func sameJSON(t *testing.T, a, b []partition.Unit) bool {
	t.Helper()
	x, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	y, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return string(x) == string(y)
}

// dump is a failing step, written to $WANGGE_PROPERTY_DUMP when set, to
// replay it.
type dump struct {
	Op    edit.Op
	Units []partition.Unit
}

func (d dump) save(t *testing.T) {
	path := os.Getenv("WANGGE_PROPERTY_DUMP")
	if path == "" {
		return
	}
	b, err := json.Marshal(d)
	if err == nil {
		err = os.WriteFile(path, b, 0o644)
	}
	if err != nil {
		t.Errorf("dump the failing step: %v", err)
	}
}
