package partition

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/wangge/wangge/geo"
)

// Rule names what a tiling finding is about (DESIGN.md, "Invariants").
type Rule string

// The rules of the tiling check.
const (
	RuleInvalid Rule = "invalid" // a geometry that is not OGC-valid
	RuleOutside Rule = "outside" // part of a child outside its parent
	RuleOverlap Rule = "overlap" // two siblings cover the same ground
	RuleGap     Rule = "gap"     // ground of the parent that no child covers
	RuleCode    Rule = "code"    // duplicate code, or not prefixed by the parent's
	RuleSize    Rule = "size"    // households or population outside the rule set
	// RuleDetached: a publish gives a unit that had a parent none, so that it
	// leaves its parent's family (which then has a gap) to become a root. A
	// warning, since a unit may be detached on purpose; only the check of a
	// changeset (tiling.CheckChangeset) finds it.
	RuleDetached Rule = "detached"
)

// Rules are the rules of the tiling check, in the order of DESIGN.md.
var Rules = []Rule{RuleInvalid, RuleOutside, RuleOverlap, RuleGap, RuleCode, RuleSize, RuleDetached}

// ParseRule returns the rule named s, or an Invalid error naming the rules.
func ParseRule(s string) (Rule, error) {
	for _, r := range Rules {
		if string(r) == s {
			return r, nil
		}
	}
	return "", Errorf(Invalid, "rule %q: want one of %s", s, joinNames(Rules))
}

// ParseSeverity returns the severity named s, or an Invalid error naming
// the severities.
func ParseSeverity(s string) (Severity, error) {
	for _, v := range []Severity{SeverityError, SeverityWarning} {
		if string(v) == s {
			return v, nil
		}
	}
	return "", Errorf(Invalid, "severity %q: want %s or %s", s, SeverityError, SeverityWarning)
}

func joinNames[T ~string](vs []T) string {
	var b []byte
	for i, v := range vs {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, v...)
	}
	return string(b)
}

// Severity of a finding: errors break the tiling (wangge validate exits 1),
// warnings are worth fixing but do not.
type Severity string

// The severities.
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
)

// Finding is one violation of a tiling invariant. It is data, not an error.
type Finding struct {
	Rule     Rule
	Severity Severity
	// Parent is the unit whose children were checked; empty for a finding
	// about a root.
	Parent Code
	// Codes are the units involved: the parent first for a gap, then the
	// children that border it; both siblings for an overlap; the child for
	// outside, invalid, code and size.
	Codes []Code
	Area  geo.SquareMeters // of the defect piece(s); 0 for invalid, code and size
	// Width is the mean width 2·area/perimeter of the piece(s), for gap,
	// overlap and outside.
	Width   geo.Meters
	Sliver  bool // narrower than the sliver width
	Message string
	// Geometry is the defect: the gap piece, the overlap, the part outside
	// (MultiPolygon), the self-intersection (Point), the unit itself for
	// code and size. Lon/lat on CGCS2000.
	Geometry orb.Geometry
}

// Summary is how well one parent's children tile it.
type Summary struct {
	Parent   Code             `json:"parent"`
	Name     string           `json:"name,omitempty"`
	Level    Level            `json:"level,omitempty"`
	Children int              `json:"children"` // polygonal children checked against the parent
	Area     geo.SquareMeters `json:"area_m2"`  // of the parent
	// CoveredPct is the share of the parent's area that some child covers.
	CoveredPct float64          `json:"covered_pct"`
	Gap        geo.SquareMeters `json:"gap_m2"`     // area of parent − ∪ children
	Overlap    geo.SquareMeters `json:"overlap_m2"` // Σ over sibling pairs of their intersection's area
	Outside    geo.SquareMeters `json:"outside_m2"` // area of ∪ children − parent
	Errors     int              `json:"errors"`
	Warnings   int              `json:"warnings"`
}

// FindingProperties returns a finding's GeoJSON properties: rule, severity,
// parent, codes, area_m2, width_m, sliver and message.
func FindingProperties(f *Finding) map[string]any {
	codes := make([]string, len(f.Codes))
	for i, c := range f.Codes {
		codes[i] = string(c)
	}
	var parent any
	if f.Parent != "" {
		parent = string(f.Parent)
	}
	return map[string]any{
		"rule": string(f.Rule), "severity": string(f.Severity), "parent": parent, "codes": codes,
		"area_m2": round(float64(f.Area), 2), "width_m": round(float64(f.Width), 3), "sliver": f.Sliver, "message": f.Message,
	}
}

// FindingFeature returns the finding as a GeoJSON Feature; transform, when
// not nil, converts a copy of the geometry for output.
func FindingFeature(f *Finding, transform func(orb.Geometry) orb.Geometry) *geojson.Feature {
	g := f.Geometry
	if g != nil && transform != nil {
		g = transform(orb.Clone(g))
	}
	return &geojson.Feature{Type: "Feature", Geometry: g, Properties: FindingProperties(f)}
}

// round rounds x to the given number of decimals.
func round(x float64, decimals int) float64 {
	p := math.Pow(10, float64(decimals))
	return math.Round(x*p) / p
}
