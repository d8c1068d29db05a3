package tiling

import (
	"fmt"
	"io"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/partition"
)

// FromCollection reads a proposal — a GeoJSON FeatureCollection of units —
// into families (see Families). What cannot be checked at all is refused as
// an invalid *partition.Error naming each feature: malformed JSON, a
// non-areal geometry, an unreadable ring, unknown levels or kinds. What the
// check exists to find — an invalid polygon, overlaps, gaps, duplicate or
// ill-prefixed codes, sizes — is left to it. Units whose parent is absent
// become roots, checked against nothing: a caller that reports to a user
// reads with ReadUnits and makes families with Checkable instead.
func FromCollection(r io.Reader, transform func(orb.Geometry) orb.Geometry, maxFeatures int, lim geo.Limits) ([]Family, int, error) {
	units, err := ReadUnits(r, transform, maxFeatures, lim)
	if err != nil {
		return nil, 0, err
	}
	return Families(units), len(units), nil
}

// ReadUnits reads the units of a proposal as FromCollection does, refusing
// the same input, for a caller that completes them (Against) or checks
// their hierarchy (Checkable) before making families.
func ReadUnits(r io.Reader, transform func(orb.Geometry) orb.Geometry, maxFeatures int, lim geo.Limits) ([]partition.Unit, error) {
	d, err := partition.DecodeFeatureCollection(r, partition.DecodeOptions{Transform: transform, MaxFeatures: maxFeatures})
	if err != nil {
		return nil, err
	}
	var problems []partition.Problem
	for i := range d.Units {
		for _, p := range partition.CheckUnitStructure(&d.Units[i], lim) {
			p.Index = i
			problems = append(problems, p)
		}
	}
	if len(problems) > 0 {
		return nil, &partition.Error{Kind: partition.Invalid, Message: fmt.Sprintf("%d features cannot be checked", len(problems)), Problems: problems}
	}
	return d.Units, nil
}

// Rules returns a built-in rule set by name or, when read is not nil, one
// read from the file of that name; "" is no rule set.
func Rules(spec string, read func(string) ([]byte, error)) (*partition.RuleSet, error) {
	if spec == "" {
		return nil, nil
	}
	if rs, ok := partition.BuiltinRuleSet(spec); ok {
		return &rs, nil
	}
	if read == nil {
		return nil, partition.Errorf(partition.Invalid, "unknown rule set %q (built in: %v)", spec, partition.RuleSetNames())
	}
	data, err := read(spec)
	if err != nil {
		return nil, partition.Errorf(partition.Invalid, "rule set %q is neither built in (%v) nor a readable file: %v", spec, partition.RuleSetNames(), err)
	}
	rs, err := partition.ParseRuleSet(data)
	if err != nil {
		return nil, partition.Errorf(partition.Invalid, "rule set file %s: %v", spec, err)
	}
	return &rs, nil
}
