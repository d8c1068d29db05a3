package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/crs"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/household"
	"github.com/wangge/wangge/partition/tiling"
)

// importCmd publishes each GeoJSON file as one version, all or nothing per
// file, in the order given; it stops at the first file that is refused.
// Each file is first checked as Publish checks it and then by the tiling
// check of the families it touches (tiling.CheckChangeset), whose counts
// the summary line gives. Error findings do not stop an import (real
// boundary files have genuine gaps) unless --require-tiling: then the file
// is refused, its error findings printed, and the exit status is 1, as
// `wangge validate` exits 1 on error findings (2 stays unusable input).
//
// Roles do not exist yet: once they do (the review-chain issue), only an
// admin may import without --require-tiling.
func importCmd(ctx context.Context, args []string, e env) int {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	var sf storeFlags
	sf.register(fs)
	var o importOptions
	crsName := fs.String("crs", "wgs84", "coordinate system of the input: wgs84, cgcs2000, gcj02 or bd09")
	fs.StringVar(&o.note, "note", "", "note recorded with the version (default: import FILE)")
	fs.BoolVar(&o.requireTiling, "require-tiling", false, "refuse a file, writing nothing, when the tiling check of the families it touches finds errors (exit 1)")
	households := fs.String("households", "", "import this household layer (GeoJSON Points with households, population, address) instead of units")
	fs.StringVar(&o.findings, "findings", "", "write the findings of the tiling check here as GeoJSON (with several files: FILE's findings to this path with .N before the extension for the N-th file after the first)")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "usage: wangge import [--crs wgs84|cgcs2000|gcj02|bd09] [--note TEXT] [--require-tiling] [--findings OUT.geojson] [--gpkg PATH] FILE.geojson…  (- for stdin)")
		fmt.Fprintln(e.stderr, "       wangge import --households FILE.geojson [--crs …] [--note TEXT] [--gpkg PATH]")
		fs.PrintDefaults()
	}
	if ok, code := parseFlags(fs, args, e); !ok {
		return code
	}
	if !importInputs(fs, *households, e) {
		return exitInput
	}
	in, err := crs.Parse(*crsName)
	if err != nil {
		fmt.Fprintf(e.stderr, "wangge import: --crs: %v\n", err)
		return exitInput
	}
	if *households != "" {
		return importHouseholds(ctx, &sf, *households, in, o.note, e)
	}
	log := sf.logger(e)
	s, where, err := sf.open(ctx, e, log, true)
	if err != nil {
		return report(e, "import", err)
	}
	defer s.Close()
	for i, file := range fs.Args() {
		fo := o
		if fo.note == "" {
			fo.note = "import " + file
		}
		if fo.findings != "" && i > 0 {
			ext := filepath.Ext(fo.findings)
			fo.findings = fmt.Sprintf("%s.%d%s", strings.TrimSuffix(fo.findings, ext), i, ext)
		}
		fo.crs = in
		if code := importFile(ctx, s, file, fo, e); code != exitOK {
			return code
		}
	}
	log.Debug("import done", "store", where)
	return exitOK
}

// importInputs reports whether import has one kind of input: unit files,
// or a household layer alone; it prints why not.
func importInputs(fs *flag.FlagSet, households string, e env) bool {
	switch {
	case fs.NArg() > 0 && households != "":
		fmt.Fprintf(e.stderr, "wangge import: --households %s imports a household layer alone: give it or unit files (%s), not both\n", households, strings.Join(fs.Args(), " "))
		return false
	case fs.NArg() == 0 && households == "":
		fs.Usage()
		return false
	}
	return true
}

// importOptions are what import does with each file.
type importOptions struct {
	crs           crs.CRS
	note          string
	requireTiling bool
	findings      string // GeoJSON findings file, "" for none
}

