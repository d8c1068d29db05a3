package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/user"
	"strings"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/store/gpkg"
	"github.com/wangge/wangge/partition/store/postgis"
)

// Exit statuses.
const (
	exitOK      = 0
	exitFailure = 1 // the command ran and failed, or found errors
	exitInput   = 2 // unusable input or usage
)

// env is what a command gets from its process, passed in for tests.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

const usage = `wangge — grid-based social governance: units, tiling, routing

usage: wangge <command> [flags]

commands:
  serve     serve the HTTP API           (wangge serve [--addr :8080])
  import    publish GeoJSON as a version (wangge import [--crs gcj02] FILE.geojson…)
  export    write units out              (wangge export [--format geojson|gpkg] [--root CODE] OUT)
  versions  list the published versions
  validate  check that children tile their parent (wangge validate [--rules zhejiang] FILE.geojson | --root CODE)
  partition propose children of a unit  (wangge partition --parent CODE|FILE --households FILE --rules zhejiang --out FILE)
  draft     edit a subtree in a draft     (wangge draft create --root CODE; wangge draft help)
  diff      what changed between two states (wangge diff --from V|draft:ID [--to V|draft:ID] --root CODE)
  route     route lon,lat lines from stdin (wangge route [--crs gcj02] [--format ndjson|csv] < points.csv)
  token     access tokens                 (wangge token create --name N --role planner --scope CODE; list; revoke)
  audit     the audit log of every write  (wangge audit [--code PREFIX] [--since DATE] [--draft ID])

The store is PostGIS when DATABASE_URL is set (in the schema WANGGE_SCHEMA
when that is set), else the GeoPackage file given by --gpkg (default
data/wangge.gpkg).
`

func run(ctx context.Context, args []string, e env) int {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, usage)
		return exitInput
	}
	cmds := map[string]func(context.Context, []string, env) int{
		"serve": serve, "import": importCmd, "export": exportCmd, "versions": versionsCmd,
		"route": routeCmd, "validate": validateCmd, "partition": partitionCmd, "draft": draftCmd, "diff": diffCmd,
		"token": tokenCmd, "audit": auditCmd,
	}
	cmd, ok := cmds[args[0]]
	if !ok {
		if args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
			fmt.Fprint(e.stdout, usage)
			return exitOK
		}
		fmt.Fprintf(e.stderr, "wangge: unknown command %q\n\n%s", args[0], usage)
		return exitInput
	}
	return cmd(partition.WithActor(ctx, cliActor(e)), args[1:], e)
}

// cliActor is who the CLI's writes are by in the audit log: the operator
// at the machine, who may do anything (access to the store is access to
// everything in it).
func cliActor(e env) partition.Actor {
	name := e.getenv("USER")
	if name == "" {
		name = e.getenv("LOGNAME")
	}
	if name == "" {
		if u, err := user.Current(); err == nil {
			name = u.Username
		}
	}
	if name == "" {
		name = "unknown"
	}
	return partition.Actor{Name: "cli:" + name, Role: partition.RoleAdmin}
}

// storeFlags are the flags of every command that opens a store.
type storeFlags struct {
	gpkg    string
	verbose bool
}

func (f *storeFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.gpkg, "gpkg", "data/wangge.gpkg", "GeoPackage file of the embedded store (when DATABASE_URL is not set)")
	fs.BoolVar(&f.verbose, "v", false, "log debug messages")
}

func (f *storeFlags) logger(e env) *slog.Logger {
	lvl := slog.LevelInfo
	if f.verbose {
		lvl = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: lvl}))
}

// open opens PostGIS when DATABASE_URL is set, else the GeoPackage file,
// which must exist unless create is set (import makes the store; any other
// command on a mistyped --gpkg would answer from an empty one).
func (f *storeFlags) open(ctx context.Context, e env, log *slog.Logger, create bool) (partition.Store, string, error) {
	if url := e.getenv("DATABASE_URL"); url != "" {
		s, err := postgis.Open(ctx, url, postgis.Options{Logger: log, Limits: geo.DefaultLimits, Schema: e.getenv("WANGGE_SCHEMA")})
		if err != nil {
			// %v, not %w: a database that cannot be reached is a failure
			// (exit 1), not a missing input file, even when the dial's
			// error is a unix socket's ENOENT.
			return nil, "", fmt.Errorf("open PostGIS store %s: %v", redact(url), err)
		}
		return s, "postgis " + redact(url), nil
	}
	if !create {
		if _, err := os.Stat(f.gpkg); errors.Is(err, os.ErrNotExist) {
			return nil, "", partition.Errorf(partition.NotFound, "GeoPackage store %s does not exist: give the right --gpkg, or make it with wangge import --gpkg %s FILE", f.gpkg, f.gpkg)
		}
	}
	s, err := gpkg.Open(ctx, f.gpkg, gpkg.Options{Logger: log, Limits: geo.DefaultLimits})
	if err != nil {
		return nil, "", fmt.Errorf("open GeoPackage store %s: %w", f.gpkg, err)
	}
	return s, "gpkg " + f.gpkg, nil
}

// redact hides a password in a connection URL for logs.
func redact(url string) string {
	if at := strings.LastIndex(url, "@"); at > 0 {
		if i := strings.Index(url, "://"); i > 0 && i < at {
			if c := strings.Index(url[i+3:at], ":"); c >= 0 {
				return url[:i+3+c] + ":***" + url[at:]
			}
		}
	}
	return url
}

// parseFlags parses args, printing usage errors; ok is false on a bad flag.
func parseFlags(fs *flag.FlagSet, args []string, e env) (ok bool, code int) {
	fs.SetOutput(e.stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return false, exitOK
		}
		return false, exitInput
	}
	return true, 0
}

// report prints err and returns the exit status its kind calls for: 2 for
// unusable input, 1 for anything else.
func report(e env, what string, err error) int {
	var pe *partition.Error
	if errors.As(err, &pe) {
		fmt.Fprintf(e.stderr, "wangge %s: %s\n", what, pe.Message)
		for i, p := range pe.Problems {
			if i == 200 {
				fmt.Fprintf(e.stderr, "  … and %d more\n", len(pe.Problems)-200)
				break
			}
			fmt.Fprintf(e.stderr, "  %s\n", p)
		}
		switch pe.Kind {
		case partition.Invalid, partition.NotFound, partition.TooLarge, partition.Conflict,
			partition.Unauthorized, partition.Forbidden, partition.Stale, partition.PreconditionRequired, partition.UnsupportedMedia:
			return exitInput
		}
		return exitFailure
	}
	fmt.Fprintf(e.stderr, "wangge %s: %v\n", what, err)
	if errors.Is(err, os.ErrNotExist) {
		return exitInput
	}
	return exitFailure
}

// writeTo calls write with the file out (created anew; "-" is stdout) and
// closes it, reporting a failed close as the error it is.
func writeTo(out string, e env, write func(io.Writer) error) (err error) {
	if out == "-" {
		return write(e.stdout)
	}
	f, err := os.Create(out)
	if err != nil {
		return fmt.Errorf("create %s: %w", out, err)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("close %s: %w", out, cerr)
		}
	}()
	return write(f)
}
