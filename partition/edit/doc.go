// Package edit is the editing engine of drafts: operations on the units of
// one subtree that keep the tiling by construction, each all or nothing.
//
// Every operation changes the areas of some siblings so that their union
// stays what it was: reassign (an area given to a unit, taken from its
// siblings), split (along a line, or into N with the partitioner), merge,
// move_border (the border of two siblings replaced by a line), delete (the
// area given to named neighbours), create (children under a unit, with the
// partitioner), attributes, replace (a unit's whole area redrawn: gains
// taken from its siblings, what it leaves out given to the sibling that
// shares the longest border with each part) and add (a new child drawn,
// carved out of its siblings). What the planner drew is first snapped to
// the existing vertices and edges within a ground tolerance (0.5 m), so a
// line drawn on a map meets the border it was meant to meet.
//
// Below the units an operation reshapes, their descendants follow (see
// tx.give): a child wholly inside an area that changes hands moves under
// the receiving unit with a code of its space; a child partly inside loses
// that part to the receiving unit's child that shares the longest border
// with it, and so on down. Households and population move with the area
// that changes hands, counted from the household layer's points in each
// piece (or in proportion to area, marked estimated, without a layer);
// they never exceed what the giving unit holds, so totals are conserved
// exactly.
//
// A Change holds the touched units before and after, so that State.Apply
// redoes it and State.Revert undoes it exactly. The package does no I/O.
package edit
