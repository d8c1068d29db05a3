// Package shareddata is the one way tests reach the team's shared folder
// (shared/ beside the repository, with the real DataV boundaries in
// data/boundaries; see its README). It fails the test, never skips, when
// the folder is missing: the tests that need real data are part of the
// suite, not optional.
package shareddata

import (
	"os"
	"path/filepath"
	"testing"
)

// Boundaries is the absolute path of shared/data/boundaries.
func Boundaries(tb testing.TB) string {
	tb.Helper()
	root, err := moduleRoot()
	if err != nil {
		tb.Fatalf("shared data: %v", err)
	}
	dir := filepath.Join(filepath.Dir(root), "shared", "data", "boundaries")
	if _, err := os.Stat(filepath.Join(dir, "README.md")); err != nil {
		tb.Fatalf("shared data: the real boundaries are missing (%v): the tests need shared/ beside the repository, at %s", err, filepath.Dir(dir))
	}
	return dir
}

// Boundary is the path of one file of shared/data/boundaries, which must
// exist.
func Boundary(tb testing.TB, name string) string {
	tb.Helper()
	path := filepath.Join(Boundaries(tb), name)
	if _, err := os.Stat(path); err != nil {
		tb.Fatalf("shared data: %v", err)
	}
	return path
}

// moduleRoot is the directory of the go.mod above the working directory
// (a test runs in its package's directory).
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
}
