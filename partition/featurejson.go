package partition

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/paulmach/orb"
)

// AppendFeature appends u as a GeoJSON Feature to dst: byte for byte what
// json.Marshal writes for Feature(u, transform), without building the
// feature, its property map or the reflection over them (the stores'
// listings stream tens of thousands of units a second through it).
func AppendFeature(dst []byte, u *Unit, transform func(orb.Geometry) orb.Geometry) ([]byte, error) {
	dst = append(dst, `{"id":`...)
	dst = AppendJSONString(dst, string(u.Code))
	dst = append(dst, `,"type":"Feature","geometry":`...)
	if u.Geometry == nil {
		dst = append(dst, "null"...)
	} else {
		var g orb.Geometry = u.Geometry
		if transform != nil {
			g = transform(orb.Clone(u.Geometry))
		}
		mp, ok := g.(orb.MultiPolygon)
		if !ok {
			return dst, fmt.Errorf("encode unit %s: geometry %T after transform, want a MultiPolygon", u.Code, g)
		}
		dst = appendMultiPolygon(dst, mp)
	}
	dst = append(dst, `,"properties":{`...)
	// The properties FeatureProperties names, in key order, then the free
	// ones merged in.
	named := [...]string{"code", "households", "kind", "level", "name", "network", "parent", "population", "staff"}
	keys := named[:]
	if len(u.Props) > 0 {
		keys = slices.Clone(keys)
		for k := range u.Props {
			if !slices.Contains(named[:], k) {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
	}
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = AppendJSONString(dst, k)
		dst = append(dst, ':')
		var err error
		if dst, err = appendProperty(dst, u, k); err != nil {
			return dst, err
		}
	}
	return append(dst, "}}"...), nil
}

// appendProperty appends the value of property k of u.
func appendProperty(dst []byte, u *Unit, k string) ([]byte, error) {
	switch k {
	case "code":
		return AppendJSONString(dst, string(u.Code)), nil
	case "households":
		return strconv.AppendInt(dst, int64(u.Households), 10), nil
	case "kind":
		return AppendJSONString(dst, string(u.Kind)), nil
	case "level":
		return AppendJSONString(dst, string(u.Level)), nil
	case "name":
		return AppendJSONString(dst, u.Name), nil
	case "network":
		return AppendJSONString(dst, string(u.Network)), nil
	case "parent":
		if u.Parent == "" {
			return append(dst, "null"...), nil
		}
		return AppendJSONString(dst, string(u.Parent)), nil
	case "population":
		return strconv.AppendInt(dst, int64(u.Population), 10), nil
	case "staff":
		dst = append(dst, '[')
		for i, s := range u.Staff {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, `{"role":`...)
			dst = AppendJSONString(dst, s.Role)
			dst = append(dst, `,"name":`...)
			dst = AppendJSONString(dst, s.Name)
			if s.Phone != "" {
				dst = append(dst, `,"phone":`...)
				dst = AppendJSONString(dst, s.Phone)
			}
			dst = append(dst, '}')
		}
		return append(dst, ']'), nil
	}
	b, err := json.Marshal(u.Props[k])
	if err != nil {
		return dst, fmt.Errorf("encode unit %s: property %s: %w", u.Code, k, err)
	}
	return append(dst, b...), nil
}

// appendMultiPolygon appends mp as a GeoJSON geometry.
func appendMultiPolygon(dst []byte, mp orb.MultiPolygon) []byte {
	dst = append(dst, `{"type":"MultiPolygon","coordinates":`...)
	if mp == nil {
		return append(dst, "null}"...)
	}
	dst = append(dst, '[')
	for i, pg := range mp {
		if i > 0 {
			dst = append(dst, ',')
		}
		if pg == nil {
			dst = append(dst, "null"...)
			continue
		}
		dst = append(dst, '[')
		for j, r := range pg {
			if j > 0 {
				dst = append(dst, ',')
			}
			if r == nil {
				dst = append(dst, "null"...)
				continue
			}
			dst = append(dst, '[')
			for k, p := range r {
				if k > 0 {
					dst = append(dst, ',')
				}
				dst = append(dst, '[')
				dst = appendJSONFloat(dst, p[0])
				dst = append(dst, ',')
				dst = appendJSONFloat(dst, p[1])
				dst = append(dst, ']')
			}
			dst = append(dst, ']')
		}
		dst = append(dst, ']')
	}
	return append(dst, "]}"...)
}

// appendJSONFloat appends f as encoding/json writes a float64 (finite, as
// stored coordinates are): the shortest form, with an exponent only below
// 1e-6 or from 1e21 on, and no leading zero in a negative exponent.
func appendJSONFloat(dst []byte, f float64) []byte {
	format := byte('f')
	if a := math.Abs(f); a != 0 && (a < 1e-6 || a >= 1e21) {
		format = 'e'
	}
	dst = strconv.AppendFloat(dst, f, format, -1, 64)
	if format == 'e' {
		// e-09 → e-9, as encoding/json writes it
		if n := len(dst); n >= 4 && dst[n-4] == 'e' && dst[n-3] == '-' && dst[n-2] == '0' {
			dst[n-2] = dst[n-1]
			dst = dst[:n-1]
		}
	}
	return dst
}

// AppendJSONString appends s as a JSON string as encoding/json writes it:
// the common case (no character it escapes) copied as it is, any other
// string through json.Marshal.
func AppendJSONString(dst []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
				return appendMarshalled(dst, s)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r == '\u2028' || r == '\u2029' {
			return appendMarshalled(dst, s)
		}
		i += size
	}
	dst = append(dst, '"')
	dst = append(dst, s...)
	return append(dst, '"')
}

func appendMarshalled(dst []byte, s string) []byte {
	b, _ := json.Marshal(s) // a string always encodes
	return append(dst, b...)
}
