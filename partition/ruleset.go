package partition

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
)

// Range is an inclusive range of counts; Max 0 means no upper bound.
type Range struct {
	Min int `json:"min"`
	Max int `json:"max,omitempty"`
}

func (r Range) contains(n int) bool { return n >= r.Min && (r.Max == 0 || n <= r.Max) }

func (r Range) String() string {
	if r.Max == 0 {
		return fmt.Sprintf("at least %d", r.Min)
	}
	return fmt.Sprintf("%d–%d", r.Min, r.Max)
}

// LevelRule is the sizing standard of one level.
type LevelRule struct {
	Households *Range `json:"households,omitempty"`
	Population *Range `json:"population,omitempty"`
}

// RuleSet is a sizing standard (DESIGN.md, "Sizing standards"): per level,
// the range of households and/or population a unit should have. A count of
// 0 means "not recorded" and is not checked; sizes apply to the kinds listed
// (default: comprehensive grids only, as exclusive grids — a school, a
// park — are drawn around a site, not a number of households).
type RuleSet struct {
	Name        string              `json:"name"`
	Description string              `json:"description,omitempty"`
	Levels      map[Level]LevelRule `json:"levels"`
	Kinds       []Kind              `json:"kinds,omitempty"`
	// Severity of size findings: warning (the default) or error.
	Severity Severity `json:"severity,omitempty"`
}

// RuleSetNames lists the built-in rule sets.
func RuleSetNames() []string { return []string{"zaozhuang", "zhejiang"} }

// BuiltinRuleSet returns a built-in rule set by name:
//   - zhejiang: grid 300–500 households, micro-grid 50–80 (浙江);
//   - zaozhuang: base grid (基础网格, level grid) 500–800 households, unit
//     grid (单元网格, level microgrid) 100–250 (枣庄市中区).
func BuiltinRuleSet(name string) (RuleSet, bool) {
	switch name {
	case "zhejiang":
		return RuleSet{Name: name, Description: "Zhejiang: grid 300–500 households, micro-grid 50–80",
			Levels: map[Level]LevelRule{LevelGrid: {Households: &Range{300, 500}}, LevelMicrogrid: {Households: &Range{50, 80}}}}, true
	case "zaozhuang":
		return RuleSet{Name: name, Description: "Zaozhuang: base grid 500–800 households, unit grid 100–250",
			Levels: map[Level]LevelRule{LevelGrid: {Households: &Range{500, 800}}, LevelMicrogrid: {Households: &Range{100, 250}}}}, true
	}
	return RuleSet{}, false
}

// ParseRuleSet reads a rule set from JSON, e.g.
//
//	{"name": "xian", "levels": {"microgrid": {"population": {"min": 160, "max": 240}}}}
//
// Unknown fields, unknown levels or kinds and empty or reversed ranges are
// refused with an Invalid error.
func ParseRuleSet(data []byte) (RuleSet, error) {
	var rs RuleSet
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rs); err != nil {
		return rs, Errorf(Invalid, "rule set: %v", err)
	}
	if err := rs.check(); err != nil {
		return rs, err
	}
	return rs, nil
}

func (rs *RuleSet) check() error {
	var ps []Problem
	bad := func(field, format string, args ...any) {
		ps = append(ps, Problem{Index: -1, Field: field, Message: fmt.Sprintf(format, args...)})
	}
	if len(rs.Levels) == 0 {
		bad("levels", "no level has a rule")
	}
	for _, l := range rs.levelOrder() {
		if !l.Valid() {
			bad("levels", "unknown level %q", l)
		}
		lr := rs.Levels[l]
		for name, r := range map[string]*Range{"households": lr.Households, "population": lr.Population} {
			if r != nil && (r.Min < 0 || r.Max < 0 || (r.Max != 0 && r.Max < r.Min)) {
				bad("levels."+string(l)+"."+name, "range %d–%d is empty or negative", r.Min, r.Max)
			}
		}
	}
	for _, k := range rs.Kinds {
		if _, err := ParseKind(string(k)); err != nil {
			bad("kinds", "%v", err)
		}
	}
	if rs.Severity != "" && rs.Severity != SeverityError && rs.Severity != SeverityWarning {
		bad("severity", "want error or warning, got %q", rs.Severity)
	}
	if len(ps) > 0 {
		return &Error{Kind: Invalid, Message: "invalid rule set " + rs.Name, Problems: ps}
	}
	return nil
}

func (rs *RuleSet) levelOrder() []Level {
	ls := make([]Level, 0, len(rs.Levels))
	for l := range rs.Levels {
		ls = append(ls, l)
	}
	sort.Slice(ls, func(i, j int) bool { return ls[i] < ls[j] })
	return ls
}

// SizeSeverity is the severity of the rule set's size findings.
func (rs *RuleSet) SizeSeverity() Severity {
	if rs.Severity == "" {
		return SeverityWarning
	}
	return rs.Severity
}

// CheckSize returns what is wrong with u's size under the rule set, one
// message per count out of range; nil when nothing is, when u's level has no
// rule, or when u's kind is not one the sizes apply to.
func (rs *RuleSet) CheckSize(u *Unit) []string {
	lr, ok := rs.Levels[u.Level]
	if !ok || !rs.Applies(u.Kind) {
		return nil
	}
	var out []string
	check := func(what string, n int, r *Range) {
		if r == nil || n == 0 || r.contains(n) {
			return
		}
		dir := "below"
		if n > r.Min {
			dir = "above"
		}
		out = append(out, fmt.Sprintf("%s %s has %d %s, %s the %s range of %s for a %s", u.Level, u.Code, n, what, dir, rs.Name, r, u.Level))
	}
	check("households", u.Households, lr.Households)
	check("people", u.Population, lr.Population)
	return out
}

// Applies reports whether the sizes apply to units of kind k.
func (rs *RuleSet) Applies(k Kind) bool {
	if len(rs.Kinds) == 0 {
		return k == KindComprehensive || k == ""
	}
	for _, x := range rs.Kinds {
		if x == k {
			return true
		}
	}
	return false
}
