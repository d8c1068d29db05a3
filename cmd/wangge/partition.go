package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo/crs"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/balance"
	"github.com/wangge/wangge/partition/proposal"
	"github.com/wangge/wangge/partition/tiling"
)

// partitionFlags are the partition command's inputs.
type partitionFlags struct {
	parent, households, rules, level, barriers, crsName, out, report, current, method string
	min, max                                                                          int
	seed                                                                              uint64
	join, redivide                                                                    bool
}

// partitionCmd proposes children of a parent (from the store by code, or
// the first polygon of a file) for the households given, or rebalances the
// current children (--current FILE, or --current stored). Exit 0 with a
// proposal, 2 on unusable input.
func partitionCmd(ctx context.Context, args []string, e env) int {
	fs := flag.NewFlagSet("partition", flag.ContinueOnError)
	var sf storeFlags
	sf.register(fs)
	var pf partitionFlags
	fs.StringVar(&pf.parent, "parent", "", "the unit to divide: a stored code, or a GeoJSON file (its first polygon feature)")
	fs.StringVar(&pf.households, "households", "", "GeoJSON FeatureCollection of Points, optional `households` weight (default 1)")
	fs.StringVar(&pf.rules, "rules", "", "household band from a rule set: zhejiang, zaozhuang or a JSON rule-set file")
	fs.IntVar(&pf.min, "min", 0, "fewest households per child (with --max: instead of the band of --rules, which still sizes the check and --redivide)")
	fs.IntVar(&pf.max, "max", 0, "most households per child")
	fs.StringVar(&pf.level, "level", "grid", "level of the children: grid, microgrid, community or street")
	fs.StringVar(&pf.barriers, "barriers", "", "GeoJSON FeatureCollection of LineStrings children should not straddle")
	fs.Uint64Var(&pf.seed, "seed", 0, "seed of the region-growing method (moves its seeds); the same seed gives the same proposal")
	fs.StringVar(&pf.crsName, "crs", "wgs84", "coordinate system of the input files and of the output")
	fs.StringVar(&pf.out, "out", "", "write the children here (GeoJSON)")
	fs.StringVar(&pf.report, "report", "", "write the quality report here (JSON) instead of a summary on stderr")
	fs.StringVar(&pf.current, "current", "", "rebalance: the current children (a GeoJSON file, or \"stored\" for the stored children of --parent)")
	fs.StringVar(&pf.method, "method", "", "grouping method: grow, bisect, or empty for the better of both")
	fs.BoolVar(&pf.redivide, "redivide", false, "re-divide the children of every changed child with the rule set's band for their level (else they are listed as needing attention)")
	fs.BoolVar(&pf.join, "join-small-islands", false, "join an inhabited island below the minimum to the nearest child instead of giving it a child of its own")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "usage: wangge partition --parent CODE|FILE --households FILE (--rules NAME | --min N --max N | both) [--level grid] [--barriers FILE] [--seed N] [--crs …] [--current FILE|stored] [--redivide] --out FILE.geojson [--report FILE]")
		fs.PrintDefaults()
	}
	if ok, code := parseFlags(fs, args, e); !ok {
		return code
	}
	r, err := crs.Parse(pf.crsName)
	if err != nil || pf.parent == "" || pf.households == "" || pf.out == "" || fs.NArg() > 0 || (pf.rules == "" && pf.min == 0 && pf.max == 0) {
		fs.Usage()
		return exitInput
	}
	in, err := pf.inputs(ctx, e, &sf, r)
	if err != nil {
		return report(e, "partition", err)
	}
	if in.store != nil {
		defer in.store.Close()
	}
	p, err := proposal.Make(ctx, in.req)
	if err != nil {
		return report(e, "partition", err)
	}
	if err := writeTo(pf.out, e, func(w io.Writer) error { return proposal.WriteGeoJSON(w, &p, crs.Transform(crs.CGCS2000, r)) }); err != nil {
		return report(e, "partition", err)
	}
	if err := pf.writeReport(e, &p); err != nil {
		return report(e, "partition", err)
	}
	return exitOK
}

// partitionInputs are the decoded inputs of a run, and the store opened
// for a stored parent (nil for a parent file).
type partitionInputs struct {
	req   proposal.Request
	store partition.Store
}

