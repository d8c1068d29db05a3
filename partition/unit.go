package partition

import (
	"github.com/paulmach/orb"
)

// Staff roles on a grid's roster.
const (
	RoleGridLeader = "grid_leader" // 网格长
	RoleFullTime   = "full_time"   // 专职网格员
	RolePartTime   = "part_time"   // 兼职网格员
	RoleInstructor = "instructor"  // 网格指导员
	RolePolice     = "police"      // 网格警务员
)

var roles = map[string]bool{RoleGridLeader: true, RoleFullTime: true, RolePartTime: true, RoleInstructor: true, RolePolice: true}

// Staff is one person on a unit's roster.
type Staff struct {
	Role  string `json:"role"`
	Name  string `json:"name"`
	Phone string `json:"phone,omitempty"`
}

// Unit is one administrative unit, grid or micro-grid of a network.
type Unit struct {
	Code       Code
	Name       string
	Level      Level
	Network    Network
	Kind       Kind
	Parent     Code // empty for a root
	Households int
	Population int
	Staff      []Staff
	// Props are free properties, JSON values: numbers read back as float64.
	Props map[string]any
	// Geometry is lon/lat on CGCS2000; nil for membership units.
	Geometry orb.MultiPolygon

	// Set by the store on read: the unit is valid from version ValidFrom up
	// to, not including, ValidTo (0 while it is current).
	ValidFrom int64
	ValidTo   int64
}

// Polygonal reports whether the unit has an area of its own.
func (u *Unit) Polygonal() bool { return !u.Kind.Membership() }

// VesselType is fishing or transport.
type VesselType string

// Vessel types.
const (
	VesselFishing   VesselType = "fishing"
	VesselTransport VesselType = "transport"
)

// Vessel is an entry of the vessel registry: a ship and the membership unit
// (formation micro-grid or transport grid) it belongs to.
type Vessel struct {
	ID   string
	Name string
	Type VesselType
	Crew int
	Unit Code

	ValidFrom int64
	ValidTo   int64
}
