package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/wangge/wangge/partition"
)

// lookup is the partition.Lookup that CheckChangeset uses inside a publish
// transaction: it reads the current rows (valid_to IS NULL) without their
// geometry. Units are cached, so that thousands of new units under one
// existing parent cost one query; the write lock keeps them current.
type lookup struct {
	dialect *Dialect
	tx      Tx
	units   map[partition.Code]cachedUnit
}

type cachedUnit struct {
	unit partition.Unit
	ok   bool
}

var _ partition.Lookup = (*lookup)(nil)

func newLookup(d *Dialect, tx Tx) *lookup {
	return &lookup{dialect: d, tx: tx, units: map[partition.Code]cachedUnit{}}
}

// LookupUnit returns the current unit with that code, without geometry.
func (l *lookup) LookupUnit(ctx context.Context, code partition.Code) (partition.Unit, bool, error) {
	if c, ok := l.units[code]; ok {
		return c.unit, c.ok, nil
	}
	p := l.dialect.Params()
	query := "SELECT " + unitColumns(l.dialect.NullGeometry) + " FROM units WHERE code = " + p.Add(string(code)) + " AND valid_to IS NULL"
	u, err := l.dialect.scanUnit(l.tx.QueryRow(ctx, query, p.Args()...))
	switch {
	case errors.Is(err, sql.ErrNoRows):
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
	ids, err := l.strings(ctx, "SELECT code FROM units WHERE parent = %s AND valid_to IS NULL ORDER BY code", string(code))
	if err != nil {
		return nil, fmt.Errorf("children of %s: %w", code, err)
	}
	codes := make([]partition.Code, len(ids))
	for i, id := range ids {
		codes[i] = partition.Code(id)
	}
	return codes, nil
}

// VesselIDs returns the ids of the current vessels of a membership unit.
func (l *lookup) VesselIDs(ctx context.Context, code partition.Code) ([]string, error) {
	ids, err := l.strings(ctx, "SELECT id FROM vessels WHERE unit = %s AND valid_to IS NULL ORDER BY id", string(code))
	if err != nil {
		return nil, fmt.Errorf("vessels of %s: %w", code, err)
	}
	return ids, nil
}

// strings runs a query of one text column, whose %s is the placeholder of
// arg, and collects the column.
func (l *lookup) strings(ctx context.Context, query, arg string) ([]string, error) {
	p := l.dialect.Params()
	rows, err := l.tx.Query(ctx, fmt.Sprintf(query, p.Add(arg)), p.Args()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