func (pf *partitionFlags) inputs(ctx context.Context, e env, sf *storeFlags, r crs.CRS) (in partitionInputs, err error) {
	tr := crs.Transform(r, crs.CGCS2000)
	level, err := partition.ParseLevel(pf.level)
	if err != nil {
		return in, partition.Errorf(partition.Invalid, "--level: %v", err)
	}
	in.req.Options = balance.Options{Min: pf.min, Max: pf.max, Level: level, Seed: pf.seed, Method: pf.method, JoinSmallIslands: pf.join}
	if pf.rules != "" {
		if in.req.Rules, err = tiling.Rules(pf.rules, os.ReadFile); err != nil {
			return in, err
		}
		if pf.min == 0 && pf.max == 0 {
			if in.req.Options.Min, in.req.Options.Max, err = balance.Band(in.req.Rules, level); err != nil {
				return in, err
			}
		}
	}
	unit, store, err := openParent(ctx, pf.parent, e, sf, tr)
	if err != nil {
		return in, err
	}
	if unit != nil {
		in.req.Parent = *unit
	} else {
		in.store, in.req.Store = store, store
		if in.req.Parent, err = store.Unit(ctx, partition.Code(pf.parent), partition.AsOf{}); err != nil {
			return in, prefixed("--parent "+pf.parent+" is neither a file nor a stored unit", err)
		}
	}
	if pf.redivide && in.req.Rules == nil {
		return in, partition.Errorf(partition.Invalid, "--redivide needs --rules, whose band for the level below re-divides the children of changed units")
	}
	in.req.Redivide = pf.redivide
	data, err := readInput(pf.households, "--households")
	if err != nil {
		return in, err
	}
	if in.req.Households, err = balance.DecodeHouseholds(data, tr, 0); err != nil {
		return in, prefixed("--households "+pf.households, err)
	}
	if pf.barriers != "" {
		if data, err = readInput(pf.barriers, "--barriers"); err != nil {
			return in, err
		}
		if in.req.Options.Barriers, err = balance.DecodeBarriers(data, tr, 0); err != nil {
			return in, prefixed("--barriers "+pf.barriers, err)
		}
	}
	return in, pf.currentChildren(ctx, &in, tr)
}

func (pf *partitionFlags) currentChildren(ctx context.Context, in *partitionInputs, tr func(orb.Geometry) orb.Geometry) error {
	switch pf.current {
	case "":
		return nil
	case "stored":
		if in.store == nil {
			return partition.Errorf(partition.Invalid, "--current stored needs --parent to be a stored code")
		}
		return in.store.Units(ctx, partition.Query{Parent: in.req.Parent.Code}, func(u partition.Unit) error {
			if u.Polygonal() && len(u.Geometry) > 0 {
				in.req.Current = append(in.req.Current, u)
			}
			return nil
		})
	}
	data, err := readInput(pf.current, "--current")
	if err != nil {
		return err
	}
	units, err := balance.DecodeUnits(data, tr, 0)
	if err != nil {
		return prefixed("--current "+pf.current, err)
	}
	in.req.Current = balance.CurrentOf(in.req.Parent.Code, units)
	return nil
}

// prefixed puts what before the message of a domain error, keeping its kind
// and problems (report prints the message, not the wrapping).
func prefixed(what string, err error) error {
	var pe *partition.Error
	if errors.As(err, &pe) {
		return &partition.Error{Kind: pe.Kind, Message: what + ": " + pe.Message, Problems: pe.Problems}
	}
	return fmt.Errorf("%s: %w", what, err)
}

func readInput(name, flagName string) ([]byte, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, partition.Errorf(partition.Invalid, "%s: %v", flagName, err)
	}
	return data, nil
}

func (pf *partitionFlags) writeReport(e env, p *proposal.Proposal) error {
	rep, moves := &p.Report, p.Moves
	errs, warns := p.Check.Count()
	if pf.report != "" {
		data, err := json.MarshalIndent(map[string]any{"report": rep, "moves": moves, "retire": p.Retire, "attention": p.Attention,
			"tiling": map[string]any{"errors": errs, "warnings": warns, "summary": p.Check.Summaries}}, "", "  ")
		if err != nil {
			return fmt.Errorf("encode report: %w", err)
		}
		if err := os.WriteFile(pf.report, append(data, '\n'), 0o644); err != nil {
			return fmt.Errorf("write report: %w", err)
		}
	} else {
		for _, c := range rep.Children {
			fmt.Fprintf(e.stderr, "%s %5d households %10.0f m² PP %.3f parts %d %s\n", c.Code, c.Households, float64(c.Area), c.PolsbyPopper, c.Parts, c.Note)
		}
		for _, m := range moves {
			fmt.Fprintf(e.stderr, "move %s → %s: %d households, %.0f m²\n", m.From, m.To, m.Households, float64(m.Area))
		}
		for _, a := range p.Attention {
			fmt.Fprintf(e.stderr, "attention %s: %s\n", a.Code, a.Reason)
		}
	}
	fmt.Fprintf(e.stderr, "%d children by %s in %v: %d of %d feasible within %d–%d, Polsby–Popper mean %.3f min %.3f; %d households inside the parent, %d outside it (not counted)\n",
		len(p.Children), rep.Method, rep.Elapsed.Round(1e6), rep.WithinFeasible(), rep.Feasible, rep.Min, rep.Max, rep.MeanPP, rep.MinPP, rep.Households, rep.Outside)
	fmt.Fprintf(e.stderr, "affected subtree: %d re-divided below, %d retired, %d needing attention; tiling check %d errors, %d warnings\n",
		len(p.Descendants), len(p.Retire), len(p.Attention), errs, warns)
	return nil
}
