package partition

import (
	"context"
)

// StoreLookup is the Lookup of published version n of a store, for checking
// a changeset outside a publish: CheckChangeset with it answers what
// Store.Publish would answer over version n. n = 0 is a store with nothing
// published, which holds no unit. Units looked up are remembered (a
// changeset's units mostly share a few stored parents); a StoreLookup is for
// one check, from one goroutine.
func StoreLookup(s Store, n int64) Lookup {
	return &storeLookup{s: s, at: AsOf{Version: n}, units: map[Code]*Unit{}}
}

type storeLookup struct {
	s     Store
	at    AsOf
	units map[Code]*Unit // nil: known not to exist
}

func (l *storeLookup) LookupUnit(ctx context.Context, code Code) (Unit, bool, error) {
	if l.at.Version == 0 {
		return Unit{}, false, nil
	}
	if u, ok := l.units[code]; ok {
		if u == nil {
			return Unit{}, false, nil
		}
		return *u, true, nil
	}
	u, err := l.s.Unit(ctx, code, l.at)
	switch {
	case KindOf(err) == NotFound:
		l.units[code] = nil
		return Unit{}, false, nil
	case err != nil:
		return Unit{}, false, err
	}
	u.Geometry = nil // a Lookup need not give it
	l.units[code] = &u
	return u, true, nil
}

func (l *storeLookup) ChildCodes(ctx context.Context, code Code) ([]Code, error) {
	var out []Code
	if l.at.Version == 0 {
		return nil, nil
	}
	err := l.s.Units(ctx, Query{AsOf: l.at, Parent: code, NoGeometry: true}, func(u Unit) error {
		out = append(out, u.Code)
		return nil
	})
	return out, err
}

func (l *storeLookup) VesselIDs(ctx context.Context, code Code) ([]string, error) {
	var out []string
	if l.at.Version == 0 {
		return nil, nil
	}
	err := l.s.Vessels(ctx, VesselQuery{AsOf: l.at, Unit: code}, func(v Vessel) error {
		out = append(out, v.ID)
		return nil
	})
	return out, err
}
