package router

import (
	"github.com/wangge/wangge/partition"
)

// contactRoles is the order in which a unit's staff answer for it: the
// grid leader first, the police officer last.
var contactRoles = [...]string{partition.RoleGridLeader, partition.RoleFullTime, partition.RolePartTime, partition.RoleInstructor, partition.RolePolice}

// bestStaff returns the index in staff of the person who answers for the
// unit: the first, in roster order, of the best role present; -1 when
// nobody on the roster has a known role.
func bestStaff(staff []partition.Staff) int {
	for _, role := range contactRoles {
		for i := range staff {
			if staff[i].Role == role {
				return i
			}
		}
	}
	return -1
}

// Contact returns the person responsible for the point and the unit on
// whose roster they are: the best of the deepest unit's staff (see
// bestStaff), else of its nearest ancestor's that has staff. ok is false
// when no unit of the chain has staff, or the point is unresolved.
func (r *Result) Contact() (unit *partition.Unit, person partition.Staff, ok bool) {
	if r.unit < 0 {
		return nil, person, false
	}
	k := r.ix.enc.at[r.unit].owner
	if k < 0 {
		return nil, person, false
	}
	u := &r.ix.units[k].unit
	return u, u.Staff[bestStaff(u.Staff)], true
}

// contactNull is the contact of a unit none of whose chain has staff:
// buf[0:len(contactNull)] of every index's encoding.
const contactNull = "null"

// appendContact appends unit i's own contact, {"code","role","name",
// "phone"} (phone null when the roster has none), to dst; ok is false when
// it has no staff with a known role.
func (ix *Index) appendContact(dst []byte, i int32) (_ []byte, ok bool) {
	u := &ix.units[i].unit
	k := bestStaff(u.Staff)
	if k < 0 {
		return dst, false
	}
	s := &u.Staff[k]
	dst = append(dst, codeKey...)
	dst = partition.AppendJSONString(dst, string(u.Code))
	dst = append(dst, `,"role":`...)
	dst = partition.AppendJSONString(dst, s.Role)
	dst = append(dst, `,"name":`...)
	dst = partition.AppendJSONString(dst, s.Name)
	dst = append(dst, `,"phone":`...)
	if s.Phone == "" {
		dst = append(dst, "null"...)
	} else {
		dst = partition.AppendJSONString(dst, s.Phone)
	}
	return append(dst, '}'), true
}

// inheritContacts gives every unit without a contact of its own that of its
// nearest ancestor with one (or null), once every unit is encoded.
func (ix *Index) inheritContacts() {
	e := &ix.enc
	for i := range e.at {
		if e.at[i].owner == int32(i) {
			continue
		}
		sp := &e.at[i]
		sp.contact, sp.contactEnd, sp.owner = 0, uint32(len(contactNull)), -1
		chain := ix.units[i].chain // root first, i last
		for j := len(chain) - 2; j >= 0; j-- {
			if a := e.at[chain[j]]; a.owner == chain[j] {
				sp.contact, sp.contactEnd, sp.owner = a.contact, a.contactEnd, a.owner
				break
			}
		}
	}
}
