package ogc

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/wangge/wangge/api/internal/param"
	"github.com/wangge/wangge/partition"
)

// itemsParams are the query parameters /items accepts; any other is an
// error (OGC API – Features /req/core/query-param-unknown).
var itemsParams = param.Names{
	"f", "limit", "bbox", "bbox-crs", "crs", "datetime",
	"version", "cursor", "before", "code", "parent", "level", "kind", "draft",
}

// itemsRequest is a parsed /items request.
type itemsRequest struct {
	col    Collection
	q      partition.Query // the collection's query with the filters; AsOf unresolved
	limit  int
	out    refSys
	before partition.Code // serve the page that ends just before this code
	none   bool           // a filter that no feature of the collection can match
}

func invalid(format string, args ...any) error {
	return partition.Errorf(partition.Invalid, format, args...)
}

// parseItems parses the query of /items of col.
func (h *Handler) parseItems(c *gin.Context, col Collection) (itemsRequest, error) {
	r := itemsRequest{col: col, limit: h.cfg.DefaultLimit}
	if err := itemsParams.Check(c.Request.URL.RawQuery); err != nil {
		return r, err
	}
	var err error
	if r.out, err = crsParam(c, "crs"); err != nil {
		return r, err
	}
	at, err := h.asOf(c)
	if err != nil {
		return r, err
	}
	r.q = col.Query(at)
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return r, invalid("limit %q: want a whole number from 1", v)
		}
		r.limit = min(n, h.cfg.MaxLimit)
	}
	if v := c.Query("bbox"); v != "" {
		in, err := crsParam(c, "bbox-crs")
		if err != nil {
			return r, err
		}
		b, err := parseBBox(v, in)
		if err != nil {
			return r, invalid("%v", err)
		}
		r.q.BBox = &b
	} else if c.Query("bbox-crs") != "" {
		return r, invalid("bbox-crs without bbox")
	}
	return r, r.filters(c)
}

// filters parses the property filters code, parent, level and kind and the
// cursors.
func (r *itemsRequest) filters(c *gin.Context) error {
	if v := c.Query("level"); v != "" && v != string(r.col.Level) {
		if _, err := partition.ParseLevel(v); err != nil {
			return invalid("level: %v", err)
		}
		r.none = true
	}
	if v := c.Query("kind"); v != "" {
		k, err := partition.ParseKind(v)
		if err != nil {
			return invalid("kind: %v", err)
		}
		r.q.Kind = k
	}
	if v := c.Query("code"); v != "" {
		// Codes of one level all have the same length, so the prefix is
		// the code itself; a code of another shape matches nothing.
		if partition.Code(v).CheckFormat(r.col.Level) != nil {
			r.none = true
		}
		r.q.Prefix = v
	}
	r.q.Parent = partition.Code(c.Query("parent"))
	r.q.After = partition.Code(c.Query("cursor"))
	r.before = partition.Code(c.Query("before"))
	if r.q.After != "" && r.before != "" {
		return invalid("cursor and before exclude each other")
	}
	return nil
}

// crsParam parses a CRS parameter (crs, bbox-crs); absent means CRS84.
func crsParam(c *gin.Context, name string) (refSys, error) {
	v := c.Query(name)
	r, ok := parseCRS(v)
	if !ok {
		return r, invalid("%s %q: want one of %s", name, v, strings.Join(crsList, ", "))
	}
	return r, nil
}

// asOf parses `version` (a number, which wins) and `datetime`: an instant
// or an interval, whose end is taken (an open end is the latest); a date
// is the end of that day in the configured zone.
func (h *Handler) asOf(c *gin.Context) (partition.AsOf, error) {
	if v := c.Query("version"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			return partition.AsOf{}, invalid("version %q: want a version number", v)
		}
		return partition.AsOf{Version: n}, nil
	}
	v := c.Query("datetime")
	if i := strings.LastIndex(v, "/"); i >= 0 {
		if start := v[:i]; start != ".." && start != "" {
			if _, err := h.instant(start); err != nil {
				return partition.AsOf{}, err
			}
		}
		v = v[i+1:]
	}
	if v == "" || v == ".." {
		return partition.AsOf{}, nil
	}
	t, err := h.instant(v)
	return partition.AsOf{Time: t}, err
}

// instant parses an RFC 3339 date-time or a date (its last nanosecond).
func (h *Handler) instant(v string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t, nil
	}
	if d, err := time.ParseInLocation(time.DateOnly, v, h.cfg.Location); err == nil {
		return d.Add(24*time.Hour - time.Nanosecond), nil
	}
	return time.Time{}, invalid("datetime %q: want an RFC 3339 date-time or date, or an interval of them (.. for an open end)", v)
}

// countKey identifies the number of features a query matches in its
// (pinned) version, whatever page is asked.
func countKey(col string, q partition.Query) string {
	var b string
	if q.BBox != nil {
		b = fmt.Sprintf("%v,%v,%v,%v", q.BBox.Min[0], q.BBox.Min[1], q.BBox.Max[0], q.BBox.Max[1])
	}
	return fmt.Sprintf("%d|%s|%s|%s|%s|%s", q.AsOf.Version, col, q.Kind, q.Parent, q.Prefix, b)
}
