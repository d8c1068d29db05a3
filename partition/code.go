package partition

import (
	"fmt"
	"strings"
)

// Code is a unit's division code: the 12-digit statistical code (province 2,
// city 2, county 2, town 3, village 3) for administrative units, plus 3
// digits for a grid and 3 more for a micro-grid.
type Code string

// segment boundaries of the 12-digit code: province, city, county, town, village.
var codeSegments = [...]int{2, 4, 6, 9, 12}

// Significant returns the code without its trailing all-zero levels, the
// prefix that every child's code starts with: 320402000000 → 320402,
// 320402001000 → 320402001. Grid and micro-grid codes are significant whole.
func (c Code) Significant() string {
	s := string(c)
	if len(s) != 12 {
		return s
	}
	for i := len(codeSegments) - 1; i > 0; i-- {
		if strings.Trim(s[codeSegments[i-1]:codeSegments[i]], "0") != "" {
			return s[:codeSegments[i]]
		}
	}
	return s[:codeSegments[0]]
}

// codeLength is the number of digits a code has at each level.
func codeLength(l Level) int {
	switch l {
	case LevelGrid:
		return 15
	case LevelMicrogrid:
		return 18
	}
	return 12
}

// significantLength is how many digits of a 12-digit administrative code are
// significant at each administrative level.
func significantLength(l Level) int {
	switch l {
	case LevelCity:
		return 4
	case LevelDistrict:
		return 6
	case LevelStreet:
		return 9
	}
	return 12
}

// CheckFormat checks that c has the shape of a code at level l: all digits,
// 12/15/18 long, and for administrative levels exactly the significant
// digits of that level (a district 320402000000, a street 320402001000).
func (c Code) CheckFormat(l Level) error {
	s := string(c)
	if s == "" {
		return fmt.Errorf("code is empty")
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return fmt.Errorf("code %q has a non-digit", s)
		}
	}
	if want := codeLength(l); len(s) != want {
		return fmt.Errorf("code %q has %d digits, a %s code has %d", s, len(s), l, want)
	}
	if l == LevelGrid || l == LevelMicrogrid {
		if strings.Trim(s[len(s)-3:], "0") == "" {
			return fmt.Errorf("code %q: a %s code must not end in 000", s, l)
		}
		return nil
	}
	if got, want := len(c.Significant()), significantLength(l); got != want {
		return fmt.Errorf("code %q has %d significant digits, a %s code has %d", s, got, l, want)
	}
	return nil
}

// HasParent reports whether c lies in parent's code space: it starts with the
// parent's significant prefix and is not the parent itself.
func (c Code) HasParent(parent Code) bool {
	return c != parent && strings.HasPrefix(string(c), parent.Significant())
}

// ChildCode is the code of the n-th child (n from 1 to 999) at level under
// parent: a grid appends 3 digits to its community's 12-digit code, a
// micro-grid 3 to its grid's 15; a street takes the town digits of a
// district's code, a community the village digits of a street's. The error
// says why a level cannot be a child of parent.
func ChildCode(parent Code, level Level, n int) (Code, error) {
	if n < 1 || n > 999 {
		return "", fmt.Errorf("child number %d of %s: codes have room for 1–999 under one parent", n, parent)
	}
	p := string(parent)
	switch level {
	case LevelGrid:
		if len(p) == 12 && parent.CheckFormat(LevelCommunity) == nil {
			return Code(fmt.Sprintf("%s%03d", p, n)), nil
		}
	case LevelMicrogrid:
		if parent.CheckFormat(LevelGrid) == nil {
			return Code(fmt.Sprintf("%s%03d", p, n)), nil
		}
	case LevelStreet:
		if parent.CheckFormat(LevelDistrict) == nil {
			return Code(fmt.Sprintf("%s%03d000", p[:6], n)), nil
		}
	case LevelCommunity:
		if parent.CheckFormat(LevelStreet) == nil {
			return Code(fmt.Sprintf("%s%03d", p[:9], n)), nil
		}
	default:
		return "", fmt.Errorf("cannot make a child at level %q: want street, community, grid or microgrid", level)
	}
	return "", fmt.Errorf("a %s cannot be a child of %s: its code does not have the shape of the level above", level, parent)
}
