// Package household counts a household layer's points inside polygons: the
// households and population that an edit moves with the area that changes
// hands, and the points the partitioner divides. It does no I/O.
//
// A point is inside a polygon by geo's boundary rule (a point on an edge
// shared by two pieces of a tiling lies in exactly one of them), so the
// pieces of an exact tiling count every point once.
package household

import (
	"math"
	"sort"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/partition"
)

// Tally is what a set of points holds.
type Tally struct {
	Points     int `json:"points"`
	Households int `json:"households"`
	Population int `json:"population"`
}

// Add returns t + o.
func (t Tally) Add(o Tally) Tally {
	return Tally{t.Points + o.Points, t.Households + o.Households, t.Population + o.Population}
}

// Layer is an immutable index of household points, safe for concurrent use.
type Layer struct {
	pts []partition.HouseholdPoint // sorted by longitude
	lon []float64                  // pts[i].Point[0]
}

// New indexes a copy of pts: the caller may reuse them.
func New(pts []partition.HouseholdPoint) *Layer {
	sorted := append([]partition.HouseholdPoint(nil), pts...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Point[0] < sorted[j].Point[0] })
	lon := make([]float64, len(sorted))
	for i := range sorted {
		lon[i] = sorted[i].Point[0]
	}
	return &Layer{pts: sorted, lon: lon}
}

// Len is the number of points.
func (l *Layer) Len() int { return len(l.pts) }

// each calls fn for each point inside mp.
func (l *Layer) each(mp orb.MultiPolygon, fn func(*partition.HouseholdPoint)) {
	if l == nil || len(mp) == 0 {
		return
	}
	b := mp.Bound()
	i := sort.SearchFloat64s(l.lon, b.Min[0])
	for ; i < len(l.pts) && l.lon[i] <= b.Max[0]; i++ {
		p := &l.pts[i]
		if p.Point[1] < b.Min[1] || p.Point[1] > b.Max[1] {
			continue
		}
		if geo.MultiPolygonContains(mp, p.Point) {
			fn(p)
		}
	}
}

// In is the tally of the points inside mp.
func (l *Layer) In(mp orb.MultiPolygon) Tally {
	var t Tally
	l.each(mp, func(p *partition.HouseholdPoint) {
		t.Points++
		t.Households += p.Households
		t.Population += p.Population
	})
	return t
}

// Within returns the points inside mp, in longitude order.
func (l *Layer) Within(mp orb.MultiPolygon) []partition.HouseholdPoint {
	var out []partition.HouseholdPoint
	l.each(mp, func(p *partition.HouseholdPoint) { out = append(out, *p) })
	return out
}

// Share is the part of a unit's households and population that a piece of
// share (0..1) of its area holds when there is no layer to count: rounded
// to the nearest whole number (halves away from zero), never more than the
// unit holds. A share outside 0..1 is taken as the nearer end, and one that
// is not a number (0/0, a piece of a unit with no area) as 0.
func Share(households, population int, share float64) Tally {
	if math.IsNaN(share) {
		share = 0
	}
	share = math.Max(0, math.Min(1, share))
	return Tally{
		Households: min(households, int(math.Round(float64(households)*share))),
		Population: min(population, int(math.Round(float64(population)*share))),
	}
}
