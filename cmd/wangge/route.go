package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo/crs"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/router"
)

// routeCmd routes lon,lat lines from stdin offline, one result per line
// (NDJSON, or CSV with a header), against the latest published version or
// the one in force at --as-of. A bad line is answered in its place (see
// routeBatch.bad) and the next is read; any bad line makes the exit
// status 2, once every other line is answered.
func routeCmd(ctx context.Context, args []string, e env) int {
	fs := flag.NewFlagSet("route", flag.ContinueOnError)
	var sf storeFlags
	sf.register(fs)
	crsName := fs.String("crs", "wgs84", "coordinate system of the input: wgs84, cgcs2000, gcj02 or bd09")
	format := fs.String("format", "ndjson", "output: ndjson or csv")
	fieldList := fs.String("fields", "", "NDJSON answers hold only these members, comma-separated (e.g. code,contact; see GET /v1/route?fields=); default all")
	asOf := fs.String("as-of", "", "route against the version in force then: a version number, an RFC 3339 time or a date (China time); default the latest")
	if ok, code := parseFlags(fs, args, e); !ok {
		return code
	}
	at, err := partition.ParseAsOf(*asOf, partition.DefaultZone())
	if err != nil {
		return report(e, "route", prefixed("--as-of", err))
	}
	in, err := crs.Parse(*crsName)
	if err != nil {
		return report(e, "route", partition.Errorf(partition.Invalid, "--crs: %v", err))
	}
	if *format != "ndjson" && *format != "csv" {
		return report(e, "route", partition.Errorf(partition.Invalid, "--format %q: want ndjson or csv", *format))
	}
	var fields router.Fields
	if *fieldList != "" {
		if *format == "csv" {
			return report(e, "route", partition.Errorf(partition.Invalid, "--fields: CSV has fixed columns; use --format ndjson"))
		}
		if fields, err = router.ParseFields(*fieldList); err != nil {
			return report(e, "route", prefixed("--fields", err))
		}
	}
	log := sf.logger(e)
	s, _, err := sf.open(ctx, e, log, false)
	if err != nil {
		return report(e, "route", err)
	}
	defer s.Close()
	ix, err := router.Build(ctx, s, at, router.Options{})
	if err != nil {
		return report(e, "route", err)
	}
	w := bufio.NewWriterSize(e.stdout, 64<<10)
	defer w.Flush()
	if *format == "csv" {
		fmt.Fprintln(w, "lon,lat,code,name,level,resolved,approximate,distance_m,near_boundary,neighbor,nearest,gap_in,overlaps,chain,version")
	}
	b := &routeBatch{ix: ix, in: in, csv: *format == "csv", fields: fields, w: w}
	rd := bufio.NewReaderSize(e.stdin, 64<<10)
	for n := 1; ; n++ {
		raw, long, err := readLine(rd)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return report(e, "route", fmt.Errorf("read stdin: %w", err))
		}
		line := strings.TrimSpace(string(raw))
		var p [2]float64
		switch {
		case long:
			err = fmt.Errorf("line longer than %d bytes", rd.Size())
		case line == "" || (n == 1 && strings.HasPrefix(strings.ToLower(line), "lon")):
			continue
		default:
			p, err = parseLonLat(line)
		}
		if err != nil {
			err = b.bad(e, n, err)
		} else {
			err = b.add(p)
		}
		if err != nil {
			return report(e, "route", err)
		}
	}
	if err := b.flush(); err != nil {
		return report(e, "route", err)
	}
	if err := w.Flush(); err != nil {
		return report(e, "route", fmt.Errorf("write: %w", err))
	}
	if b.nbad > 0 {
		return report(e, "route", partition.Errorf(partition.Invalid, "%d bad lines, each answered in its place (NDJSON: by an error object; CSV: by none); every other line is answered", b.nbad))
	}
	return exitOK
}

// readLine reads a line of up to rd's size; long reports a longer one,
// which is skipped. It returns io.EOF after the last line.
func readLine(rd *bufio.Reader) (line []byte, long bool, err error) {
	line, err = rd.ReadSlice('\n')
	for errors.Is(err, bufio.ErrBufferFull) {
		long = true
		_, err = rd.ReadSlice('\n')
	}
	if errors.Is(err, io.EOF) && (long || len(line) > 0) {
		err = nil // the last line, without its newline
	}
	return line, long, err
}

// routeChunk is how many points `wangge route` routes at a time: enough
// for the index's order (router.RouteBatch) to pay, in constant memory.
const routeChunk = 1 << 16

// routeBatch routes the points of `wangge route` a chunk at a time and
// writes their answers in input order.
type routeBatch struct {
	ix     *router.Index
	in     crs.CRS
	csv    bool
	fields router.Fields // NDJSON members; 0: all
	w      *bufio.Writer
	pts    [][2]float64
	seq    int         // lines answered or to be, bad ones included
	errs   []lineError // bad lines among pts, in order
	nbad   int
	stored []orb.Point
	res    []router.Result
	sorter router.Sorter
	buf    []byte
}

// lineError is a bad line, answered before the point at index at of pts.
type lineError struct {
	at   int
	text []byte
}

