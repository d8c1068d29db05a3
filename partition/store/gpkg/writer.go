package gpkg

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/store/internal/sqlstore"
)

// Writer writes the first version of an empty store unit by unit, in one
// transaction, holding no more than one unit in memory: what an export of
// any size into a new GeoPackage needs, where Publish would need the whole
// changeset at once. Units must come parents first (code order does that);
// each is checked on its own (partition.CheckUnit) and against its parent,
// which must be written already, at a shallower level, with a code that
// prefixes the child's; vessels follow the units, each checked on its own
// and against its membership unit. Nothing is visible until Commit, and a
// failed or abandoned Writer leaves the store as it was.
//
// A Writer holds the store's writer connection until Commit or Rollback:
// publishes wait for it.
type Writer struct {
	s       *Store
	tx      *sql.Tx
	v       partition.Version
	prev    time.Time
	units   *inserter
	vessels *inserter
	look    *sql.Stmt
	nu, nv  int
	done    bool
}

// NewWriter begins a version with note in the store, which must hold no
// version yet (a conflict error otherwise).
func (s *Store) NewWriter(ctx context.Context, note string) (*Writer, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin write: %w", err)
	}
	w := &Writer{s: s, tx: tx}
	if err := w.begin(ctx, note); err != nil {
		tx.Rollback()
		return nil, err
	}
	return w, nil
}

func (w *Writer) begin(ctx context.Context, note string) error {
	var n int
	if err := w.tx.QueryRowContext(ctx, "SELECT count(*) FROM versions").Scan(&n); err != nil {
		return fmt.Errorf("count versions: %w", err)
	}
	if n > 0 {
		return partition.Errorf(partition.Conflict, "the store holds %d versions: a Writer writes the first version of an empty store", n)
	}
	var err error
	if w.v, w.prev, err = w.s.sqlstore.BeginVersion(ctx, sqlTx{w.tx}, note); err != nil {
		return err
	}
	if w.units, err = prepareInsert(ctx, w.tx, "units", sqlstore.UnitInsertColumns()); err != nil {
		return err
	}
	if w.vessels, err = prepareInsert(ctx, w.tx, "vessels", sqlstore.VesselInsertColumns()); err != nil {
		return err
	}
	if w.look, err = w.tx.PrepareContext(ctx, "SELECT level, kind FROM units WHERE code = ? AND valid_to IS NULL"); err != nil {
		return fmt.Errorf("prepare unit lookup: %w", err)
	}
	return nil
}

// written returns the level and kind of a unit written already.
func (w *Writer) written(ctx context.Context, code partition.Code) (partition.Level, partition.Kind, bool, error) {
	var level, kind string
	err := w.look.QueryRowContext(ctx, string(code)).Scan(&level, &kind)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return "", "", false, nil
	case err != nil:
		return "", "", false, fmt.Errorf("look up unit %s: %w", code, err)
	}
	return partition.Level(level), partition.Kind(kind), true, nil
}

func problem(code, field, format string, args ...any) error {
	return &partition.Error{Kind: partition.Invalid, Message: "invalid unit or vessel",
		Problems: []partition.Problem{{Index: -1, Code: code, Field: field, Message: fmt.Sprintf(format, args...)}}}
}

// Unit checks and writes one unit.
func (w *Writer) Unit(ctx context.Context, u *partition.Unit) error {
	if ps := partition.CheckUnit(u, w.s.limits); len(ps) > 0 {
		return &partition.Error{Kind: partition.Invalid, Message: "invalid unit " + string(u.Code), Problems: ps}
	}
	if u.Parent != "" {
		level, _, ok, err := w.written(ctx, u.Parent)
		switch {
		case err != nil:
			return err
		case !ok:
			return problem(string(u.Code), "parent", "parent %s is not written before its child", u.Parent)
		case level.Depth() >= u.Level.Depth():
			return problem(string(u.Code), "parent", "parent %s is a %s, not above a %s", u.Parent, level, u.Level)
		case !u.Code.HasParent(u.Parent):
			return problem(string(u.Code), "code", "code does not start with the parent's %s", u.Parent.Significant())
		}
	}
	row, err := w.s.sqlstore.UnitRow(u, w.v.Number)
	if err != nil {
		return err
	}
	if err := w.units.exec(ctx, row); err != nil {
		return err
	}
	w.nu++
	return nil
}

