// Package jsonnum parses the numbers of a JSON body fast and exactly: the
// coordinates of a route batch, millions a second.
package jsonnum

import (
	"math"
	"math/bits"
	"strconv"
)

// pow10 are the powers of ten that a float64 holds exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// Parse parses a number's text: exactly what strconv.ParseFloat gives
// (the float64 nearest to it, ties to even), and whether the text is a
// JSON number (RFC 8259: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?),
// which an answer may echo as it came. Two forms that coordinates come in
// are converted here, each exactly:
//   - at most 15 significant digits and a power of ten within ±22: both
//     are exact in a float64, so one multiplication or division, correctly
//     rounded, gives the correctly rounded value (Clinger's fast path);
//   - 16 to 19 significant digits over a power of ten up to 10^19 (a
//     coordinate printed in full, 122.21285098519739): the quotient is
//     computed in 128-bit integers to 62 bits or more, with a sticky bit
//     for the remainder, and rounded to 53 bits once (see quotient).
//
// Anything else goes to strconv.ParseFloat.
func Parse(t []byte) (f float64, isJSON bool, err error) {
	mant, digits, exp, isJSON := scanNumber(t)
	if isJSON {
		ok := false
		switch {
		case digits <= 15 && exp >= -22 && exp <= 22:
			f, ok = float64(mant), true
			if exp < 0 {
				f /= pow10[-exp]
			} else {
				f *= pow10[exp]
			}
		case digits <= 19 && exp < 0 && exp >= -19:
			f, ok = quotient(mant, uint64(pow10[-exp]))
		}
		if ok {
			if t[0] == '-' {
				f = -f
			}
			return f, true, nil
		}
	}
	f, err = strconv.ParseFloat(string(t), 64)
	return f, isJSON && err == nil, err
}

// quotient is n/d rounded to the nearest float64, ties to even, for
// n, d > 0 (d a power of ten up to 10^19, exact in a float64 and a
// uint64); ok is false for n = 0. Both are shifted so that their top bits
// are set; n·2^63 / d then has 62 to 64 bits, of which the top 53 are
// kept, rounded by the bits below them and by whether the division left a
// remainder: the one rounding of the exact quotient. The result is a
// 53-bit integer times a power of two, whose bits are written directly
// (quotients of such n and d are far from the subnormal range).
func quotient(n, d uint64) (float64, bool) {
	if n == 0 {
		return 0, false
	}
	ln, ld := bits.LeadingZeros64(n), bits.LeadingZeros64(d)
	n, d = n<<ln, d<<ld
	q, r := bits.Div64(n>>1, n<<63, d) // n>>1 < 2^63 <= d: no overflow
	shift := 64 - bits.LeadingZeros64(q) - 53
	m := q >> shift
	rest, half := q&(1<<shift-1), uint64(1)<<(shift-1)
	if rest > half || rest == half && (r != 0 || m&1 == 1) {
		m++
		if m == 1<<53 {
			m, shift = m>>1, shift+1
		}
	}
	// m·2^e with m of 53 bits is 1.f·2^(e+52): its bits, when normal.
	if e := shift + ld - ln - 63 + 52 + 1023; e > 0 && e < 0x7FF {
		return math.Float64frombits(uint64(e)<<52 | m&(1<<52-1)), true
	}
	return math.Ldexp(float64(m), shift+ld-ln-63), true
}

// scanNumber checks that t is a JSON number and reads its significant
// digits (mant, digits of them, leading zeros not counted; up to 19, more
// only counted) and the power of ten they are scaled by.
func scanNumber(t []byte) (mant uint64, digits, exp int, ok bool) {
	i := 0
	if i < len(t) && t[i] == '-' {
		i++
	}
	switch {
	case i < len(t) && t[i] == '0':
		i++
	case i < len(t) && t[i] >= '1' && t[i] <= '9':
		for ; i < len(t) && t[i] >= '0' && t[i] <= '9'; i++ {
			mant, digits = addDigit(mant, digits, t[i])
		}
	default:
		return 0, 0, 0, false
	}
	if i < len(t) && t[i] == '.' {
		i++
		start := i
		for ; i < len(t) && t[i] >= '0' && t[i] <= '9'; i++ {
			mant, digits = addDigit(mant, digits, t[i])
			exp--
		}
		if i == start {
			return 0, 0, 0, false
		}
	}
	if i < len(t) && (t[i] == 'e' || t[i] == 'E') {
		i++
		neg := false
		if i < len(t) && (t[i] == '+' || t[i] == '-') {
			neg = t[i] == '-'
			i++
		}
		start, e := i, 0
		for ; i < len(t) && t[i] >= '0' && t[i] <= '9'; i++ {
			if e < 10000 {
				e = e*10 + int(t[i]-'0')
			}
		}
		if i == start {
			return 0, 0, 0, false
		}
		if neg {
			e = -e
		}
		exp += e
	}
	return mant, digits, exp, i == len(t)
}

// addDigit appends digit c to mant; digits counts the significant digits
// (from the first that is not 0). Past 19 the mantissa stops changing and
// only the count grows, which sends the number to strconv.
func addDigit(mant uint64, digits int, c byte) (uint64, int) {
	if digits == 0 && c == '0' {
		return 0, 0
	}
	if digits < 19 {
		mant = mant*10 + uint64(c-'0')
	}
	return mant, digits + 1
}
