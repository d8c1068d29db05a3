package api

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/wangge/wangge/internal/jsonnum"
	"github.com/wangge/wangge/partition"
)

// maxNumberBytes bounds one number's text in a batch.
const maxNumberBytes = 64

// batchReader reads the points of a batch one at a time, in constant
// memory: either a JSON object {"crs": "…", "points": [[lon, lat], …]}
// (crs optional, other members refused) or NDJSON, one [lon, lat] (or
// lon,lat) per line.
type batchReader struct {
	br     *bufio.Reader
	ndjson bool
	n      int    // points read
	crs    string // the body's "crs" member, when seen
	state  int    // JSON: 0 before points, 1 in points, 2 after
	tok    []byte
	lon    []byte
	// echo is the last point's text, "lon,lat", each number as it came
	// when it is a JSON number (else in its shortest form): what its
	// answer echoes. Valid until the next call.
	echo []byte
}

func newBatchReader(r io.Reader, ndjson bool) *batchReader {
	return &batchReader{br: bufio.NewReaderSize(r, 64<<10), ndjson: ndjson}
}

func (b *batchReader) bad(format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	e := partition.Errorf(partition.Invalid, "point %d: %s", b.n, msg)
	e.Problems = []partition.Problem{{Index: b.n, Field: "point", Message: msg}}
	return e
}

// next returns the next point; io.EOF after the last.
func (b *batchReader) next() ([2]float64, error) {
	if b.ndjson {
		return b.nextLine()
	}
	return b.nextJSON()
}

func (b *batchReader) nextLine() ([2]float64, error) {
	for {
		line, err := b.br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			return [2]float64{}, b.bad("line longer than %d bytes", b.br.Size())
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			if err != nil {
				return [2]float64{}, io.EOF
			}
			continue
		}
		line = bytes.TrimSuffix(bytes.TrimPrefix(line, []byte("[")), []byte("]"))
		lon, lat, ok := bytes.Cut(line, []byte(","))
		if !ok {
			return [2]float64{}, b.bad("want [lon, lat] or lon,lat")
		}
		p, perr := b.pair(bytes.TrimSpace(lon), bytes.TrimSpace(lat))
		if perr != nil {
			return p, perr
		}
		b.n++
		return p, nil
	}
}

// pair parses a point's two numbers and sets b.echo to its text.
func (b *batchReader) pair(lon, lat []byte) ([2]float64, error) {
	var p [2]float64
	b.echo = b.echo[:0]
	for i, t := range [2][]byte{lon, lat} {
		f, isJSON, err := jsonnum.Parse(t)
		if err != nil {
			return p, b.bad("%q is not a number", t)
		}
		p[i] = f
		if i > 0 {
			b.echo = append(b.echo, ',')
		}
		if isJSON {
			b.echo = append(b.echo, t...)
		} else {
			b.echo = strconv.AppendFloat(b.echo, f, 'f', -1, 64)
		}
	}
	return p, checkPoint(p, b.n)
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
			if err != nil {
				return p, err
			}
			b.n++
			return p, nil
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
	if err == nil {
		b.n++
	}
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
	if b.state == 0 && c != '{' {
		return partition.Errorf(partition.Invalid, `want a JSON object {"crs": "wgs84", "points": [[lon, lat], …]}`)
	}
	if b.state == 0 {
		if c, err = b.skipSpace(); err != nil {
			return partition.Errorf(partition.Invalid, "unexpected end of the body")
		}
	}
	for {
		switch {
		case c == '}':
			b.state = 2
			return nil
		case c == ',':
			if c, err = b.skipSpace(); err != nil {
				return partition.Errorf(partition.Invalid, "unexpected end of the body")
			}
			continue
		case c != '"':
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
		case key == "crs" && c == '"':
			if b.crs, err = b.str(); err != nil {
				return err
			}
		case key == "points" && c == '[' && b.state == 0:
			b.state = 1
			return nil
		default:
			return partition.Errorf(partition.Invalid, `batch body: unexpected member %q (want "crs" and "points": [[lon, lat], …])`, key)
		}
		if c, err = b.skipSpace(); err != nil {
			return partition.Errorf(partition.Invalid, "unexpected end of the body")
		}
	}
}

// str reads a JSON string's body after its opening quote (escapes are not
// needed by any valid member or crs name, and are refused).
func (b *batchReader) str() (string, error) {
	b.tok = b.tok[:0]
	for {
		c, err := b.br.ReadByte()
		if err != nil || c == '\\' || len(b.tok) > 256 {
			return "", partition.Errorf(partition.Invalid, "batch body: bad string")
		}
		if c == '"' {
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
