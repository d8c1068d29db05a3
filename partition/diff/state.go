package diff

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/paulmach/orb"
	"github.com/peterstace/simplefeatures/rtree"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/partition"
)

// state is one side of a comparison: its units by code, and the polygonal
// ones grouped by level and network.
type state struct {
	name   string // "from" or "to", for errors
	units  []*partition.Unit
	byCode map[partition.Code]int
	shapes []*shape // by index in units, made on first use
	groups map[groupKey]*group
}

// groupKey is a level of a network: pieces only change hands within one.
type groupKey struct {
	level   partition.Level
	network partition.Network
}

// group is one state's polygonal units of one level and network, in code
// order, with an R-tree over their bounds.
type group struct {
	members []int // indices into state.units
	tree    *rtree.RTree
}

// shape is a unit's geometry made valid for overlay, with its bound and
// its area on the ellipsoid.
type shape struct {
	mp    orb.MultiPolygon
	bound orb.Bound
	area  geo.SquareMeters
}

// newState indexes units, refusing a code that appears twice.
func newState(name string, units []partition.Unit) (*state, error) {
	s := &state{name: name, byCode: make(map[partition.Code]int, len(units)), groups: map[groupKey]*group{}}
	for i := range units {
		u := &units[i]
		if _, dup := s.byCode[u.Code]; dup {
			return nil, partition.Errorf(partition.Invalid, "%s: code %s appears twice", name, u.Code)
		}
		s.byCode[u.Code] = len(s.units)
		s.units = append(s.units, u)
	}
	s.shapes = make([]*shape, len(s.units))
	order := make([]int, len(s.units))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(s.units[a].Code, s.units[b].Code) })
	for _, i := range order {
		if u := s.units[i]; u.Polygonal() && len(u.Geometry) > 0 {
			k := groupKey{u.Level, u.Network}
			if s.groups[k] == nil {
				s.groups[k] = &group{}
			}
			s.groups[k].members = append(s.groups[k].members, i)
		}
	}
	for _, g := range s.groups {
		items := make([]rtree.BulkItem, len(g.members))
		for j, i := range g.members {
			items[j] = rtree.BulkItem{Box: toBox(s.units[i].Geometry.Bound()), RecordID: i}
		}
		g.tree = rtree.BulkLoad(items)
	}
	return s, nil
}

// shape returns unit i's shape, making its geometry valid the first time.
func (s *state) shape(i int) (*shape, error) {
	if s.shapes[i] != nil {
		return s.shapes[i], nil
	}
	u := s.units[i]
	mp, err := geo.MakeValid(u.Geometry)
	if err != nil {
		return nil, fmt.Errorf("%s: unit %s: %w", s.name, u.Code, err)
	}
	s.shapes[i] = &shape{mp: mp, bound: mp.Bound(), area: geo.Area(mp)}
	return s.shapes[i], nil
}

// unit returns the unit with code c in group k, if there is one.
func (s *state) unit(c partition.Code, k groupKey) (int, bool) {
	i, ok := s.byCode[c]
	if !ok {
		return 0, false
	}
	u := s.units[i]
	return i, u.Level == k.level && u.Network == k.network && u.Polygonal() && len(u.Geometry) > 0
}

// near returns the members of group k whose bounds meet b, in code order.
func (s *state) near(k groupKey, b orb.Bound) []int {
	g := s.groups[k]
	if g == nil {
		return nil
	}
	var out []int
	_ = g.tree.RangeSearch(toBox(b), func(i int) error { out = append(out, i); return nil })
	slices.SortFunc(out, func(a, b int) int { return cmp.Compare(s.units[a].Code, s.units[b].Code) })
	return out
}

// keys returns the groups of both states in level order, then network.
func keys(a, b *state) []groupKey {
	var out []groupKey
	for _, s := range []*state{a, b} {
		for k := range s.groups {
			if !slices.Contains(out, k) {
				out = append(out, k)
			}
		}
	}
	slices.SortFunc(out, func(x, y groupKey) int {
		return cmp.Or(cmp.Compare(x.level.Depth(), y.level.Depth()), cmp.Compare(x.level, y.level), cmp.Compare(x.network, y.network))
	})
	return out
}

func toBox(b orb.Bound) rtree.Box {
	return rtree.Box{MinX: b.Min[0], MinY: b.Min[1], MaxX: b.Max[0], MaxY: b.Max[1]}
}
