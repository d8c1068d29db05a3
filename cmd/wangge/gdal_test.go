package main

import (
	"os/exec"
	"strings"
	"testing"
)

// ogrinfo runs Debian's GDAL ogrinfo; the test fails when it is missing
// (make test installs gdal-bin) or when GDAL complains.
func ogrinfo(t *testing.T, args ...string) string {
	t.Helper()
	path, err := exec.LookPath("ogrinfo")
	if err != nil {
		t.Fatal("ogrinfo not found: install gdal-bin (make test does)")
	}
	cmd := exec.Command(path, args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || strings.Contains(stderr.String(), "ERROR") || strings.Contains(stderr.String(), "Warning") {
		t.Fatalf("ogrinfo %v: %v\n%s\n%s", args, err, out, stderr.String())
	}
	return string(out)
}