// Vessel checks and writes one vessel; its unit must be written already.
func (w *Writer) Vessel(ctx context.Context, v *partition.Vessel) error {
	if ps := partition.CheckVessel(v); len(ps) > 0 {
		return &partition.Error{Kind: partition.Invalid, Message: "invalid vessel " + v.ID, Problems: ps}
	}
	_, kind, ok, err := w.written(ctx, v.Unit)
	switch {
	case err != nil:
		return err
	case !ok || !kind.Membership():
		return problem(v.ID, "unit", "unit %s is not a membership unit written before the vessel", v.Unit)
	}
	if err := w.vessels.exec(ctx, sqlstore.VesselRow(v, w.v.Number)); err != nil {
		return err
	}
	w.nv++
	return nil
}

// Commit makes the version visible and returns it.
func (w *Writer) Commit(ctx context.Context) (partition.Version, error) {
	if w.done {
		return w.v, fmt.Errorf("commit: the writer is closed")
	}
	w.done = true
	w.close()
	t := sqlTx{w.tx}
	err := growExtent(ctx, t, w.units.ext)
	if err == nil {
		err = touchContents(ctx, t, w.nu > 0, w.nv > 0)
	}
	if err == nil {
		w.v, err = w.s.sqlstore.StampVersion(ctx, t, w.v, w.prev)
	}
	if err == nil {
		err = w.s.sqlstore.AuditVersion(ctx, t, partition.AuditEntry{Action: "publish", Version: w.v.Number,
			Detail: fmt.Sprintf("%s: %d units, %d vessels written (streamed import)", w.v.Note, w.nu, w.nv)})
	}
	if err != nil {
		w.tx.Rollback()
		return w.v, fmt.Errorf("write version %d: %w", w.v.Number, err)
	}
	if err := w.tx.Commit(); err != nil {
		return w.v, fmt.Errorf("commit version %d: %w", w.v.Number, err)
	}
	w.s.log.InfoContext(ctx, "published", "version", w.v.Number, "units", w.nu, "vessels", w.nv, "by", "writer")
	return w.v, nil
}

// Rollback abandons the version; after Commit it does nothing.
func (w *Writer) Rollback() error {
	if w.done {
		return nil
	}
	w.done = true
	w.close()
	if err := w.tx.Rollback(); err != nil {
		return fmt.Errorf("roll back version %d: %w", w.v.Number, err)
	}
	return nil
}

func (w *Writer) close() {
	for _, ins := range []*inserter{w.units, w.vessels} {
		if ins != nil {
			ins.close()
		}
	}
	if w.look != nil {
		w.look.Close()
	}
}

// WriteExport writes the export x into a new GeoPackage at path as its
// version 1 with note, through a Writer: constant memory, one transaction.
// On error the file may remain, holding no version; the caller removes it.
//
// The file is a store of its own, in which every parent is a unit of the
// file: the root of a subtree is written without its parent (WriteExport
// sets x.DetachRoot), and the note says which parent that was. To publish
// an edited subtree back into place, export it as GeoJSON, which keeps the
// root's parent.
func WriteExport(ctx context.Context, x *partition.Export, path, note string) error {
	if x.Root != "" {
		r, err := x.Store.Unit(ctx, x.Root, x.At)
		if err != nil {
			return err
		}
		if r.Parent != "" {
			note += fmt.Sprintf(" (root %s, whose parent %s is not in this file)", r.Code, r.Parent)
		}
		x.DetachRoot = true
	}
	dst, err := Open(ctx, path, Options{})
	if err != nil {
		return fmt.Errorf("create GeoPackage %s: %w", path, err)
	}
	defer dst.Close()
	w, err := dst.NewWriter(ctx, note)
	if err != nil {
		return fmt.Errorf("write GeoPackage %s: %w", path, err)
	}
	defer w.Rollback()
	if err := x.Units(ctx, func(u partition.Unit) error { return w.Unit(ctx, &u) }); err != nil {
		return fmt.Errorf("write GeoPackage %s: %w", path, err)
	}
	if err := x.Vessels(ctx, func(v partition.Vessel) error { return w.Vessel(ctx, &v) }); err != nil {
		return fmt.Errorf("write GeoPackage %s: %w", path, err)
	}
	if _, err := w.Commit(ctx); err != nil {
		return fmt.Errorf("write GeoPackage %s: %w", path, err)
	}
	return dst.Close()
}
