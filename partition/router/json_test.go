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
// neighbour and nearest unit, for names that need escaping too, on points
// of every kind over the sample.
func TestAppendJSONDecodes(t *testing.T) {
	units := slices.Clone(storetest.Sample().Units)
	names := []string{`引号"与\反斜杠`, "<script>&amp;", "tab\tnew\nline\x01", "\u2028 line separator", "plain"}
	for i := range units {
		units[i].Name = names[i%len(names)] + units[i].Name
	}
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
		if r.Unit() != nil || r.Nearest() != nil {
			d := math.Round(float64(r.Distance)*100) / 100
			want.DistanceM = &d
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("point %d: decoded %+v\nwant %+v\nfrom %s", i, got, want, b)
		}
	}
}
