package main

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wangge/wangge/partition"
)

// tokenRun runs `wangge CMD …` with be's store flags after the command
// and its subcommand (token create --gpkg …), as a user types them.
func (b backend) tokenRun(t *testing.T, cmd string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	full := []string{cmd}
	if cmd == "token" && len(args) > 0 {
		full, args = append(full, args[0]), args[1:]
	}
	full = append(append(full, b.args...), args...)
	env := map[string]string{"USER": "tester"}
	for k, v := range b.env {
		env[k] = v
	}
	e := env2(env, &out, &errb)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	return run(ctx, full, e), out.String(), errb.String()
}

func env2(m map[string]string, out, errb *bytes.Buffer) env {
	return env{getenv: func(k string) string { return m[k] }, stdin: strings.NewReader(""), stdout: out, stderr: errb}
}

// TestTokensAndAudit: tokens made, listed and revoked from the CLI, and
// the audit log of those writes and of an import, on both stores.
func TestTokensAndAudit(t *testing.T) {
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			if code, _, stderr := be.tokenRun(t, "import", "--crs", "cgcs2000", "--note", "sample", sampleFile); code != 0 {
				t.Fatalf("import: %d %s", code, stderr)
			}
			code, secret, stderr := be.tokenRun(t, "token", "create", "--name", "菜园镇-规划", "--role", "planner", "--scope", "330922100")
			if code != 0 || !strings.HasPrefix(secret, "wg_") || !strings.Contains(stderr, "shown only now") {
				t.Fatalf("token create: %d %q %s", code, secret, stderr)
			}
			for _, bad := range [][]string{
				{"token", "create", "--name", "x", "--role", "mayor"},
				{"token", "create", "--name", "x", "--role", "planner", "--scope", "33-09"},
				{"token", "create", "--role", "planner"},
				{"token", "create", "--name", "菜园镇-规划", "--role", "reader"},
				{"token", "revoke", "--name", "nobody"},
				{"token", "rename"},
				{"token", "list", "extra"},
				{"audit", "--code", "33x"},
				{"audit", "--since", "yesterday"},
			} {
				if code, _, stderr := be.tokenRun(t, bad[0], bad[1:]...); code != exitInput || stderr == "" {
					t.Errorf("%v: exit %d %q, want 2 with a message", bad, code, stderr)
				}
			}
			code, list, _ := be.tokenRun(t, "token", "list")
			if code != 0 || !strings.Contains(list, "菜园镇-规划\tplanner\t330922100\t") || !strings.Contains(list, "\tvalid") || strings.Contains(list, strings.TrimSpace(secret)) {
				t.Errorf("token list: %d %q", code, list)
			}
			if code, out, stderr := be.tokenRun(t, "token", "revoke", "--name", "菜园镇-规划"); code != 0 || !strings.Contains(out, "revoked 菜园镇-规划") {
				t.Errorf("token revoke: %d %s %s", code, out, stderr)
			}
			if _, list, _ := be.tokenRun(t, "token", "list"); !strings.Contains(list, "\trevoked ") {
				t.Errorf("after revoking: %q", list)
			}
			code, log, stderr := be.tokenRun(t, "audit")
			if code != 0 {
				t.Fatalf("audit: %d %s", code, stderr)
			}
			var actions []string
			for _, line := range strings.Split(strings.TrimSpace(log), "\n") {
				f := strings.Split(line, "\t")
				if len(f) < 5 || f[2] != "cli:tester" || f[3] != "admin" {
					t.Errorf("audit line %q: want it by cli:tester, admin", line)
					continue
				}
				actions = append(actions, f[4])
			}
			if got, want := strings.Join(actions, " "), "publish token.create token.revoke"; got != want {
				t.Errorf("audit actions %q, want %q", got, want)
			}
			if _, log, _ := be.tokenRun(t, "audit", "--code", "330922203", "--json"); strings.Count(log, "\n") != 1 || !strings.Contains(log, `"action":"publish"`) {
				t.Errorf("audit --code 330922203: %q, want the import's entry alone", log)
			}
		})
	}
}

