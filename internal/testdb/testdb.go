// Package testdb gives tests a PostGIS database to talk to: the one that
// `make test` creates and names in WANGGE_TEST_DATABASE_URL. There is no
// fallback and no skip: without it the tests fail, loudly.
package testdb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// URL returns the test database's URL, failing the test when it is not set.
func URL(t testing.TB) string {
	t.Helper()
	url := os.Getenv("WANGGE_TEST_DATABASE_URL")
	if url == "" {
		t.Fatal("WANGGE_TEST_DATABASE_URL is not set: run the tests with `make test`, which creates a PostGIS database")
	}
	return url
}

// Schema returns the name of a fresh schema (not yet created) that is
// dropped, with everything in it, when the test ends.
func Schema(t testing.TB, prefix string) string {
	t.Helper()
	url := URL(t)
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	schema := prefix + "_" + hex.EncodeToString(b)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, url)
		if err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{schema}.Sanitize()+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return schema
}
