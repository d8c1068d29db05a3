package geo

import (
	"math"
	"math/big"

	"github.com/paulmach/orb"
)

// orientErrBound is Shewchuk's bound on the relative error of the
// floating-point orientation determinant (ccwerrboundA, (3+16ε)ε with
// ε = 2⁻⁵³): when |det| exceeds it times the sum of the magnitudes of its two
// products, the sign of the float result is the sign of the exact one.
const orientErrBound = (3 + 16*0x1p-53) * 0x1p-53

// Orient returns the sign of the exact orientation determinant of a, b, c:
// +1 when c lies to the left of the directed line a→b (a, b, c counter-
// clockwise), -1 when to the right, 0 when the three points are exactly
// collinear. A float filter decides almost every case; the rest are
// computed exactly with rational arithmetic, so the answer never depends on
// rounding.
func Orient(a, b, c orb.Point) int {
	l := (b[0] - a[0]) * (c[1] - a[1])
	r := (b[1] - a[1]) * (c[0] - a[0])
	det := l - r
	if bound := orientErrBound * (math.Abs(l) + math.Abs(r)); det > bound {
		return 1
	} else if -det > bound {
		return -1
	}
	return orientExact(a, b, c)
}

// orientExact evaluates the determinant with exact rationals.
func orientExact(a, b, c orb.Point) int {
	rat := func(f float64) *big.Rat { return new(big.Rat).SetFloat64(f) }
	ax, ay, bx, by, cx, cy := rat(a[0]), rat(a[1]), rat(b[0]), rat(b[1]), rat(c[0]), rat(c[1])
	l := new(big.Rat).Mul(new(big.Rat).Sub(bx, ax), new(big.Rat).Sub(cy, ay))
	r := new(big.Rat).Mul(new(big.Rat).Sub(by, ay), new(big.Rat).Sub(cx, ax))
	return l.Cmp(r)
}
