package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/wangge/wangge/geo/crs"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/store/gpkg"
)

// exportCmd writes the units of one version (all, or one unit and its
// descendants) as GeoJSON (streamed, constant memory) or as a new
// GeoPackage. In GeoJSON the root of an exported subtree keeps its parent,
// so that the file, edited, imports back into place; a GeoPackage is a
// store of its own, in which the root has no parent (gpkg.WriteExport).
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
	s, _, err := sf.open(ctx, e, sf.logger(e), false)
	if err != nil {
		return report(e, "export", err)
	}
	defer s.Close()
	v, err := s.Resolve(ctx, partition.AsOf{Version: *asOf})
	if err != nil {
		return report(e, "export", err)
	}
	x := partition.Export{Store: s, At: partition.AsOf{Version: v.Number}, Root: partition.Code(*root)}
	if *format == "gpkg" {
		err = exportGPKG(ctx, &x, out, v)
	} else {
		err = exportGeoJSON(ctx, &x, out, to, e)
	}
	if err != nil {
		return report(e, "export", err)
	}
	if out != "-" {
		units, vessels := x.Counts()
		fmt.Fprintf(e.stdout, "exported %d units and %d vessels of version %d to %s\n", units, vessels, v.Number, out)
	}
	return exitOK
}

func exportGeoJSON(ctx context.Context, x *partition.Export, out string, to crs.CRS, e env) error {
	return writeTo(out, e, func(w io.Writer) error { return x.WriteGeoJSON(ctx, w, crs.Transform(crs.CGCS2000, to)) })
}

// exportGPKG writes a new GeoPackage holding the export as its version 1,
// streamed through a gpkg.Writer in one transaction: constant memory, and
// nothing is left behind when it fails.
func exportGPKG(ctx context.Context, x *partition.Export, out string, v partition.Version) error {
	if _, err := os.Stat(out); err == nil {
		return partition.Errorf(partition.Invalid, "%s exists: export writes a new GeoPackage", out)
	}
	if err := gpkg.WriteExport(ctx, x, out, fmt.Sprintf("export of version %d", v.Number)); err != nil {
		os.Remove(out)
		return err
	}
	return nil
}
