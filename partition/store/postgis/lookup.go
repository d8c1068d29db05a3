package postgis

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/wangge/wangge/partition"
)

// lookup is the partition.Lookup that CheckChangeset uses inside a publish
// transaction: it reads the current rows (valid_to IS NULL) without their
// geometry. Units are cached, so that thousands of new units under one
// existing parent cost one query; the publish lock keeps them current.
type lookup struct {
	tx    pgx.Tx
	units map[partition.Code]cachedUnit
}

type cachedUnit struct {
	unit partition.Unit
	ok   bool
}

var _ partition.Lookup = (*lookup)(nil)

// LookupUnit returns the current unit with that code, without geometry.
func (l *lookup) LookupUnit(ctx context.Context, code partition.Code) (partition.Unit, bool, error) {
	if c, ok := l.units[code]; ok {
		return c.unit, c.ok, nil
	}
	row := l.tx.QueryRow(ctx, "SELECT "+unitSelect(true)+" FROM units WHERE code = $1 AND valid_to IS NULL", string(code))
	u, err := scanUnit(row)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		l.units[code] = cachedUnit{}
		return partition.Unit{}, false, nil
	case err != nil:
		return partition.Unit{}, false, fmt.Errorf("look up unit %s: %w", code, err)
	}
	l.units[code] = cachedUnit{unit: u, ok: true}
	return u, true, nil
}

// ChildCodes returns the codes of the current children of a unit.
func (l *lookup) ChildCodes(ctx context.Context, code partition.Code) ([]partition.Code, error) {
	rows, err := l.tx.Query(ctx, "SELECT code FROM units WHERE parent = $1 AND valid_to IS NULL ORDER BY code", string(code))
	if err != nil {
		return nil, fmt.Errorf("children of %s: %w", code, err)
	}
	codes, err := pgx.CollectRows(rows, pgx.RowTo[partition.Code])
	if err != nil {
		return nil, fmt.Errorf("children of %s: %w", code, err)
	}
	return codes, nil
}

// VesselIDs returns the ids of the current vessels of a membership unit.
func (l *lookup) VesselIDs(ctx context.Context, code partition.Code) ([]string, error) {
	rows, err := l.tx.Query(ctx, "SELECT id FROM vessels WHERE unit = $1 AND valid_to IS NULL ORDER BY id", string(code))
	if err != nil {
		return nil, fmt.Errorf("vessels of %s: %w", code, err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("vessels of %s: %w", code, err)
	}
	return ids, nil
}
