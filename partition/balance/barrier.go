package balance

import (
	"math"

	"github.com/paulmach/orb"
)

// barrierIndex holds barrier segments by lattice cell.
type barrierIndex struct {
	segs   [][2]orb.Point
	byCell map[int64][]int32
}

// newBarrierIndex registers every barrier segment in the cells it passes
// through (and their neighbours, to be safe at cell edges).
func newBarrierIndex(s *atomSet, lines []orb.LineString) *barrierIndex {
	bi := &barrierIndex{byCell: map[int64][]int32{}}
	lat := &s.g.lat
	step := math.Min(lat.dx, lat.dy) / 3
	for _, ls := range lines {
		for k := 0; k+1 < len(ls); k++ {
			p, q := ls[k], ls[k+1]
			if p == q {
				continue
			}
			id := int32(len(bi.segs))
			bi.segs = append(bi.segs, [2]orb.Point{p, q})
			n := int(math.Ceil(math.Hypot(q[0]-p[0], q[1]-p[1])/step)) + 1
			if n > 1_000_000 {
				n = 1_000_000
			}
			seen := map[int64]bool{}
			for t := 0; t <= n; t++ {
				f := float64(t) / float64(n)
				i, j := lat.cellOf(orb.Point{p[0] + f*(q[0]-p[0]), p[1] + f*(q[1]-p[1])})
				for di := -1; di <= 1; di++ {
					for dj := -1; dj <= 1; dj++ {
						key := lat.cellKey(i+di, j+dj)
						if !seen[key] {
							seen[key] = true
							bi.byCell[key] = append(bi.byCell[key], id)
						}
					}
				}
			}
		}
	}
	return bi
}

// blocks reports whether a barrier separates atoms a and b: whether the
// segment between their inner points crosses a barrier segment.
func (bi *barrierIndex) blocks(s *atomSet, a, b int32) bool {
	if len(bi.segs) == 0 {
		return false
	}
	p, q := s.atoms[a].rep, s.atoms[b].rep
	for _, c := range [2]int64{s.atoms[a].cell, s.atoms[b].cell} {
		for _, id := range bi.byCell[c] {
			sg := bi.segs[id]
			if segmentsCross(p, q, sg[0], sg[1]) {
				return true
			}
		}
	}
	return false
}

func turn(a, b, c orb.Point) float64 {
	return (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0])
}

// segmentsCross reports whether segments a–b and c–d meet (touching counts).
func segmentsCross(a, b, c, d orb.Point) bool {
	o1, o2 := turn(a, b, c), turn(a, b, d)
	o3, o4 := turn(c, d, a), turn(c, d, b)
	if (o1 > 0) != (o2 > 0) && o1 != 0 && o2 != 0 && (o3 > 0) != (o4 > 0) && o3 != 0 && o4 != 0 {
		return true
	}
	on := func(p, x, y orb.Point) bool {
		return min(x[0], y[0]) <= p[0] && p[0] <= max(x[0], y[0]) && min(x[1], y[1]) <= p[1] && p[1] <= max(x[1], y[1])
	}
	return o1 == 0 && on(c, a, b) || o2 == 0 && on(d, a, b) || o3 == 0 && on(a, c, d) || o4 == 0 && on(b, c, d)
}
