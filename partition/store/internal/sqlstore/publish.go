package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/wangge/wangge/partition"
)

// Publish checks cs against the latest version and applies it as a new
// version, in one Driver.Write transaction, so that publishers take turns
// while readers go on. Errors of CheckChangeset, and any other error of a
// kind but internal, are returned unchanged.
func (s *Store) Publish(ctx context.Context, cs partition.Changeset) (partition.Version, error) {
	start := time.Now()
	var v partition.Version
	err := s.driver.Write(ctx, func(tx Tx) error {
		var err error
		if v, err = s.publish(ctx, tx, &cs); err != nil {
			return err
		}
		return s.AuditVersion(ctx, tx, partition.AuditEntry{Action: "publish", Version: v.Number, Detail: publishDetail(&cs)})
	})
	if err != nil {
		if partition.KindOf(err) != partition.Internal {
			return partition.Version{}, err
		}
		return partition.Version{}, fmt.Errorf("publish: %w", err)
	}
	s.log.InfoContext(ctx, "published", "version", v.Number, "units", len(cs.Units), "retired", len(cs.DeleteUnits),
		"vessels", len(cs.Vessels), "retired_vessels", len(cs.DeleteVessels), "took", time.Since(start))
	return v, nil
}

func (s *Store) publish(ctx context.Context, tx Tx, cs *partition.Changeset) (partition.Version, error) {
	if err := partition.CheckChangeset(ctx, cs, newLookup(s.dialect, tx), s.limits); err != nil {
		return partition.Version{}, err
	}
	v, prev, err := s.BeginVersion(ctx, tx, cs.Note)
	if err != nil {
		return v, err
	}
	p, err := s.writeRows(ctx, tx, cs, v.Number)
	if err != nil {
		return v, err
	}
	if p.Version, err = s.StampVersion(ctx, tx, v, prev); err != nil {
		return v, err
	}
	return p.Version, s.driver.Published(ctx, tx, p)
}

// BeginVersion inserts the row of the next version, dated now by the
// store's clock, and returns it with the date of the version before it
// (zero when none). An empty note is left to the column's default.
func (s *Store) BeginVersion(ctx context.Context, tx Tx, note string) (partition.Version, time.Time, error) {
	var (
		n    int64
		last any
	)
	if err := tx.QueryRow(ctx, "SELECT coalesce(max(number), 0) + 1, max(published_at) FROM versions").Scan(&n, &last); err != nil {
		return partition.Version{}, time.Time{}, fmt.Errorf("next version: %w", err)
	}
	prev, err := s.dialect.DecodeTime(last)
	if err != nil {
		return partition.Version{}, prev, fmt.Errorf("version %d: published_at: %w", n-1, err)
	}
	now, err := s.driver.Now(ctx, tx)
	if err != nil {
		return partition.Version{}, prev, fmt.Errorf("version %d: read the clock: %w", n, err)
	}
	v := partition.Version{Number: n, PublishedAt: stampAfter(now, prev), Note: note}
	p := s.dialect.Params()
	cols, vals := "number, published_at", p.Add(n)+", "+p.Add(s.dialect.EncodeTime(v.PublishedAt))
	if note != "" {
		cols, vals = cols+", note", vals+", "+p.Add(note)
	}
	if err := tx.Exec(ctx, "INSERT INTO versions ("+cols+") VALUES ("+vals+")", p.Args()...); err != nil {
		return v, prev, fmt.Errorf("insert version %d: %w", n, err)
	}
	return v, prev, nil
}

// StampVersion dates v as late as possible, just before commit, so that a
// version is not dated long before readers can see it; it stays strictly
// after prev, the date of the version before it.
func (s *Store) StampVersion(ctx context.Context, tx Tx, v partition.Version, prev time.Time) (partition.Version, error) {
	now, err := s.driver.Now(ctx, tx)
	if err != nil {
		return v, fmt.Errorf("stamp version %d: read the clock: %w", v.Number, err)
	}
	if t := stampAfter(now, prev); t.After(v.PublishedAt) {
		v.PublishedAt = t
		p := s.dialect.Params()
		query := "UPDATE versions SET published_at = " + p.Add(s.dialect.EncodeTime(t)) + " WHERE number = " + p.Add(v.Number)
		if err := tx.Exec(ctx, query, p.Args()...); err != nil {
			return v, fmt.Errorf("stamp version %d: %w", v.Number, err)
		}
	}
	return v, nil
}

// stampAfter returns now to the microsecond (PostgreSQL's precision), or
// 1µs after prev when the clock has not moved past it, so that publication
// times strictly increase.
func stampAfter(now, prev time.Time) time.Time {
	t := now.Truncate(time.Microsecond)
	if !prev.IsZero() && !t.After(prev) {
		t = prev.Add(time.Microsecond)
	}
	return t
}

// writeRows writes the rows of version n: it ends the current rows of every
// changed or retired unit and vessel and inserts the new ones. It reports
// what it wrote.
func (s *Store) writeRows(ctx context.Context, tx Tx, cs *partition.Changeset, n int64) (Publication, error) {
	codes := make([]string, 0, len(cs.Units)+len(cs.DeleteUnits))
	for _, u := range cs.Units {
		codes = append(codes, string(u.Code))
	}
	for _, c := range cs.DeleteUnits {
		codes = append(codes, string(c))
	}
	if err := s.retire(ctx, tx, "units", "code", codes, n); err != nil {
		return Publication{}, err
	}
	if len(cs.Units) > 0 {
		err := tx.Insert(ctx, "units", UnitInsertColumns(), len(cs.Units), func(i int) ([]any, error) {
			return s.UnitRow(&cs.Units[i], n)
		})
		if err != nil {
			return Publication{}, err
		}
	}
	ids := make([]string, 0, len(cs.Vessels)+len(cs.DeleteVessels))
	for _, v := range cs.Vessels {
		ids = append(ids, v.ID)
	}
	ids = append(ids, cs.DeleteVessels...)
	if err := s.retire(ctx, tx, "vessels", "id", ids, n); err != nil {
		return Publication{}, err
	}
	if len(cs.Vessels) > 0 {
		err := tx.Insert(ctx, "vessels", VesselInsertColumns(), len(cs.Vessels), func(i int) ([]any, error) {
			return VesselRow(&cs.Vessels[i], n), nil
		})
		if err != nil {
			return Publication{}, err
		}
	}
	return Publication{Units: len(codes) > 0, Vessels: len(ids) > 0}, nil
}

// retire ends, at version n, the current rows of table whose key is in
// keys, in one statement. table and key are constants of this package,
// never input.
func (s *Store) retire(ctx context.Context, tx Tx, table, key string, keys []string, n int64) error {
	if len(keys) == 0 {
		return nil
	}
	p := s.dialect.Params()
	query := fmt.Sprintf("UPDATE %s SET valid_to = %s WHERE valid_to IS NULL AND %s %s", table, p.Add(n), key, s.dialect.In(p, keys))
	if err := tx.Exec(ctx, query, p.Args()...); err != nil {
		return fmt.Errorf("retire %s: %w", table, err)
	}
	return nil
}

// publishDetail is what the audit log says of a whole-file publish.
func publishDetail(cs *partition.Changeset) string {
	d := fmt.Sprintf("%d units written, %d retired, %d vessels written, %d retired", len(cs.Units), len(cs.DeleteUnits), len(cs.Vessels), len(cs.DeleteVessels))
	if cs.Note != "" {
		d = cs.Note + ": " + d
	}
	return d
}