// TestServeReadsToken: with --reads token every request but /healthz needs
// a valid token; by default only writes do.
func TestServeReadsToken(t *testing.T) {
	be := gpkgBackend(t)
	if code, _, stderr := be.tokenRun(t, "import", "--crs", "cgcs2000", sampleFile); code != 0 {
		t.Fatalf("import: %d %s", code, stderr)
	}
	_, secret, _ := be.tokenRun(t, "token", "create", "--name", "reader", "--role", "reader")
	secret = strings.TrimSpace(secret)
	status := func(base, method, path, token string) int {
		req, _ := http.NewRequest(method, base+path, strings.NewReader("{}"))
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	for _, tt := range []struct {
		reads      string
		anonRead   int
		anonWrite  int
		readerRead int
	}{
		{"open", 200, 401, 200},
		{"token", 401, 401, 200},
	} {
		t.Run(tt.reads, func(t *testing.T) {
			base, cancel, done := startServe(t, be, "--reads", tt.reads)
			defer func() { cancel(); <-done }()
			if got := status(base, "GET", "/v1/units/330922000000", ""); got != tt.anonRead {
				t.Errorf("a read without a token: %d, want %d", got, tt.anonRead)
			}
			if got := status(base, "POST", "/v1/drafts", ""); got != tt.anonWrite {
				t.Errorf("a write without a token: %d, want %d", got, tt.anonWrite)
			}
			if got := status(base, "GET", "/v1/units/330922000000", secret); got != tt.readerRead {
				t.Errorf("a read with a reader's token: %d, want %d", got, tt.readerRead)
			}
			if got := status(base, "POST", "/v1/drafts", secret); got != 403 {
				t.Errorf("a write with a reader's token: %d, want 403", got)
			}
			if got := status(base, "GET", "/healthz", ""); got != 200 {
				t.Errorf("/healthz without a token: %d, want 200", got)
			}
		})
	}
	if code, _, stderr := be.tokenRun(t, "serve", "--reads", "sometimes"); code != exitInput || !strings.Contains(stderr, "--reads") {
		t.Errorf("serve --reads sometimes: %d %q", code, stderr)
	}
}

// TestDraftChainCLI walks a draft along the review chain from the command
// line: submit, a refused edit while submitted, a rejection (which needs
// a comment), resubmission, review and filing, which publishes it; the
// audit log names each step.
func TestDraftChainCLI(t *testing.T) {
	be := gpkgBackend(t)
	if code, _, stderr := be.tokenRun(t, "import", "--crs", "cgcs2000", sampleFile); code != 0 {
		t.Fatalf("import: %d %s", code, stderr)
	}
	code, out, stderr := be.draft(t, "", "create", "--root", "330922100001")
	if code != 0 {
		t.Fatalf("create: %d %s", code, stderr)
	}
	id := jsonOut[partition.Draft](t, out).ID
	rename := `{"op": "attributes", "unit": "330922100001001", "name": "东海网格"}`
	steps := []struct {
		stdin string
		args  []string
		exit  int
		state partition.DraftState
	}{
		{"", []string{"submit", id, "--comment", "初划"}, exitInput, ""}, // nothing changed yet
		{rename, []string{"op", id, "-"}, 0, ""},
		{"", []string{"submit", id, "--comment", "初划", "--justify", "330922100001001=x"}, exitInput, ""}, // no warning names it
		{"", []string{"submit", id, "--comment", "初划"}, 0, partition.StateSubmitted},
		{rename, []string{"op", id, "-"}, exitInput, ""},
		{"", []string{"file", id}, exitInput, ""},
		{"", []string{"reject", id}, exitInput, ""},
		{"", []string{"reject", id, "--comment", "名字重复"}, 0, partition.StateDraft},
		{"", []string{"submit", id, "--comment", "再次提交"}, 0, partition.StateSubmitted},
		{"", []string{"review", id, "--comment", "同意"}, 0, partition.StateReviewed},
		{"", []string{"file", id, "--comment", "备案"}, 0, ""},
	}
	for _, st := range steps {
		code, out, stderr := be.draft(t, st.stdin, st.args[0], st.args[1:]...)
		if code != st.exit {
			t.Fatalf("draft %v: exit %d, want %d: %s %s", st.args, code, st.exit, out, stderr)
		}
		if st.state != "" {
			if d := jsonOut[partition.Draft](t, out); d.State != st.state {
				t.Errorf("draft %v: state %s, want %s", st.args, d.State, st.state)
			}
		}
	}
	_, log, _ := be.tokenRun(t, "audit", "--draft", id)
	var actions []string
	for _, line := range strings.Split(strings.TrimSpace(log), "\n") {
		actions = append(actions, strings.Split(line, "\t")[4])
	}
	want := "draft.create draft.op draft.submit draft.reject draft.submit draft.review draft.file"
	if got := strings.Join(actions, " "); got != want {
		t.Errorf("the draft's audit log: %q, want %q", got, want)
	}
	if _, vs, _ := be.tokenRun(t, "versions"); strings.Count(vs, "\n") != 2 || !strings.Contains(vs, "备案") {
		t.Errorf("versions after filing: %q, want the filed one with its comment", vs)
	}
}
