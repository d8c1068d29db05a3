package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/crs"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/store/gpkg"
)

// exportCmd writes the units of one version (all, or one unit and its
// descendants) as GeoJSON (streamed, constant memory) or as a new
// GeoPackage. The root of an exported subtree loses its parent, so that the
// export is a self-contained division that imports anywhere.
func exportCmd(ctx context.Context, args []string, e env) int {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	var sf storeFlags
	sf.register(fs)
	format := fs.String("format", "", "geojson or gpkg (default: from OUT's extension, else geojson)")
	root := fs.String("root", "", "export this unit and its descendants only")
	asOf := fs.Int64("as-of", 0, "version to export (default: the latest)")
	crsName := fs.String("crs", "wgs84", "coordinate system of the GeoJSON output: wgs84, cgcs2000, gcj02 or bd09")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "usage: wangge export [--format geojson|gpkg] [--root CODE] [--as-of N] [--crs wgs84] OUT  (- for stdout)")
		fs.PrintDefaults()
	}
	if ok, code := parseFlags(fs, args, e); !ok {
		return code
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return exitInput
	}
	out := fs.Arg(0)
	if *format == "" {
		*format = "geojson"
		if strings.EqualFold(filepath.Ext(out), ".gpkg") {
			*format = "gpkg"
		}
	}
	to, err := crs.Parse(*crsName)
	if err != nil || (*format != "geojson" && *format != "gpkg") || (*format == "gpkg" && to != crs.WGS84 && to != crs.CGCS2000) {
		fmt.Fprintf(e.stderr, "wangge export: want --format geojson|gpkg and a --crs of wgs84, cgcs2000, gcj02 or bd09 (GeoPackage: CGCS2000 only)\n")
		return exitInput
	}
	s, _, err := sf.open(ctx, e, sf.logger(e))
	if err != nil {
		return report(e, "export", err)
	}
	defer s.Close()
	v, err := s.Resolve(ctx, partition.AsOf{Version: *asOf})
	if err != nil {
		return report(e, "export", err)
	}
	x := exporter{s: s, at: partition.AsOf{Version: v.Number}, root: partition.Code(*root)}
	if *format == "gpkg" {
		err = x.gpkg(ctx, out, v)
	} else {
		err = x.geojson(ctx, out, to, e)
	}
	if err != nil {
		return report(e, "export", err)
	}
	if out != "-" {
		fmt.Fprintf(e.stdout, "exported %d units and %d vessels of version %d to %s\n", x.units, x.vessels, v.Number, out)
	}
	return exitOK
}

type exporter struct {
	s       partition.Store
	at      partition.AsOf
	root    partition.Code
	in      map[partition.Code]bool // exported codes, when a root is set
	units   int
	vessels int
}

// each calls fn for every exported unit, in code order (parents first: a
// child's code is greater than its parent's).
func (x *exporter) each(ctx context.Context, fn func(partition.Unit) error) error {
	q := partition.Query{AsOf: x.at}
	if x.root != "" {
		if _, err := x.s.Unit(ctx, x.root, x.at); err != nil {
			return err
		}
		q.Prefix = x.root.Significant()
		x.in = map[partition.Code]bool{}
	}
	return x.s.Units(ctx, q, func(u partition.Unit) error {
		if x.in != nil {
			if u.Code != x.root && !x.in[u.Parent] {
				return nil
			}
			x.in[u.Code] = true
			if u.Code == x.root {
				u.Parent = ""
			}
		}
		x.units++
		return fn(u)
	})
}

func (x *exporter) eachVessel(ctx context.Context, fn func(partition.Vessel) error) error {
	return x.s.Vessels(ctx, partition.VesselQuery{AsOf: x.at}, func(v partition.Vessel) error {
		if x.in != nil && !x.in[v.Unit] {
			return nil
		}
		x.vessels++
		return fn(v)
	})
}

func (x *exporter) geojson(ctx context.Context, out string, to crs.CRS, e env) (err error) {
	var w io.Writer = e.stdout
	if out != "-" {
		f, err := os.Create(out)
		if err != nil {
			return fmt.Errorf("create %s: %w", out, err)
		}
		defer func() {
			if cerr := f.Close(); err == nil && cerr != nil {
				err = fmt.Errorf("close %s: %w", out, cerr)
			}
		}()
		w = f
	}
	tr := crs.Transform(crs.CGCS2000, to)
	cw := partition.NewCollectionWriter(w, nil)
	if err := x.each(ctx, func(u partition.Unit) error { return cw.Feature(partition.Feature(&u, tr)) }); err != nil {
		return err
	}
	if err := x.eachVessel(ctx, func(v partition.Vessel) error { return cw.Vessel(&v) }); err != nil {
		return err
	}
	return cw.Close()
}

// gpkg writes a new GeoPackage holding the export as its version 1.
func (x *exporter) gpkg(ctx context.Context, out string, v partition.Version) error {
	if _, err := os.Stat(out); err == nil {
		return partition.Errorf(partition.Invalid, "%s exists: export writes a new GeoPackage", out)
	}
	cs := partition.Changeset{Note: fmt.Sprintf("export of version %d", v.Number)}
	if err := x.each(ctx, func(u partition.Unit) error { cs.Units = append(cs.Units, u); return nil }); err != nil {
		return err
	}
	if err := x.eachVessel(ctx, func(v partition.Vessel) error { cs.Vessels = append(cs.Vessels, v); return nil }); err != nil {
		return err
	}
	dst, err := gpkg.Open(ctx, out, gpkg.Options{Limits: geo.DefaultLimits})
	if err != nil {
		return fmt.Errorf("create GeoPackage %s: %w", out, err)
	}
	if _, err := dst.Publish(ctx, cs); err != nil {
		dst.Close()
		os.Remove(out)
		return fmt.Errorf("write GeoPackage %s: %w", out, err)
	}
	return dst.Close()
}
