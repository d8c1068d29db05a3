package gpkg_test

import (
	"path/filepath"
	"testing"

	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/store/storetest"
)

// TestWriter streams storetest's sample through a Writer and reads it back;
// a unit whose parent is not written, or a vessel of a unit that is not a
// membership unit, fails it and leaves the store empty; a store that holds a
// version refuses one.
func TestWriter(t *testing.T) {
	ctx := testContext(t)
	sample := storetest.Sample()
	for _, c := range []struct {
		name  string
		edit  func(cs *partition.Changeset)
		fails bool
	}{
		{"Sample", func(*partition.Changeset) {}, false},
		{"ParentNotWritten", func(cs *partition.Changeset) { cs.Units[3].Parent = "330922999000" }, true},
		{"ParentNotAbove", func(cs *partition.Changeset) { cs.Units[4].Parent = "330922100001002" }, true},
		{"InvalidUnit", func(cs *partition.Changeset) { cs.Units[5].Name = "" }, true},
		{"VesselOfAPolygon", func(cs *partition.Changeset) { cs.Vessels[0].Unit = "330922900000001" }, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			cs := storetest.Sample()
			c.edit(&cs)
			s := openStore(t, filepath.Join(t.TempDir(), "w.gpkg"))
			w, err := s.NewWriter(ctx, "streamed")
			if err != nil {
				t.Fatal(err)
			}
			err = func() error {
				for i := range cs.Units {
					if err := w.Unit(ctx, &cs.Units[i]); err != nil {
						return err
					}
				}
				for i := range cs.Vessels {
					if err := w.Vessel(ctx, &cs.Vessels[i]); err != nil {
						return err
					}
				}
				_, err := w.Commit(ctx)
				return err
			}()
			if c.fails {
				if err == nil || partition.KindOf(err) != partition.Invalid {
					t.Fatalf("got %v, want an invalid error", err)
				}
				if err := w.Rollback(); err != nil {
					t.Fatal(err)
				}
				if vs, err := s.Versions(ctx); err != nil || len(vs) != 0 {
					t.Fatalf("after a failed write: %d versions, %v", len(vs), err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			if err := s.Units(ctx, partition.Query{}, func(u partition.Unit) error {
				if u.Code == sample.Units[3].Code && u.Geometry[0][0][0] != sample.Units[3].Geometry[0][0][0] {
					t.Errorf("%s: geometry changed", u.Code)
				}
				n++
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if n != len(sample.Units) {
				t.Errorf("read back %d units, want %d", n, len(sample.Units))
			}
			if _, err := s.NewWriter(ctx, "again"); partition.KindOf(err) != partition.Conflict {
				t.Errorf("a Writer on a store with a version: got %v, want a conflict", err)
			}
		})
	}
}
