package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"iter"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/crs"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/tiling"
)

// validateCmd runs the tiling check on a file (a proposal, nothing stored)
// or on the stored hierarchy under --root. Exit 0: no error findings; 1:
// error findings; 2: unusable input.
func validateCmd(ctx context.Context, args []string, e env) int {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	var sf storeFlags
	sf.register(fs)
	format := fs.String("format", "text", "text, json or geojson")
	rules := fs.String("rules", "", "sizing standard: zhejiang, zaozhuang or a JSON rule-set file")
	areaTol := fs.Float64("area-tolerance", 1, "gaps, overlaps and parts outside of this many m² or less are not reported (0: every piece)")
	sliver := fs.Float64("sliver-width", 0.5, "a defect narrower than this many metres is a sliver (a warning)")
	root := fs.String("root", "", "check the stored units under this code")
	asOf := fs.Int64("as-of", 0, "with --root: the version to check (default: the latest)")
	crsName := fs.String("crs", "wgs84", "coordinate system of the input file and of the findings' geometry")
	out := fs.String("out", "-", "write the report here")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "usage: wangge validate [--format text|json|geojson] [--rules NAME|FILE] [--area-tolerance M2] [--sliver-width M] [--crs …] [FILE.geojson | --root CODE]")
		fs.PrintDefaults()
	}
	if ok, code := parseFlags(fs, args, e); !ok {
		return code
	}
	r, err := crs.Parse(*crsName)
	if err != nil || (*format != "text" && *format != "json" && *format != "geojson") || (fs.NArg() == 1) == (*root != "") || fs.NArg() > 1 {
		fs.Usage()
		return exitInput
	}
	rs, err := tiling.Rules(*rules, os.ReadFile)
	if err != nil {
		return report(e, "validate", err)
	}
	opts := tiling.Options{AreaTolerance: geo.SquareMeters(*areaTol), SliverWidth: geo.Meters(*sliver), Rules: rs}
	var fams iter.Seq2[tiling.Family, error]
	total := -1
	if *root == "" {
		f, closeFn, err := openFile(fs.Arg(0), e)
		if err != nil {
			return report(e, "validate", err)
		}
		defer closeFn()
		list, _, err := tiling.FromCollection(f, crs.Transform(r, crs.CGCS2000), 0, geo.DefaultLimits)
		if err != nil {
			return report(e, "validate "+fs.Arg(0), err)
		}
		fams, total = tiling.Slice(list), len(list)
	} else {
		s, _, err := sf.open(ctx, e, sf.logger(e))
		if err != nil {
			return report(e, "validate", err)
		}
		defer s.Close()
		fams = tiling.Stored(ctx, s, partition.Code(*root), partition.AsOf{Version: *asOf})
	}
	start := time.Now()
	bar := familyBar(e, total)
	rep, err := tiling.Run(ctx, fams, opts, 0, func(n int) {
		if bar != nil {
			bar.Set(n)
		}
	})
	if bar != nil {
		bar.Finish()
	}
	if err != nil {
		return report(e, "validate", err)
	}
	if err := writeReport(*out, *format, &rep, r, e); err != nil {
		return report(e, "validate", err)
	}
	errs, warns := rep.Count()
	fmt.Fprintf(e.stderr, "checked %d parents in %s: %d errors, %d warnings\n", len(rep.Summaries), time.Since(start).Round(time.Millisecond), errs, warns)
	if errs > 0 {
		return exitFailure
	}
	return exitOK
}

func openFile(name string, e env) (io.Reader, func(), error) {
	r, _, closeFn, err := openInput(name, e)
	return r, closeFn, err
}

// familyBar shows progress over families on a terminal; total -1 when unknown.
func familyBar(e env, total int) *progressbar.ProgressBar {
	if !isTerminal(e.stderr) {
		return nil
	}
	return progressbar.NewOptions(total, progressbar.OptionSetWriter(e.stderr), progressbar.OptionSetDescription("checking parents"),
		progressbar.OptionClearOnFinish(), progressbar.OptionThrottle(100*time.Millisecond))
}

func writeReport(out, format string, rep *tiling.Report, r crs.CRS, e env) error {
	return writeTo(out, e, func(w io.Writer) error {
		switch format {
		case "geojson":
			return tiling.WriteGeoJSON(w, rep, crs.Transform(crs.CGCS2000, r), 0)
		case "json":
			findings := make([]map[string]any, len(rep.Findings))
			for i := range rep.Findings {
				findings[i] = partition.FindingProperties(&rep.Findings[i])
			}
			errs, warns := rep.Count()
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			return enc.Encode(map[string]any{"errors": errs, "warnings": warns, "summary": rep.Summaries, "findings": findings})
		}
		return writeText(w, rep)
	})
}

func writeText(w io.Writer, rep *tiling.Report) error {
	for _, s := range rep.Summaries {
		fmt.Fprintf(w, "%s %s: %d children cover %.4f%%; gap %.1f m², overlap %.1f m², outside %.1f m²; %d errors, %d warnings\n",
			s.Parent, s.Name, s.Children, s.CoveredPct, s.Gap, s.Overlap, s.Outside, s.Errors, s.Warnings)
	}
	for _, f := range rep.Findings {
		sl := ""
		if f.Sliver {
			sl = " (sliver)"
		}
		_, err := fmt.Fprintf(w, "%-7s %-8s %v %.2f m²%s: %s\n", f.Severity, f.Rule, f.Codes, f.Area, sl, f.Message)
		if err != nil {
			return fmt.Errorf("write report: %w", err)
		}
	}
	return nil
}
