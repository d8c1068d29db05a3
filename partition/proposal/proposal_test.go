package proposal_test

import (
	"context"
	"os"
	"reflect"
	"testing"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/internal/teststore"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/balance"
	"github.com/wangge/wangge/partition/proposal"
	"github.com/wangge/wangge/partition/tiling"
)

// community 菜园第2社区 of the sample holds 5 grids of 301–344 households
// (20 micro-grids); a band of 310–400 makes the rebalancing move
// households between some of them.
const community = partition.Code("330922100002")

// stores are the two stores, each holding the bundled sample county.
func stores(t *testing.T) map[string]partition.Store {
	t.Helper()
	ctx := context.Background()
	out := teststore.Both(t, "t_proposal")
	for name, s := range out {
		f, err := os.Open("../../data/sample/shengsi.geojson")
		if err != nil {
			t.Fatal(err)
		}
		d, err := partition.DecodeFeatureCollection(f, partition.DecodeOptions{})
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Publish(ctx, d.Changeset); err != nil {
			t.Fatalf("%s: publish the sample: %v", name, err)
		}
	}
	return out
}

func households(t *testing.T) []balance.Household {
	t.Helper()
	data, err := os.ReadFile("../../data/sample/shengsi_households.geojson")
	if err != nil {
		t.Fatal(err)
	}
	hh, err := balance.DecodeHouseholds(data, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	return hh
}

func children(t *testing.T, s partition.Store, code partition.Code) map[partition.Code]partition.Unit {
	t.Helper()
	out := map[partition.Code]partition.Unit{}
	if err := s.Units(context.Background(), partition.Query{Parent: code}, func(u partition.Unit) error {
		out[u.Code] = u
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// weightIn counts, by brute force, the households inside mp.
func weightIn(hh []balance.Household, mp orb.MultiPolygon) int {
	n := 0
	b := mp.Bound()
	for _, h := range hh {
		if b.Contains(h.Point) && geo.MultiPolygonContains(mp, h.Point) {
			n += h.Weight
		}
	}
	return n
}

// TestRebalanceThenPublish rebalances the grids of a community, publishes
// the proposal as it is, and reads the division back: what the proposal
// did not change is as it was (staff, population, names, free
// properties, polygons), changed grids keep their staff and the
// community's population, and the micro-grids under changed grids are
// re-divided (tiling clean after publishing) or listed as needing
// attention (and their defects shown by the check).
func TestRebalanceThenPublish(t *testing.T) {
	ctx := context.Background()
	hh := households(t)
	rules, err := tiling.Rules("zhejiang", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, redivide := range []bool{false, true} {
		for name, s := range stores(t) {
			t.Run(map[bool]string{false: "listed/", true: "redivided/"}[redivide]+name, func(t *testing.T) {
				before := children(t, s, community)
				parent, err := s.Unit(ctx, community, partition.AsOf{})
				if err != nil {
					t.Fatal(err)
				}
				var current []partition.Unit // in code order, as the store gives them
				if err := s.Units(ctx, partition.Query{Parent: community}, func(u partition.Unit) error {
					current = append(current, u)
					return nil
				}); err != nil {
					t.Fatal(err)
				}
				p, err := proposal.Make(ctx, proposal.Request{Parent: parent, Households: hh, Current: current, Store: s,
					Options: balance.Options{Min: 310, Max: 400, Level: partition.LevelGrid}, Rules: rules, Redivide: redivide})
				if err != nil {
					t.Fatal(err)
				}
				changed := checkCarried(t, p, before, hh)
				if len(changed) == 0 || len(changed) == len(p.Children) {
					t.Fatalf("fixture: %d of %d grids changed, want some but not all", len(changed), len(p.Children))
				}
				listed := map[partition.Code]bool{}
				for _, a := range p.Attention {
					listed[a.Code] = true
				}
				errs, _ := p.Check.Count()
				for code := range changed {
					kids := children(t, s, code)
					if len(kids) == 0 {
						continue
					}
					if !redivide && !listed[code] {
						t.Errorf("%s changed and has %d micro-grids, but is not listed as needing attention", code, len(kids))
					}
				}
				if redivide {
					checkRedivided(t, p, changed, hh)
					if errs > 0 {
						t.Errorf("re-divided: the check of the affected subtree has %d errors: %v", errs, p.Check.Findings[0].Message)
					}
				} else if errs == 0 {
					t.Errorf("listed: the micro-grids of changed grids no longer tile them, yet the check found no error")
				}
				if _, err := s.Publish(ctx, p.Changeset("rebalance")); err != nil {
					t.Fatalf("publish the proposal: %v", err)
				}
				after := children(t, s, community)
				for code, u := range after {
					if !changed[code] {
						want := before[code]
						if !reflect.DeepEqual(u.Staff, want.Staff) || u.Population != want.Population || !reflect.DeepEqual(u.Geometry, want.Geometry) {
							t.Errorf("%s: unchanged by the proposal, but published with staff %v population %d (was %v, %d)", code, u.Staff, u.Population, want.Staff, want.Population)
						}
					} else if !reflect.DeepEqual(u.Staff, before[code].Staff) && before[code].Code != "" {
						t.Errorf("%s: staff %v after publishing, was %v", code, u.Staff, before[code].Staff)
					}
				}
				rep, err := tiling.Run(ctx, tiling.Stored(ctx, s, community, partition.AsOf{}), tiling.DefaultOptions(), 0, nil)
				if err != nil {
					t.Fatal(err)
				}
				if e, _ := rep.Count(); redivide && e > 0 {
					t.Errorf("after publishing the re-divided proposal: %d errors under %s", e, community)
				} else if !redivide && e == 0 {
					t.Errorf("after publishing the listed proposal: no error under %s, yet micro-grids were left as they were", community)
				}
			})
		}
	}
}

// checkCarried checks what the proposal carried from the current grids and
// returns the codes of those it changed.
func checkCarried(t *testing.T, p proposal.Proposal, before map[partition.Code]partition.Unit, hh []balance.Household) map[partition.Code]bool {
	t.Helper()
	changed := map[partition.Code]bool{}
	popBefore, popAfter := 0, 0
	for _, u := range before {
		popBefore += u.Population
	}
	for i, u := range p.Children {
		popAfter += u.Population
		if got := weightIn(hh, u.Geometry); got != u.Households {
			t.Errorf("%s: %d households, %d lie inside it", u.Code, u.Households, got)
		}
		cur, ok := before[u.Code]
		if !ok {
			changed[u.Code] = true
			continue
		}
		if !reflect.DeepEqual(u.Staff, cur.Staff) || u.Name != cur.Name || u.Kind != cur.Kind || !reflect.DeepEqual(u.Props, cur.Props) {
			t.Errorf("%s: kept its code but not its attributes: staff %v name %q props %v (was %v %q %v)", u.Code, u.Staff, u.Name, u.Props, cur.Staff, cur.Name, cur.Props)
		}
		same := reflect.DeepEqual(u.Geometry, cur.Geometry)
		if p.Report.Children[i].Changed == same {
			t.Errorf("%s: report changed=%v, geometry identical=%v", u.Code, p.Report.Children[i].Changed, same)
		}
		if !same {
			changed[u.Code] = true
		} else if u.Population != cur.Population {
			t.Errorf("%s: unchanged, population %d, was %d", u.Code, u.Population, cur.Population)
		}
	}
	// populations move with the households: the community's total stays,
	// up to one person of rounding per grid
	if d := popAfter - popBefore; d < -len(p.Children) || d > len(p.Children) {
		t.Errorf("population %d after, %d before", popAfter, popBefore)
	}
	return changed
}

// checkRedivided checks that every changed grid's new micro-grids hold the
// households inside them and sit under it.
func checkRedivided(t *testing.T, p proposal.Proposal, changed map[partition.Code]bool, hh []balance.Household) {
	t.Helper()
	under := map[partition.Code]int{}
	for _, d := range p.Descendants {
		if !changed[d.Parent] || d.Level != partition.LevelMicrogrid {
			t.Errorf("descendant %s: level %s under %s, want micro-grids under changed grids", d.Code, d.Level, d.Parent)
		}
		if got := weightIn(hh, d.Geometry); got != d.Households {
			t.Errorf("%s: %d households, %d lie inside it", d.Code, d.Households, got)
		}
		under[d.Parent] += d.Households
	}
	for _, c := range p.Children {
		if changed[c.Code] && under[c.Code] != c.Households {
			t.Errorf("%s: %d households, its new micro-grids %d", c.Code, c.Households, under[c.Code])
		}
	}
}
