package edit

import (
	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
	"sort"
	"strings"

	"github.com/wangge/wangge/partition"
)

// tx is one operation under way: it changes the State in place and keeps
// every touched unit as it was, to roll back on failure and to make the
// Change on success.
type tx struct {
	s   *State
	env *Env
	// before holds the touched units as they were; nil for a code that did
	// not exist. order is the order of first touch.
	before    map[partition.Code]*partition.Unit
	order     []partition.Code
	moves     []Move
	estimated map[partition.Code]bool
	families  map[partition.Code]bool
	recoded   map[partition.Code]partition.Code
}

func begin(s *State, env *Env) *tx {
	return &tx{s: s, env: env, before: map[partition.Code]*partition.Unit{}, estimated: map[partition.Code]bool{},
		families: map[partition.Code]bool{}, recoded: map[partition.Code]partition.Code{}}
}

// unit is the current unit of code c (a copy, to change and put back).
func (t *tx) unit(c partition.Code) (partition.Unit, bool) {
	u, ok := t.s.units[c]
	if !ok {
		return partition.Unit{}, false
	}
	return *u, true
}

// was is the unit of code c as it was before the operation.
func (t *tx) was(c partition.Code) (*partition.Unit, bool) {
	if u, ok := t.before[c]; ok {
		return u, u != nil
	}
	u, ok := t.s.units[c]
	return u, ok
}

func (t *tx) touch(c partition.Code) {
	if _, ok := t.before[c]; ok {
		return
	}
	t.order = append(t.order, c)
	if u, ok := t.s.units[c]; ok {
		cp := *u
		t.before[c] = &cp
		t.families[u.Parent] = true
	} else {
		t.before[c] = nil
	}
}

// put sets u (adding it when new), its geometry tidied.
func (t *tx) put(u partition.Unit) {
	u.Geometry = tidy(u.Geometry)
	t.touch(u.Code)
	t.s.set(u)
	t.families[u.Parent] = true
	t.families[u.Code] = true
}

// drop removes the unit of code c.
func (t *tx) drop(c partition.Code) {
	t.touch(c)
	t.s.remove(c)
}

// rollback puts the State back as it was before the operation.
func (t *tx) rollback() {
	for i := len(t.order) - 1; i >= 0; i-- {
		c := t.order[i]
		if u := t.before[c]; u != nil {
			t.s.set(*u)
		} else {
			t.s.remove(c)
		}
	}
}

// change is the Change of the operation (the State is already changed).
func (t *tx) change(op string) Change {
	ch := Change{Op: op, Moves: t.moves}
	codes := append([]partition.Code(nil), t.order...)
	sort.Slice(codes, func(i, j int) bool { return codes[i] < codes[j] })
	for _, c := range codes {
		if u := t.before[c]; u != nil {
			ch.Before = append(ch.Before, *u)
		}
		if u, ok := t.s.units[c]; ok {
			ch.After = append(ch.After, *u)
		} else if t.s.estimated[c] {
			ch.WasEstimated = append(ch.WasEstimated, c)
		}
	}
	for c := range t.estimated {
		if _, ok := t.s.units[c]; ok && !t.s.estimated[c] {
			ch.Estimated = append(ch.Estimated, c)
		}
	}
	sort.Slice(ch.Estimated, func(i, j int) bool { return ch.Estimated[i] < ch.Estimated[j] })
	for c := range t.families {
		if _, ok := t.s.units[c]; ok {
			ch.Families = append(ch.Families, c)
		}
	}
	sort.Slice(ch.Families, func(i, j int) bool { return ch.Families[i] < ch.Families[j] })
	if len(t.recoded) > 0 {
		ch.Recoded = t.recoded
	}
	return ch
}

// nextCode is the first free code of a child at level under parent.
func (t *tx) nextCode(parent partition.Code, level partition.Level) (partition.Code, error) {
	for n := 1; n <= 999; n++ {
		c, err := partition.ChildCode(parent, level, n)
		if err != nil {
			return "", partition.Errorf(partition.Invalid, "no code for a new %s under %s: %v", level, parent, err)
		}
		if _, taken := t.s.units[c]; !taken {
			if _, was := t.before[c]; !was {
				return c, nil
			}
		}
	}
	return "", partition.Errorf(partition.Conflict, "%s has 999 children at level %s: codes have no room for another", parent, level)
}

// reparent moves the subtree of x under newParent, with codes of its
// space: x takes the first free code there, and its descendants keep their
// own digits after x's.
func (t *tx) reparent(x, newParent partition.Code) error {
	u, _ := t.unit(x)
	c, err := t.nextCode(newParent, u.Level)
	if err != nil {
		return err
	}
	return t.recode(x, c, newParent)
}

func (t *tx) recode(old, code, parent partition.Code) error {
	u, _ := t.unit(old)
	kids := append([]partition.Code(nil), t.s.children[old]...)
	if _, taken := t.s.units[code]; taken && code != old {
		return partition.Errorf(partition.Conflict, "cannot move %s under %s: the code %s it would take exists", old, parent, code)
	}
	t.drop(old)
	u.Code, u.Parent = code, parent
	t.put(u)
	if code != old {
		t.recoded[old] = code
	}
	for _, k := range kids {
		kc := partition.Code(code.Significant() + strings.TrimPrefix(string(k), old.Significant()))
		if err := t.recode(k, kc, code); err != nil {
			return err
		}
	}
	return nil
}

// dropSubtree removes x and everything under it.
func (t *tx) dropSubtree(x partition.Code) {
	for _, k := range append([]partition.Code(nil), t.s.children[x]...) {
		t.dropSubtree(k)
	}
	t.drop(x)
}

// polygonalChildren returns the codes of c's children that have an area.
func (t *tx) polygonalChildren(c partition.Code) []partition.Code {
	var out []partition.Code
	for _, k := range t.s.children[c] {
		if u := t.s.units[k]; u.Polygonal() && len(u.Geometry) > 0 {
			out = append(out, k)
		}
	}
	return out
}

// degenerate is the planar area at or below which a part or hole that an
// overlay returned is a spike with no width (its ends one rounding apart),
// not a shape: such a part "touches along a line" the part it hangs off.
const degenerate geo.SquareMeters = 1e-6

// tidy drops the degenerate parts and holes of an overlay's result; it
// returns mp itself when there are none.
func tidy(mp orb.MultiPolygon) orb.MultiPolygon {
	clean := true
	for _, p := range mp {
		for _, r := range p {
			if geo.FlatArea(orb.MultiPolygon{{r}}) <= degenerate {
				clean = false
			}
		}
	}
	if clean {
		return mp
	}
	var out orb.MultiPolygon
	for _, p := range mp {
		if geo.FlatArea(orb.MultiPolygon{{p[0]}}) <= degenerate {
			continue
		}
		q := orb.Polygon{p[0]}
		for _, h := range p[1:] {
			if geo.FlatArea(orb.MultiPolygon{{h}}) > degenerate {
				q = append(q, h)
			}
		}
		out = append(out, q)
	}
	return out
}
