package router

import (
	"encoding/json"
	"math"
	"strconv"
	"time"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/partition"
)

// encoded is every unit as it appears in a chain, encoded once when the
// index is built, in one buffer: a unit's short reference, the members of
// an answer that name it, and its chain entry are all slices of the one
// entry, and a chain is its units' entries, joined. Compact (about 100
// bytes a unit without staff) and laid out in the order the shapes are
// stored, so that the answers of points near each other read memory near
// each other.
type encoded struct {
	buf []byte
	at  []span // unit → its entry
}

// span locates a unit's entry in encoded.buf:
// buf[start:end] = {"code":…,"name":…,"level":"…","network":"…","kind":"…","staff":[…]};
// level and kind are where the level's and the kind's values end.
// buf[contact:contactEnd] is the unit's contact (see Result.Contact):
// {"code","role","name","phone"} of owner, the unit itself (its contact
// then follows its entry) or its nearest ancestor with staff, or null
// (owner -1).
type span struct {
	start, level, kind, end uint32
	contact, contactEnd     uint32
	parent, owner           int32
}

// codeKey is the text before the code's value in an entry.
const codeKey = `{"code":`

// encode fills ix.enc: null (the contact of a unit whose chain has no
// staff), the units with shapes in shape order, then the others, each with
// its own contact when it has staff; last, every other unit is given its
// nearest staffed ancestor's (inheritContacts).
func (ix *Index) encode() {
	e := &ix.enc
	e.at = make([]span, len(ix.units))
	e.buf = append(e.buf, contactNull...)
	for _, u := range ix.shapeUnit {
		ix.encodeUnit(u)
	}
	for i := range ix.units {
		if ix.units[i].shape < 0 {
			ix.encodeUnit(int32(i))
		}
	}
	ix.inheritContacts()
}

func (ix *Index) encodeUnit(i int32) {
	e := &ix.enc
	u := &ix.units[i].unit
	sp := span{start: uint32(len(e.buf)), parent: ix.units[i].parent}
	b := append(e.buf, codeKey...)
	b = partition.AppendJSONString(b, string(u.Code))
	b = append(b, `,"name":`...)
	b = partition.AppendJSONString(b, u.Name)
	b = append(b, `,"level":`...)
	b = partition.AppendJSONString(b, string(u.Level))
	sp.level = uint32(len(b))
	b = append(b, `,"network":`...)
	b = partition.AppendJSONString(b, string(u.Network))
	b = append(b, `,"kind":`...)
	b = partition.AppendJSONString(b, string(u.Kind))
	sp.kind = uint32(len(b))
	b = append(b, `,"staff":`...)
	if len(u.Staff) == 0 {
		b = append(b, "[]"...)
	} else {
		staff, _ := json.Marshal(u.Staff)
		b = append(b, staff...)
	}
	b = append(b, '}')
	sp.end = uint32(len(b))
	sp.owner = -1
	var own bool
	if b, own = ix.appendContact(b, i); own {
		sp.contact, sp.contactEnd, sp.owner = sp.end, uint32(len(b)), i
	}
	e.buf, e.at[i] = b, sp
}

// appendChain appends unit i's chain, root first: its entries joined.
func (ix *Index) appendChain(dst []byte, i int32) []byte {
	var up [16]int32
	n := 0
	for k := i; k >= 0 && n < len(up); k = ix.enc.at[k].parent {
		up[n] = k
		n++
	}
	if n == len(up) { // deeper than any real hierarchy: the long way
		up := ix.units[i].chain
		dst = append(dst, '[')
		for j, k := range up {
			if j > 0 {
				dst = append(dst, ',')
			}
			dst = ix.appendEntry(dst, k)
		}
		return append(dst, ']')
	}
	dst = append(dst, '[')
	for j := n - 1; j >= 0; j-- {
		dst = ix.appendEntry(dst, up[j])
		if j > 0 {
			dst = append(dst, ',')
		}
	}
	return append(dst, ']')
}

func (ix *Index) appendEntry(dst []byte, i int32) []byte {
	sp := ix.enc.at[i]
	return append(dst, ix.enc.buf[sp.start:sp.end]...)
}

// AppendJSON appends r as one JSON object to dst: the point as given (in,
// in the caller's coordinate system), the unit's code (null when
// unresolved), name, level, network and kind, resolved, approximate,
// distance_m (centimetres), near_boundary, neighbor and nearest (short
// references or null), gap and gap_in (whether the point lies in a unit's
// gap, and that unit's short reference or null), overlaps (the codes of
// the overlapping siblings that also contain the point), contact (the person responsible, see
// Result.Contact, or null), chain (root first, each unit with its staff)
// and the version with its publication time.
func AppendJSON(dst []byte, r *Result, in [2]float64) []byte {
	var buf [64]byte
	return AppendJSONAs(dst, r, AppendPoint(buf[:0], in))
}

// AppendPoint appends p as AppendJSON echoes it: "lon,lat", each in its
// shortest form.
func AppendPoint(dst []byte, p [2]float64) []byte {
	dst = strconv.AppendFloat(dst, p[0], 'f', -1, 64)
	dst = append(dst, ',')
	return strconv.AppendFloat(dst, p[1], 'f', -1, 64)
}

// AppendJSONAs is AppendJSON with the point echoed as point, its two JSON
// numbers "lon,lat" as the caller sent them, say.
func AppendJSONAs(dst []byte, r *Result, point []byte) []byte {
	dst = append(dst, `{"point":[`...)
	dst = append(dst, point...)
	dst = append(dst, `],"code":`...)
	ix := r.ix
	if r.unit >= 0 {
		sp := ix.enc.at[r.unit]
		dst = append(dst, ix.enc.buf[sp.start+uint32(len(codeKey)):sp.kind]...)
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
	dst = append(dst, `,"gap":`...)
	dst = strconv.AppendBool(dst, r.gap >= 0)
	dst = append(dst, `,"gap_in":`...)
	dst = ix.appendRef(dst, r.gap)
	dst = append(dst, `,"overlaps":`...)
	dst = ix.appendCodes(dst, r.overlaps)
	dst = append(dst, `,"contact":`...)
	dst = ix.appendContactOf(dst, r.unit)
	dst = append(dst, `,"chain":`...)
	if r.unit >= 0 {
		dst = ix.appendChain(dst, r.unit)
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

// appendContactOf appends the contact of unit i (encoded once, at build:
// one append), null when it has none or i is -1.
func (ix *Index) appendContactOf(dst []byte, i int32) []byte {
	if i < 0 {
		return append(dst, contactNull...)
	}
	sp := ix.enc.at[i]
	return append(dst, ix.enc.buf[sp.contact:sp.contactEnd]...)
}

// appendCodes appends the units' codes as a JSON array.
func (ix *Index) appendCodes(dst []byte, units []int32) []byte {
	dst = append(dst, '[')
	for k, u := range units {
		if k > 0 {
			dst = append(dst, ',')
		}
		dst = partition.AppendJSONString(dst, string(ix.units[u].unit.Code))
	}
	return append(dst, ']')
}

// appendRef appends unit i's short reference {"code","name","level"}, or
// null for none.
func (ix *Index) appendRef(dst []byte, i int32) []byte {
	if i < 0 {
		return append(dst, "null"...)
	}
	sp := ix.enc.at[i]
	dst = append(dst, ix.enc.buf[sp.start:sp.level]...)
	return append(dst, '}')
}
