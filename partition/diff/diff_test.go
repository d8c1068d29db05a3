package diff

import (
	"context"
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/partition"
)

func compare(t testing.TB, from, to []partition.Unit, opts Options) Result {
	t.Helper()
	r, err := Compare(context.Background(), from, to, opts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// near reports whether got is within a relative 1e-9 (and 1e-6 m²) of want.
func near(got, want geo.SquareMeters) bool {
	return math.Abs(float64(got-want)) <= 1e-9*math.Abs(float64(want))+1e-6
}

// TestComparePieces checks every piece, and no other, against the
// cell-by-cell oracle on hand-drawn tilings.
func TestComparePieces(t *testing.T) {
	for _, tc := range []struct {
		name           string
		from, to       []string
		added, removed []partition.Code
	}{
		{"border moved", []string{"AAABBB", "AAABBB"}, []string{"AAAABB", "AAAABB"}, nil, nil},
		{"border moved both ways", []string{"AABB", "AABB", "AABB"}, []string{"ABBB", "AABB", "AAAB"}, nil, nil},
		{"merge", []string{"AABB", "AABB"}, []string{"AAAA", "AAAA"}, nil, []partition.Code{"B"}},
		{"split keeping the code", []string{"AAAA", "AAAA"}, []string{"AACC", "AACC"}, []partition.Code{"C"}, nil},
		{"three-way", []string{"AAB", "ACB", "CCB"}, []string{"ABB", "CCB", "CAA"}, nil, nil},
		{"renamed code", []string{"AB", "AB"}, []string{"AD", "AD"}, []partition.Code{"D"}, []partition.Code{"B"}},
		{"gap filled and opened", []string{"AA.B", "AABB"}, []string{"AAAB", "A.BB"}, nil, nil},
		{"unit drops out of the level", []string{"AB", "AB"}, []string{"A.", "A."}, nil, []partition.Code{"B"}},
		{"nothing changed", []string{"AB", "AB"}, []string{"AB", "AB"}, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := compare(t, drawn(t, nil, tc.from...), drawn(t, nil, tc.to...), DefaultOptions())
			want := cellPieces(tc.from, tc.to)
			got := map[pair]geo.SquareMeters{}
			for _, p := range r.Pieces {
				got[pair{p.From, p.To}] = p.Area
				if p.Level != partition.LevelGrid || p.Network != partition.NetworkLand {
					t.Errorf("piece %s→%s: got level %s network %s, want grid land", p.From, p.To, p.Level, p.Network)
				}
				if a := geo.Area(p.Geometry); a != p.Area {
					t.Errorf("piece %s→%s: Area %.3f, its geometry's %.3f", p.From, p.To, p.Area, a)
				}
			}
			for k, w := range want {
				if g, ok := got[k]; !ok || !near(g, w) {
					t.Errorf("piece %q→%q: got %.6f m² (reported %v), want %.6f m²", k.from, k.to, g, ok, w)
				}
			}
			for k, g := range got {
				if _, ok := want[k]; !ok {
					t.Errorf("piece %q→%q of %.3f m²: want none", k.from, k.to, g)
				}
			}
			if !slices.Equal(r.Added, orEmpty(tc.added)) || !slices.Equal(r.Removed, orEmpty(tc.removed)) {
				t.Errorf("got added %v removed %v, want %v and %v", r.Added, r.Removed, tc.added, tc.removed)
			}
			if r.Summary.Pieces != len(want) || r.Summary.Added != len(tc.added) || r.Summary.Removed != len(tc.removed) {
				t.Errorf("summary %+v: want %d pieces, %d added, %d removed", r.Summary, len(want), len(tc.added), len(tc.removed))
			}
		})
	}
}

func orEmpty(cs []partition.Code) []partition.Code {
	if cs == nil {
		return []partition.Code{}
	}
	return cs
}

// TestCompareNamedCases spells out the cases of the brief with their
// expected areas taken from the input geometries.
func TestCompareNamedCases(t *testing.T) {
	t.Run("border moved: one piece with the column's area", func(t *testing.T) {
		r := compare(t, drawn(t, nil, "AAABBB", "AAABBB"), drawn(t, nil, "AAAABB", "AAAABB"), DefaultOptions())
		want := geo.Area(orb.Polygon{{{118.703, 31.998}, {118.704, 31.998}, {118.704, 32}, {118.703, 32}, {118.703, 31.998}}})
		if len(r.Pieces) != 1 || r.Pieces[0].From != "B" || r.Pieces[0].To != "A" {
			t.Fatalf("got pieces %v, want one B→A", pairs(r.Pieces))
		}
		if got := r.Pieces[0].Area; math.Abs(float64(got-want)) > 1e-6*float64(want) {
			t.Errorf("got %.4f m², want %.4f m²", got, want)
		}
	})
	t.Run("merge: B removed, B→A of all of B", func(t *testing.T) {
		from := drawn(t, nil, "AABB", "AABB")
		r := compare(t, from, drawn(t, nil, "AAAA", "AAAA"), DefaultOptions())
		if len(r.Pieces) != 1 || r.Pieces[0].From != "B" || r.Pieces[0].To != "A" {
			t.Fatalf("got pieces %v, want one B→A", pairs(r.Pieces))
		}
		if got, want := r.Pieces[0].Area, geo.Area(from[1].Geometry); !near(got, want) {
			t.Errorf("got %.4f m², want B's %.4f m²", got, want)
		}
		if !slices.Equal(r.Removed, []partition.Code{"B"}) {
			t.Errorf("got removed %v, want [B]", r.Removed)
		}
	})
	t.Run("split: A keeps its code on one half, A→C of the other", func(t *testing.T) {
		to := drawn(t, nil, "AACC", "AACC")
		r := compare(t, drawn(t, nil, "AAAA", "AAAA"), to, DefaultOptions())
		if len(r.Pieces) != 1 || r.Pieces[0].From != "A" || r.Pieces[0].To != "C" {
			t.Fatalf("got pieces %v, want one A→C", pairs(r.Pieces))
		}
		if got, want := r.Pieces[0].Area, geo.Area(to[1].Geometry); !near(got, want) {
			t.Errorf("got %.4f m², want C's %.4f m²", got, want)
		}
	})
}

func pairs(ps []Piece) []pair {
	out := make([]pair, len(ps))
	for i, p := range ps {
		out[i] = pair{p.From, p.To}
	}
	return out
}

// TestCompareOrder: pieces in level order (street before grid), then
// network, From and To, whatever the input order.
func TestCompareOrder(t *testing.T) {
	from := drawn(t, nil, "AB", "CD")
	to := drawn(t, nil, "BA", "DC")
	streets := func(rows ...string) []partition.Unit {
		us := drawn(t, nil, rows...)
		for i := range us {
			us[i].Code = "S" + us[i].Code
			us[i].Level = partition.LevelStreet
		}
		return us
	}
	from = append(from, streets("XX", "YY")...)
	to = append(to, streets("XY", "XY")...)
	slices.Reverse(from)
	r := compare(t, from, to, DefaultOptions())
	want := []pair{{"SX", "SY"}, {"SY", "SX"}, {"A", "B"}, {"B", "A"}, {"C", "D"}, {"D", "C"}}
	if got := pairs(r.Pieces); !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if len(r.Summary.Levels) != 2 || r.Summary.Levels[0].Level != partition.LevelStreet || r.Summary.Levels[1].Pieces != 4 {
		t.Errorf("got levels %+v, want street (2 pieces) then grid (4)", r.Summary.Levels)
	}
}

// TestCompareTolerance: a sliver of some 2 m² is reported at 1 m² (and at
// 0, which means 1 m²) but not at its own area or above; a negative
// tolerance is invalid.
func TestCompareTolerance(t *testing.T) {
	a := orb.MultiPolygon{{{{0, 0}, {1e-3, 0}, {1e-3, 1e-3}, {0, 1e-3}, {0, 0}}}}
	b := orb.MultiPolygon{{{{1e-3, 0}, {2e-3, 0}, {2e-3, 1e-3}, {1e-3, 1e-3}, {1e-3, 0}}}}
	x := 1e-3 + 2e-7 // the border moved 2e-7° (≈ 2.2 cm) east: B gives A 1e-3° × 2e-7°
	a2 := orb.MultiPolygon{{{{0, 0}, {x, 0}, {x, 1e-3}, {0, 1e-3}, {0, 0}}}}
	b2 := orb.MultiPolygon{{{{x, 0}, {2e-3, 0}, {2e-3, 1e-3}, {x, 1e-3}, {x, 0}}}}
	unit := func(c partition.Code, mp orb.MultiPolygon) partition.Unit {
		return partition.Unit{Code: c, Level: partition.LevelGrid, Network: partition.NetworkLand, Kind: partition.KindComprehensive, Geometry: mp}
	}
	from, to := []partition.Unit{unit("A", a), unit("B", b)}, []partition.Unit{unit("A", a2), unit("B", b2)}
	sliver := geo.Area(orb.Polygon{{{1e-3, 0}, {x, 0}, {x, 1e-3}, {1e-3, 1e-3}, {1e-3, 0}}})
	if sliver < 2 || sliver > 3 {
		t.Fatalf("fixture: sliver of %.3f m², want 2–3", sliver)
	}
	for _, tc := range []struct {
		tol  geo.SquareMeters
		want int
	}{{0, 1}, {1, 1}, {sliver * (1 - 1e-6), 1}, {sliver * (1 + 1e-6), 0}, {3, 0}} {
		r := compare(t, from, to, Options{AreaTolerance: tc.tol})
		if len(r.Pieces) != tc.want {
			t.Errorf("tolerance %.6f m²: got %d pieces %v, want %d", tc.tol, len(r.Pieces), pairs(r.Pieces), tc.want)
		}
		geom := 0
		for _, c := range r.Changed {
			if c.Field == FieldGeometry {
				geom++
			}
		}
		// A's and B's geometry each changed by the sliver.
		if tc.want == 1 && geom != 2 || tc.want == 0 && geom != 0 {
			t.Errorf("tolerance %.6f m²: got %d geometry changes, want %d", tc.tol, geom, 2*tc.want)
		}
	}
	_, err := Compare(context.Background(), from, to, Options{AreaTolerance: -1})
	if partition.KindOf(err) != partition.Invalid {
		t.Errorf("negative tolerance: got %v, want an invalid error", err)
	}
}

// TestCompareRefuses a duplicate code, and stops on a cancelled context.
func TestCompareRefuses(t *testing.T) {
	from := drawn(t, nil, "AB")
	_, err := Compare(context.Background(), append(from, from[0]), from, DefaultOptions())
	if partition.KindOf(err) != partition.Invalid {
		t.Errorf("duplicate code: got %v, want an invalid error", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Compare(ctx, from, drawn(t, nil, "BA"), DefaultOptions()); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: got %v, want context.Canceled", err)
	}
}

// TestCompareMembership: membership units (no polygon) give no pieces but
// their attributes are compared.
func TestCompareMembership(t *testing.T) {
	f := partition.Unit{Code: "F", Level: partition.LevelMicrogrid, Network: partition.NetworkSea, Kind: partition.KindFormation, Name: "one"}
	g := f
	g.Name = "two"
	r := compare(t, []partition.Unit{f}, []partition.Unit{g}, DefaultOptions())
	if len(r.Pieces) != 0 || len(r.Changed) != 1 || r.Changed[0].Field != FieldName {
		t.Errorf("got pieces %v, changes %+v; want none and one name change", pairs(r.Pieces), r.Changed)
	}
}
