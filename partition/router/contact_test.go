package router

import (
	"bytes"
	"testing"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/store/storetest"
)

// TestContact: the person responsible is the deepest unit's best staff
// member, else its nearest staffed ancestor's; by role (grid leader, full
// time, part time, instructor, police), the first of the best role in
// roster order; none when no unit of the chain has staff.
//
//	district 330922000000 (no staff) ─┬─ street …100000: police 周, part_time 吴, full_time 王, full_time 赵, instructor 钱
//	                                  │    └─ grid …100000001001 (no staff)   ← x 122.1..122.2
//	                                  │    └─ grid …100000001002: police 孙   ← x 122.2..122.3
//	                                  └─ street …200000 (no staff)
//	                                       └─ grid …200000001001 (no staff)   ← x 122.5..122.6
func TestContact(t *testing.T) {
	u := func(code, parent string, level partition.Level, g orb.MultiPolygon, staff ...partition.Staff) partition.Unit {
		return partition.Unit{Code: partition.Code(code), Name: code, Level: level, Network: partition.NetworkLand, Kind: partition.KindComprehensive, Parent: partition.Code(parent), Geometry: g, Staff: staff}
	}
	s := func(role, name, phone string) partition.Staff {
		return partition.Staff{Role: role, Name: name, Phone: phone}
	}
	units := []partition.Unit{
		u("330922000000", "", partition.LevelDistrict, storetest.Box(122, 30, 123, 31)),
		u("330922100000", "330922000000", partition.LevelStreet, storetest.Box(122, 30, 122.5, 31),
			s(partition.RolePolice, "周", "110"), s(partition.RolePartTime, "吴", ""), s(partition.RoleFullTime, "王", "138"),
			s(partition.RoleFullTime, "赵", "139"), s(partition.RoleInstructor, "钱", "")),
		u("330922100001001", "330922100000", partition.LevelGrid, storetest.Box(122.1, 30, 122.2, 31)),
		u("330922100001002", "330922100000", partition.LevelGrid, storetest.Box(122.2, 30, 122.3, 31), s(partition.RolePolice, "孙", "")),
		u("330922200000", "330922000000", partition.LevelStreet, storetest.Box(122.5, 30, 123, 31)),
		u("330922200001001", "330922200000", partition.LevelGrid, storetest.Box(122.5, 30, 122.6, 31)),
	}
	ix, err := New(partition.Version{Number: 1}, units, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name               string
		p                  orb.Point
		code, role, person string // code "": no contact
		json               string
	}{
		{"grid without staff: its street's first full-time member", orb.Point{122.15, 30.5}, "330922100000", partition.RoleFullTime, "王",
			`"contact":{"code":"330922100000","role":"full_time","name":"王","phone":"138"}`},
		{"the street itself", orb.Point{122.45, 30.5}, "330922100000", partition.RoleFullTime, "王",
			`"contact":{"code":"330922100000","role":"full_time","name":"王","phone":"138"}`},
		{"grid with a police officer only: its own", orb.Point{122.25, 30.5}, "330922100001002", partition.RolePolice, "孙",
			`"contact":{"code":"330922100001002","role":"police","name":"孙","phone":null}`},
		{"nobody in the chain has staff", orb.Point{122.55, 30.5}, "", "", "", `"contact":null`},
		{"unresolved", orb.Point{100, 10}, "", "", "", `"contact":null`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := ix.Route(tc.p)
			unit, person, ok := r.Contact()
			switch {
			case tc.code == "" && ok:
				t.Errorf("Contact() = %s %+v, want none", unit.Code, person)
			case tc.code != "" && (!ok || string(unit.Code) != tc.code || person.Role != tc.role || person.Name != tc.person):
				t.Errorf("Contact() = %v %+v %v, want %s %s %s", unit, person, ok, tc.code, tc.role, tc.person)
			}
			if b := AppendJSON(nil, &r, [2]float64(tc.p)); !bytes.Contains(b, []byte(tc.json)) {
				t.Errorf("AppendJSON = %s, want it to hold %s", b, tc.json)
			}
		})
	}
}