func importFile(ctx context.Context, s partition.Store, file string, o importOptions, e env) int {
	start := time.Now()
	r, size, closeFn, err := openInput(file, e)
	if err != nil {
		return report(e, "import", err)
	}
	defer closeFn()
	if bar := progress(e, size, "read "+file); bar != nil {
		r = io.TeeReader(r, bar)
		defer bar.Finish()
	}
	d, err := partition.DecodeFeatureCollection(r, partition.DecodeOptions{Transform: crs.Transform(o.crs, crs.CGCS2000)})
	if err != nil {
		return report(e, "import "+file, err)
	}
	dropped, err := partition.ResolveSoftParents(ctx, &d, s)
	if err != nil {
		return report(e, "import "+file, err)
	}
	for _, c := range dropped {
		fmt.Fprintf(e.stderr, "wangge import %s: %s: its DataV parent is not in the store, imported as a root\n", file, c)
	}
	d.Note = o.note
	rep, err := tiling.CheckChangeset(ctx, s, &d.Changeset, tiling.DefaultOptions(), geo.DefaultLimits)
	if err != nil {
		return report(e, "import "+file, err)
	}
	if o.findings != "" {
		if err := writeTo(o.findings, e, func(w io.Writer) error {
			return tiling.WriteGeoJSON(w, &rep.Report, crs.Transform(crs.CGCS2000, o.crs), 0)
		}); err != nil {
			return report(e, "import "+file, err)
		}
	}
	sum := rep.Summary()
	checked := fmt.Sprintf("tiling check of %d families: %d errors, %d warnings", sum.Families, sum.Errors, sum.Warnings)
	if o.requireTiling {
		if err := rep.Refusal(&d.Changeset); err != nil {
			report(e, "import "+file, err)
			fmt.Fprintf(e.stderr, "wangge import %s: refused (--require-tiling), nothing was written; %s\n", file, checked)
			return exitFailure
		}
	}
	if isTerminal(e.stderr) {
		fmt.Fprintf(e.stderr, "publishing %d units and %d vessels…\n", len(d.Units), len(d.Vessels))
	}
	v, err := s.Publish(ctx, d.Changeset)
	if err != nil {
		return report(e, "import "+file, err)
	}
	fmt.Fprintf(e.stdout, "published version %d from %s: %d units, %d vessels, %d vertices in %s; %s\n",
		v.Number, file, len(d.Units), len(d.Vessels), vertices(d.Units), time.Since(start).Round(time.Millisecond), checked)
	return exitOK
}

func openInput(file string, e env) (io.Reader, int64, func(), error) {
	if file == "-" {
		return e.stdin, -1, func() {}, nil
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, 0, nil, fmt.Errorf("open input: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, nil, fmt.Errorf("stat input: %w", err)
	}
	return f, st.Size(), func() { f.Close() }, nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// progress returns a byte progress bar on stderr when it is a terminal.
func progress(e env, size int64, what string) *progressbar.ProgressBar {
	if !isTerminal(e.stderr) {
		return nil
	}
	return progressbar.NewOptions64(size, progressbar.OptionSetWriter(e.stderr), progressbar.OptionSetDescription(what),
		progressbar.OptionShowBytes(true), progressbar.OptionClearOnFinish(), progressbar.OptionThrottle(100*time.Millisecond))
}

func vertices(us []partition.Unit) int {
	n := 0
	for _, u := range us {
		for _, p := range u.Geometry {
			for _, r := range p {
				n += len(r)
			}
		}
	}
	return n
}

// importHouseholds imports a household layer, which the drafts started
// after it count households with.
func importHouseholds(ctx context.Context, sf *storeFlags, file string, in crs.CRS, note string, e env) int {
	data, err := readInput(file, "households")
	if err != nil {
		return report(e, "import", err)
	}
	pts, err := household.Decode(data, crs.Transform(in, crs.CGCS2000), 0)
	if err != nil {
		return report(e, "import", err)
	}
	s, _, err := sf.open(ctx, e, sf.logger(e), false)
	if err != nil {
		return report(e, "import", err)
	}
	defer s.Close()
	ds, ok := s.(partition.DraftStore)
	if !ok {
		return report(e, "import", fmt.Errorf("the store keeps no household layers"))
	}
	if note == "" {
		note = "import " + file
	}
	l, err := ds.ImportHouseholds(ctx, note, pts)
	if err != nil {
		return report(e, "import", err)
	}
	fmt.Fprintf(e.stdout, "%s: household layer %d: %d points, %d households, %d people (version %d)\n", file, l.Number, l.Points, l.Households, l.Population, l.Version)
	return exitOK
}
