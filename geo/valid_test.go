package geo

import (
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

func square(x, y, d float64) orb.Ring {
	return orb.Ring{{x, y}, {x + d, y}, {x + d, y + d}, {x, y + d}, {x, y}}
}

func TestCheckMultiPolygon(t *testing.T) {
	tests := []struct {
		name string
		mp   orb.MultiPolygon
		want string // substring of the error; "" for valid
	}{
		{"square", orb.MultiPolygon{{square(120, 30, 0.1)}}, ""},
		{"clockwise square", orb.MultiPolygon{{orb.Ring{{120, 30}, {120, 30.1}, {120.1, 30.1}, {120.1, 30}, {120, 30}}}}, ""},
		{"with hole", orb.MultiPolygon{{square(120, 30, 1), square(120.2, 30.2, 0.1)}}, ""},
		{"two parts sharing an edge", orb.MultiPolygon{{square(120, 30, 1)}, {square(121, 30, 1)}}, ""},
		{"two overlapping parts", orb.MultiPolygon{{square(120, 30, 1)}, {square(120.5, 30, 1)}}, ""},
		{"empty", orb.MultiPolygon{}, "empty"},
		{"no rings", orb.MultiPolygon{{}}, "no rings"},
		{"bow-tie", orb.MultiPolygon{{orb.Ring{{0, 0}, {1, 1}, {1, 0}, {0, 1}, {0, 0}}}}, "not simple"},
		{"three positions", orb.MultiPolygon{{orb.Ring{{0, 0}, {1, 1}, {0, 0}}}}, "at least 4"},
		{"not closed", orb.MultiPolygon{{orb.Ring{{0, 0}, {1, 0}, {1, 1}, {0, 1}}}}, "not closed"},
		{"NaN", orb.MultiPolygon{{orb.Ring{{0, 0}, {math.NaN(), 0}, {1, 1}, {0, 0}}}}, "finite"},
		{"lat out of range", orb.MultiPolygon{{square(120, 89.5, 1)}}, "outside"},
		{"lon out of range", orb.MultiPolygon{{square(179.5, 0, 1)}}, "outside"},
		{"hole outside shell", orb.MultiPolygon{{square(0, 0, 1), square(5, 5, 1)}}, "outside of exterior"},
		{"second part bow-tie", orb.MultiPolygon{{square(120, 30, 1)}, {orb.Ring{{0, 0}, {1, 1}, {1, 0}, {0, 1}, {0, 0}}}}, "polygon 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckMultiPolygon(tt.mp, DefaultLimits)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("got error %v, want none", err)
			case tt.want != "" && err == nil:
				t.Fatalf("got no error, want one containing %q", tt.want)
			case tt.want != "" && !strings.Contains(err.Error(), tt.want):
				t.Fatalf("got error %q, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestCheckMultiPolygonLimits(t *testing.T) {
	mp := orb.MultiPolygon{{square(0, 0, 1)}, {square(2, 0, 1)}}
	if err := CheckMultiPolygon(mp, Limits{MaxPolygons: 1}); err == nil {
		t.Fatal("2 polygons passed a limit of 1")
	}
	if err := CheckMultiPolygon(mp, Limits{MaxVertices: 6}); err == nil {
		t.Fatal("10 vertices passed a limit of 6")
	}
}
