package router

import (
	"encoding/json"
	"math"
	"strconv"
	"time"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/partition"
)

// unitJSON is a unit as it appears in a chain.
type unitJSON struct {
	Code    partition.Code    `json:"code"`
	Name    string            `json:"name"`
	Level   partition.Level   `json:"level"`
	Network partition.Network `json:"network"`
	Kind    partition.Kind    `json:"kind"`
	Staff   []partition.Staff `json:"staff"`
}

type refJSON struct {
	Code  partition.Code  `json:"code"`
	Name  string          `json:"name"`
	Level partition.Level `json:"level"`
}

// fragments are a unit's encoded members (code to kind), chain and short
// reference, made once per index and unit on first use, in one buffer so
// that an answer reads them from one place.
type fragments struct{ buf, head, chain, ref []byte }

func (ix *Index) fragments(i int32) *fragments {
	if f := ix.frags[i].Load(); f != nil {
		return f
	}
	e := &ix.units[i]
	u := &e.unit
	buf := appendString(nil, string(u.Code))
	buf = append(buf, `,"name":`...)
	buf = appendString(buf, u.Name)
	buf = append(buf, `,"level":"`...)
	buf = append(buf, u.Level...)
	buf = append(buf, `","network":"`...)
	buf = append(buf, u.Network...)
	buf = append(buf, `","kind":"`...)
	buf = append(buf, u.Kind...)
	buf = append(buf, '"')
	head := len(buf)
	buf = append(buf, '[')
	for j, k := range e.chain {
		c := &ix.units[k].unit
		if j > 0 {
			buf = append(buf, ',')
		}
		staff := c.Staff
		if staff == nil {
			staff = []partition.Staff{}
		}
		b, _ := json.Marshal(unitJSON{c.Code, c.Name, c.Level, c.Network, c.Kind, staff})
		buf = append(buf, b...)
	}
	buf = append(buf, ']')
	chain := len(buf)
	b, _ := json.Marshal(refJSON{u.Code, u.Name, u.Level})
	buf = append(buf, b...)
	f := &fragments{buf: buf, head: buf[:head:head], chain: buf[head:chain:chain], ref: buf[chain:]}
	ix.frags[i].Store(f)
	return f
}

// AppendJSON appends r as one JSON object to dst: the point as given (in,
// in the caller's coordinate system), the unit's code (null when
// unresolved), name, level, network and kind, resolved, approximate,
// distance_m (centimetres), near_boundary, neighbor and nearest (short
// references or null), chain (root first, each unit with its staff) and the
// version with its publication time.
func AppendJSON(dst []byte, r *Result, in [2]float64) []byte {
	dst = append(dst, `{"point":[`...)
	dst = strconv.AppendFloat(dst, in[0], 'f', -1, 64)
	dst = append(dst, ',')
	dst = strconv.AppendFloat(dst, in[1], 'f', -1, 64)
	dst = append(dst, `],"code":`...)
	ix := r.ix
	var f *fragments
	if r.unit >= 0 {
		f = ix.fragments(r.unit)
		dst = append(dst, f.head...)
	} else {
		dst = append(dst, `null,"name":null,"level":null,"network":null,"kind":null`...)
	}
	dst = append(dst, `,"resolved":`...)
	dst = strconv.AppendBool(dst, r.Resolved)
	dst = append(dst, `,"approximate":`...)
	dst = strconv.AppendBool(dst, r.Approximate)
	dst = append(dst, `,"distance_m":`...)
	if r.unit >= 0 || r.nearest >= 0 {
		dst = appendCentimetres(dst, r.Distance)
	} else {
		dst = append(dst, "null"...)
	}
	dst = append(dst, `,"near_boundary":`...)
	dst = strconv.AppendBool(dst, r.NearBoundary)
	dst = append(dst, `,"neighbor":`...)
	dst = ix.appendRef(dst, r.neighbor)
	dst = append(dst, `,"nearest":`...)
	dst = ix.appendRef(dst, r.nearest)
	dst = append(dst, `,"chain":`...)
	if f != nil {
		dst = append(dst, f.chain...)
	} else {
		dst = append(dst, "[]"...)
	}
	return append(dst, ix.tail...)
}

// versionTail is the end of every result of the index: the version, its
// publication time and the closing brace.
func versionTail(v partition.Version) []byte {
	dst := append([]byte(`,"version":`), strconv.FormatInt(v.Number, 10)...)
	dst = append(dst, `,"published_at":`...)
	if v.Number > 0 {
		dst = append(dst, '"')
		dst = v.PublishedAt.AppendFormat(dst, time.RFC3339Nano)
		dst = append(dst, '"')
	} else {
		dst = append(dst, "null"...)
	}
	return append(dst, '}')
}

// appendCentimetres appends d rounded to the centimetre in its shortest
// form, as strconv.AppendFloat(math.Round(d*100)/100, 'f', -1) would
// ("12", "12.3", "12.05") but without the float formatting.
func appendCentimetres(dst []byte, d geo.Meters) []byte {
	c := math.Round(float64(d) * 100)
	if !(c >= 0 && c < 1e15) {
		return strconv.AppendFloat(dst, c/100, 'f', -1, 64)
	}
	n := int64(c)
	dst = strconv.AppendInt(dst, n/100, 10)
	switch f := n % 100; {
	case f == 0:
	case f%10 == 0:
		dst = append(dst, '.', byte('0'+f/10))
	default:
		dst = append(dst, '.', byte('0'+f/10), byte('0'+f%10))
	}
	return dst
}

func (ix *Index) appendRef(dst []byte, i int32) []byte {
	if i < 0 {
		return append(dst, "null"...)
	}
	return append(dst, ix.fragments(i).ref...)
}

// appendString appends s as a JSON string.
func appendString(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' {
			b, _ := json.Marshal(s)
			return append(dst, b...)
		}
	}
	dst = append(dst, '"')
	dst = append(dst, s...)
	return append(dst, '"')
}
