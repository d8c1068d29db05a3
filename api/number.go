package api

import (
	"strconv"
)

// pow10 are the powers of ten that a float64 holds exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// parseNumber parses a coordinate's text: exactly what strconv.ParseFloat
// gives, and whether the text is a JSON number (RFC 8259:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?), which an answer may echo
// as it came. A JSON number of at most 15 significant digits and a
// decimal exponent within ±22, the form coordinates come in, is converted
// here: its digits and the power of ten are both exact in a float64, so
// one multiplication or division, correctly rounded, is the correctly
// rounded value (Clinger's fast path, which strconv also takes, after
// more general work). Anything else goes to strconv.ParseFloat.
func parseNumber(t []byte) (f float64, isJSON bool, err error) {
	mant, digits, exp, isJSON := scanNumber(t)
	if isJSON && digits <= 15 && exp >= -22 && exp <= 22 {
		f = float64(mant)
		if exp < 0 {
			f /= pow10[-exp]
		} else {
			f *= pow10[exp]
		}
		if t[0] == '-' {
			f = -f
		}
		return f, true, nil
	}
	f, err = strconv.ParseFloat(string(t), 64)
	return f, isJSON && err == nil, err
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
