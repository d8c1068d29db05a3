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
	"github.com/wangge/wangge/partition/tiling"
)

// partitionFlags are the partition command's inputs.
type partitionFlags struct {
	parent, households, rules, level, barriers, crsName, out, report, current, method string
	min, max                                                                          int
	seed                                                                              uint64
	join                                                                              bool
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
	fs.IntVar(&pf.min, "min", 0, "fewest households per child (with --max, instead of --rules)")
	fs.IntVar(&pf.max, "max", 0, "most households per child")
	fs.StringVar(&pf.level, "level", "grid", "level of the children: grid, microgrid, community or street")
	fs.StringVar(&pf.barriers, "barriers", "", "GeoJSON FeatureCollection of LineStrings children should not straddle")
	fs.Uint64Var(&pf.seed, "seed", 0, "seed of the region-growing method (moves its seeds); the same seed gives the same proposal")
	fs.StringVar(&pf.crsName, "crs", "wgs84", "coordinate system of the input files and of the output")
	fs.StringVar(&pf.out, "out", "", "write the children here (GeoJSON)")
	fs.StringVar(&pf.report, "report", "", "write the quality report here (JSON) instead of a summary on stderr")
	fs.StringVar(&pf.current, "current", "", "rebalance: the current children (a GeoJSON file, or \"stored\" for the stored children of --parent)")
	fs.StringVar(&pf.method, "method", "", "grouping method: grow, bisect, or empty for the better of both")
	fs.BoolVar(&pf.join, "join-small-islands", false, "join an inhabited island below the minimum to the nearest child instead of giving it a child of its own")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "usage: wangge partition --parent CODE|FILE --households FILE (--rules NAME | --min N --max N) [--level grid] [--barriers FILE] [--seed N] [--crs …] [--current FILE|stored] --out FILE.geojson [--report FILE]")
		fs.PrintDefaults()
	}
	if ok, code := parseFlags(fs, args, e); !ok {
		return code
	}
	r, err := crs.Parse(pf.crsName)
	if err != nil || pf.parent == "" || pf.households == "" || pf.out == "" || fs.NArg() > 0 || (pf.rules == "") == (pf.min == 0 && pf.max == 0) {
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
	var res balance.Result
	var moves []balance.Move
	if in.current == nil {
		res, err = balance.Divide(ctx, in.parent, in.households, in.opts)
	} else {
		res, moves, err = balance.Rebalance(ctx, in.parent, in.current, in.households, in.opts)
	}
	if err != nil {
		return report(e, "partition", err)
	}
	if err := writeProposal(pf.out, &res, moves, r, e); err != nil {
		return report(e, "partition", err)
	}
	if err := pf.writeReport(e, &res, moves); err != nil {
		return report(e, "partition", err)
	}
	return exitOK
}

// partitionInputs are the decoded inputs of a run.
type partitionInputs struct {
	parent     partition.Unit
	households []balance.Household
	current    []partition.Unit
	opts       balance.Options
	store      partition.Store
}

func (pf *partitionFlags) inputs(ctx context.Context, e env, sf *storeFlags, r crs.CRS) (in partitionInputs, err error) {
	tr := crs.Transform(r, crs.CGCS2000)
	level, err := partition.ParseLevel(pf.level)
	if err != nil {
		return in, partition.Errorf(partition.Invalid, "--level: %v", err)
	}
	in.opts = balance.Options{Min: pf.min, Max: pf.max, Level: level, Seed: pf.seed, Method: pf.method, JoinSmallIslands: pf.join}
	if pf.rules != "" {
		rs, err := tiling.Rules(pf.rules, os.ReadFile)
		if err != nil {
			return in, err
		}
		if in.opts.Min, in.opts.Max, err = balance.Band(rs, level); err != nil {
			return in, err
		}
	}
	if data, err := os.ReadFile(pf.parent); err == nil {
		if in.parent, err = balance.DecodeParent(data, tr); err != nil {
			return in, prefixed("--parent "+pf.parent, err)
		}
	} else if errors.Is(err, os.ErrNotExist) {
		if in.store, _, err = sf.open(ctx, e, sf.logger(e)); err != nil {
			return in, err
		}
		if in.parent, err = in.store.Unit(ctx, partition.Code(pf.parent), partition.AsOf{}); err != nil {
			return in, prefixed("--parent "+pf.parent+" is neither a file nor a stored unit", err)
		}
	} else {
		return in, partition.Errorf(partition.Invalid, "--parent %s: %v", pf.parent, err)
	}
	data, err := readInput(pf.households, "--households")
	if err != nil {
		return in, err
	}
	if in.households, err = balance.DecodeHouseholds(data, tr, 0); err != nil {
		return in, prefixed("--households "+pf.households, err)
	}
	if pf.barriers != "" {
		if data, err = readInput(pf.barriers, "--barriers"); err != nil {
			return in, err
		}
		if in.opts.Barriers, err = balance.DecodeBarriers(data, tr, 0); err != nil {
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
		return in.store.Units(ctx, partition.Query{Parent: in.parent.Code}, func(u partition.Unit) error {
			if u.Polygonal() && len(u.Geometry) > 0 {
				in.current = append(in.current, u)
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
	in.current = balance.CurrentOf(in.parent.Code, units)
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

// writeProposal writes the children as unit features, the report and the
// moves as foreign members.
func writeProposal(out string, res *balance.Result, moves []balance.Move, r crs.CRS, e env) error {
	return writeTo(out, e, func(w io.Writer) error { return balance.WriteGeoJSON(w, res, moves, crs.Transform(crs.CGCS2000, r)) })
}

func (pf *partitionFlags) writeReport(e env, res *balance.Result, moves []balance.Move) error {
	rep := &res.Report
	if pf.report != "" {
		data, err := json.MarshalIndent(map[string]any{"report": rep, "moves": moves}, "", "  ")
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
	}
	fmt.Fprintf(e.stderr, "%d children by %s in %v: %d of %d feasible within %d–%d, Polsby–Popper mean %.3f min %.3f; %d households inside the parent, %d outside it (not counted)\n",
		len(res.Children), rep.Method, rep.Elapsed.Round(1e6), rep.WithinFeasible(), rep.Feasible, rep.Min, rep.Max, rep.MeanPP, rep.MinPP, rep.Households, rep.Outside)
	return nil
}
