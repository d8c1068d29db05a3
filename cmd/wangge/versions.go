package main

import (
	"context"
	"flag"
	"fmt"
	"time"
)

// versionsCmd lists the published versions.
func versionsCmd(ctx context.Context, args []string, e env) int {
	fs := flag.NewFlagSet("versions", flag.ContinueOnError)
	var sf storeFlags
	sf.register(fs)
	if ok, code := parseFlags(fs, args, e); !ok {
		return code
	}
	s, _, err := sf.open(ctx, e, sf.logger(e), false)
	if err != nil {
		return report(e, "versions", err)
	}
	defer s.Close()
	vs, err := s.Versions(ctx)
	if err != nil {
		return report(e, "versions", err)
	}
	for _, v := range vs {
		fmt.Fprintf(e.stdout, "%d\t%s\t%s\n", v.Number, v.PublishedAt.Format(time.RFC3339), v.Note)
	}
	return exitOK
}