func (b *routeBatch) add(p [2]float64) error {
	b.pts = append(b.pts, p)
	b.seq++
	if len(b.pts) == routeChunk {
		return b.flush()
	}
	return nil
}

// bad answers line n, which holds no point, in its place, as POST
// /v1/route/batch answers a bad NDJSON line: {"line": n, "error": …} in
// NDJSON, nothing in CSV (whose rows have no room for it). Stderr names
// the first ten.
func (b *routeBatch) bad(e env, n int, err error) error {
	msg := fmt.Sprintf("line %d: %v", n, err)
	if b.nbad++; b.nbad <= 10 {
		fmt.Fprintf(e.stderr, "wangge route: %s\n", msg)
	}
	if b.csv {
		return nil
	}
	type detail struct {
		Code    string              `json:"code"`
		Message string              `json:"message"`
		Details []partition.Problem `json:"details"`
	}
	text, _ := json.Marshal(struct {
		Line  int    `json:"line"`
		Error detail `json:"error"`
	}{n, detail{string(partition.Invalid), msg, []partition.Problem{{Index: b.seq, Field: "point", Message: err.Error()}}}})
	b.errs = append(b.errs, lineError{at: len(b.pts), text: append(text, '\n')})
	b.seq++
	if len(b.errs) == routeChunk {
		return b.flush()
	}
	return nil
}

// flush routes and writes the points added since the last flush.
func (b *routeBatch) flush() error {
	b.stored, b.res = b.stored[:0], slices.Grow(b.res[:0], len(b.pts))[:len(b.pts)]
	for _, p := range b.pts {
		b.stored = append(b.stored, crs.Convert(orb.Point(p), b.in, crs.CGCS2000))
	}
	b.ix.RouteBatch(b.stored, b.res, &b.sorter)
	k := 0
	for i, p := range b.pts {
		for ; k < len(b.errs) && b.errs[k].at == i; k++ {
			if _, err := b.w.Write(b.errs[k].text); err != nil {
				return fmt.Errorf("write: %w", err)
			}
		}
		if b.csv {
			b.buf = appendCSV(b.buf[:0], &b.res[i], p)
		} else {
			var pt [64]byte
			b.buf = append(router.AppendJSONFields(b.buf[:0], &b.res[i], router.AppendPoint(pt[:0], p), b.fields), '\n')
		}
		if _, err := b.w.Write(b.buf); err != nil {
			return fmt.Errorf("write: %w", err)
		}
	}
	for ; k < len(b.errs); k++ {
		if _, err := b.w.Write(b.errs[k].text); err != nil {
			return fmt.Errorf("write: %w", err)
		}
	}
	b.pts, b.errs = b.pts[:0], b.errs[:0]
	return nil
}

// parseLonLat parses "lon,lat" (or "[lon, lat]").
func parseLonLat(line string) ([2]float64, error) {
	var p [2]float64
	line = strings.TrimSuffix(strings.TrimPrefix(line, "["), "]")
	a, b, ok := strings.Cut(line, ",")
	if !ok {
		return p, fmt.Errorf("want lon,lat, got %q", line)
	}
	for i, t := range [2]string{a, b} {
		f, err := strconv.ParseFloat(strings.TrimSpace(t), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return p, fmt.Errorf("%q is not a finite number", strings.TrimSpace(t))
		}
		p[i] = f
	}
	if p[0] < -180 || p[0] > 180 || p[1] < -90 || p[1] > 90 {
		return p, fmt.Errorf("(%g, %g) is outside lon ±180, lat ±90", p[0], p[1])
	}
	return p, nil
}

func appendCSV(dst []byte, r *router.Result, p [2]float64) []byte {
	dst = strconv.AppendFloat(dst, p[0], 'f', -1, 64)
	dst = append(dst, ',')
	dst = strconv.AppendFloat(dst, p[1], 'f', -1, 64)
	var code, name, level, neighbor string
	var chain []string
	if u := r.Unit(); u != nil {
		code, name, level = string(u.Code), u.Name, string(u.Level)
		for _, c := range r.Chain() {
			chain = append(chain, string(c.Code))
		}
	}
	if u := r.Neighbor(); u != nil {
		neighbor = string(u.Code)
	}
	var nearest, gapIn string
	if u := r.Nearest(); u != nil {
		nearest = string(u.Code)
	}
	if u := r.Gap(); u != nil {
		gapIn = string(u.Code)
	}
	var overlaps []string
	for _, u := range r.Overlaps() {
		overlaps = append(overlaps, string(u.Code))
	}
	dist := ""
	if r.Resolved || r.Nearest() != nil {
		dist = strconv.FormatFloat(math.Round(float64(r.Distance)*100)/100, 'f', -1, 64)
	}
	for _, f := range []string{code, csvQuote(name), level, strconv.FormatBool(r.Resolved), strconv.FormatBool(r.Approximate),
		dist, strconv.FormatBool(r.NearBoundary), neighbor, nearest, gapIn, strings.Join(overlaps, ";"), strings.Join(chain, ">"), strconv.FormatInt(r.Version().Number, 10)} {
		dst = append(dst, ',')
		dst = append(dst, f...)
	}
	return append(dst, '\n')
}

func csvQuote(s string) string {
	if strings.ContainsAny(s, ",\"\n") {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}
