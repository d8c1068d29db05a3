package draft_test

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/crs"
	"github.com/wangge/wangge/internal/shareddata"
	"github.com/wangge/wangge/internal/teststore"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/balance"
	"github.com/wangge/wangge/partition/draft"
	"github.com/wangge/wangge/partition/household"
)

func quiet() *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

func read(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// publishSample publishes the bundled county and imports its households.
func publishSample(t *testing.T, s partition.Store) {
	t.Helper()
	ctx := context.Background()
	units, err := balance.DecodeUnits(read(t, "../../data/sample/shengsi.geojson"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	publish(t, s, units)
	pts, err := household.Decode(read(t, "../../data/sample/shengsi_households.geojson"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.(partition.DraftStore).ImportHouseholds(ctx, "sample", pts); err != nil {
		t.Fatal(err)
	}
}

func publish(t *testing.T, s partition.Store, units []partition.Unit) partition.Version {
	t.Helper()
	v, err := s.Publish(context.Background(), partition.Changeset{Units: units})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func service(s partition.Store) *draft.Service {
	rs, _ := partition.BuiltinRuleSet("zhejiang")
	return draft.New(s, s.(partition.DraftStore), draft.Options{Rules: &rs}, quiet())
}

// TestPropertySample runs random operations on a town of the sample
// county, with its household layer, on both stores.
func TestPropertySample(t *testing.T) {
	for name, s := range teststore.Both(t, "t_draft_prop") {
		t.Run(name, func(t *testing.T) {
			publishSample(t, s)
			svc := service(s)
			d, err := svc.Create(context.Background(), "330922100000", partition.AsOf{}, "property")
			if err != nil {
				t.Fatal(err)
			}
			applied, refused := run(t, svc, d.ID, 1, steps(t))
			t.Logf("%s: %d steps applied, %d refused", name, applied, refused)
			if applied == 0 {
				t.Fatal("no step was applied")
			}
			// The log is the draft: a service that has never seen it
			// builds the same state from the store.
			_, a, err := svc.Units(context.Background(), d.ID)
			if err != nil {
				t.Fatal(err)
			}
			_, b, err := service(s).Units(context.Background(), d.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !sameJSON(t, a, b) {
				t.Error("the draft built again from its log differs")
			}
		})
	}
}

// TestPropertyRealDistrict runs random operations on a real district of
// Zhoushan (DataV, with its islands and holes) divided by the partitioner
// into streets and those into communities, with no household layer (the
// households move in proportion to area).
func TestPropertyRealDistrict(t *testing.T) {
	district := realDistrict(t, 330903)
	hh := scatter(district, 3000, 5)
	streets := divide(t, district, hh, partition.LevelStreet, 300, 600)
	units := []partition.Unit{district}
	for _, st := range streets {
		units = append(units, st)
		units = append(units, divide(t, st, hh, partition.LevelCommunity, 60, 150)...)
	}
	for name, s := range teststore.Both(t, "t_draft_real") {
		t.Run(name, func(t *testing.T) {
			publish(t, s, units)
			svc := service(s)
			d, err := svc.Create(context.Background(), district.Code, partition.AsOf{}, "property")
			if err != nil {
				t.Fatal(err)
			}
			applied, refused := run(t, svc, d.ID, 2, steps(t))
			t.Logf("%s: %d steps applied, %d refused", name, applied, refused)
			if applied == 0 {
				t.Fatal("no step was applied")
			}
		})
	}
}

// realDistrict is a district of the detailed Zhoushan file, as a root.
func realDistrict(t *testing.T, adcode int) partition.Unit {
	t.Helper()
	tr := crs.Transform(crs.GCJ02, crs.CGCS2000)
	ds, err := balance.DecodeUnits(read(t, shareddata.Boundary(t, "330900_zhoushan_children_detailed.geojson")), tr, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := partition.Code(strconv.Itoa(adcode) + "000000")
	for _, u := range ds {
		if u.Code == want {
			g, err := geo.MakeValid(u.Geometry)
			if err != nil {
				t.Fatal(err)
			}
			u.Geometry, u.Parent = g, ""
			return u
		}
	}
	t.Fatalf("no district %s", want)
	return partition.Unit{}
}

// scatter draws n households uniformly over u's largest parts.
func scatter(u partition.Unit, n int, seed uint64) []balance.Household {
	rng := rand.New(rand.NewPCG(seed, 1))
	b := u.Geometry.Bound()
	var out []balance.Household
	for len(out) < n {
		p := orb.Point{b.Min[0] + rng.Float64()*(b.Max[0]-b.Min[0]), b.Min[1] + rng.Float64()*(b.Max[1]-b.Min[1])}
		if geo.MultiPolygonContains(u.Geometry, p) {
			out = append(out, balance.Household{Point: p, Weight: 1})
		}
	}
	return out
}

func divide(t *testing.T, parent partition.Unit, hh []balance.Household, level partition.Level, lo, hi int) []partition.Unit {
	t.Helper()
	var in []balance.Household
	for _, h := range hh {
		if geo.MultiPolygonContains(parent.Geometry, h.Point) {
			in = append(in, h)
		}
	}
	res, err := balance.Divide(context.Background(), parent, in, balance.Options{Min: lo, Max: hi, Level: level, Seed: 1, JoinSmallIslands: true})
	if err != nil {
		t.Fatal(err)
	}
	return res.Children
}
