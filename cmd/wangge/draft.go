package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/wangge/wangge/geo/crs"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/draft"
	"github.com/wangge/wangge/partition/edit"
	"github.com/wangge/wangge/partition/tiling"
)

const draftUsage = `usage: wangge draft <command> [flags]

  create  --root CODE [--base AS_OF] [--note TEXT]   start a draft of a subtree
  list                                            list the drafts
  show    ID                                      the draft, its units' households and findings
  op      ID [FILE|-] [--crs gcj02] [--if-match N] apply one operation (JSON, see edit.Op)
  undo    ID [--steps N]                          take back the last operations
  redo    ID [--steps N]                          apply again what undo took back
  log     ID                                      the operations, applied and undone
  rebase  ID                                      move the draft onto the latest version
  publish ID [--note TEXT]                        make the draft a new version (no error finding)
  delete  ID                                      delete the draft and its log
  submit  ID [--comment TEXT] [--justify CODE=TEXT]… send it to review (no error finding; a
                                                  justification per unit a warning names)
  review  ID [--comment TEXT]                     mark a submitted draft reviewed
  reject  ID --comment TEXT                       send a submitted or reviewed draft back
  file    ID [--comment TEXT]                     file a reviewed draft: publish it

Every command takes --rules NAME|FILE (the band households are shown against)
and the store flags (--gpkg, DATABASE_URL). Answers are JSON on stdout.
`

// draftCmd runs `wangge draft …`.
func draftCmd(ctx context.Context, args []string, e env) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(e.stderr, draftUsage)
		if len(args) == 0 {
			return exitInput
		}
		return exitOK
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("draft "+sub, flag.ContinueOnError)
	var sf storeFlags
	sf.register(fs)
	rules := fs.String("rules", "", "sizing standard: zhejiang, zaozhuang or a JSON rule-set file")
	root := fs.String("root", "", "create: the code of the subtree's root")
	base := fs.String("base", "", "create: the version to start from (number, time or date; default the latest)")
	note := fs.String("note", "", "create, publish: a note")
	steps := fs.Int("steps", 1, "undo, redo: how many operations")
	in := fs.String("crs", "wgs84", "op: the CRS of the operation's coordinates (wgs84, cgcs2000, gcj02, bd09)")
	match := fs.Int64("if-match", -1, "op, undo, redo, rebase, publish, submit, review, reject, file: the revision the draft must be at")
	comment := fs.String("comment", "", "submit, review, reject, file: the step's comment")
	just := map[partition.Code]string{}
	fs.Func("justify", "submit: CODE=TEXT, the justification of a unit a warning names (repeat for each)", func(v string) error {
		code, text, ok := strings.Cut(v, "=")
		if !ok || code == "" || strings.TrimSpace(text) == "" {
			return fmt.Errorf("want CODE=TEXT, not %q", v)
		}
		just[partition.Code(code)] = text
		return nil
	})
	pos, ok, code := interleaved(fs, args, e)
	if !ok {
		return code
	}
	id := ""
	if len(pos) > 0 {
		id, pos = pos[0], pos[1:]
	}
	rs, err := tiling.Rules(*rules, os.ReadFile)
	if err != nil {
		return report(e, "draft", err)
	}
	log := sf.logger(e)
	s, _, err := sf.open(ctx, e, log, false)
	if err != nil {
		return report(e, "draft", err)
	}
	defer s.Close()
	ds, ok := s.(partition.DraftStore)
	if !ok {
		return report(e, "draft", fmt.Errorf("the store keeps no drafts"))
	}
	svc := draft.New(s, ds, draft.Options{Rules: rs}, log)
	d := draftRun{svc: svc, e: e, id: id, args: pos}
	switch sub {
	case "create":
		return d.create(ctx, partition.Code(*root), *base, *note)
	case "list":
		return d.out(svc.List(ctx))
	case "show":
		return d.need(func() (any, error) { return d.show(ctx) })
	case "op":
		return d.need(func() (any, error) { return d.op(ctx, *in, *match) })
	case "undo", "redo":
		n := *steps
		if sub == "redo" {
			n = -n
		}
		return d.need(func() (any, error) { return d.edited(svc.Undo(ctx, id, *match, n)) })
	case "log":
		return d.need(func() (any, error) { return d.log(ctx) })
	case "rebase":
		return d.need(func() (any, error) { return svc.Rebase(ctx, id, *match) })
	case "publish":
		return d.need(func() (any, error) { return svc.Publish(ctx, id, *match, *note) })
	case "delete":
		return d.need(func() (any, error) { return map[string]string{"deleted": id}, svc.Delete(ctx, id) })
	case "submit":
		return d.need(func() (any, error) { return svc.Submit(ctx, id, *match, *comment, just) })
	case "review":
		return d.need(func() (any, error) { return svc.Review(ctx, id, *match, *comment) })
	case "reject":
		return d.need(func() (any, error) { return svc.Reject(ctx, id, *match, *comment) })
	case "file":
		return d.need(func() (any, error) { return svc.File(ctx, id, *match, *comment) })
	}
	fmt.Fprintf(e.stderr, "wangge draft: unknown command %q\n\n%s", sub, draftUsage)
	return exitInput
}

