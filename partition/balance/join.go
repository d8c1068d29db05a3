package balance

import (
	"math"
	"sort"
)

// joinedIslands counts what a child received in joinIslands.
type joinedIslands struct{ islands, households int }

// joinIslands gives each island without a child of its own to the child
// nearest it (atom centre to atom centre); with households, the nearest
// child that stays within the maximum, else the nearest.
func (gr *grouping) joinIslands() {
	s := gr.d.s
	if gr.joined == nil {
		gr.joined = map[int32]joinedIslands{}
	}
	var coast []int32 // atoms of divided regions on the outline
	for h, t := range s.g.twin {
		if a := s.heAtom[h]; t < 0 && a >= 0 && gr.d.regionOf[a] >= 0 {
			coast = append(coast, a)
		}
	}
	sort.Slice(coast, func(i, j int) bool { return coast[i] < coast[j] })
	for _, isl := range gr.d.joins {
		w := 0
		for _, a := range isl {
			w += s.atoms[a].w
		}
		step := max(1, len(isl)/64)
		dist := map[int32]float64{}
		for i := 0; i < len(isl); i += step {
			p := s.atoms[isl[i]].xy
			for _, b := range coast {
				q := s.atoms[b].xy
				d := math.Hypot(p[0]-q[0], p[1]-q[1])
				if c := gr.child[b]; c >= 0 {
					if old, ok := dist[c]; !ok || d < old {
						dist[c] = d
					}
				}
			}
		}
		cs := make([]int32, 0, len(dist))
		for c := range dist {
			cs = append(cs, c)
		}
		sort.Slice(cs, func(i, j int) bool { return dist[cs[i]] < dist[cs[j]] || dist[cs[i]] == dist[cs[j]] && cs[i] < cs[j] })
		if len(cs) == 0 {
			continue
		}
		to := cs[0]
		for _, c := range cs {
			if gr.w[c]+w <= gr.d.max {
				to = c
				break
			}
		}
		for _, a := range isl {
			gr.put(a, to)
		}
		j := gr.joined[to]
		j.islands++
		j.households += w
		gr.joined[to] = j
	}
}
