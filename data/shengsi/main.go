// Command shengsi generates wangge's sample county, 嵊泗县 (Shengsi,
// 330922): the real county outline from the DataV boundaries (GCJ-02,
// converted to CGCS2000), its seven towns placed on the islands they
// govern, and — all SYNTHETIC — about 25,000 clustered households;
// communities, grids and micro-grids divided from the towns by the
// partitioner (partition/balance) within the Zhejiang bands; a staff
// roster per grid; the sea network (75 fishing grids on the 10′
// fishing-area lines, 7 aquaculture grids, 2 transport grids, 213
// formations) and a registry of 1,132 fishing and 36 transport vessels.
// The output is deterministic for a seed; the partitioner's figures per
// level go to stderr.
//
//	go run ./data/shengsi -out data/sample/shengsi.geojson -households data/sample/shengsi_households.geojson
//
// (`make county`). See data/sample/README.md for what is real, what is
// made up and how.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stderr io.Writer) int {
	cfg := DefaultConfig()
	fs := flag.NewFlagSet("shengsi", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.Source, "source", cfg.Source, "the DataV county outline 330922 (GCJ-02)")
	fs.Uint64Var(&cfg.Seed, "seed", cfg.Seed, "random seed")
	out := fs.String("out", "data/sample/shengsi.geojson", "the county: units and vessels, one FeatureCollection")
	hhOut := fs.String("households", "data/sample/shengsi_households.geojson", "the SYNTHETIC households (\"\" to skip)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	c, err := Generate(ctx, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "shengsi: %v\n", err)
		return 1
	}
	if err := writeFile(*out, func(w io.Writer) error { return writeCounty(w, c) }); err != nil {
		fmt.Fprintf(stderr, "shengsi: %v\n", err)
		return 1
	}
	if *hhOut != "" {
		if err := writeFile(*hhOut, func(w io.Writer) error { return writeHouseholds(w, c.Households) }); err != nil {
			fmt.Fprintf(stderr, "shengsi: %v\n", err)
			return 1
		}
	}
	for i := range c.Levels {
		fmt.Fprintf(stderr, "shengsi: %s\n", &c.Levels[i])
	}
	fmt.Fprintf(stderr, "shengsi: %d units, %d vessels, %d building entrances → %s\n", len(c.Units), len(c.Vessels), len(c.Households), *out)
	return 0
}

// writeFile writes through a temporary file in the same directory and
// renames it into place, so that a failed run leaves the old file.
func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	defer os.Remove(f.Name())
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		return fmt.Errorf("chmod %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("rename to %s: %w", path, err)
	}
	return nil
}
