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

	"github.com/paulmach/orb"
	"github.com/schollz/progressbar/v3"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/crs"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/tiling"
)

// validateCmd runs the tiling check on a file (a proposal, nothing stored),
// optionally against the --parent it was made for, or on the stored
// hierarchy under --root. Exit 0: no error findings; 1: error findings; 2:
// unusable input, which includes a file in which some unit would be checked
// against nothing (its parent neither in the file nor given) and a file
// with no parent and child at all.
func validateCmd(ctx context.Context, args []string, e env) int {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	var sf storeFlags
	sf.register(fs)
	format := fs.String("format", "text", "text, json or geojson")
	rules := fs.String("rules", "", "sizing standard: zhejiang, zaozhuang or a JSON rule-set file")
	areaTol := fs.Float64("area-tolerance", 1, "gaps, overlaps and parts outside of this many m² or less are not reported (0: every piece)")
	sliver := fs.Float64("sliver-width", 0.5, "a defect narrower than this many metres is a sliver (a warning)")
	root := fs.String("root", "", "check the stored units under this code")
	var pf parentFlags
	fs.StringVar(&pf.spec, "parent", "", "check FILE against this parent: a stored unit's code, or a GeoJSON file of the parent feature")
	fs.BoolVar(&pf.siblings, "siblings", true, "with a stored --parent: its stored children that FILE does not hold complete the family")
	asOf := fs.Int64("as-of", 0, "with --root or a stored --parent: the version to read (default: the latest)")
	crsName := fs.String("crs", "wgs84", "coordinate system of the input file and of the findings' geometry")
	out := fs.String("out", "-", "write the report here")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "usage: wangge validate [--format text|json|geojson] [--rules NAME|FILE] [--area-tolerance M2] [--sliver-width M] [--crs …] (FILE.geojson [--parent CODE|FILE [--siblings=false]] | --root CODE) [--as-of N]")
		fs.PrintDefaults()
	}
	if ok, code := parseFlags(fs, args, e); !ok {
		return code
	}
	r, err := crs.Parse(*crsName)
	if err != nil || (*format != "text" && *format != "json" && *format != "geojson") || (fs.NArg() == 1) == (*root != "") || fs.NArg() > 1 || (pf.spec != "" && *root != "") {
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
		pf.file, pf.at = fs.Arg(0), partition.AsOf{Version: *asOf}
		list, err := pf.families(ctx, e, &sf, crs.Transform(r, crs.CGCS2000))
		if err != nil {
			return report(e, "validate "+fs.Arg(0), err)
		}
		fams, total = tiling.Slice(list), len(list)
	} else {
		s, _, err := sf.open(ctx, e, sf.logger(e), false)
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

// parentFlags say what a proposal file is checked against.
type parentFlags struct {
	file, spec string // the proposal; --parent
	siblings   bool
	at         partition.AsOf
}

// howToName tells a user how to give the parent a file lacks.
const howToName = "check them against it with --parent CODE|FILE (a stored unit's code, or a GeoJSON file of the parent feature), or, once they are published, check the stored hierarchy with --root CODE"

// families reads the proposal, completes it with --parent and returns its
// families, refusing a proposal in which some unit would be checked
// against nothing (tiling.Checkable).
func (pf *parentFlags) families(ctx context.Context, e env, sf *storeFlags, tr func(orb.Geometry) orb.Geometry) ([]tiling.Family, error) {
	f, _, closeFn, err := openInput(pf.file, e)
	if err != nil {
		return nil, err
	}
	defer closeFn()
	units, err := tiling.ReadUnits(f, tr, 0, geo.DefaultLimits)
	if err != nil {
		return nil, err
	}
	if pf.spec != "" {
		if units, err = pf.complete(ctx, e, sf, tr, units); err != nil {
			return nil, err
		}
	}
	return tiling.Checkable(units, howToName)
}

// complete adds the parent of --parent and, from a store, its stored
// children that the proposal does not hold (tiling.Against).
func (pf *parentFlags) complete(ctx context.Context, e env, sf *storeFlags, tr func(orb.Geometry) orb.Geometry, units []partition.Unit) ([]partition.Unit, error) {
	p, s, err := openParent(ctx, pf.spec, e, sf, tr)
	if err != nil {
		return nil, err
	}
	var siblings []partition.Unit
	if s != nil {
		defer s.Close()
		fam, v, err := tiling.StoredFamily(ctx, s, partition.Code(pf.spec), pf.at)
		if err != nil {
			return nil, prefixed("--parent "+pf.spec+" is neither a file nor a stored unit", err)
		}
		p = fam.Parent
		if pf.siblings {
			siblings = fam.Children
			fmt.Fprintf(e.stderr, "--parent %s: the stored unit of version %d, and the %d of its %d stored children that %s does not hold\n", p.Code, v, len(notIn(units, siblings)), len(fam.Children), pf.file)
		} else {
			fmt.Fprintf(e.stderr, "--parent %s: the stored unit of version %d, without its %d stored children (--siblings=false)\n", p.Code, v, len(fam.Children))
		}
	}
	out, err := tiling.Against(units, *p, siblings)
	if err != nil {
		return nil, prefixed("--parent "+pf.spec, err)
	}
	return out, nil
}

// notIn returns the units of b whose code no unit of a has.
func notIn(a, b []partition.Unit) []partition.Unit {
	codes := make(map[partition.Code]bool, len(a))
	for i := range a {
		codes[a[i].Code] = true
	}
	var out []partition.Unit
	for _, u := range b {
		if !codes[u.Code] {
			out = append(out, u)
		}
	}
	return out
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
