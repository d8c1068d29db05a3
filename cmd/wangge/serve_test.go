package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// sampleFile is the sample county `make sample` imports (CGCS2000).
const sampleFile = "../../data/sample/shengsi.geojson"

// dataVFiles are real DataV boundaries (GCJ-02) kept beside the sample:
// Zhoushan and its four counties, Nanjing and its 11 districts.
var dataVFiles = []string{
	"../../data/sample/330900_zhoushan_outline.geojson",
	"../../data/sample/330900_zhoushan_children_detailed.geojson",
	"../../data/sample/320100_nanjing_outline.geojson",
	"../../data/sample/320100_nanjing_full.geojson",
}

// TestServeSample does what `make run` does: import the bundled sample into
// a new GeoPackage, serve it on a real port, ask for the districts, and
// shut down cleanly when the context ends (as on SIGTERM).
func TestServeSample(t *testing.T) {
	be := gpkgBackend(t)
	code, out, stderr := be.wangge(t, "", "import", "--crs", "cgcs2000", sampleFile)
	if code != 0 || strings.Count(out, "published version") != 1 || !strings.Contains(out, "763 units, 1168 vessels") {
		t.Fatalf("import the sample: exit %d\n%s\n%s", code, out, stderr)
	}
	base, cancel, done := startServe(t, be)
	defer cancel()
	for _, q := range []struct {
		query string
		want  int
		first string
	}{
		{"level=district&limit=100", 1, "嵊泗县"},
		{"level=street&limit=100", 7, "菜园镇"},
		{"level=grid&network=land&limit=1000", 77, ""},
		{"level=microgrid&network=land&limit=1000", 354, ""},
		{"kind=fishing&limit=1000", 75, ""},
	} {
		names := unitNames(t, base+"/v1/units?"+q.query)
		if len(names) != q.want || q.first != "" && names[0] != q.first {
			t.Errorf("%s: got %d units, first %v; want %d, first %q", q.query, len(names), names[:min(1, len(names))], q.want, q.first)
		}
	}
	res, err := http.Get(base + "/v1/units/330922000000")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("嵊泗县: %v %v", res.StatusCode, err)
	}
	res.Body.Close()
	// serve wires the GeoPackage writer: an export comes as a SQLite file.
	res, err = http.Get(base + "/v1/export?format=gpkg&root=330922203000")
	if err != nil {
		t.Fatal(err)
	}
	head := make([]byte, 16)
	_, err = io.ReadFull(res.Body, head)
	res.Body.Close()
	if res.StatusCode != 200 || err != nil || string(head) != "SQLite format 3\x00" {
		t.Errorf("GeoPackage export: status %d, starts %q, %v", res.StatusCode, head, err)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve exited %d after the shutdown signal, want 0", code)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop within 15 s of the shutdown signal")
	}
}

// startServe runs `wangge serve` on be's store on a free port with the
// extra flags, in-process, and returns its base URL, the cancel that stops
// it (as SIGTERM does) and the channel of its exit status.
func startServe(t *testing.T, be backend, flags ...string) (string, context.CancelFunc, <-chan int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		e := env{getenv: func(string) string { return "" }, stdin: strings.NewReader(""), stdout: pw, stderr: io.Discard}
		done <- run(ctx, append(append([]string{"serve", "--addr", "127.0.0.1:0"}, flags...), be.args...), e)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		cancel()
		t.Fatalf("serve printed nothing: %v", err)
	}
	go io.Copy(io.Discard, pr)
	base := regexp.MustCompile(`http://\S+`).FindString(line)
	if base == "" {
		cancel()
		t.Fatalf("serve printed no URL: %q", line)
	}
	return base, cancel, done
}

// TestExportRoot exports one town of the sample county as GeoJSON and the
// whole county as a GeoPackage, which GDAL reads back.
func TestExportRoot(t *testing.T) {
	be := gpkgBackend(t)
	if code, _, stderr := be.wangge(t, "", "import", "--crs", "cgcs2000", sampleFile); code != 0 {
		t.Fatalf("import: %s", stderr)
	}
	_, out, stderr := be.wangge(t, "", "export", "--root", "330922203000", "-")
	var fc struct {
		Features []struct{ Properties map[string]any }
	}
	if err := json.Unmarshal([]byte(out), &fc); err != nil || len(fc.Features) < 10 {
		t.Fatalf("export of 花鸟乡: %d features, %v %s", len(fc.Features), err, stderr)
	}
	levels := map[any]int{}
	for _, f := range fc.Features {
		levels[f.Properties["level"]]++
	}
	if p := fc.Features[0].Properties; p["code"] != "330922203000" || p["parent"] != "330922000000" || levels["street"] != 1 || levels["community"] != 2 || levels["grid"] != 3 {
		t.Errorf("exported root: code %v parent %v, levels %v; want 330922203000 with its parent 330922000000, 2 communities and 3 grids", p["code"], p["parent"], levels)
	}
	dst := filepath.Join(t.TempDir(), "shengsi.gpkg")
	if code, _, stderr := be.wangge(t, "", "export", "--root", "330922000000", dst); code != 0 {
		t.Fatalf("export gpkg: %s", stderr)
	}
	info := ogrinfo(t, "-ro", "-so", dst, "units")
	if !strings.Contains(info, "Feature Count: 763") || !strings.Contains(info, "Multi Polygon") {
		t.Errorf("ogrinfo of the exported GeoPackage:\n%s", info)
	}
	if code, _, _ := be.wangge(t, "", "export", "--root", "110000000000", "-"); code != 2 {
		t.Errorf("export of an unknown root: exit %d, want 2", code)
	}
}

// unitNames gets a units listing and returns the names, in its order.
func unitNames(t *testing.T, url string) []string {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var fc struct {
		Type     string
		Features []struct {
			Properties map[string]any
		}
	}
	if err := json.NewDecoder(res.Body).Decode(&fc); err != nil || res.StatusCode != 200 || fc.Type != "FeatureCollection" {
		t.Fatalf("%s: status %d, %v", url, res.StatusCode, err)
	}
	names := make([]string, len(fc.Features))
	for i, f := range fc.Features {
		names[i], _ = f.Properties["name"].(string)
	}
	return names
}
