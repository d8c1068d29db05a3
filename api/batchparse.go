package api

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"

	"github.com/wangge/wangge/api/internal/param"
	"github.com/wangge/wangge/internal/jsonnum"
	"github.com/wangge/wangge/partition"
)

// maxNumberBytes bounds one number's text in a batch.
const maxNumberBytes = 64

// batchReader reads the points of a batch one at a time, in constant
// memory: either a JSON object {"crs": "…", "points": [[lon, lat], …]}
// (crs optional, other members refused) or NDJSON, one [lon, lat] (or
// lon,lat) per line. A bad point that the reader can read past (any bad
// NDJSON line; a JSON [lon, lat] whose numbers are no numbers or out of
// range) is a pointError: the next call reads the next point.
type batchReader struct {
	br     *bufio.Reader
	ndjson bool
	n      int    // points read, bad ones included: the next one's index
	line   int    // NDJSON: lines read, blank ones included
	crs    string // the body's "crs" member, when seen
	hasCRS bool
	state  int // JSON: 0 before points, 1 in points, 2 after
	tok    []byte
	lon    []byte
	// echo is the last point's text, "lon,lat", each number as it came:
	// what its answer echoes. Valid until the next call.
	echo []byte
	rec  *readErr // the body's own error, if reading it failed
}

func newBatchReader(r io.Reader, ndjson bool) *batchReader {
	rec := &readErr{r: r}
	return &batchReader{br: bufio.NewReaderSize(rec, 64<<10), ndjson: ndjson, rec: rec}
}

// readErr keeps the first error of reading the body other than its end:
// when the body itself fails (too large, not gzip, cut short), that is the
// answer, not the syntax error the parser meets where the bytes stop.
type readErr struct {
	r   io.Reader
	err error
}

func (e *readErr) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && !errors.Is(err, io.EOF) && e.err == nil {
		e.err = err
	}
	return n, err
}

// bad is the error for the point being read: "point i: …" in a JSON body,
// "line n: …" in NDJSON, with a detail whose index is the point's (bad
// points and, in NDJSON, non-blank lines counted from 0: its place in
// the answer).
func (b *batchReader) bad(format string, args ...any) *partition.Error {
	msg := fmt.Sprintf(format, args...)
	var e *partition.Error
	if b.ndjson {
		e = partition.Errorf(partition.Invalid, "line %d: %s", b.line, msg)
	} else {
		e = partition.Errorf(partition.Invalid, "point %d: %s", b.n, msg)
	}
	e.Problems = []partition.Problem{{Index: b.n, Field: "point", Message: msg}}
	return e
}

// badPoint is bad for a point the reader is past (see pointError).
func (b *batchReader) badPoint(format string, args ...any) error {
	pe := pointError{err: b.bad(format, args...), index: b.n}
	if b.ndjson {
		pe.line = b.line
	}
	return pe
}

// pointError is an error confined to one point, which the reader has read
// past: its next call reads the next point.
type pointError struct {
	err   *partition.Error
	index int // the point's index (see bad)
	line  int // its line in NDJSON (from 1), 0 in a JSON body
}

func (e pointError) Error() string { return e.err.Error() }
func (e pointError) Unwrap() error { return e.err }

// appendJSON appends the object that answers the bad point in its place:
// {"line": n, "error": …} for an NDJSON line, {"index": i, "error": …}
// for a point of a JSON body, the error in the one error shape.
func (e pointError) appendJSON(dst []byte) []byte {
	if e.line > 0 {
		dst = strconv.AppendInt(append(dst, `{"line":`...), int64(e.line), 10)
	} else {
		dst = strconv.AppendInt(append(dst, `{"index":`...), int64(e.index), 10)
	}
	body, _ := json.Marshal(errorFor(e.err)) // {"error":{…}}
	return append(append(dst, ','), body[1:]...)
}

// next returns the next point; io.EOF after the last.
func (b *batchReader) next() ([2]float64, error) {
	var p [2]float64
	var err error
	if b.ndjson {
		p, err = b.nextLine()
	} else {
		p, err = b.nextJSON()
	}
	if err != nil && b.rec != nil && b.rec.err != nil {
		return p, fmt.Errorf("read the body: %w", b.rec.err)
	}
	return p, err
}