// interleaved parses the flags wherever they come among the positional
// arguments (the draft's id, op's file), which it returns: draft show ID
// --gpkg F and draft show --gpkg F ID alike (flag stops at the first).
func interleaved(fs *flag.FlagSet, args []string, e env) (pos []string, ok bool, code int) {
	for {
		if ok, code := parseFlags(fs, args, e); !ok {
			return nil, false, code
		}
		if fs.NArg() == 0 {
			return pos, true, exitOK
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

type draftRun struct {
	svc  *draft.Service
	e    env
	id   string
	args []string
}

// need runs fn for a command that names a draft.
func (d *draftRun) need(fn func() (any, error)) int {
	if d.id == "" {
		fmt.Fprint(d.e.stderr, "wangge draft: name the draft: wangge draft <command> ID\n")
		return exitInput
	}
	return d.out(fn())
}

// out prints v as JSON, or reports err.
func (d *draftRun) out(v any, err error) int {
	if err != nil {
		return report(d.e, "draft", err)
	}
	enc := json.NewEncoder(d.e.stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return report(d.e, "draft", err)
	}
	return exitOK
}

func (d *draftRun) create(ctx context.Context, root partition.Code, base, note string) int {
	at, err := partition.ParseAsOf(base, partition.DefaultZone())
	if err != nil {
		return report(d.e, "draft", err)
	}
	return d.out(d.svc.Create(ctx, root, at, note))
}

func (d *draftRun) show(ctx context.Context) (any, error) {
	v, err := d.svc.Get(ctx, d.id)
	if err != nil {
		return nil, err
	}
	return map[string]any{"draft": v.Draft, "units": v.Units, "summary": v.Summary, "findings": findingLines(v.Findings)}, nil
}

func (d *draftRun) op(ctx context.Context, in string, match int64) (any, error) {
	r, err := crs.Parse(in)
	if err != nil {
		return nil, partition.Errorf(partition.Invalid, "crs: %v", err)
	}
	var data []byte
	switch {
	case len(d.args) == 0 || d.args[0] == "-":
		data, err = io.ReadAll(io.LimitReader(d.e.stdin, 16<<20))
	default:
		data, err = os.ReadFile(d.args[0])
	}
	if err != nil {
		return nil, err
	}
	op, err := edit.ParseOp(data)
	if err != nil {
		return nil, err
	}
	op.Transform(crs.Transform(r, crs.CGCS2000))
	return d.edited(d.svc.Apply(ctx, d.id, match, op))
}

// edited is an edit's answer as the CLI prints it.
func (d *draftRun) edited(res draft.Result, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	moves := []edit.Move{}
	for _, ch := range res.Changes {
		moves = append(moves, ch.Moves...)
	}
	return map[string]any{"draft": res.Draft, "moves": moves, "units": res.Units, "summary": res.Summary,
		"findings": findingLines(res.Findings), "took_ms": float64(res.Took.Microseconds()) / 1000}, nil
}

func (d *draftRun) log(ctx context.Context) (any, error) {
	dr, ops, err := d.svc.Log(ctx, d.id)
	if err != nil {
		return nil, err
	}
	out := make([]map[string]any, 0, len(ops))
	for _, op := range ops {
		var ch edit.Change
		if err := json.Unmarshal(op.Change, &ch); err != nil {
			return nil, fmt.Errorf("entry %d: %w", op.Seq, err)
		}
		out = append(out, map[string]any{"seq": op.Seq, "at": op.At, "applied": op.Seq < dr.Head, "op": op.Op, "moves": ch.Moves})
	}
	return map[string]any{"draft": dr, "log": out}, nil
}

// findingLines are findings as text lines, as validate prints them.
func findingLines(fs []partition.Finding) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = fmt.Sprintf("%s %s %v: %s", f.Severity, f.Rule, f.Codes, f.Message)
		if f.Area > 0 {
			out[i] = fmt.Sprintf("%s %s %v %.2f m²: %s", f.Severity, f.Rule, f.Codes, float64(f.Area), f.Message)
		}
	}
	return out
}
