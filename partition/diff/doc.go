// Package diff finds the differences between two states of a division: two
// published versions of a subtree, or a version and a draft. It does no
// I/O: Compare takes both states' units, WriteGeoJSON writes the result.
//
// # Pieces
//
// A piece is an area whose unit changed: within one level of one network,
// the part of unit A of the earlier state that unit B (another code) of the
// later state holds, A_from ∩ B_to. A unit that kept its code keeps its
// area: where the code at a place is the same in both states, there is no
// piece. So a border moved between two units is one piece; a merge of B
// into A is a piece B→A of B's whole area (and B is Removed); a split that
// keeps A's code on one half is a piece A→A2 of the other half.
//
// Real boundaries are messy (the DataV editions of a city differ along its
// outline, so that a district of one edition covers ground that none of the
// other covers), so area that nobody held in one state is reported too,
// not dropped:
//   - a piece with To "" is the part of A_from that no unit of the later
//     state holds (A_from − ∪ to, all units of the level and network);
//   - a piece with From "" is the part of B_to that no unit of the earlier
//     state held (B_to − ∪ from).
//
// When both states tile the same ground, the pieces leaving A (to nobody
// included) add up to A_from − A_to, and those reaching B to B_to − B_from.
// Where units of one state overlap, a place can hold two codes; a unit
// whose geometry is the same in both states gives and takes nothing, so an
// overlap with such a unit is a defect of that state (the tiling check's
// business), not a piece. Pieces of AreaTolerance or less are not
// reported.
//
// # Method
//
// Only units whose geometry differs between the states, coordinate for
// coordinate, or that exist in only one of them take part; pairs of them
// are found with an R-tree over the units' bounds, and each is one overlay
// (geo.Intersection, JTS OverlayNG in pure Go) of geometries first made
// valid (geo.MakeValid: DataV's touching parts are unioned). The part held
// by nobody is one difference from the union of the units of the other
// state whose bounds meet the unit's. Areas are on the ellipsoid (geo.Area).
//
// # Households
//
// With a household layer, each piece holds the layer's points inside it,
// by geo's boundary rule, so that a point on a border shared by two pieces
// counts in exactly one (household.Layer.In). Without one, a piece holds
// its source unit's households and population in proportion to its share
// of the unit's area (household.Share), marked Estimated; a piece from
// nobody then holds none, also Estimated.
//
// # Attributes
//
// For units in both states, Changed lists each field that differs (name,
// level, kind, network, parent, households, population, staff, props, in
// that order) and the geometry when the area of the symmetric difference
// exceeds AreaTolerance, with the areas before and after as its values.
package diff
