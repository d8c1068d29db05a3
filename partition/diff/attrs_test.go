package diff

import (
	"reflect"
	"testing"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/partition"
)

// TestCompareAttributes: every field that differs, in field order, by
// code; a geometry change carries the areas before and after.
func TestCompareAttributes(t *testing.T) {
	from := drawn(t, nil, "AABBC", "AABBC")
	to := drawn(t, nil, "AAABC", "AAABC")
	a, b, c := &to[0], &to[1], &to[2]
	a.Name, a.Households, a.Population = "new name", 120, 300
	a.Staff = []partition.Staff{{Role: partition.RoleGridLeader, Name: "王", Phone: "139"}}
	b.Kind, b.Parent, b.Network = partition.KindExclusive, "Q", partition.NetworkSea
	b.Props = map[string]any{"school": true}
	c.Props = map[string]any{} // none before, none after: no change
	from[0].Props = map[string]any{"x": 1.0}
	a.Props = map[string]any{"x": 2.0}
	r := compare(t, from, to, DefaultOptions())
	want := []AttributeChange{
		{"A", FieldName, "grid A", "new name"},
		{"A", FieldHouseholds, 0, 120},
		{"A", FieldPopulation, 0, 300},
		{"A", FieldStaff, []partition.Staff{}, a.Staff},
		{"A", FieldProps, map[string]any{"x": 1.0}, map[string]any{"x": 2.0}},
		{"A", FieldGeometry, geo.Area(from[0].Geometry), geo.Area(a.Geometry)},
		{"B", FieldKind, partition.KindComprehensive, partition.KindExclusive},
		{"B", FieldNetwork, partition.NetworkLand, partition.NetworkSea},
		{"B", FieldParent, partition.Code("P"), partition.Code("Q")},
		{"B", FieldProps, map[string]any{}, map[string]any{"school": true}},
		{"B", FieldGeometry, geo.Area(from[1].Geometry), geo.Area(b.Geometry)},
	}
	if len(r.Changed) != len(want) {
		t.Fatalf("got %d changes %+v, want %d", len(r.Changed), r.Changed, len(want))
	}
	for i, w := range want {
		g := r.Changed[i]
		if g.Code != w.Code || g.Field != w.Field || !sameValue(g.From, w.From) || !sameValue(g.To, w.To) {
			t.Errorf("change %d: got %+v, want %+v", i, g, w)
		}
	}
	if r.Summary.Changed != 2 {
		t.Errorf("got %d changed units, want 2", r.Summary.Changed)
	}
	// B moved to the sea network: its land area goes to A and to nobody,
	// and its sea area comes from nobody.
	got := map[pair]partition.Network{}
	for _, p := range r.Pieces {
		got[pair{p.From, p.To}] = p.Network
	}
	wantPieces := map[pair]partition.Network{{"B", "A"}: partition.NetworkLand, {"B", ""}: partition.NetworkLand, {"", "B"}: partition.NetworkSea}
	if !reflect.DeepEqual(got, wantPieces) {
		t.Errorf("got pieces %v, want %v", got, wantPieces)
	}
}

// sameValue compares change values, areas to within 1e-9.
func sameValue(got, want any) bool {
	if w, ok := want.(geo.SquareMeters); ok {
		g, ok := got.(geo.SquareMeters)
		return ok && near(g, w)
	}
	return reflect.DeepEqual(got, want)
}
