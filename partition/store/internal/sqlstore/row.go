package sqlstore

import (
	"encoding/json"
	"fmt"

	"github.com/wangge/wangge/partition"
)

// scanVersion reads the columns of versionColumns.
func (d *Dialect) scanVersion(row Row) (partition.Version, error) {
	var (
		v  partition.Version
		at any
	)
	if err := row.Scan(&v.Number, &at, &v.Note); err != nil {
		return v, err
	}
	t, err := d.DecodeTime(at)
	if err != nil {
		return v, fmt.Errorf("version %d: published_at: %w", v.Number, err)
	}
	v.PublishedAt = t
	return v, nil
}

// scanUnit reads the columns of unitColumns.
func (d *Dialect) scanUnit(row Row) (partition.Unit, error) {
	var (
		u                    partition.Unit
		code, parent         string
		level, network, kind string
		staff, props, g      []byte
	)
	err := row.Scan(&code, &u.Name, &level, &network, &kind, &parent, &u.Households, &u.Population,
		&staff, &props, &g, &u.ValidFrom, &u.ValidTo)
	if err != nil {
		return u, err
	}
	u.Code, u.Parent = partition.Code(code), partition.Code(parent)
	u.Level, u.Network, u.Kind = partition.Level(level), partition.Network(network), partition.Kind(kind)
	if staff != nil {
		if err := json.Unmarshal(staff, &u.Staff); err != nil {
			return u, fmt.Errorf("unit %s: decode staff: %w", code, err)
		}
	}
	if props != nil {
		if err := json.Unmarshal(props, &u.Props); err != nil {
			return u, fmt.Errorf("unit %s: decode props: %w", code, err)
		}
	}
	if u.Geometry, err = d.DecodeGeometry(g); err != nil {
		return u, fmt.Errorf("unit %s: %w", code, err)
	}
	return u, nil
}

// scanVessel reads the columns of vesselColumns.
func scanVessel(row Row) (partition.Vessel, error) {
	var (
		v         partition.Vessel
		typ, unit string
	)
	if err := row.Scan(&v.ID, &v.Name, &typ, &v.Crew, &unit, &v.ValidFrom, &v.ValidTo); err != nil {
		return v, err
	}
	v.Type, v.Unit = partition.VesselType(typ), partition.Code(unit)
	return v, nil
}

// each scans every row with scan and hands it to fn, stopping at fn's first
// error, which it returns unchanged; what names the list in other errors.
// The caller closes rows.
func each[T any](rows Rows, scan func(Row) (T, error), fn func(T) error, what string) error {
	for rows.Next() {
		x, err := scan(rows)
		if err != nil {
			return fmt.Errorf("list %s: %w", what, err)
		}
		if err := fn(x); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("list %s: %w", what, err)
	}
	return nil
}

// UnitInsertColumns are the columns of a new unit row, in the order of
// UnitRow's values.
func UnitInsertColumns() []string {
	return []string{"code", "name", "level", "network", "kind", "parent",
		"households", "population", "staff", "props", "geom", "valid_from"}
}

// UnitRow returns the values of the row of u valid from version n: parent,
// staff and props NULL when empty, staff and props as JSON text (GDAL reads
// a JSON column of a GeoPackage as a string; jsonb takes text as well), the
// geometry as the Dialect encodes it. Properties that JSON cannot hold
// (NaN) are invalid input.
func (s *Store) UnitRow(u *partition.Unit, n int64) ([]any, error) {
	var parent any
	if u.Parent != "" {
		parent = string(u.Parent)
	}
	staff, err := jsonOrNull(len(u.Staff) > 0, u.Staff)
	if err != nil {
		return nil, fmt.Errorf("unit %s: encode staff: %w", u.Code, err)
	}
	props, err := jsonOrNull(len(u.Props) > 0, u.Props)
	if err != nil {
		return nil, partition.Errorf(partition.Invalid, "unit %s: properties are not JSON: %v", u.Code, err)
	}
	g, err := s.dialect.EncodeGeometry(u.Geometry)
	if err != nil {
		return nil, fmt.Errorf("unit %s: %w", u.Code, err)
	}
	return []any{string(u.Code), u.Name, string(u.Level), string(u.Network), string(u.Kind), parent,
		u.Households, u.Population, staff, props, g, n}, nil
}

// jsonOrNull returns v as JSON text, or nil (SQL NULL) when present is false.
func jsonOrNull(present bool, v any) (any, error) {
	if !present {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

// VesselInsertColumns are the columns of a new vessel row, in the order of
// VesselRow's values.
func VesselInsertColumns() []string {
	return []string{"id", "name", "type", "crew", "unit", "valid_from"}
}

// VesselRow returns the values of the row of v valid from version n.
func VesselRow(v *partition.Vessel, n int64) []any {
	return []any{v.ID, v.Name, string(v.Type), v.Crew, string(v.Unit), n}
}
