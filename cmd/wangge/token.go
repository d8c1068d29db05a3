package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/access"
)

const tokenUsage = `usage:
  wangge token create --name NAME --role ROLE [--scope CODE]   make a token; its secret is printed once
  wangge token list                                            the tokens (never their secrets)
  wangge token revoke --name NAME                              revoke a token

roles: planner (the street proposes), reviewer (the district reviews),
filer (the city files), dispatcher, reader, admin. The scope is a code
prefix: 320402001 covers that street and everything under it; empty covers
everything.
`

// tokenCmd makes, lists and revokes access tokens.
func tokenCmd(ctx context.Context, args []string, e env) int {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, tokenUsage)
		return exitInput
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("token "+sub, flag.ContinueOnError)
	var sf storeFlags
	sf.register(fs)
	name := fs.String("name", "", "the token's name: who holds it (e.g. 姑苏区-审核-张三)")
	role := fs.String("role", "", "planner, reviewer, filer, dispatcher, reader or admin")
	scope := fs.String("scope", "", "code prefix the token covers (empty: everything)")
	switch sub {
	case "create", "list", "revoke":
	case "help", "-h", "--help":
		fmt.Fprint(e.stdout, tokenUsage)
		return exitOK
	default:
		fmt.Fprintf(e.stderr, "wangge token: unknown subcommand %q\n\n%s", sub, tokenUsage)
		return exitInput
	}
	if ok, code := parseFlags(fs, args, e); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(e.stderr, "wangge token %s: unexpected arguments %q\n", sub, fs.Args())
		return exitInput
	}
	if sub == "create" {
		r, err := partition.ParseRole(*role)
		if err == nil {
			err = access.CheckScope(partition.Code(*scope))
		}
		if err == nil && strings.TrimSpace(*name) == "" {
			err = partition.Errorf(partition.Invalid, "--name: missing")
		}
		if err != nil {
			return report(e, "token create", err)
		}
		*role = string(r)
	}
	if sub == "revoke" && *name == "" {
		return report(e, "token revoke", partition.Errorf(partition.Invalid, "--name: missing"))
	}
	log := sf.logger(e)
	s, _, err := sf.open(ctx, e, log, false)
	if err != nil {
		return report(e, "token", err)
	}
	defer s.Close()
	as, ok := s.(partition.AccessStore)
	if !ok {
		return report(e, "token", fmt.Errorf("this store keeps no tokens"))
	}
	auth := access.New(as, access.Options{}, log)
	switch sub {
	case "create":
		t, secret, err := auth.Create(ctx, *name, partition.Role(*role), partition.Code(*scope))
		if err != nil {
			return report(e, "token create", err)
		}
		fmt.Fprintf(e.stderr, "token %s: role %s, scope %q; the secret is shown only now:\n", t.Name, t.Role, t.Scope)
		fmt.Fprintln(e.stdout, secret)
	case "list":
		ts, err := as.Tokens(ctx)
		if err != nil {
			return report(e, "token list", err)
		}
		for _, t := range ts {
			state := "valid"
			if !t.RevokedAt.IsZero() {
				state = "revoked " + t.RevokedAt.Format(time.RFC3339)
			}
			fmt.Fprintf(e.stdout, "%s\t%s\t%s\t%s\t%s\n", t.Name, t.Role, t.Scope, t.CreatedAt.Format(time.RFC3339), state)
		}
	case "revoke":
		t, err := auth.Revoke(ctx, *name)
		if err != nil {
			return report(e, "token revoke", err)
		}
		fmt.Fprintf(e.stdout, "revoked %s at %s\n", t.Name, t.RevokedAt.Format(time.RFC3339))
	}
	return exitOK
}

// auditCmd prints the audit log: every write, oldest first.
func auditCmd(ctx context.Context, args []string, e env) int {
	fs := flag.NewFlagSet("audit", flag.ContinueOnError)
	var sf storeFlags
	sf.register(fs)
	code := fs.String("code", "", "only writes that touched a unit whose code starts with this")
	since := fs.String("since", "", "only writes at or after this time (RFC 3339) or date (YYYY-MM-DD, from its start, UTC+8)")
	draft := fs.String("draft", "", "only writes to this draft")
	asJSON := fs.Bool("json", false, "one JSON object per line instead of tab-separated columns")
	if ok, c := parseFlags(fs, args, e); !ok {
		return c
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(e.stderr, "wangge audit: unexpected arguments %q\n", fs.Args())
		return exitInput
	}
	q := partition.AuditQuery{Code: partition.Code(*code), Draft: *draft}
	if err := access.CheckScope(q.Code); err != nil {
		return report(e, "audit", partition.Errorf(partition.Invalid, "--code %q: want a code or a code prefix (digits)", *code))
	}
	if *since != "" {
		t, err := partition.ParseSince(*since, partition.DefaultZone())
		if err != nil {
			return report(e, "audit", partition.Errorf(partition.Invalid, "--since %v", err))
		}
		q.Since = t
	}
	s, _, err := sf.open(ctx, e, sf.logger(e), false)
	if err != nil {
		return report(e, "audit", err)
	}
	defer s.Close()
	as, ok := s.(partition.AccessStore)
	if !ok {
		return report(e, "audit", fmt.Errorf("this store keeps no audit log"))
	}
	enc := json.NewEncoder(e.stdout)
	for {
		es, err := as.Audit(ctx, q)
		if err != nil {
			return report(e, "audit", err)
		}
		for _, a := range es {
			if *asJSON {
				if err := enc.Encode(a); err != nil {
					return report(e, "audit", err)
				}
				continue
			}
			codes := make([]string, len(a.Codes))
			for i, c := range a.Codes {
				codes[i] = string(c)
			}
			if len(codes) > 5 {
				codes = append(codes[:5], fmt.Sprintf("… %d in all", len(a.Codes)))
			}
			fmt.Fprintf(e.stdout, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", a.Seq, a.At.Format(time.RFC3339), a.Actor, a.Role, a.Action,
				draftOrVersion(a), strings.Join(codes, " "), a.Detail)
		}
		if len(es) == 0 {
			return exitOK
		}
		q.After = es[len(es)-1].Seq
	}
}

func draftOrVersion(a partition.AuditEntry) string {
	var parts []string
	if a.Draft != "" {
		parts = append(parts, "draft "+a.Draft)
	}
	if a.Version != 0 {
		parts = append(parts, fmt.Sprintf("version %d", a.Version))
	}
	return strings.Join(parts, ", ")
}
