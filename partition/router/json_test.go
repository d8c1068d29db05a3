package router

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/store/storetest"
)

// TestAppendCentimetres: the hand-written formatting gives exactly what
// strconv gives for the distance rounded to the centimetre.
func TestAppendCentimetres(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	ds := []geo.Meters{0, 0.004, 0.005, 0.05, 0.1, 0.3, 1, 12.3, 12.05, 12.345, 99.995, 1e6 + 0.07, 123456789.01}
	for range 100_000 {
		ds = append(ds, geo.Meters(math.Pow(10, -3+10*rng.Float64())))
	}
	for _, d := range ds {
		want := strconv.AppendFloat(nil, math.Round(float64(d)*100)/100, 'f', -1, 64)
		if got := appendCentimetres(nil, d); string(got) != string(want) {
			t.Fatalf("appendCentimetres(%v) = %s, want %s", d, got, want)
		}
	}
}

// TestAppendJSONDecodes: what AppendJSON writes is valid JSON that
// encoding/json reads back as the result's own unit, chain (with staff),
// neighbour and nearest unit, and contact (found here by walking the chain
// up to the first unit with staff, whose best role's first person it is),
// for names that need escaping too, on points of every kind over the
// sample, whose grid has staff and whose micro-grids have none.
func TestAppendJSONDecodes(t *testing.T) {
	units := slices.Clone(storetest.Sample().Units)
	names := []string{`引号"与\反斜杠`, "<script>&amp;", "tab\tnew\nline\x01", "\u2028 line separator", "plain"}
	for i := range units {
		units[i].Name = names[i%len(names)] + units[i].Name
	}
	// The street's roster puts the best role neither first nor alone.
	units[2].Staff = []partition.Staff{{Role: partition.RolePolice, Name: "警\"员"}, {Role: partition.RolePartTime, Name: "兼职", Phone: "139"}, {Role: partition.RolePartTime, Name: "兼职二"}}
	ix, err := New(partition.Version{Number: 3, PublishedAt: time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)}, units, Options{})
	if err != nil {
		t.Fatal(err)
	}
	type ref struct {
		Code, Name, Level string
	}
	type entry struct {
		Code, Name, Level, Network, Kind string
		Staff                            []partition.Staff
	}
	type answer struct {
		Point                 [2]float64
		Code, Name, Level     *string
		Network, Kind         *string
		Resolved, Approximate bool
		DistanceM             *float64 `json:"distance_m"`
		NearBoundary          bool     `json:"near_boundary"`
		Neighbor, Nearest     *ref
		Contact               *contactJSON
		Chain                 []entry
		Version               int64
		PublishedAt           string `json:"published_at"`
	}
	asRef := func(u *partition.Unit) *ref {
		if u == nil {
			return nil
		}
		return &ref{string(u.Code), u.Name, string(u.Level)}
	}
	inherited := 0
	for i, p := range testPoints(units, 3000, 9) {
		r := ix.Route(p)
		b := AppendJSON(nil, &r, [2]float64(p))
		var got answer
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("point %d: %v in %s", i, err, b)
		}
		var want answer
		want.Point, want.Resolved, want.Approximate, want.NearBoundary = [2]float64(p), r.Resolved, r.Approximate, r.NearBoundary
		want.Neighbor, want.Nearest, want.Version, want.PublishedAt = asRef(r.Neighbor()), asRef(r.Nearest()), 3, "2026-11-23T08:00:00Z"
		want.Chain = []entry{}
		if u := r.Unit(); u != nil {
			code, name, level, network, kind := string(u.Code), u.Name, string(u.Level), string(u.Network), string(u.Kind)
			want.Code, want.Name, want.Level, want.Network, want.Kind = &code, &name, &level, &network, &kind
		}
		for _, c := range r.Chain() {
			staff := c.Staff
			if staff == nil {
				staff = []partition.Staff{}
			}
			want.Chain = append(want.Chain, entry{string(c.Code), c.Name, string(c.Level), string(c.Network), string(c.Kind), staff})
		}
		want.Contact = contactOf(r.Chain())
		if want.Contact != nil && want.Contact.Code != string(r.Unit().Code) {
			inherited++
		}
		if r.Unit() != nil || r.Nearest() != nil {
			d := math.Round(float64(r.Distance)*100) / 100
			want.DistanceM = &d
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("point %d: decoded %+v\nwant %+v\nfrom %s", i, got, want, b)
		}
	}
	if inherited == 0 {
		t.Errorf("no point got an ancestor's contact: the test tests too little")
	}
}

// contactJSON is a contact as encoding/json reads it.
type contactJSON struct {
	Code, Role, Name string
	Phone            *string
}

// contactOf is the contact as Result.Contact defines it, the long way: up
// the chain from the unit, the first unit with staff, and on its roster
// the first person of the best role.
func contactOf(chain []*partition.Unit) *contactJSON {
	roles := []string{partition.RoleGridLeader, partition.RoleFullTime, partition.RolePartTime, partition.RoleInstructor, partition.RolePolice}
	for k := len(chain) - 1; k >= 0; k-- {
		for _, role := range roles {
			for _, s := range chain[k].Staff {
				if s.Role != role {
					continue
				}
				c := &contactJSON{Code: string(chain[k].Code), Role: s.Role, Name: s.Name}
				if s.Phone != "" {
					c.Phone = &s.Phone
				}
				return c
			}
		}
	}
	return nil
}
