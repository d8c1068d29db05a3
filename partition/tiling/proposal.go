package tiling

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/wangge/wangge/partition"
)

// An Orphan is a unit of a proposal that no family of it would check: it
// names a parent that is not among the units, and no unit names it as
// theirs. A children-only file (a partition answer) is all orphans. A unit
// whose parent is absent but which has children of its own is no orphan:
// it heads a family, the top of a subtree.
type Orphan struct {
	Index  int // position among the units given
	Code   partition.Code
	Parent partition.Code
}

// Orphans returns the orphans of units, in their order.
func Orphans(units []partition.Unit) []Orphan {
	codes := make(map[partition.Code]bool, len(units))
	named := make(map[partition.Code]bool, len(units))
	for i := range units {
		codes[units[i].Code] = true
		if units[i].Parent != units[i].Code {
			named[units[i].Parent] = true
		}
	}
	var out []Orphan
	for i := range units {
		u := &units[i]
		if u.Parent != "" && !codes[u.Parent] && !named[u.Code] {
			out = append(out, Orphan{Index: i, Code: u.Code, Parent: u.Parent})
		}
	}
	return out
}

// Checkable returns the families of units (Families) when their check
// means something, and otherwise an invalid *partition.Error: when some
// units are orphans (one problem each; the message names their parents and
// ends with how, which tells the caller's user how to give a parent), or
// when no unit is the parent of another, so that no tiling would be
// checked at all — "0 parents, 0 errors" would be false assurance.
func Checkable(units []partition.Unit, how string) ([]Family, error) {
	if orphans := Orphans(units); len(orphans) > 0 {
		return nil, orphanError(orphans, how)
	}
	fams := Families(units)
	for _, f := range fams {
		if f.Parent != nil {
			return fams, nil
		}
	}
	return nil, partition.Errorf(partition.Invalid, "nothing to check: none of the %d units given is the parent of another, so no tiling would be checked (give a parent with its children)", len(units))
}

func orphanError(orphans []Orphan, how string) *partition.Error {
	count := map[partition.Code]int{}
	problems := make([]partition.Problem, len(orphans))
	for i, o := range orphans {
		count[o.Parent]++
		problems[i] = partition.Problem{Index: o.Index, Code: string(o.Code), Field: "parent",
			Message: fmt.Sprintf("parent %s is not in the input, so this unit would be checked against nothing", o.Parent)}
	}
	parents := make([]string, 0, len(count))
	for p := range count {
		parents = append(parents, string(p))
	}
	sort.Strings(parents)
	for i, p := range parents {
		parents[i] = fmt.Sprintf("%s (%d units)", p, count[partition.Code(p)])
	}
	which := "their parent %s is"
	if len(parents) > 1 {
		which = "their parents %s are"
	}
	return &partition.Error{Kind: partition.Invalid, Problems: problems,
		Message: fmt.Sprintf("cannot check %d units: "+which+" not in the input; %s", len(orphans), strings.Join(parents, ", "), how)}
}

// Against completes a proposal with the parent it was made for. parent is
// added unless a unit of its code is among units (the proposal's replaces
// it), and so is every unit of siblings — the parent's other children, as
// stored — whose code is not among units: the family is checked as it
// would be after publishing the units over the store, which writes units
// by code and retires none. It refuses, as invalid, a parent that the
// proposal neither holds nor names as a parent.
func Against(units []partition.Unit, parent partition.Unit, siblings []partition.Unit) ([]partition.Unit, error) {
	codes := make(map[partition.Code]bool, len(units))
	named := false
	for i := range units {
		codes[units[i].Code] = true
		named = named || units[i].Parent == parent.Code
	}
	if !named && !codes[parent.Code] {
		return nil, partition.Errorf(partition.Invalid, "parent %s: no unit of the input is %s or names it as its parent (they name %s)", parent.Code, parent.Code, parentsNamed(units))
	}
	out := append(make([]partition.Unit, 0, len(units)+1+len(siblings)), units...)
	if !codes[parent.Code] {
		out = append(out, parent)
	}
	for _, s := range siblings {
		if !codes[s.Code] && s.Code != parent.Code {
			out = append(out, s)
		}
	}
	return out, nil
}

// parentsNamed lists the distinct parent codes units name, for messages.
func parentsNamed(units []partition.Unit) string {
	seen := map[partition.Code]bool{}
	var list []string
	for i := range units {
		if p := units[i].Parent; p != "" && !seen[p] {
			seen[p] = true
			list = append(list, string(p))
		}
	}
	if len(list) == 0 {
		return "none"
	}
	sort.Strings(list)
	if len(list) > 5 {
		list = append(list[:5], fmt.Sprintf("and %d more", len(list)-5))
	}
	return strings.Join(list, ", ")
}

// StoredFamily reads a stored unit and its children, both from the one
// version that at resolves to, which it returns.
func StoredFamily(ctx context.Context, s partition.Store, code partition.Code, at partition.AsOf) (Family, int64, error) {
	v, err := s.Resolve(ctx, at)
	if err != nil {
		return Family{}, 0, err
	}
	f, err := family(ctx, s, code, partition.AsOf{Version: v.Number})
	return f, v.Number, err
}
