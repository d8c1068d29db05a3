package jsonnum

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// TestParse: the same float64, bit for bit, as strconv.ParseFloat,
// and the same verdict on errors, on a million random numbers of every
// length and exponent (the fast path and the fallback both), and the JSON
// number grammar decided right on hand-picked texts.
func TestParse(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	texts := []string{"0", "-0", "1", "-1", "0.5", "122.05", "30.000000000000001", "1e22", "1e23", "123456789012345", "1234567890123456", "12345678901234567890123", "0.000000000000000000000001", "9007199254740993", "4.9e-324", "1.7976931348623157e308", "1e309", "-1e-400", "0e5", "0.0000001234567890123"}
	for range 1_000_000 {
		texts = append(texts, randomNumber(rng))
	}
	for range 1_000_000 { // coordinates printed in full: 16 to 19 digits
		x := (rng.Float64() - 0.5) * 360
		texts = append(texts, strconv.FormatFloat(x, 'f', -1, 64), strconv.FormatFloat(x, 'f', 16-len(strconv.Itoa(int(math.Abs(x)))), 64))
	}
	for _, s := range texts {
		got, isJSON, err := Parse([]byte(s))
		want, werr := strconv.ParseFloat(s, 64)
		if (err != nil) != (werr != nil) || math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("Parse(%q) = %v (%x), %v; strconv: %v (%x), %v", s, got, math.Float64bits(got), err, want, math.Float64bits(want), werr)
		}
		if werr == nil && !isJSON {
			t.Fatalf("Parse(%q): not taken for a JSON number", s)
		}
	}
	for _, tc := range []struct {
		s      string
		isJSON bool
	}{
		{"+1", false}, {".5", false}, {"5.", false}, {"01", false}, {"1e", false}, {"1e+", false}, {"-", false}, {"", false},
		{"0x1p3", false}, {"Inf", false}, {"NaN", false}, {"1_0", false}, {"1.5e3x", false}, {" 1", false},
		{"-0.0e-0", true}, {"1E+2", true}, {"10", true}, {"0.25", true},
	} {
		_, isJSON, _ := Parse([]byte(tc.s))
		if isJSON != tc.isJSON {
			t.Errorf("Parse(%q): JSON number %v, want %v", tc.s, isJSON, tc.isJSON)
		}
	}
}

// randomNumber writes a decimal number of 1 to 25 digits with a decimal
// point anywhere, sometimes a sign and an exponent.
func randomNumber(rng *rand.Rand) string {
	var b []byte
	if rng.IntN(4) == 0 {
		b = append(b, '-')
	}
	n := 1 + rng.IntN(25)
	dot := -1
	if rng.IntN(5) > 0 {
		dot = rng.IntN(n)
	}
	for i := range n {
		d := byte('0' + rng.IntN(10))
		if i == 0 && dot != 0 && d == '0' {
			d = '1'
		}
		b = append(b, d)
		if i == dot && i < n-1 {
			b = append(b, '.')
		}
	}
	if rng.IntN(4) == 0 {
		b = append(b, 'e')
		b = strconv.AppendInt(b, int64(rng.IntN(80)-40), 10)
	}
	return string(b)
}
