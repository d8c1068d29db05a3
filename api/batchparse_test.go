package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/iotest"
)

// TestBatchReaderFastPath: reading a body from its buffer (the fast paths
// of nextJSON and number) gives the same points, echoes and errors as
// reading it a byte at a time, reading on past bad points too.
func TestBatchReaderFastPath(t *testing.T) {
	long := strings.Repeat("1", maxNumberBytes)
	bodies := []string{
		`{"crs":"wgs84","points":[[116.39123456789012,39.9],[ 1 , 2 ],[1e2,-0]]}`,
		`{"points":[[1,2],[3]]}`,
		`{"points":[[1,2,3]]}`,
		`{"points":[[1,x]]}`,
		`{"points":[[` + long + `,1]]}`,
		`{"points":[[` + long + `1,1]]}`,
		`{"points":[[1,` + long + `]]}`,
		`{"points":[[1,` + long + `1]]}`,
		`{"points":[[1,2`,
		`{"points":[[1,{]]}`,
		"{\"points\": [ [ 122.05 ,\n30.1 ] ,\r\n\t[1e2, -0.5E-3],[+1,.5],[1 2,3]]}",
		`{"points":[[1.2345678901234567890123,-12.345678901234567890123],[123456789012345678901234,1]]}`,
		`{"points":[[1,2],,[3,4]]}`,
		`{"points":[,[3,4]]}`,
		`{"points":[[1,2][3,4]]}`,
		`{"points":[[1,2],[3,4],[1e5e5,1]]}`,
		`{"points":[[1,2],[181,4]]}`,
		`{"points":[[1,2],[3,4],]}`,
		`{"points":[]}`,
		`{"points":[[1,2]],"crs":"gcj02"}`,
		`{"points":[[1,x],[1,2],[1e999,2],[ 3 , 91 ],[5,6]]}`,
		`{"points":[[1,2],[x,y],[3,4],[1,2,3],[5,6]]}`,
		`{"points":[[1,91],,[3,4]]}`,
	}
	// read reads on past a bad point (a pointError), as on_error=skip does.
	read := func(r io.Reader) string {
		br := newBatchReader(r, false)
		var out strings.Builder
		for {
			p, err := br.next()
			if errors.Is(err, io.EOF) {
				return out.String()
			}
			if pe := (pointError{}); errors.As(err, &pe) {
				fmt.Fprintf(&out, "bad point %d: %s;", pe.index, err)
				continue
			}
			if err != nil {
				return out.String() + "error: " + err.Error()
			}
			fmt.Fprintf(&out, "%v %s;", p, br.echo)
		}
	}
	for _, b := range bodies {
		want := read(iotest.OneByteReader(strings.NewReader(b)))
		if got := read(strings.NewReader(b)); got != want {
			t.Errorf("%s:\n got %s\nwant %s", b, got, want)
		}
	}
}

// TestBatchReaderEcho: a point's text is echoed as it came, and is valid
// JSON; a number that is not a JSON number (which ParseFloat would read:
// +122.05, .5, 0x1p6, 1., Inf) is refused, in a JSON body and in an NDJSON
// line alike (issue 16: the parser was lenient).
func TestBatchReaderEcho(t *testing.T) {
	for _, tc := range []struct {
		body   string
		ndjson bool
		want   []string
	}{
		{`{"points":[[122.0500, 30.10],[1.2205e2,-0],[ 122 ,3E1 ]]}`, false, []string{"122.0500,30.10", "1.2205e2,-0", "122,3E1"}},
		{"122.05,0.5\n[122.050,30]\n64,1\n", true, []string{"122.05,0.5", "122.050,30", "64,1"}},
	} {
		br := newBatchReader(strings.NewReader(tc.body), tc.ndjson)
		var got []string
		for {
			_, err := br.next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", tc.body, err)
			}
			got = append(got, string(br.echo))
			if !json.Valid([]byte("[" + string(br.echo) + "]")) {
				t.Errorf("%s: echo %s is not JSON", tc.body, br.echo)
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%s: echoed %q, want %q", tc.body, got, tc.want)
		}
	}
	for _, tc := range []struct {
		body   string
		ndjson bool
		want   string
	}{
		{"+122.05,30\n", true, `"+122.05" is not a JSON number`},
		{"122.05,.5\n", true, `".5" is not a JSON number`},
		{"0x1p6,30\n", true, `"0x1p6" is not a JSON number`},
		{"[122.05,Inf]\n", true, `"Inf" is not a JSON number`},
		{`{"points":[[122.05,30.]]}`, false, `"30." is not a JSON number`},
		{`{"points":[[1_22,30]]}`, false, `"1_22" is not a JSON number`},
		{`{"points":[[122,30][122.1,30.1]]}`, false, `want ',' or ']' after a point, found '['`},
		{`{"points":[[122,30] [122.1,30.1]]}`, false, `want ',' or ']' after a point, found '['`},
	} {
		br := newBatchReader(strings.NewReader(tc.body), tc.ndjson)
		var err error
		for err == nil {
			_, err = br.next()
		}
		if errors.Is(err, io.EOF) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error naming %s", tc.body, err, tc.want)
		}
	}
}

// TestBatchReaderSubsetOfJSON: the batch parser is strict JSON — every
// body it accepts whole, encoding/json accepts too, with the same crs and
// the same numbers (a differential test over mutations of valid bodies:
// bytes dropped, doubled, replaced by JSON punctuation or by number
// characters).
func TestBatchReaderSubsetOfJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 1))
	seeds := []string{
		`{"crs":"wgs84","points":[[122.05,30.05],[122.1,-30.2e1],[0,0]]}`,
		`{"points":[ [ 122.0500 , 30.10 ] , [1.2205e2,-0] ],"crs":"gcj02"}`,
		`{"points":[]}`,
	}
	punct := []byte(`[]{},:" -+.eE0123456789x`)
	accepted := 0
	for range 20000 {
		b := []byte(seeds[rng.IntN(len(seeds))])
		for range 1 + rng.IntN(3) {
			i := rng.IntN(len(b))
			switch rng.IntN(3) {
			case 0:
				b = append(b[:i:i], b[i+1:]...)
			case 1:
				b = append(b[:i+1:i+1], b[i:]...)
			case 2:
				b[i] = punct[rng.IntN(len(punct))]
			}
		}
		br := newBatchReader(bytes.NewReader(b), false)
		var ours [][2]float64
		var err error
		for {
			var p [2]float64
			if p, err = br.next(); err != nil {
				break
			}
			ours = append(ours, p)
		}
		if !errors.Is(err, io.EOF) {
			continue // refused: nothing to compare
		}
		accepted++
		var theirs struct {
			CRS    *string      `json:"crs"`
			Points [][2]float64 `json:"points"`
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if jerr := dec.Decode(&theirs); jerr != nil {
			t.Fatalf("%s: accepted by the batch parser, refused by encoding/json: %v", b, jerr)
		}
		if fmt.Sprint(ours) != fmt.Sprint(theirs.Points) || (theirs.CRS != nil && *theirs.CRS != br.crs) {
			t.Fatalf("%s: the batch parser read %v (crs %q), encoding/json %v (crs %v)", b, ours, br.crs, theirs.Points, theirs.CRS)
		}
	}
	t.Logf("%d of 20000 mutated bodies accepted, each as encoding/json reads it", accepted)
}
