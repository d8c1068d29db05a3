package edit

import (
	"fmt"
	"slices"
	"sort"

	"github.com/wangge/wangge/partition"
)

// State is the units of one subtree, as a draft holds them: the root and
// everything under it, by code. It is not safe for concurrent use.
type State struct {
	root     partition.Code
	units    map[partition.Code]*partition.Unit
	children map[partition.Code][]partition.Code // sorted
	// estimated holds the codes whose households and population were
	// moved in proportion to area, for want of a household layer.
	estimated map[partition.Code]bool
}

// NewState holds units, which must be root and its descendants (each
// unit's parent among them, but the root's). It keeps its own copies.
func NewState(root partition.Code, units []partition.Unit) (*State, error) {
	s := &State{root: root, units: map[partition.Code]*partition.Unit{}, children: map[partition.Code][]partition.Code{}, estimated: map[partition.Code]bool{}}
	for i := range units {
		u := units[i]
		if _, dup := s.units[u.Code]; dup {
			return nil, fmt.Errorf("subtree of %s: unit %s appears twice", root, u.Code)
		}
		s.units[u.Code] = &u
	}
	if _, ok := s.units[root]; !ok {
		return nil, partition.Errorf(partition.NotFound, "unit %s does not exist", root)
	}
	for c, u := range s.units {
		if c == root {
			continue
		}
		if _, ok := s.units[u.Parent]; !ok {
			return nil, fmt.Errorf("subtree of %s: the parent %s of %s is not in it", root, u.Parent, c)
		}
		s.children[u.Parent] = append(s.children[u.Parent], c)
	}
	for _, cs := range s.children {
		slices.Sort(cs)
	}
	return s, nil
}

// Root is the subtree's root.
func (s *State) Root() partition.Code { return s.root }

// Len is the number of units.
func (s *State) Len() int { return len(s.units) }

// Unit returns the unit of that code (not to be changed by the caller).
func (s *State) Unit(c partition.Code) (*partition.Unit, bool) {
	u, ok := s.units[c]
	return u, ok
}

// Children returns the codes of c's children in code order (not to be
// changed by the caller).
func (s *State) Children(c partition.Code) []partition.Code { return s.children[c] }

// Estimated reports whether c's households were estimated by area.
func (s *State) Estimated(c partition.Code) bool { return s.estimated[c] }

// Units returns copies of the units in code order.
func (s *State) Units() []partition.Unit {
	out := make([]partition.Unit, 0, len(s.units))
	for _, u := range s.units {
		out = append(out, *u)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// Family returns a parent and its children, ready for tiling.Check.
func (s *State) Family(parent partition.Code) (*partition.Unit, []partition.Unit) {
	p := s.units[parent]
	cs := s.children[parent]
	out := make([]partition.Unit, len(cs))
	for i, c := range cs {
		out[i] = *s.units[c]
	}
	return p, out
}

// set puts u in place of the unit of its code (or adds it), keeping the
// children index.
func (s *State) set(u partition.Unit) {
	if old, ok := s.units[u.Code]; ok && old.Parent != u.Parent {
		s.unlink(old.Parent, u.Code)
	}
	if old, ok := s.units[u.Code]; !ok || old.Parent != u.Parent {
		if u.Code != s.root {
			s.link(u.Parent, u.Code)
		}
	}
	s.units[u.Code] = &u
}

// remove takes the unit of code c away (its children stay, for the caller
// to move or remove).
func (s *State) remove(c partition.Code) {
	if old, ok := s.units[c]; ok {
		s.unlink(old.Parent, c)
		delete(s.units, c)
	}
}

func (s *State) link(parent, c partition.Code) {
	cs := s.children[parent]
	i, _ := slices.BinarySearch(cs, c)
	s.children[parent] = slices.Insert(cs, i, c)
}

func (s *State) unlink(parent, c partition.Code) {
	cs := s.children[parent]
	if i, ok := slices.BinarySearch(cs, c); ok {
		cs = slices.Delete(cs, i, i+1)
	}
	if len(cs) == 0 {
		delete(s.children, parent)
	} else {
		s.children[parent] = cs
	}
}

// Apply makes the state what c left it: the units of c.After in place, the
// codes of c.Before that are not in c.After removed.
func (s *State) Apply(c *Change) {
	after := map[partition.Code]bool{}
	for _, u := range c.After {
		after[u.Code] = true
	}
	for _, u := range c.Before {
		if !after[u.Code] {
			s.remove(u.Code)
			delete(s.estimated, u.Code)
		}
	}
	for _, u := range c.After {
		s.set(u)
	}
	for _, code := range c.Estimated {
		s.estimated[code] = true
	}
}

// Revert makes the state what it was before c: the inverse of Apply.
func (s *State) Revert(c *Change) {
	before := map[partition.Code]bool{}
	for _, u := range c.Before {
		before[u.Code] = true
	}
	for _, u := range c.After {
		if !before[u.Code] {
			s.remove(u.Code)
		}
	}
	for _, u := range c.Before {
		s.set(u)
	}
	for _, code := range c.Estimated {
		delete(s.estimated, code)
	}
	for _, code := range c.WasEstimated {
		s.estimated[code] = true
	}
}
