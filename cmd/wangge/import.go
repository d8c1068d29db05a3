package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/wangge/wangge/geo/crs"
	"github.com/wangge/wangge/partition"
)

// importCmd publishes each GeoJSON file as one version, all or nothing per
// file, in the order given; it stops at the first file that is refused.
func importCmd(ctx context.Context, args []string, e env) int {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	var sf storeFlags
	sf.register(fs)
	crsName := fs.String("crs", "wgs84", "coordinate system of the input: wgs84, cgcs2000, gcj02 or bd09")
	note := fs.String("note", "", "note recorded with the version (default: import FILE)")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "usage: wangge import [--crs wgs84|cgcs2000|gcj02|bd09] [--note TEXT] [--gpkg PATH] FILE.geojson…  (- for stdin)")
		fs.PrintDefaults()
	}
	if ok, code := parseFlags(fs, args, e); !ok {
		return code
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return exitInput
	}
	in, err := crs.Parse(*crsName)
	if err != nil {
		fmt.Fprintf(e.stderr, "wangge import: --crs: %v\n", err)
		return exitInput
	}
	log := sf.logger(e)
	s, where, err := sf.open(ctx, e, log)
	if err != nil {
		return report(e, "import", err)
	}
	defer s.Close()
	for _, file := range fs.Args() {
		n := *note
		if n == "" {
			n = "import " + file
		}
		if code := importFile(ctx, s, file, in, n, e); code != exitOK {
			return code
		}
	}
	log.Debug("import done", "store", where)
	return exitOK
}

func importFile(ctx context.Context, s partition.Store, file string, in crs.CRS, note string, e env) int {
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
	d, err := partition.DecodeFeatureCollection(r, partition.DecodeOptions{Transform: crs.Transform(in, crs.CGCS2000)})
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
	if isTerminal(e.stderr) {
		fmt.Fprintf(e.stderr, "publishing %d units and %d vessels…\n", len(d.Units), len(d.Vessels))
	}
	d.Note = note
	v, err := s.Publish(ctx, d.Changeset)
	if err != nil {
		return report(e, "import "+file, err)
	}
	fmt.Fprintf(e.stdout, "published version %d from %s: %d units, %d vessels, %d vertices in %s\n",
		v.Number, file, len(d.Units), len(d.Vessels), vertices(d.Units), time.Since(start).Round(time.Millisecond))
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
