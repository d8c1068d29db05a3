package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/wangge/wangge/partition"
)

// batchSeeds are the edges of both batch formats: empty and blank bodies,
// unicode and control characters, huge and tiny numbers, NaN and Inf text,
// numbers ParseFloat takes but JSON does not, nesting, duplicates.
func batchSeeds() []string {
	return []string{
		``,
		` `,
		"\n\n\r\n\t",
		`{}`,
		`{"points":[]}`,
		`{"crs":"wgs84","points":[[122.05,30.05],[122.1,-30.2e1],[0,0]]}`,
		`{"points":[ [ 122.0500 , 30.10 ] , [1.2205e2,-0] ],"crs":"gcj02"}`,
		"{\"points\": [ [ 122.05 ,\n30.1 ] ,\r\n\t[1e2, -0.5E-3]]}",
		`{"points":[[1,2]],"crs":"gcj02"} `,
		`{"points":[[1,2]]}{}`,
		`{"points":[[1,2]],"points":[]}`,
		`{"crs":"a","crs":"b","points":[]}`,
		`{"crs":"\u0041","points":[]}`,
		`{"crs":"嵊泗","points":[]}`,
		"{\"crs\":\"\x01\",\"points\":[]}",
		`{"CRS":"wgs84","points":[]}`,
		`{"crs":null,"points":[]}`,
		`{"points":null}`,
		`{"points":[[[1,2]]]}`,
		`{"points":[[1,2,3]]}`,
		`{"points":[[1]]}`,
		`{"points":[[1,2],,[3,4]]}`,
		`{"points":[[1,2],]}`,
		`{"points":[[1,2][3,4]]}`,
		`{"points":[[NaN,1],[Inf,-Inf],[+1,.5],[0x1p6,1_0],[01,1.],[1e,1e+]]}`,
		`{"points":[[1e999,1],[1e-999,-1e-999],[4.9e-324,1.7976931348623157e308]]}`,
		`{"points":[[122.21285098519739,30.000000000000001],[1234567890123456789012,0.0000000000000000000001]]}`,
		`{"points":[[` + strings.Repeat("1", 64) + `,1],[1,` + strings.Repeat("0", 65) + `]]}`,
		`{"points":[[180,90],[-180,-90],[180.0000000000001,0],[0,-90.00000000000001]]}`,
		`{"points":[[1,2]`,
		`[[1,2]]`,
		"122.05,30.05\n[122.1,30.1]\n",
		"122.05,30.05",
		" [ 1 , 2 ] \r\n\n1,2,3\n[1,2\n1 2\n,\n[]\n",
		"+1,2\n.5,1\n0x1p6,1\nInf,NaN\n1e999,1\n\u00a01,2\u00a0\n１,２\n",
		strings.Repeat("1,2\n", 50),
	}
}

// readBatch reads a whole body as on_error=skip does (on past bad points)
// and returns what each call gave, one line each, with the points read
// when the body was accepted whole (ok). It fails the test if the reader
// does not come to an end or refuses with an error of another kind than
// partition.Invalid.
func readBatch(t *testing.T, r io.Reader, ndjson bool, size int) (transcript string, points [][2]float64, crs *string, ok bool) {
	t.Helper()
	br := newBatchReader(r, ndjson)
	var out strings.Builder
	ok = true
	for calls := 0; ; calls++ {
		if calls > size+1 {
			t.Fatalf("%d calls of next on a body of %d bytes, and no end", calls, size)
		}
		p, err := br.next()
		if errors.Is(err, io.EOF) {
			if br.hasCRS {
				crs = &br.crs
			}
			return out.String(), points, crs, ok
		}
		if pe := (pointError{}); errors.As(err, &pe) {
			if partition.KindOf(err) != partition.Invalid {
				t.Fatalf("bad point %d: %v of kind %q, want invalid", pe.index, err, partition.KindOf(err))
			}
			fmt.Fprintf(&out, "bad point %d line %d: %s\n", pe.index, pe.line, err)
			ok = false
			continue
		}
		if err != nil {
			if ndjson || partition.KindOf(err) != partition.Invalid {
				t.Fatalf("refused with %v (%T, kind %q), want a point error or an invalid body", err, err, partition.KindOf(err))
			}
			return out.String() + "error: " + err.Error(), nil, nil, false
		}
		checkEcho(t, p, br.echo)
		points = append(points, p)
		fmt.Fprintf(&out, "%x %x %s line %d\n", math.Float64bits(p[0]), math.Float64bits(p[1]), br.echo, br.line)
	}
}

// checkEcho: an accepted point's echo is two JSON numbers, "lon,lat",
// which strconv.ParseFloat reads as the point, bit for bit.
func checkEcho(t *testing.T, p [2]float64, echo []byte) {
	t.Helper()
	lon, lat, ok := strings.Cut(string(echo), ",")
	if !ok || !jsonNumber(lon) || !jsonNumber(lat) {
		t.Fatalf("point %v echoes %q, want two JSON numbers lon,lat", p, echo)
	}
	for i, s := range [2]string{lon, lat} {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.Float64bits(f) != math.Float64bits(p[i]) {
			t.Fatalf("point %v: strconv reads %q as %v (%v), want %v", p, s, f, err, p[i])
		}
	}
	if msg := pointProblem(p); msg != "" {
		t.Fatalf("accepted point %v: %s", p, msg)
	}
}

