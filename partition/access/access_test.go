package access

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/store/gpkg"
)

func openStore(t *testing.T) *gpkg.Store {
	t.Helper()
	s, err := gpkg.Open(context.Background(), filepath.Join(t.TempDir(), "w.gpkg"), gpkg.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestAuthenticate(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	a := New(s, Options{}, slog.New(slog.DiscardHandler))
	tok, secret, err := a.Create(ctx, "菜园镇-规划", partition.RolePlanner, "330922100")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(secret, "wg_") || len(secret) != 3+43 {
		t.Errorf("secret %q: want wg_ and 43 characters", secret)
	}
	// The store keeps the hash, never the secret.
	if byHash, err := s.TokenByHash(ctx, Hash(secret)); err != nil || byHash.Name != tok.Name {
		t.Errorf("by the secret's hash: %+v, %v", byHash, err)
	}
	if _, err := s.TokenByHash(ctx, []byte(secret)); partition.KindOf(err) != partition.NotFound {
		t.Errorf("by the secret itself: %v, want not found", err)
	}
	got, err := a.Authenticate(ctx, secret)
	if want := (partition.Actor{Name: "菜园镇-规划", Role: partition.RolePlanner, Scope: "330922100"}); err != nil || got != want {
		t.Errorf("authenticate: %+v, %v; want %+v", got, err, want)
	}
	for _, bad := range []string{"", "Bearer", "wg_", "wg_" + strings.Repeat("A", 43), secret[:len(secret)-1], strings.Repeat("x", 10_000)} {
		if _, err := a.Authenticate(ctx, bad); partition.KindOf(err) != partition.Unauthorized {
			t.Errorf("%.20q: got %v, want unauthorized", bad, err)
		}
	}
	// A revocation here takes effect at once; on another replica (its own
	// Authenticator) within the TTL.
	other := New(s, Options{TTL: time.Minute}, slog.New(slog.DiscardHandler))
	now := time.Now()
	other.now = func() time.Time { return now }
	if _, err := other.Authenticate(ctx, secret); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Revoke(ctx, tok.Name); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Authenticate(ctx, secret); partition.KindOf(err) != partition.Unauthorized || !strings.Contains(err.Error(), "revoked") {
		t.Errorf("a revoked token: %v, want unauthorized naming the revocation", err)
	}
	if _, err := other.Authenticate(ctx, secret); err != nil {
		t.Errorf("another replica within its TTL: %v, want the cached token", err)
	}
	now = now.Add(2 * time.Minute)
	if _, err := other.Authenticate(ctx, secret); partition.KindOf(err) != partition.Unauthorized {
		t.Errorf("another replica after its TTL: %v, want unauthorized", err)
	}
}

func TestCreateRefuses(t *testing.T) {
	ctx := context.Background()
	a := New(openStore(t), Options{}, slog.New(slog.DiscardHandler))
	for _, tt := range []struct {
		name, role, scope string
	}{
		{"", "planner", "330922"},
		{"x", "mayor", "330922"},
		{"x", "planner", "33-09"},
		{"x", "planner", strings.Repeat("1", 65)},
	} {
		if _, _, err := a.Create(ctx, tt.name, partition.Role(tt.role), partition.Code(tt.scope)); partition.KindOf(err) != partition.Invalid {
			t.Errorf("%+v: got %v, want invalid", tt, err)
		}
	}
	if _, _, err := a.Create(ctx, "x", partition.RoleReader, ""); err != nil {
		t.Fatal(err)
	}
	if _, _, err := a.Create(ctx, "x", partition.RoleReader, ""); partition.KindOf(err) != partition.Conflict {
		t.Errorf("a second token named x: %v, want conflict", err)
	}
}
