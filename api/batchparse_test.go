package api

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// TestBatchReaderFastPath: reading a body from its buffer (the fast path
// of number) gives the same points and errors as reading it a byte at a
// time.
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
	}
	read := func(r io.Reader) string {
		br := newBatchReader(r, false)
		var out strings.Builder
		for {
			p, err := br.next()
			if errors.Is(err, io.EOF) {
				return out.String()
			}
			if err != nil {
				return out.String() + "error: " + err.Error()
			}
			fmt.Fprintf(&out, "%v;", p)
		}
	}
	for _, b := range bodies {
		want := read(iotest.OneByteReader(strings.NewReader(b)))
		if got := read(strings.NewReader(b)); got != want {
			t.Errorf("%s:\n got %s\nwant %s", b, got, want)
		}
	}
}
