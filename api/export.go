package api

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/wangge/wangge/partition"
)

// export serves GET /v1/export?root=CODE&format=geojson|gpkg&version=N: the
// units of one version (all, or a root and its descendants) and their
// vessels. In GeoJSON the root keeps its parent, so that an edited export
// publishes back into place; in a GeoPackage, a store of its own, it has
// none (gpkg.WriteExport). GeoJSON streams from the store to the
// client with constant memory; a GeoPackage is written by
// Config.WriteGPKG into a temporary file (SQLite needs one), constant memory
// too, then sent and removed.
func (s *Server) export(c *gin.Context) {
	ctx := c.Request.Context()
	format := c.DefaultQuery("format", "geojson")
	if format != "geojson" && format != "gpkg" {
		s.fail(c, invalidf("format %q: want geojson or gpkg", format))
		return
	}
	var at partition.AsOf
	if v := c.Query("version"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			s.fail(c, invalidf("version %q: want a version number", v))
			return
		}
		at.Version = n
	}
	v, err := s.store.Resolve(ctx, at)
	if err != nil {
		s.fail(c, err)
		return
	}
	root := partition.Code(c.Query("root"))
	x := partition.Export{Store: s.store, At: partition.AsOf{Version: v.Number}, Root: root}
	if root != "" { // a missing root is a 404 before anything is sent
		if _, err := s.store.Unit(ctx, root, x.At); err != nil {
			s.fail(c, err)
			return
		}
	}
	name := fmt.Sprintf("wangge-v%d", v.Number)
	if root != "" {
		name += "-" + string(root)
	}
	if format == "gpkg" {
		if s.cfg.WriteGPKG == nil {
			s.fail(c, invalidf("format gpkg: this server writes no GeoPackage exports"))
			return
		}
		s.exportGPKG(c, &x, name, v)
		return
	}
	c.Header("Content-Type", "application/geo+json")
	c.Header("Content-Disposition", `attachment; filename="`+name+`.geojson"`)
	c.Status(http.StatusOK)
	if err := x.WriteGeoJSON(ctx, c.Writer, nil); err != nil {
		// The status is sent: a truncated document tells the client.
		s.log.WarnContext(ctx, "export", "root", root, "err", err)
	}
}

func (s *Server) exportGPKG(c *gin.Context, x *partition.Export, name string, v partition.Version) {
	ctx := c.Request.Context()
	dir, err := os.MkdirTemp("", "wangge-export-")
	if err != nil {
		s.fail(c, fmt.Errorf("export: %w", err))
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, name+".gpkg")
	if err := s.cfg.WriteGPKG(ctx, x, path, fmt.Sprintf("export of version %d", v.Number)); err != nil {
		s.fail(c, err)
		return
	}
	f, err := os.Open(path)
	if err != nil {
		s.fail(c, fmt.Errorf("export: %w", err))
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		s.fail(c, fmt.Errorf("export: %w", err))
		return
	}
	c.Header("Content-Type", "application/geopackage+sqlite3")
	c.Header("Content-Disposition", `attachment; filename="`+name+`.gpkg"`)
	c.Header("Content-Length", strconv.FormatInt(st.Size(), 10))
	c.Status(http.StatusOK)
	if _, err := io.Copy(c.Writer, f); err != nil {
		s.log.WarnContext(ctx, "export", "root", x.Root, "err", err)
	}
}
