package partition

import (
	"strings"
	"testing"
)

func TestRuleSets(t *testing.T) {
	zj, ok := BuiltinRuleSet("zhejiang")
	zz, ok2 := BuiltinRuleSet("zaozhuang")
	if !ok || !ok2 {
		t.Fatal("built-in rule sets missing")
	}
	if _, ok := BuiltinRuleSet("beijing"); ok {
		t.Error("an unknown rule set is built in")
	}
	grid := func(h int, kind Kind) *Unit {
		return &Unit{Code: "330922100001001", Level: LevelGrid, Kind: kind, Households: h}
	}
	micro := &Unit{Code: "330922100001001001", Level: LevelMicrogrid, Kind: KindComprehensive, Households: 90}
	tests := []struct {
		rs   RuleSet
		u    *Unit
		want string // substring of the one message; "" for none
	}{
		{zj, grid(300, KindComprehensive), ""},
		{zj, grid(500, KindComprehensive), ""},
		{zj, grid(299, KindComprehensive), "below"},
		{zj, grid(501, KindComprehensive), "above"},
		{zj, grid(0, KindComprehensive), ""},        // not recorded
		{zj, grid(900, KindExclusive), ""},          // exclusive grids are drawn around a site
		{zj, micro, "above"},                        // 50–80
		{zz, grid(499, KindComprehensive), "below"}, // 500–800
		{zz, micro, "below"},                        // 100–250
		{zz, &Unit{Level: LevelCommunity, Households: 5}, ""},
	}
	for i, tt := range tests {
		got := tt.rs.CheckSize(tt.u)
		switch {
		case tt.want == "" && len(got) != 0:
			t.Errorf("%d (%s, %d): got %v, want nothing", i, tt.rs.Name, tt.u.Households, got)
		case tt.want != "" && (len(got) != 1 || !strings.Contains(got[0], tt.want)):
			t.Errorf("%d (%s, %d): got %v, want one message with %q", i, tt.rs.Name, tt.u.Households, got, tt.want)
		}
	}
}

func TestParseRuleSet(t *testing.T) {
	rs, err := ParseRuleSet([]byte(`{"name":"x","levels":{"grid":{"households":{"min":10,"max":20},"population":{"min":30}}},"kinds":["exclusive"],"severity":"error"}`))
	if err != nil {
		t.Fatal(err)
	}
	if rs.SizeSeverity() != SeverityError || len(rs.CheckSize(&Unit{Level: LevelGrid, Kind: KindExclusive, Households: 25, Population: 10})) != 2 {
		t.Errorf("parsed rule set does not apply: %+v", rs)
	}
	for _, bad := range []string{
		`{`, `{"name":"x"}`, `{"name":"x","levels":{"town":{"households":{"min":1}}}}`,
		`{"name":"x","levels":{"grid":{"households":{"min":20,"max":10}}}}`, `{"name":"x","levels":{"grid":{}},"colour":1}`,
	} {
		if _, err := ParseRuleSet([]byte(bad)); err == nil || KindOf(err) != Invalid {
			t.Errorf("%s: got %v, want an invalid error", bad, err)
		}
	}
}
