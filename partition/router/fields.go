package router

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/wangge/wangge/partition"
)

// Fields is a set of an answer's top-level members, for a compact answer
// (AppendJSONFields); the zero Fields is every member, as AppendJSON
// writes them.
type Fields uint32

// The members an answer may be narrowed to, in the order they are written.
// FieldStaff, the deepest unit's staff, is not in a full answer (where it
// is the chain's last entry's).
const (
	FieldPoint Fields = 1 << iota
	FieldCode
	FieldName
	FieldLevel
	FieldNetwork
	FieldKind
	FieldResolved
	FieldApproximate
	FieldDistance
	FieldNearBoundary
	FieldNeighbor
	FieldNearest
	FieldGap
	FieldGapIn
	FieldOverlaps
	FieldContact
	FieldStaff
	FieldChain
	FieldVersion
	FieldPublishedAt
	fieldEnd
)

// fieldNames are the members' names, in the order of their bits.
var fieldNames = [...]string{"point", "code", "name", "level", "network", "kind", "resolved", "approximate", "distance_m",
	"near_boundary", "neighbor", "nearest", "gap", "gap_in", "overlaps", "contact", "staff", "chain", "version", "published_at"}

// FieldNames returns the names ParseFields accepts, in answer order.
func FieldNames() []string { return slices.Clone(fieldNames[:]) }

// ParseFields parses a comma-separated list of member names (case-sensitive;
// spaces around a name are ignored). A name it does not know is an invalid
// error naming every such name and the accepted ones; so is an empty list.
func ParseFields(list string) (Fields, error) {
	var f Fields
	var unknown []string
	for _, name := range strings.Split(list, ",") {
		name = strings.TrimSpace(name)
		bit := fieldBit(name)
		if bit == 0 {
			unknown = append(unknown, strconv.Quote(name))
		}
		f |= bit
	}
	if len(unknown) > 0 {
		return 0, partition.Errorf(partition.Invalid, "unknown %s: want a comma-separated subset of %s", strings.Join(unknown, ", "), strings.Join(fieldNames[:], ", "))
	}
	return f, nil
}

func fieldBit(name string) Fields {
	for i, n := range fieldNames {
		if n == name {
			return 1 << i
		}
	}
	return 0
}

// AppendJSONFields is AppendJSONAs narrowed to the members of f, written in
// the order AppendJSON writes them (the staff where the contact is), with
// the same values; f = 0 is AppendJSONAs.
func AppendJSONFields(dst []byte, r *Result, point []byte, f Fields) []byte {
	if f == 0 {
		return AppendJSONAs(dst, r, point)
	}
	ix, u := r.ix, r.ix.unitAt(r.unit)
	dst = append(dst, '{')
	first := true
	for bit := FieldPoint; bit < fieldEnd; bit <<= 1 {
		if f&bit == 0 {
			continue
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = append(dst, '"')
		dst = append(dst, fieldNames[bitIndex(bit)]...)
		dst = append(dst, '"', ':')
		dst = ix.appendField(dst, r, u, point, bit)
	}
	return append(dst, '}')
}

func bitIndex(bit Fields) int {
	i := 0
	for bit > 1 {
		bit >>= 1
		i++
	}
	return i
}

// appendField appends the value of one member of r's answer; u is r's
// unit (nil when unresolved).
func (ix *Index) appendField(dst []byte, r *Result, u *partition.Unit, point []byte, bit Fields) []byte {
	switch bit {
	case FieldPoint:
		dst = append(dst, '[')
		dst = append(dst, point...)
		return append(dst, ']')
	case FieldCode, FieldName, FieldLevel, FieldNetwork, FieldKind:
		if u == nil {
			return append(dst, "null"...)
		}
		return partition.AppendJSONString(dst, unitMember(u, bit))
	case FieldResolved:
		return strconv.AppendBool(dst, r.Resolved)
	case FieldApproximate:
		return strconv.AppendBool(dst, r.Approximate)
	case FieldDistance:
		if r.unit >= 0 || r.nearest >= 0 {
			return appendCentimetres(dst, r.Distance)
		}
		return append(dst, "null"...)
	case FieldNearBoundary:
		return strconv.AppendBool(dst, r.NearBoundary)
	case FieldNeighbor:
		return ix.appendRef(dst, r.neighbor)
	case FieldNearest:
		return ix.appendRef(dst, r.nearest)
	case FieldGap:
		return strconv.AppendBool(dst, r.gap >= 0)
	case FieldGapIn:
		return ix.appendRef(dst, r.gap)
	case FieldOverlaps:
		return ix.appendCodes(dst, r.overlaps)
	case FieldContact:
		return ix.appendContactOf(dst, r.unit)
	case FieldStaff:
		if r.unit < 0 {
			return append(dst, "[]"...)
		}
		sp := ix.enc.at[r.unit] // the entry ends with "staff":[…]}
		return append(dst, ix.enc.buf[sp.kind+uint32(len(`,"staff":`)):sp.end-1]...)
	case FieldChain:
		if r.unit < 0 {
			return append(dst, "[]"...)
		}
		return ix.appendChain(dst, r.unit)
	case FieldVersion:
		return strconv.AppendInt(dst, ix.version.Number, 10)
	case FieldPublishedAt:
		if ix.version.Number == 0 {
			return append(dst, "null"...)
		}
		dst = append(dst, '"')
		dst = ix.version.PublishedAt.AppendFormat(dst, time.RFC3339Nano)
		return append(dst, '"')
	}
	return dst
}

// unitMember is the code, name, level, network or kind of u, as bit says.
func unitMember(u *partition.Unit, bit Fields) string {
	switch bit {
	case FieldCode:
		return string(u.Code)
	case FieldName:
		return u.Name
	case FieldLevel:
		return string(u.Level)
	case FieldNetwork:
		return string(u.Network)
	}
	return string(u.Kind)
}
