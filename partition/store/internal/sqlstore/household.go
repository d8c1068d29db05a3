package sqlstore

import (
	"context"
	"fmt"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/partition"
)

// householdColumns are the columns of a household point, in the order of
// ImportHouseholds' rows.
func householdColumns() []string {
	return []string{"layer", "seq", "lon", "lat", "households", "population", "address"}
}

// layerColumns lists the columns scanLayer reads.
const layerColumns = "number, imported_at, note, coalesce(version, 0), points, households, population"

// ImportHouseholds stores pts as a new household layer, numbered after the
// last, dated by the store's clock and tied to the latest version (0 when
// none), with its totals, in one Driver.Write transaction; the points go in
// with Tx.Insert, in order. Invalid points are refused with a Problem each,
// writing nothing.
func (dr Drafting) ImportHouseholds(ctx context.Context, note string, pts []partition.HouseholdPoint) (partition.HouseholdLayer, error) {
	s := dr.s
	if err := checkText("note", note, maxNote); err != nil {
		return partition.HouseholdLayer{}, partition.Errorf(partition.Invalid, "household layer: %v", err)
	}
	if err := checkPoints(pts); err != nil {
		return partition.HouseholdLayer{}, err
	}
	l := partition.HouseholdLayer{Note: note, Points: len(pts)}
	for _, p := range pts {
		l.Households += p.Households
		l.Population += p.Population
	}
	err := s.driver.Write(ctx, func(tx Tx) error {
		if err := s.insertLayer(ctx, tx, &l); err != nil {
			return err
		}
		err := tx.Insert(ctx, "households", householdColumns(), len(pts), func(i int) ([]any, error) {
			p := &pts[i]
			return []any{l.Number, i, p.Point[0], p.Point[1], p.Households, p.Population, p.Address}, nil
		})
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, partition.AuditEntry{Action: "households.import",
			Detail: fmt.Sprintf("layer %d: %d points, %d households, %d people", l.Number, l.Points, l.Households, l.Population)})
	})
	if err != nil {
		return partition.HouseholdLayer{}, withContext(err, "import households")
	}
	s.log.InfoContext(ctx, "imported households", "layer", l.Number, "points", l.Points, "households", l.Households)
	return l, nil
}

// insertLayer numbers, dates and inserts the row of l.
func (s *Store) insertLayer(ctx context.Context, tx Tx, l *partition.HouseholdLayer) error {
	err := tx.QueryRow(ctx, "SELECT (SELECT coalesce(max(number), 0) + 1 FROM household_layers), (SELECT coalesce(max(number), 0) FROM versions)").
		Scan(&l.Number, &l.Version)
	if err != nil {
		return fmt.Errorf("next layer: %w", err)
	}
	if l.ImportedAt, err = s.now(ctx, tx); err != nil {
		return err
	}
	p := s.dialect.Params()
	query := "INSERT INTO household_layers (number, imported_at, note, version, points, households, population) VALUES (" +
		p.Add(l.Number) + ", " + p.Add(s.dialect.EncodeTime(l.ImportedAt)) + ", " + p.Add(l.Note) + ", " +
		p.Add(nullIfZero(l.Version)) + ", " + p.Add(l.Points) + ", " + p.Add(l.Households) + ", " + p.Add(l.Population) + ")"
	if err := tx.Exec(ctx, query, p.Args()...); err != nil {
		return fmt.Errorf("insert layer %d: %w", l.Number, err)
	}
	return nil
}

// HouseholdLayers lists the household layers, oldest first (nil when
// none), in one statement.
func (dr Drafting) HouseholdLayers(ctx context.Context) ([]partition.HouseholdLayer, error) {
	s := dr.s
	rows, err := s.driver.DB().Query(ctx, "SELECT "+layerColumns+" FROM household_layers ORDER BY number")
	if err != nil {
		return nil, fmt.Errorf("list household layers: %w", err)
	}
	defer rows.Close()
	var ls []partition.HouseholdLayer
	err = each(rows, s.dialect.scanLayer, func(l partition.HouseholdLayer) error {
		ls = append(ls, l)
		return nil
	}, "household layers")
	return ls, err
}

// Households calls fn for each point of the layer in b (bounds included;
// nil: every point), in the order of the import, streaming the rows of one
// read transaction; not_found when the layer does not exist. It returns
// fn's first error unchanged.
func (dr Drafting) Households(ctx context.Context, layer int64, b *orb.Bound, fn func(partition.HouseholdPoint) error) error {
	s := dr.s
	return s.driver.Read(ctx, func(tx Tx) error {
		switch ok, err := s.exists(ctx, tx, "household_layers", "number", layer); {
		case err != nil:
			return err
		case !ok:
			return partition.Errorf(partition.NotFound, "household layer %d does not exist", layer)
		}
		p := s.dialect.Params()
		query := "SELECT lon, lat, households, population, address FROM households WHERE layer = " + p.Add(layer)
		if b != nil {
			query += fmt.Sprintf(" AND lon >= %s AND lon <= %s AND lat >= %s AND lat <= %s",
				p.Add(b.Min[0]), p.Add(b.Max[0]), p.Add(b.Min[1]), p.Add(b.Max[1]))
		}
		rows, err := tx.Query(ctx, query+" ORDER BY seq", p.Args()...)
		if err != nil {
			return fmt.Errorf("list households of layer %d: %w", layer, err)
		}
		defer rows.Close()
		return each(rows, scanHousehold, fn, "households")
	})
}

// scanHousehold reads lon, lat, households, population and address.
func scanHousehold(row Row) (partition.HouseholdPoint, error) {
	var p partition.HouseholdPoint
	err := row.Scan(&p.Point[0], &p.Point[1], &p.Households, &p.Population, &p.Address)
	return p, err
}

// scanLayer reads the columns of layerColumns.
func (d *Dialect) scanLayer(row Row) (partition.HouseholdLayer, error) {
	var (
		l  partition.HouseholdLayer
		at any
	)
	if err := row.Scan(&l.Number, &at, &l.Note, &l.Version, &l.Points, &l.Households, &l.Population); err != nil {
		return l, err
	}
	t, err := d.DecodeTime(at)
	if err != nil {
		return l, fmt.Errorf("household layer %d: imported_at: %w", l.Number, err)
	}
	l.ImportedAt = t
	return l, nil
}
