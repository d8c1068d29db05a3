package main

import (
	"fmt"
	"sort"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/partition"
)

// town is one of the county's seven towns and townships and what the
// generator puts in it.
type town struct {
	Code  partition.Code
	Name  string
	Short string // the name without 镇/乡, for the names of its units
	// Anchors are points (CGCS2000) on the islands the town governs: an
	// island part goes to the town with the nearest anchor.
	Anchors []orb.Point
	// Grids is how many grids the town's households are planned for
	// (Config.PerGrid each); the partitioner decides how many it gets.
	Grids int
}

// towns lists the towns in the order of their codes. The codes follow the
// statistical numbering of towns (1xx) and townships (2xx) in the county's
// usual order; they are believed to be the real statistical codes but were
// not checked against the NBS tables here (data/sample/README.md). The
// planned grids add up to the county's 77.
func towns() []town {
	return []town{
		{"330922100000", "菜园镇", "菜园", []orb.Point{{122.440, 30.720}}, 26},                    // 泗礁山 west, the county seat
		{"330922101000", "嵊山镇", "嵊山", []orb.Point{{122.820, 30.720}, {122.782, 30.787}}, 10}, // 嵊山岛, 壁下山
		{"330922102000", "洋山镇", "洋山", []orb.Point{{122.076, 30.589}, {121.620, 30.610}}, 13}, // 大洋山, the islets to the west, the corridor
		{"330922200000", "五龙乡", "五龙", []orb.Point{{122.510, 30.715}}, 9},                     // 泗礁山 east
		{"330922201000", "黄龙乡", "黄龙", []orb.Point{{122.562, 30.663}}, 7},                     // 大/小黄龙
		{"330922202000", "枸杞乡", "枸杞", []orb.Point{{122.7755, 30.7136}}, 9},                   // 枸杞岛
		{"330922203000", "花鸟乡", "花鸟", []orb.Point{{122.683, 30.851}, {122.633, 30.822}}, 3},  // 花鸟山, 绿华
	}
}

// Indices into towns() used by the placement rules.
const (
	townCaiyuan  = 0
	townYangshan = 2
	townWulong   = 3
)

// sijiaoCut is the meridian (CGCS2000) along which 泗礁山 is split between
// 菜园镇 (west, with the county seat) and 五龙乡 (east).
const sijiaoCut = 122.49

// landParts is what one town gets of the county: whole island parts, the
// halves of 泗礁山, and for 洋山镇 the drawn sea corridor.
type landParts struct {
	Geometry orb.MultiPolygon // every part, for the town's polygon
	Islands  orb.MultiPolygon // the parts where people may live (not the corridor)
}

// placeTowns assigns every part of the county to a town: the largest part,
// the drawn corridor to 洋山 (boundaries README §7), goes to 洋山镇; 泗礁山
// is cut along sijiaoCut; every other island goes to the town with the
// nearest anchor.
func placeTowns(county orb.MultiPolygon, ts []town) ([]landParts, error) {
	sijiaoSeat := orb.Point{122.4533, 30.7295} // near the county seat, on 泗礁山
	out := make([]landParts, len(ts))
	corridor := 0
	for i, p := range county {
		if geo.Area(p) > geo.Area(county[corridor]) {
			corridor = i
		}
	}
	for i, p := range county {
		switch {
		case i == corridor:
			out[townYangshan].Geometry = append(out[townYangshan].Geometry, p)
		case geo.PolygonContains(p, sijiaoSeat):
			west, east, err := cutAt(orb.MultiPolygon{p}, 0, sijiaoCut)
			if err != nil {
				return nil, fmt.Errorf("split 泗礁山: %w", err)
			}
			out[townCaiyuan].Geometry = append(out[townCaiyuan].Geometry, west...)
			out[townCaiyuan].Islands = append(out[townCaiyuan].Islands, west...)
			out[townWulong].Geometry = append(out[townWulong].Geometry, east...)
			out[townWulong].Islands = append(out[townWulong].Islands, east...)
		default:
			t := nearestTown(centroid(p), ts)
			out[t].Geometry = append(out[t].Geometry, p)
			out[t].Islands = append(out[t].Islands, p)
		}
	}
	for i := range out {
		if len(out[i].Islands) == 0 {
			return nil, fmt.Errorf("town %s got no island", ts[i].Name)
		}
		sort.SliceStable(out[i].Islands, func(a, b int) bool { return geo.Area(out[i].Islands[a]) > geo.Area(out[i].Islands[b]) })
	}
	return out, nil
}

func nearestTown(p orb.Point, ts []town) int {
	best, bestD := 0, -1.0
	for i, t := range ts {
		for _, a := range t.Anchors {
			if d := groundDistance(p, a); bestD < 0 || d < bestD {
				best, bestD = i, d
			}
		}
	}
	return best
}

// cutAt splits mp along the line x = c (axis 0, a meridian) or y = c (axis
// 1, a parallel) into the part below c and the part above it. Every edge
// that crosses the line first gets a vertex on it (withCut), so that the
// overlay only has to cut through existing vertices: both halves then have
// the same vertices along the cut, bit for bit, and the tiling check finds
// no sliver between them.
func cutAt(mp orb.MultiPolygon, axis int, c float64) (below, above orb.MultiPolygon, err error) {
	mp = withCut(mp, axis, c)
	b := mp.Bound()
	half := orb.Bound{Min: orb.Point{b.Min[0] - 1, b.Min[1] - 1}, Max: orb.Point{b.Max[0] + 1, b.Max[1] + 1}}
	half.Max[axis] = c
	box := orb.MultiPolygon{half.ToPolygon()}
	if below, err = geo.Intersection(mp, box); err != nil {
		return nil, nil, fmt.Errorf("cut at %v: %w", c, err)
	}
	if above, err = geo.Difference(mp, box); err != nil {
		return nil, nil, fmt.Errorf("cut at %v: %w", c, err)
	}
	return below, above, nil
}

// withCut returns a copy of mp with a vertex inserted where an edge crosses
// the line (coordinate axis = c), computed from the edge's lower end so
// that it does not depend on the ring's direction.
func withCut(mp orb.MultiPolygon, axis int, c float64) orb.MultiPolygon {
	out := make(orb.MultiPolygon, len(mp))
	for i, p := range mp {
		out[i] = make(orb.Polygon, len(p))
		for j, r := range p {
			nr := make(orb.Ring, 0, len(r)+4)
			for k, a := range r {
				nr = append(nr, a)
				if k+1 == len(r) {
					break
				}
				b := r[k+1]
				if (a[axis] < c) == (b[axis] < c) || a[axis] == c || b[axis] == c {
					continue
				}
				lo, hi := a, b
				if lo[axis] > hi[axis] {
					lo, hi = hi, lo
				}
				t := (c - lo[axis]) / (hi[axis] - lo[axis])
				var x orb.Point
				x[axis], x[1-axis] = c, lo[1-axis]+t*(hi[1-axis]-lo[1-axis])
				nr = append(nr, x)
			}
			out[i][j] = nr
		}
	}
	return out
}
