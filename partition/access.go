package partition

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Role is what a token may do. The chain 街道初划 → 区级审核 → 市级备案 is
// planner (the street proposes), reviewer (the district reviews) and filer
// (the city files); a dispatcher and a reader only read; an admin does
// anything, including writes outside the chain (imports, tokens).
type Role string

// The roles.
const (
	RolePlanner    Role = "planner"
	RoleReviewer   Role = "reviewer"
	RoleFiler      Role = "filer"
	RoleDispatcher Role = "dispatcher"
	RoleReader     Role = "reader"
	RoleAdmin      Role = "admin"
)

// Roles lists the roles, in the order of the chain.
var Roles = []Role{RolePlanner, RoleReviewer, RoleFiler, RoleDispatcher, RoleReader, RoleAdmin}

// ParseRole returns the role named s, or an Invalid error naming the roles.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles {
		if string(r) == s {
			return r, nil
		}
	}
	names := make([]string, len(Roles))
	for i, r := range Roles {
		names[i] = string(r)
	}
	return "", Errorf(Invalid, "role %q: want one of %s", s, strings.Join(names, ", "))
}

// Actor is who makes a request: the name, role and scope of its token. The
// scope is a code prefix: a street planner's token covers 320402001 and
// everything under it; an empty scope covers everything.
type Actor struct {
	Name  string `json:"name"`
	Role  Role   `json:"role"`
	Scope Code   `json:"scope"`
}

// Covers reports whether the actor's scope covers code.
func (a Actor) Covers(code Code) bool { return strings.HasPrefix(string(code), string(a.Scope)) }

// Uncovered returns the codes the actor's scope does not cover.
func (a Actor) Uncovered(codes []Code) []Code {
	var out []Code
	for _, c := range codes {
		if !a.Covers(c) {
			out = append(out, c)
		}
	}
	return out
}

// Permit refuses (Forbidden, naming what is missing) the write what
// unless the actor has one of roles and a scope that covers every code.
func (a Actor) Permit(what string, roles []Role, codes ...Code) error {
	if !slices.Contains(roles, a.Role) {
		names := make([]string, len(roles))
		for i, r := range roles {
			names[i] = string(r)
		}
		return Errorf(Forbidden, "%s needs the role %s; token %s has the role %s", what, strings.Join(names, " or "), a.Name, a.Role)
	}
	out := a.Uncovered(codes)
	if len(out) == 0 {
		return nil
	}
	names := make([]string, 0, min(len(out), 10))
	for _, c := range out[:min(len(out), 10)] {
		names = append(names, string(c))
	}
	list := strings.Join(names, ", ")
	if len(out) > 10 {
		list += fmt.Sprintf(" and %d more", len(out)-10)
	}
	e := Errorf(Forbidden, "%s is refused: the scope %q of token %s does not cover %s", what, a.Scope, a.Name, list)
	for _, c := range out {
		e.Problems = append(e.Problems, Problem{Index: -1, Code: string(c), Message: fmt.Sprintf("outside the scope %q", a.Scope)})
	}
	return e
}

type actorKey struct{}

// WithActor returns ctx carrying the actor whose request it serves; the
// stores record it in the audit log of every write.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorOf returns the actor ctx carries (ok false: none, which is a request
// of a server without access control, or of a test).
func ActorOf(ctx context.Context) (Actor, bool) {
	a, ok := ctx.Value(actorKey{}).(Actor)
	return a, ok
}

// Token is an access token as the store keeps it: its secret only as a
// hash (SHA-256), never in clear.
type Token struct {
	Name      string    `json:"name"`
	Role      Role      `json:"role"`
	Scope     Code      `json:"scope"`
	CreatedAt time.Time `json:"created_at"`
	// RevokedAt is when the token was revoked (zero while it is valid).
	RevokedAt time.Time `json:"revoked_at,omitzero"`
}

// Actor is the actor a request with this token is.
func (t Token) Actor() Actor { return Actor{Name: t.Name, Role: t.Role, Scope: t.Scope} }

// AuditEntry is one write as the audit log records it. The log is
// append-only: the stores refuse to change or delete an entry.
type AuditEntry struct {
	Seq    int64     `json:"seq"` // 1, 2, … in the order of the writes
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"` // the token's name; "" for a write without access control
	Role   Role      `json:"role,omitempty"`
	Action string    `json:"action"` // e.g. publish, draft.op, draft.submit, token.create
	// Draft and Version are the draft and the version the write is about
	// (empty, 0 when none); Revision is the draft's revision after it.
	Draft    string `json:"draft,omitempty"`
	Version  int64  `json:"version,omitempty"`
	Revision int64  `json:"revision,omitempty"`
	// Codes are the units the write touched (for a whole-file publish, the
	// units it wrote and retired).
	Codes  []Code `json:"codes"`
	Detail string `json:"detail,omitempty"`
}

// AuditQuery selects entries of the audit log: those that touched a code
// with the prefix Code (empty: any), at or after Since (zero: any), of
// Draft (empty: any), after the entry After (a cursor), at most Limit.
type AuditQuery struct {
	Code  Code
	Since time.Time
	Draft string
	After int64
	Limit int
}

// AccessStore keeps the tokens and the audit log. Both SQL stores
// implement it. Every write of a store (a publish, a draft's change, a
// token's) appends its entry to the log in the transaction of the write,
// with the actor that ctx carries.
type AccessStore interface {
	// CreateToken stores a token with the SHA-256 hash of its secret;
	// Conflict when one of that name exists (revoked ones included).
	CreateToken(ctx context.Context, t Token, hash []byte) (Token, error)
	// Tokens lists the tokens, oldest first.
	Tokens(ctx context.Context) ([]Token, error)
	// RevokeToken revokes the token of that name; NotFound when none,
	// Conflict when it is revoked already.
	RevokeToken(ctx context.Context, name string) (Token, error)
	// TokenByHash returns the token whose secret hashes to hash; NotFound
	// when none (revoked tokens are returned, with RevokedAt).
	TokenByHash(ctx context.Context, hash []byte) (Token, error)
	// Audit returns the entries q selects, oldest first.
	Audit(ctx context.Context, q AuditQuery) ([]AuditEntry, error)
}
