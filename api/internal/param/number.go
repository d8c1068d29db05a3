package param

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Float parses a parameter's number: finite (NaN and ±Inf, which
// strconv.ParseFloat accepts, say nothing a client could mean), in Go's
// decimal syntax.
func Float(s string) (float64, error) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, fmt.Errorf("%q is not a finite number", s)
	}
	return f, nil
}

// Floats parses a comma-separated list of finite numbers (Float).
func Floats(s string) ([]float64, error) {
	parts := strings.Split(s, ",")
	out := make([]float64, len(parts))
	for i, p := range parts {
		f, err := Float(p)
		if err != nil {
			return nil, err
		}
		out[i] = f
	}
	return out, nil
}
