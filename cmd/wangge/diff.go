package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/wangge/wangge/geo/crs"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/diff"
	"github.com/wangge/wangge/partition/draft"
)

// diffCmd prints what changed between two states of a subtree, as GeoJSON.
func diffCmd(ctx context.Context, args []string, e env) int {
	fs := flag.NewFlagSet("diff", flag.ContinueOnError)
	var sf storeFlags
	sf.register(fs)
	from := fs.String("from", "", "the earlier state: a version (number, time or date) or draft:ID")
	to := fs.String("to", "", "the later state: a version or draft:ID (default the latest version)")
	root := fs.String("root", "", "the unit whose subtree is compared (default a draft's root)")
	out := fs.String("crs", "wgs84", "coordinate system of the output")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "usage: wangge diff --from V|draft:ID [--to V|draft:ID] [--root CODE] [--crs wgs84|cgcs2000|gcj02|bd09] [--gpkg PATH]")
		fs.PrintDefaults()
	}
	if ok, code := parseFlags(fs, args, e); !ok {
		return code
	}
	if *from == "" || fs.NArg() > 0 {
		fs.Usage()
		return exitInput
	}
	r, err := crs.Parse(*out)
	if err != nil {
		fmt.Fprintf(e.stderr, "wangge diff: --crs: %v\n", err)
		return exitInput
	}
	var sides [2]draft.Side
	for i, v := range []string{*from, *to} {
		if sides[i], err = draft.ParseSide(v, partition.DefaultZone()); err != nil {
			return report(e, "diff", err)
		}
	}
	s, _, err := sf.open(ctx, e, sf.logger(e), false)
	if err != nil {
		return report(e, "diff", err)
	}
	defer s.Close()
	ds, ok := s.(partition.DraftStore)
	if !ok {
		return report(e, "diff", fmt.Errorf("the store keeps no drafts"))
	}
	res, err := draft.New(s, ds, draft.Options{}, sf.logger(e)).Diff(ctx, sides[0], sides[1], partition.Code(*root))
	if err != nil {
		return report(e, "diff", err)
	}
	if err := diff.WriteGeoJSON(e.stdout, &res, crs.Transform(crs.CGCS2000, r)); err != nil {
		return report(e, "diff", err)
	}
	sm := res.Summary
	fmt.Fprintf(e.stderr, "wangge diff: %d pieces changed hands, %d units added, %d removed, %d changed\n", sm.Pieces, sm.Added, sm.Removed, sm.Changed)
	return exitOK
}
