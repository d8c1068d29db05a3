package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
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

// TestBatchReaderEcho: a point's text is echoed as it came when its numbers
// are JSON numbers, in their shortest form when they are not (NDJSON takes
// lon,lat lines that ParseFloat reads), and always as valid JSON.
func TestBatchReaderEcho(t *testing.T) {
	for _, tc := range []struct {
		body   string
		ndjson bool
		want   []string
	}{
		{`{"points":[[122.0500, 30.10],[1.2205e2,-0],[ 122 ,3E1 ]]}`, false, []string{"122.0500,30.10", "1.2205e2,-0", "122,3E1"}},
		{"+122.05,.5\n[122.050,30]\n0x1p6,1.\n", true, []string{"122.05,0.5", "122.050,30", "64,1"}},
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
}
