package param

import (
	"encoding/json"
	"math"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/wangge/wangge/partition"
)

// FuzzCheck: Check and Once on a raw query never panic, refuse only with a
// partition.Invalid error, and agree with url.ParseQuery (what gin reads):
// a query Check passes has no ';' and no name that ParseQuery reads but
// the endpoint does not accept, and a query ParseQuery reads without error
// and with accepted names only passes Check; a query Once passes gives
// ParseQuery no name twice; each detail of a refusal names a name that is
// not accepted.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{
		"", "&", "&&", "=", "==", "lon=1&lat=2&crs=gcj02&as_of=3", "lon=1&&lat=2&", "l%6Fn=1&lat=2",
		"lon=1&lat=2&cr=gcj02", "lon=1&lat=2&CRS=gcj02", "x=1&lon=1&y", "=1", "l%zzon=1", "lon=%zz",
		"lon=1;lat=2", ";", "lon+=1", "lo+n=1", "%6c%6f%6e=1", "lon=1&lon=2", "crs=1&cr%73=2", "a&a",
		"%", "%%", "%e5%b5%8a=1", "嵊泗=1", "lon=1#frag", "lon=1?lat=2", "\x00=1", "lon\t=1", "%00",
		strings.Repeat("lon=1&", 100),
	} {
		f.Add(s)
	}
	names := Names{"lon", "lat", "crs", "as_of"}
	f.Fuzz(func(t *testing.T, q string) {
		err := names.Check(q)
		if err != nil && partition.KindOf(err) != partition.Invalid {
			t.Fatalf("Check(%q) = %v of kind %q, want invalid", q, err, partition.KindOf(err))
		}
		values, perr := url.ParseQuery(q)
		allAccepted := true
		for k := range values {
			allAccepted = allAccepted && names.has(k)
		}
		if err == nil && (!allAccepted || strings.Contains(q, ";")) {
			t.Fatalf("Check(%q) passes; url.ParseQuery reads %v (%v)", q, values, perr)
		}
		if err != nil && perr == nil && allAccepted {
			t.Fatalf("Check(%q) = %v; url.ParseQuery reads only accepted names: %v", q, err, values)
		}
		if e, ok := err.(*partition.Error); ok {
			for _, p := range e.Problems {
				if names.has(p.Field) {
					t.Fatalf("Check(%q) = %v: a detail names %q, which is accepted", q, err, p.Field)
				}
			}
		}
		oerr := Once(q)
		if oerr != nil && partition.KindOf(oerr) != partition.Invalid {
			t.Fatalf("Once(%q) = %v of kind %q, want invalid", q, oerr, partition.KindOf(oerr))
		}
		for k, vs := range values {
			if oerr == nil && len(vs) > 1 {
				t.Fatalf("Once(%q) passes; url.ParseQuery reads %q %d times", q, k, len(vs))
			}
		}
	})
}

// FuzzMembers: Members never panics, refuses only with partition.Invalid,
// and passes exactly the bodies that encoding/json reads as one object
// whose member names (compared exactly) are all accepted.
func FuzzMembers(f *testing.F) {
	for _, s := range []string{
		``, ` `, `{}`, `[]`, `1`, `"x"`, `null`, ` null `, `{"parent":"330922000000","crs":"gcj02","households":{"a":1}}`,
		`{"Parent":1}`, `{"parent":1,"parent":2}`, `{"x":1}`, `{"parent":1} {}`, `{"par\u0065nt":1}`, `{"parent":NaN}`,
		"{\"parent\":\"\xff\"}", `{"parent":[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]}`, `{"parent":1e999}`,
	} {
		f.Add([]byte(s))
	}
	names := Names{"parent", "crs", "households"}
	f.Fuzz(func(t *testing.T, body []byte) {
		err := names.Members(body)
		if err != nil && partition.KindOf(err) != partition.Invalid {
			t.Fatalf("Members(%q) = %v of kind %q, want invalid", body, err, partition.KindOf(err))
		}
		var m map[string]json.RawMessage
		want := json.Unmarshal(body, &m) == nil && m != nil
		for k := range m {
			want = want && names.has(k)
		}
		if (err == nil) != want {
			t.Fatalf("Members(%q) = %v; encoding/json reads %v: want it to pass %v", body, err, m, want)
		}
	})
}

// FuzzFloat: Float and Floats never panic; Float passes exactly the
// texts (blanks around them aside) that strconv.ParseFloat reads as a
// finite number, and gives that number bit for bit; Floats is Float of
// each comma-separated part.
func FuzzFloat(f *testing.F) {
	for _, s := range []string{
		"", " ", "0", "-0", "+0", "1", " 122.05 ", "\t30\n", "1e308", "1e309", "-1e309", "1e-400", "4.9e-324",
		"NaN", "nan", "Inf", "+Inf", "-inf", "infinity", "0x1p6", "0x1.8p1", "1_000", "0x_1p0", ".5", "5.", "01",
		"1,2", "1,,2", ",", "1, 2 ,3", "1,NaN", "１", "1\u00a0", "\u00851", "1\u3000", "\x00",
		strings.Repeat("9", 400), "0." + strings.Repeat("0", 400) + "1",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := Float(s)
		want, werr := strconv.ParseFloat(strings.TrimSpace(s), 64)
		finite := werr == nil && !math.IsNaN(want) && !math.IsInf(want, 0)
		if (err == nil) != finite {
			t.Fatalf("Float(%q) = %v, %v; strconv: %v, %v", s, got, err, want, werr)
		}
		if err == nil && math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("Float(%q) = %v (%#x), strconv: %v (%#x)", s, got, math.Float64bits(got), want, math.Float64bits(want))
		}
		list, lerr := Floats(s)
		parts := strings.Split(s, ",")
		var firstErr error
		for i, p := range parts {
			x, perr := Float(p)
			if perr != nil {
				firstErr = perr
				break
			}
			if lerr == nil && math.Float64bits(list[i]) != math.Float64bits(x) {
				t.Fatalf("Floats(%q)[%d] = %v, Float(%q) = %v", s, i, list[i], p, x)
			}
		}
		if (lerr == nil) != (firstErr == nil) || lerr == nil && len(list) != len(parts) {
			t.Fatalf("Floats(%q) = %v, %v; want %d numbers or the error %v", s, list, lerr, len(parts), firstErr)
		}
	})
}
