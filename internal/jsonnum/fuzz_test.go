package jsonnum

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"testing"
)

// FuzzParse: Parse against strconv.ParseFloat and encoding/json. It fails
// exactly when strconv does, and otherwise gives strconv's float64 bit for
// bit (NaN aside, whose bits strconv does not promise); isJSON is true
// exactly when the text is one JSON number (RFC 8259, as encoding/json
// decides it, nothing around it) that strconv reads without error.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"", " ", "0", "-0", "-", "+", ".", "e", "1", "-1", "+1", ".5", "5.", "01", "-01", "00", "0.", "-.5",
		"1e", "1e+", "1e-", "1E+2", "1e-0", "-0.0e-0", "0e5", "0e999999999", "1e99999999999999999999",
		"122.05", "30.000000000000001", "122.21285098519739", "0.1", "0.30000000000000004",
		"1e22", "1e23", "1e-22", "1e-23", "123456789012345", "1234567890123456", "9007199254740993",
		"12345678901234567890", "123456789012345678901234567890", "0.0000000000000000000000001",
		"4.9e-324", "2.4703282292062327e-324", "2.4703282292062328e-324", "2.2250738585072011e-308",
		"1.7976931348623157e308", "1.7976931348623158e308", "1.7976931348623159e308", "1e309", "-1e-400",
		"NaN", "nan", "Inf", "-Inf", "+Inf", "infinity", "0x1p3", "0x1.8p-1", "0X1P-2", "1_000", "0x_1p0",
		" 1", "1 ", "\t1", "1\n", "1.5e3x", "１", "١", "1\u00a0", "\x00", "--1", "1e+-2", "1.2.3",
		strings.Repeat("9", 400), "0." + strings.Repeat("0", 400) + "1", "1" + strings.Repeat("0", 30) + "e-30",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, text []byte) {
		got, isJSON, err := Parse(text)
		want, werr := strconv.ParseFloat(string(text), 64)
		if (err != nil) != (werr != nil) {
			t.Fatalf("Parse(%q): error %v, strconv: %v", text, err, werr)
		}
		if err == nil && math.Float64bits(got) != math.Float64bits(want) && !(math.IsNaN(got) && math.IsNaN(want)) {
			t.Fatalf("Parse(%q) = %v (%#x), strconv: %v (%#x)", text, got, math.Float64bits(got), want, math.Float64bits(want))
		}
		if wantJSON := werr == nil && isJSONNumber(text); isJSON != wantJSON {
			t.Fatalf("Parse(%q): isJSON %v, want %v (strconv error %v, encoding/json number %v)", text, isJSON, wantJSON, werr, isJSONNumber(text))
		}
	})
}

// isJSONNumber reports whether t is one JSON number and nothing else, as
// encoding/json reads it.
func isJSONNumber(t []byte) bool {
	if len(t) == 0 || !bytes.Equal(bytes.TrimSpace(t), t) || !json.Valid(t) {
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(t))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return false
	}
	_, ok := v.(json.Number)
	return ok
}