func (b *batchReader) nextLine() ([2]float64, error) {
	for {
		line, err := b.br.ReadSlice('\n')
		switch {
		case err == nil || errors.Is(err, bufio.ErrBufferFull):
		case errors.Is(err, io.EOF): // the last line, without its newline
			if len(line) == 0 {
				return [2]float64{}, io.EOF
			}
		default: // not a line that ended: not a point to answer
			return [2]float64{}, fmt.Errorf("read the body: %w", err)
		}
		b.line++
		if errors.Is(err, bufio.ErrBufferFull) {
			e := b.badPoint("line longer than %d bytes", b.br.Size())
			for errors.Is(err, bufio.ErrBufferFull) { // skip the rest of it
				_, err = b.br.ReadSlice('\n')
			}
			b.n++
			return [2]float64{}, e
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		line = bytes.TrimSuffix(bytes.TrimPrefix(line, []byte("[")), []byte("]"))
		lon, lat, ok := bytes.Cut(line, []byte(","))
		if !ok {
			e := b.badPoint("want [lon, lat] or lon,lat")
			b.n++
			return [2]float64{}, e
		}
		p, perr := b.pair(bytes.TrimSpace(lon), bytes.TrimSpace(lat))
		b.n++
		return p, perr
	}
}

// pair parses a point's two numbers and sets b.echo to its text. Its
// errors are pointErrors: the caller has read the whole point.
func (b *batchReader) pair(lon, lat []byte) ([2]float64, error) {
	var p [2]float64
	b.echo = b.echo[:0]
	for i, t := range [2][]byte{lon, lat} {
		f, isJSON, err := jsonnum.Parse(t)
		if err != nil || !isJSON { // strconv would take 0x1p-2, +122.45, Inf, 1_000
			return p, b.badPoint("%q is not a JSON number", t)
		}
		p[i] = f
		if i > 0 {
			b.echo = append(b.echo, ',')
		}
		b.echo = append(b.echo, t...)
	}
	if msg := pointProblem(p); msg != "" {
		return p, b.badPoint("%s", msg)
	}
	return p, nil
}

func (b *batchReader) nextJSON() ([2]float64, error) {
	for {
		switch b.state {
		case 0, 2:
			if err := b.members(); err != nil {
				return [2]float64{}, err
			}
			if b.state == 2 {
				return [2]float64{}, io.EOF
			}
		case 1:
			if p, ok, err := b.pairInBuffer(); ok {
				return p, err
			}
			c, err := b.skipSpace()
			if err != nil {
				return [2]float64{}, b.bad("unexpected end of the body")
			}
			switch {
			case c == ']':
				b.state = 2
				continue
			case c == ',' && b.n > 0:
				if c, err = b.skipSpace(); err != nil {
					return [2]float64{}, b.bad("unexpected end of the body")
				}
			case b.n > 0:
				return [2]float64{}, b.bad("want ',' or ']' after a point, found %q", c)
			}
			if c != '[' {
				return [2]float64{}, b.bad("want [lon, lat], found %q", c)
			}
			lon, err := b.number(',')
			if err != nil {
				return [2]float64{}, err
			}
			lon = append(b.lon[:0], lon...) // number reuses b.tok
			b.lon = lon
			lat, err := b.number(']')
			if err != nil {
				return [2]float64{}, err
			}
			p, err := b.pair(lon, lat)
			b.n++
			return p, err
		}
	}
}

// pairBytes bounds the text of one point that pairInBuffer reads from the
// buffer: a separator, a bracket, two numbers of up to 24 characters and
// some spaces.
const pairBytes = 80

// pairInBuffer is nextJSON's fast path for the common case: a whole
// [lon, lat] (after the comma that separates it from the one before) in
// the read buffer, each number up to 24 characters, spaces only between
// tokens. It reads it in place and returns it with ok; ok is false (and
// nothing is read) for anything else, which the byte-at-a-time path then
// reads, with its errors.
func (b *batchReader) pairInBuffer() ([2]float64, bool, error) {
	buf, _ := b.br.Peek(min(b.br.Buffered(), pairBytes))
	i := skipBlank(buf, 0)
	if b.n > 0 {
		if i == len(buf) || buf[i] != ',' {
			return [2]float64{}, false, nil
		}
		i = skipBlank(buf, i+1)
	}
	if i == len(buf) || buf[i] != '[' {
		return [2]float64{}, false, nil
	}
	lon, i := numberAt(buf, skipBlank(buf, i+1), ',')
	if lon == nil {
		return [2]float64{}, false, nil
	}
	lat, i := numberAt(buf, skipBlank(buf, i+1), ']')
	if lat == nil {
		return [2]float64{}, false, nil
	}
	p, err := b.pair(lon, lat)
	b.n++
	_, _ = b.br.Discard(i + 1)
	return p, true, err
}

// skipBlank returns the index of the first byte of buf from i on that is
// not JSON white space.
func skipBlank(buf []byte, i int) int {
	for i < len(buf) && (buf[i] == ' ' || buf[i] == '\n' || buf[i] == '\r' || buf[i] == '\t') {
		i++
	}
	return i
}

// numberAt returns the number's text from buf[i] up to (not including)
// blanks and the delimiter end, and the delimiter's index; nil when the
// buffer holds no such number of up to 24 characters.
func numberAt(buf []byte, i int, end byte) ([]byte, int) {
	start := i
	for i < len(buf) && i-start <= 24 {
		switch c := buf[i]; {
		case c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E':
			i++
			continue
		case i == start:
			return nil, 0
		}
		num := buf[start:i]
		if i = skipBlank(buf, i); i < len(buf) && buf[i] == end {
			return num, i
		}
		return nil, 0
	}
	return nil, 0
}

// number reads a number's text up to the delimiter end.
func (b *batchReader) number(end byte) ([]byte, error) {
	b.tok = b.tok[:0]
	// Fast path: the number and its delimiter are already buffered. Any
	// other case (including every error) is left to the loop below, which
	// reads the same bytes one at a time.
	buf, _ := b.br.Peek(min(b.br.Buffered(), maxNumberBytes+1))
	for i, c := range buf {
		if c == end {
			b.tok = append(b.tok, buf[:i]...)
			_, _ = b.br.Discard(i + 1)
			return bytes.TrimSpace(b.tok), nil
		}
		if c == '[' || c == ']' || c == ',' || c == '{' || c == '}' {
			break
		}
	}
	for {
		c, err := b.br.ReadByte()
		if err != nil {
			return nil, b.bad("unexpected end of the body")
		}
		switch {
		case c == end:
			return bytes.TrimSpace(b.tok), nil
		case c == '[' || c == ']' || c == ',' || c == '{' || c == '}':
			return nil, b.bad("want [lon, lat] of two numbers")
		}
		if len(b.tok) == maxNumberBytes {
			return nil, b.bad("number longer than %d bytes", maxNumberBytes)
		}
		b.tok = append(b.tok, c)
	}
}

// members reads the object's members up to "points": [ (state 1) or to
// the closing brace (state 2).
func (b *batchReader) members() error {
	c, err := b.skipSpace()
	if err != nil {
		return partition.Errorf(partition.Invalid, `want a JSON object {"crs": "wgs84", "points": [[lon, lat], …]}`)
	}
	// afterValue: a member's value (the points array, when resuming) was
	// read, so ',' or '}' comes next; else a member name, or '}' in an
	// empty object.
	afterValue := b.state != 0
	if !afterValue {
		if c != '{' {
			return partition.Errorf(partition.Invalid, `want a JSON object {"crs": "wgs84", "points": [[lon, lat], …]}`)
		}
		if c, err = b.skipSpace(); err != nil {
			return partition.Errorf(partition.Invalid, "unexpected end of the body")
		}
		if c == '}' {
			return b.end()
		}
	}
	for {
		if afterValue {
			switch c {
			case '}':
				return b.end()
			case ',':
				if c, err = b.skipSpace(); err != nil {
					return partition.Errorf(partition.Invalid, "unexpected end of the body")
				}
			default:
				return partition.Errorf(partition.Invalid, "batch body: want ',' or '}' after a member, found %q", c)
			}
		}
		if c != '"' {
			return partition.Errorf(partition.Invalid, "batch body: want a member name, found %q", c)
		}
		key, err := b.str()
		if err != nil {
			return err
		}
		if c, err = b.skipSpace(); err != nil || c != ':' {
			return partition.Errorf(partition.Invalid, "batch body: want ':' after %q", key)
		}
		if c, err = b.skipSpace(); err != nil {
			return partition.Errorf(partition.Invalid, "unexpected end of the body")
		}
		switch {
		case key == "crs" && c == '"' && !b.hasCRS:
			if b.crs, err = b.str(); err != nil {
				return err
			}
			b.hasCRS = true
		case key == "points" && c == '[' && b.state == 0:
			b.state = 1
			return nil
		case key == "crs" && b.hasCRS, key == "points" && b.state != 0:
			return partition.Errorf(partition.Invalid, "batch body: member %q is given twice", key)
		case key == "crs":
			return partition.Errorf(partition.Invalid, `batch body: "crs" must be a string, e.g. "gcj02"`)
		case key == "points":
			return partition.Errorf(partition.Invalid, `batch body: "points" must be an array of [lon, lat]`)
		default:
			return batchMembers.Refuse("member", key)
		}
		if c, err = b.skipSpace(); err != nil {
			return partition.Errorf(partition.Invalid, "unexpected end of the body")
		}
		afterValue = true
	}
}

// end closes the object: nothing but white space may follow it.
func (b *batchReader) end() error {
	b.state = 2
	if c, err := b.skipSpace(); err == nil {
		return partition.Errorf(partition.Invalid, "batch body: data after the end of the object, starting with %q: want one JSON object", c)
	} else if !errors.Is(err, io.EOF) {
		return fmt.Errorf("read the body: %w", err)
	}
	return nil
}

// batchMembers are the members of a JSON batch.
var batchMembers = param.Names{"crs", "points"}

// str reads a JSON string's body after its opening quote (escapes are not
// needed by any valid member or crs name, and are refused).
func (b *batchReader) str() (string, error) {
	b.tok = b.tok[:0]
	for {
		c, err := b.br.ReadByte()
		if err != nil || c == '\\' || c < 0x20 || len(b.tok) > 256 {
			return "", partition.Errorf(partition.Invalid, "batch body: bad string (want a short one without escapes or control characters)")
		}
		if c == '"' {
			if !utf8.Valid(b.tok) { // JSON text is UTF-8 (RFC 8259 §8.1)
				return "", partition.Errorf(partition.Invalid, "batch body: a string that is not UTF-8")
			}
			return string(b.tok), nil
		}
		b.tok = append(b.tok, c)
	}
}

func (b *batchReader) skipSpace() (byte, error) {
	for {
		c, err := b.br.ReadByte()
		if err != nil {
			return 0, err
		}
		if c != ' ' && c != '\n' && c != '\r' && c != '\t' {
			return c, nil
		}
	}
}
