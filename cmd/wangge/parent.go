package main

import (
	"context"
	"errors"
	"os"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/balance"
)

// openParent resolves a --parent value, as partition and validate take it:
// a readable file holds the parent feature (a Feature, or the first
// polygonal feature of a FeatureCollection; in crs, converted by tr); a
// name that is no file is a stored unit's code, and the store of sf is
// opened for the caller to read it (and to close). Exactly one of unit and
// store is not nil when err is nil.
func openParent(ctx context.Context, spec string, e env, sf *storeFlags, tr func(orb.Geometry) orb.Geometry) (unit *partition.Unit, store partition.Store, err error) {
	data, err := os.ReadFile(spec)
	switch {
	case err == nil:
		u, err := balance.DecodeParent(data, tr)
		if err != nil {
			return nil, nil, prefixed("--parent "+spec, err)
		}
		if ps := partition.CheckUnitStructure(&u, geo.DefaultLimits); len(ps) > 0 {
			return nil, nil, &partition.Error{Kind: partition.Invalid, Message: "--parent " + spec + ": the parent feature cannot be checked", Problems: ps}
		}
		return &u, nil, nil
	case errors.Is(err, os.ErrNotExist):
		s, _, err := sf.open(ctx, e, sf.logger(e), false)
		if err != nil {
			return nil, nil, err
		}
		return nil, s, nil
	}
	return nil, nil, partition.Errorf(partition.Invalid, "--parent %s: %v", spec, err)
}