// jsonNumber reports whether s is exactly one JSON number (RFC 8259), as
// encoding/json decides it.
func jsonNumber(s string) bool {
	if s == "" || !(s[0] == '-' || s[0] >= '0' && s[0] <= '9') || !json.Valid([]byte(s)) {
		return false
	}
	return strings.TrimSpace(s) == s
}

// FuzzBatchReaderJSON: a JSON batch body is read the same from its
// buffer (the fast paths) as a byte at a time; every body the parser
// accepts whole, encoding/json accepts too, with the same crs and the same
// points bit for bit (a point encoding/json reads as [2]float64 drops a
// third number and fills a missing second: the parser refuses both); each
// accepted point's echo is two JSON numbers that strconv reads as it.
func FuzzBatchReaderJSON(f *testing.F) {
	for _, s := range batchSeeds() {
		f.Add([]byte(s))
	}
	f.Add([]byte("{\"crs\":\"\xb3\"}")) // found by this target: a crs that is not UTF-8 was accepted
	f.Fuzz(func(t *testing.T, body []byte) {
		got, ours, crs, ok := readBatch(t, bytes.NewReader(body), false, len(body))
		if slow, _, _, _ := readBatch(t, iotest.OneByteReader(bytes.NewReader(body)), false, len(body)); slow != got {
			t.Fatalf("%q: read from the buffer\n%s\na byte at a time\n%s", body, got, slow)
		}
		if !ok {
			return
		}
		var theirs struct {
			CRS    *string      `json:"crs"`
			Points [][2]float64 `json:"points"`
		}
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&theirs); err != nil {
			t.Fatalf("%q: accepted by the batch parser, refused by encoding/json: %v", body, err)
		}
		if _, err := dec.Token(); !errors.Is(err, io.EOF) {
			t.Fatalf("%q: accepted by the batch parser, encoding/json finds more after the object (%v)", body, err)
		}
		if (crs == nil) != (theirs.CRS == nil) || crs != nil && *crs != *theirs.CRS {
			t.Fatalf("%q: crs %s, encoding/json reads %s", body, crsText(crs), crsText(theirs.CRS))
		}
		if len(ours) != len(theirs.Points) {
			t.Fatalf("%q: %d points, encoding/json reads %d", body, len(ours), len(theirs.Points))
		}
		for i := range ours {
			for k := range 2 {
				if math.Float64bits(ours[i][k]) != math.Float64bits(theirs.Points[i][k]) {
					t.Fatalf("%q: point %d is %v, encoding/json reads %v", body, i, ours[i], theirs.Points[i])
				}
			}
		}
	})
}

func crsText(s *string) string {
	if s == nil {
		return "none"
	}
	return strconv.Quote(*s)
}

// FuzzBatchReaderNDJSON: an NDJSON batch never panics and comes to an end,
// reads the same from its buffer as a byte at a time, and each point it
// accepts is its line's two numbers ([lon, lat] or lon,lat), each a JSON
// number that strconv.ParseFloat reads as the point, bit for bit.
func FuzzBatchReaderNDJSON(f *testing.F) {
	for _, s := range batchSeeds() {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		got, _, _, _ := readBatch(t, bytes.NewReader(body), true, len(body))
		if slow, _, _, _ := readBatch(t, iotest.OneByteReader(bytes.NewReader(body)), true, len(body)); slow != got {
			t.Fatalf("%q: read from the buffer\n%s\na byte at a time\n%s", body, got, slow)
		}
		lines := bytes.Split(body, []byte("\n"))
		br := newBatchReader(bytes.NewReader(body), true)
		for {
			p, err := br.next()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				continue // a bad line: readBatch checked its kind
			}
			line := lines[br.line-1]
			if len(line) >= br.br.Size() {
				continue // a long line, read in parts
			}
			want := ndjsonPoint(t, line)
			if math.Float64bits(p[0]) != math.Float64bits(want[0]) || math.Float64bits(p[1]) != math.Float64bits(want[1]) {
				t.Fatalf("line %d %q: got %v, want %v", br.line, line, p, want)
			}
		}
	})
}

// ndjsonPoint reads an accepted NDJSON line with strconv: [lon, lat] or
// lon,lat, blanks around each number, each number a JSON number.
func ndjsonPoint(t *testing.T, line []byte) [2]float64 {
	t.Helper()
	s := strings.TrimSpace(string(line))
	s = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
	lon, lat, ok := strings.Cut(s, ",")
	var p [2]float64
	for i, n := range [2]string{strings.TrimSpace(lon), strings.TrimSpace(lat)} {
		f, err := strconv.ParseFloat(n, 64)
		if !ok || err != nil || !jsonNumber(n) {
			t.Fatalf("accepted line %q: %q is not a JSON number strconv reads (%v)", line, n, err)
		}
		p[i] = f
	}
	return p
}
