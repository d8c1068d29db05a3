package tiling

import (
	"fmt"
	"sort"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/partition"
)

// noiseArea is the area below which an overlay piece is numerical noise.
const noiseArea geo.SquareMeters = 1e-4

// Options are the check's tolerances and rule set.
type Options struct {
	// AreaTolerance: a defect of this area or less is not reported; 0
	// reports every piece above the noise floor of 1 cm².
	AreaTolerance geo.SquareMeters
	// SliverWidth: a reported defect narrower than this is a sliver.
	SliverWidth geo.Meters
	// Rules is the sizing standard; nil checks no sizes.
	Rules *partition.RuleSet
}

// DefaultOptions are 1 m² and 0.5 m, with no rule set.
func DefaultOptions() Options {
	return Options{AreaTolerance: 1, SliverWidth: 0.5}
}

// Validate refuses negative tolerances.
func (o Options) Validate() error {
	if o.AreaTolerance < 0 || o.SliverWidth < 0 {
		return partition.Errorf(partition.Invalid, "tolerances must not be negative (area %g m², sliver width %g m)", o.AreaTolerance, o.SliverWidth)
	}
	return nil
}

// Result is what one Check finds.
type Result struct {
	Findings []partition.Finding
	// Summary is nil when there was no parent polygon to tile.
	Summary *partition.Summary
}

// Check checks parent's children: each child's validity and size, sibling
// codes (unique, prefixed by the parent's), and — for polygonal children of
// the parent's network — overlaps, gaps and parts outside. With a nil
// parent, children are roots: validity, sizes and duplicate codes only. The
// parent's own validity is not reported (it is checked as a child of its
// own parent, or as a root); an invalid parent is made valid first. An error
// means an overlay failed on degenerate input.
func Check(parent *partition.Unit, children []partition.Unit, opts Options) (Result, error) {
	c := checker{opts: opts, parent: parent}
	if parent != nil {
		c.parentCode = parent.Code
	}
	c.codes(children)
	for i := range children {
		c.polygonal = c.polygonal || children[i].Polygonal()
		c.size(&children[i])
		if children[i].Polygonal() && len(children[i].Geometry) > 0 {
			c.prepare(&children[i])
		}
	}
	if err := c.tile(); err != nil {
		return Result{}, fmt.Errorf("check children of %s: %w", c.parentCode, err)
	}
	sortFindings(c.findings)
	return Result{Findings: c.findings, Summary: c.summary}, nil
}

type checker struct {
	opts       Options
	parent     *partition.Unit
	parentCode partition.Code
	findings   []partition.Finding
	summary    *partition.Summary
	// shapes are the polygonal children, valid and oriented, by network.
	shapes []*shape
	// polygonal: some child has a polygonal kind. A parent whose children
	// are all membership units (a fishing grid and its formations) has
	// nothing to tile.
	polygonal bool
}

// shape is a polygonal child made ready for the overlay.
type shape struct {
	unit  *partition.Unit
	mp    orb.MultiPolygon // valid, oriented
	bound orb.Bound
}

func (c *checker) add(f partition.Finding) {
	f.Parent = c.parentCode
	c.findings = append(c.findings, f)
}

// prepare reports an invalid child and keeps its valid version.
func (c *checker) prepare(u *partition.Unit) {
	mp := u.Geometry
	if bad := geo.Validate(mp); bad != nil {
		fixed, err := geo.MakeValid(mp)
		msg := fmt.Sprintf("%s is not a valid polygon: %s", u.Code, bad)
		if err != nil || len(fixed) == 0 {
			msg += "; it could not be repaired and is left out of the overlap, gap and outside checks"
			fixed = nil
		} else {
			msg += "; checked against its siblings as repaired (parts unioned, crossing rings split by the even-odd rule)"
		}
		c.add(partition.Finding{Rule: partition.RuleInvalid, Severity: partition.SeverityError, Codes: []partition.Code{u.Code}, Message: msg, Geometry: bad.At})
		mp = fixed
	}
	if len(mp) == 0 {
		return
	}
	mp = geo.OrientRings(mp)
	c.shapes = append(c.shapes, &shape{unit: u, mp: mp, bound: mp.Bound()})
}

// codes reports duplicate codes among the children and codes outside the
// parent's code space.
func (c *checker) codes(children []partition.Unit) {
	seen := map[partition.Code]int{}
	for i := range children {
		u := &children[i]
		seen[u.Code]++
		if seen[u.Code] == 2 {
			n := 0
			for j := range children {
				if children[j].Code == u.Code {
					n++
				}
			}
			where := "among the roots"
			if c.parent != nil {
				where = "among the children of " + string(c.parentCode)
			}
			c.add(partition.Finding{Rule: partition.RuleCode, Severity: partition.SeverityError, Codes: []partition.Code{u.Code},
				Message: fmt.Sprintf("code %s appears %d times %s", u.Code, n, where), Geometry: unitGeometry(u)})
		}
		if c.parent != nil && !u.Code.HasParent(c.parentCode) {
			c.add(partition.Finding{Rule: partition.RuleCode, Severity: partition.SeverityError, Codes: []partition.Code{u.Code},
				Message: fmt.Sprintf("code %s does not start with its parent's prefix %s", u.Code, c.parentCode.Significant()), Geometry: unitGeometry(u)})
		}
	}
}

func (c *checker) size(u *partition.Unit) {
	if c.opts.Rules == nil {
		return
	}
	for _, msg := range c.opts.Rules.CheckSize(u) {
		c.add(partition.Finding{Rule: partition.RuleSize, Severity: c.opts.Rules.SizeSeverity(), Codes: []partition.Code{u.Code}, Message: msg, Geometry: unitGeometry(u)})
	}
}

// unitGeometry is a unit's polygon, or nil for a membership unit.
func unitGeometry(u *partition.Unit) orb.Geometry {
	if len(u.Geometry) == 0 {
		return nil
	}
	return u.Geometry
}

// ruleRank sorts findings: invalid, code, size, outside, overlap, gap.
func ruleRank(r partition.Rule) int {
	switch r {
	case partition.RuleInvalid:
		return 0
	case partition.RuleCode:
		return 1
	case partition.RuleSize:
		return 2
	case partition.RuleOutside:
		return 3
	case partition.RuleOverlap:
		return 4
	}
	return 5
}

// sortFindings orders findings deterministically: by parent, rule, codes,
// then larger areas first.
func sortFindings(fs []partition.Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := &fs[i], &fs[j]
		if a.Parent != b.Parent {
			return a.Parent < b.Parent
		}
		if a.Rule != b.Rule {
			return ruleRank(a.Rule) < ruleRank(b.Rule)
		}
		for k := 0; k < len(a.Codes) && k < len(b.Codes); k++ {
			if a.Codes[k] != b.Codes[k] {
				return a.Codes[k] < b.Codes[k]
			}
		}
		if len(a.Codes) != len(b.Codes) {
			return len(a.Codes) < len(b.Codes)
		}
		if a.Area != b.Area {
			return a.Area > b.Area
		}
		return a.Message < b.Message
	})
}
