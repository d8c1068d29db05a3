package gpkg

import (
	"database/sql/driver"
	"fmt"

	"github.com/paulmach/orb"
	"modernc.org/sqlite"

	"github.com/wangge/wangge/geo/gpkgwkb"
)

// registerFunctions registers on drv the SQL functions of GeoPackage's
// R-tree extension (clause F.3) that its triggers call: ST_IsEmpty and
// ST_MinX, ST_MaxX, ST_MinY, ST_MaxY. They read the envelope of the
// geometry's header, decoding the WKB only when there is none. The store
// also uses them to refine R-tree matches, whose boxes are float32.
func registerFunctions(drv *sqlite.Driver) error {
	fns := []struct {
		name string
		fn   func(*sqlite.FunctionContext, []driver.Value) (driver.Value, error)
	}{
		{"ST_IsEmpty", stIsEmpty},
		{"ST_MinX", extentFunc("ST_MinX", func(b orb.Bound) float64 { return b.Min[0] })},
		{"ST_MaxX", extentFunc("ST_MaxX", func(b orb.Bound) float64 { return b.Max[0] })},
		{"ST_MinY", extentFunc("ST_MinY", func(b orb.Bound) float64 { return b.Min[1] })},
		{"ST_MaxY", extentFunc("ST_MaxY", func(b orb.Bound) float64 { return b.Max[1] })},
	}
	for _, f := range fns {
		if err := drv.RegisterDeterministicScalarFunction(f.name, 1, f.fn); err != nil {
			return fmt.Errorf("register %s: %w", f.name, err)
		}
	}
	return nil
}

// geometryArg returns the geometry blob of a function's only argument; nil
// for SQL NULL.
func geometryArg(name string, args []driver.Value) ([]byte, error) {
	switch v := args[0].(type) {
	case nil:
		return nil, nil
	case []byte:
		return v, nil
	}
	return nil, fmt.Errorf("%s: want a geometry blob, got %T", name, args[0])
}

// stIsEmpty is ST_IsEmpty(geom): 1 when the header flags the geometry empty,
// 0 otherwise, NULL for NULL.
func stIsEmpty(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	b, err := geometryArg("ST_IsEmpty", args)
	if b == nil || err != nil {
		return nil, err
	}
	h, err := gpkgwkb.ParseHeader(b)
	if err != nil {
		return nil, fmt.Errorf("ST_IsEmpty: %w", err)
	}
	if h.Empty {
		return int64(1), nil
	}
	return int64(0), nil
}

// extentFunc makes ST_MinX and its siblings: one bound of the geometry's
// envelope, NULL for NULL or an empty geometry.
func extentFunc(name string, pick func(orb.Bound) float64) func(*sqlite.FunctionContext, []driver.Value) (driver.Value, error) {
	return func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		b, err := geometryArg(name, args)
		if b == nil || err != nil {
			return nil, err
		}
		env, ok, err := gpkgwkb.Envelope(b)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if !ok {
			return nil, nil
		}
		return pick(env), nil
	}
}
