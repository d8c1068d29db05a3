// Package access issues and checks the bearer tokens of wangge's API.
//
// A token is a random secret ("wg_" and 43 characters of base64url, 256
// bits) with a name, a role and a scope (a code prefix). The store keeps
// only the secret's SHA-256 hash; the secret is shown once, when the token
// is made. Checking a request's token costs a lookup by hash, cached for a
// short while (Options.TTL) so that routing at a high rate does not hit
// the store each time and goes on answering while the store is down; a
// revocation takes effect within TTL.
package access

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/wangge/wangge/partition"
)

// prefix starts every secret, so that a leaked one is recognisable.
const prefix = "wg_"

// maxScope bounds a scope, in bytes.
const maxScope = 64

// Options configure an Authenticator.
type Options struct {
	// TTL is how long a checked token is trusted without asking the store
	// again (default 10 s), and so how long a revocation may take.
	TTL time.Duration
	// MaxCached bounds the cache (default 10,000 tokens).
	MaxCached int
}

// Authenticator makes and checks tokens over a store. It is safe for
// concurrent use.
type Authenticator struct {
	store partition.AccessStore
	opts  Options
	log   *slog.Logger
	now   func() time.Time

	mu    sync.Mutex
	cache map[[32]byte]cached
}

type cached struct {
	token partition.Token
	at    time.Time
}

// New returns an Authenticator over store.
func New(store partition.AccessStore, opts Options, log *slog.Logger) *Authenticator {
	if opts.TTL <= 0 {
		opts.TTL = 10 * time.Second
	}
	if opts.MaxCached <= 0 {
		opts.MaxCached = 10_000
	}
	return &Authenticator{store: store, opts: opts, log: log, now: time.Now, cache: map[[32]byte]cached{}}
}

// Hash is the SHA-256 of a secret, as the store keeps it.
func Hash(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// CheckScope refuses a scope that is not a code prefix: up to 64 digits
// (empty: everything).
func CheckScope(scope partition.Code) error {
	if len(scope) > maxScope {
		return partition.Errorf(partition.Invalid, "scope: %d bytes, more than %d", len(scope), maxScope)
	}
	for _, r := range scope {
		if r < '0' || r > '9' {
			return partition.Errorf(partition.Invalid, "scope %q: want a code prefix such as 320402001 (digits only), or empty for everything", scope)
		}
	}
	return nil
}

// Create makes a token and returns it with its secret, which is not kept.
func (a *Authenticator) Create(ctx context.Context, name string, role partition.Role, scope partition.Code) (partition.Token, string, error) {
	if _, err := partition.ParseRole(string(role)); err != nil {
		return partition.Token{}, "", err
	}
	if err := CheckScope(scope); err != nil {
		return partition.Token{}, "", err
	}
	if strings.TrimSpace(name) == "" {
		return partition.Token{}, "", partition.Errorf(partition.Invalid, "name: missing: a token is named after who holds it")
	}
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return partition.Token{}, "", fmt.Errorf("make a secret: %w", err)
	}
	secret := prefix + base64.RawURLEncoding.EncodeToString(b[:])
	t, err := a.store.CreateToken(ctx, partition.Token{Name: name, Role: role, Scope: scope}, Hash(secret))
	if err != nil {
		return t, "", err
	}
	return t, secret, nil
}

// Revoke revokes the token of that name; the cache forgets it at once
// here (other replicas within TTL).
func (a *Authenticator) Revoke(ctx context.Context, name string) (partition.Token, error) {
	t, err := a.store.RevokeToken(ctx, name)
	if err != nil {
		return t, err
	}
	a.mu.Lock()
	for h, c := range a.cache {
		if c.token.Name == name {
			delete(a.cache, h)
		}
	}
	a.mu.Unlock()
	return t, nil
}

// Authenticate returns the actor of a request's secret: Unauthorized when
// the secret is no token's or its token is revoked. When the store cannot
// be reached, a token checked before is trusted still (routing goes on
// while the database is down); one never seen is Unavailable.
func (a *Authenticator) Authenticate(ctx context.Context, secret string) (partition.Actor, error) {
	if !strings.HasPrefix(secret, prefix) || len(secret) > 200 {
		return partition.Actor{}, partition.Errorf(partition.Unauthorized, "the bearer token is not a wangge token (they start with %s)", prefix)
	}
	h := sha256.Sum256([]byte(secret))
	now := a.now()
	a.mu.Lock()
	c, ok := a.cache[h]
	a.mu.Unlock()
	if ok && now.Sub(c.at) < a.opts.TTL {
		return actorOf(c.token)
	}
	t, err := a.store.TokenByHash(ctx, h[:])
	switch {
	case partition.KindOf(err) == partition.NotFound:
		a.forget(h)
		return partition.Actor{}, partition.Errorf(partition.Unauthorized, "the bearer token is not valid")
	case err != nil && ok && partition.KindOf(err) == partition.Unavailable:
		a.log.WarnContext(ctx, "the store cannot be reached: trusting a token checked before", "token", c.token.Name, "err", err)
		return actorOf(c.token)
	case err != nil:
		return partition.Actor{}, err
	}
	a.mu.Lock()
	if len(a.cache) >= a.opts.MaxCached {
		clear(a.cache)
	}
	a.cache[h] = cached{token: t, at: now}
	a.mu.Unlock()
	return actorOf(t)
}

func (a *Authenticator) forget(h [32]byte) {
	a.mu.Lock()
	delete(a.cache, h)
	a.mu.Unlock()
}

func actorOf(t partition.Token) (partition.Actor, error) {
	if !t.RevokedAt.IsZero() {
		return partition.Actor{}, partition.Errorf(partition.Unauthorized, "token %s was revoked at %s", t.Name, t.RevokedAt.Format(time.RFC3339))
	}
	return t.Actor(), nil
}
