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

// sampleFiles are the files `make sample` imports, in its order.
var sampleFiles = []string{
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
	code, out, stderr := be.wangge(t, "", append([]string{"import", "--crs", "gcj02"}, sampleFiles...)...)
	if code != 0 || strings.Count(out, "published version") != 4 {
		t.Fatalf("import the sample: exit %d\n%s\n%s", code, out, stderr)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		e := env{getenv: func(string) string { return "" }, stdin: strings.NewReader(""), stdout: pw, stderr: io.Discard}
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, be.args...), e)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("serve printed nothing: %v", err)
	}
	go io.Copy(io.Discard, pr)
	base := regexp.MustCompile(`http://\S+`).FindString(line)
	if base == "" {
		t.Fatalf("serve printed no URL: %q", line)
	}
	res, err := http.Get(base + "/v1/units?level=district&limit=100")
	if err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Type     string
		Features []struct {
			Properties map[string]any
		}
	}
	err = json.NewDecoder(res.Body).Decode(&fc)
	res.Body.Close()
	if err != nil || res.StatusCode != 200 || fc.Type != "FeatureCollection" {
		t.Fatalf("districts: status %d, %v", res.StatusCode, err)
	}
	names := map[string]bool{}
	for _, f := range fc.Features {
		names[f.Properties["name"].(string)] = true
	}
	if len(fc.Features) != 15 || !names["嵊泗县"] || !names["玄武区"] {
		t.Errorf("got %d districts (%v), want Zhoushan's 4 and Nanjing's 11", len(fc.Features), names)
	}
	res, err = http.Get(base + "/v1/units/330922000000")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("嵊泗县: %v %v", res.StatusCode, err)
	}
	res.Body.Close()
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

// TestExportRoot exports one county as GeoJSON and as a GeoPackage, which
// GDAL reads back.
func TestExportRoot(t *testing.T) {
	be := gpkgBackend(t)
	if code, _, stderr := be.wangge(t, "", append([]string{"import", "--crs", "gcj02"}, sampleFiles[:2]...)...); code != 0 {
		t.Fatalf("import: %s", stderr)
	}
	_, out, stderr := be.wangge(t, "", "export", "--root", "330922000000", "-")
	var fc struct {
		Features []struct{ Properties map[string]any }
	}
	if err := json.Unmarshal([]byte(out), &fc); err != nil || len(fc.Features) != 1 {
		t.Fatalf("export of 嵊泗县: %d features, %v %s", len(fc.Features), err, stderr)
	}
	if p := fc.Features[0].Properties; p["code"] != "330922000000" || p["parent"] != nil {
		t.Errorf("exported root: code %v parent %v, want 330922000000 and no parent", p["code"], p["parent"])
	}
	dst := filepath.Join(t.TempDir(), "zhoushan.gpkg")
	if code, _, stderr := be.wangge(t, "", "export", "--root", "330900000000", dst); code != 0 {
		t.Fatalf("export gpkg: %s", stderr)
	}
	info := ogrinfo(t, "-ro", "-so", dst, "units")
	if !strings.Contains(info, "Feature Count: 5") || !strings.Contains(info, "Multi Polygon") {
		t.Errorf("ogrinfo of the exported GeoPackage:\n%s", info)
	}
	if code, _, _ := be.wangge(t, "", "export", "--root", "110000000000", "-"); code != 2 {
		t.Errorf("export of an unknown root: exit %d, want 2", code)
	}
}
