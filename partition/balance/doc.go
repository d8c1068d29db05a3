// Package balance is the partitioner: it divides a parent unit into
// children that tile it exactly, hold a number of households within a band
// (a rule set's range for the level, or explicit bounds), are compact and
// contiguous, and follow barrier lines; and it rebalances an existing
// division with as few moves as possible.
//
// # Atoms
//
// The parent is cut by a lattice of square cells (a few tens of metres on
// the ground, sized from the households' density) into atoms: the pieces of
// each cell inside the parent. The cut is built as one planar graph — the
// parent's rings noded where they cross lattice lines, plus the lattice
// segments inside the parent — whose faces are the atoms. Every crossing is
// computed once, from the edge's endpoints in a canonical order, and every
// lattice vertex from its integer index, so neighbouring atoms share their
// edges bit for bit. Children are unions of atoms, and their rings are
// traced on the same graph (the half-edges whose two sides belong to
// different children), never by a floating-point overlay: the children tile
// the parent by construction. Along the parent's outline the children use
// the parent's own vertices; only where a border between two children meets
// the outline does a child have a vertex on a parent edge (a T-junction, off
// the edge by rounding only, which the tiling check resolves to nothing).
// The lattice is offset from the parent's bounding box by an irrational
// fraction of a cell, and moved again if a parent vertex still falls on a
// lattice line (general position).
//
// We chose our own lattice over H3 cells: the lattice's shared vertices are
// exact by construction (H3 boundaries of two neighbouring cells are
// computed separately and need snapping), locating a household is two
// divisions instead of a cgo call, and the package stays pure Go.
//
// # Households
//
// A household counts where it lies: in the atom that contains it under
// geo's boundary rule (the router's), so in exactly one child. A household
// outside the parent — a household file may be the county's — reaches no
// atom and no child; Report.Outside counts them. Children's borders are atom
// edges, so a child's households are the points inside its polygon (along
// the parent's outline, where the child follows the parent's own edge and
// the atoms a crossing off it by rounding, up to 1e-9 m).
//
// # Grouping
//
// Atoms are grouped per region — a connected piece of land (an island), cut
// further by barriers — into a number of children chosen so that the band
// can be met when it can. Two methods are implemented and compared on the
// same atoms (see Options.Method): region growing from balanced seeds, and
// recursive inertial bisection of the atom graph; both end with the same
// repair pass that moves boundary atoms between neighbouring children, never
// disconnecting one, until every child is within the band or no move helps.
// The default runs both and keeps the better (most children within range,
// then the higher mean Polsby–Popper).
//
// # Islands and barriers
//
// A child is one contiguous piece. The exceptions are islands: an island
// with no household is joined to the nearest child (so that every square
// metre belongs to someone, and no child has zero households); an island
// with households but fewer than the band's minimum becomes a child of its
// own, flagged not within range with a note ("island with 12 households"),
// unless Options.JoinSmallIslands asks to join it to the nearest child that
// stays within the maximum (or, when no child has room, the nearest child,
// whose note then counts the island's households). When every island is
// joined so, the largest becomes the one child. Barriers cut the atom graph: two atoms whose
// centres lie on opposite sides of a barrier are not adjacent, so a child
// follows a barrier to within one lattice cell. A barrier region too small
// (or otherwise impossible) to hold children within the band is merged with
// a neighbouring region across the barrier: the band wins over the barrier.
//
// # No slivers
//
// A child of a region divided in several holds at least one full lattice
// cell of area (or the region's mean share, when smaller): a child the
// grouping left smaller (a dense building on a scrap of coast) is grown by
// the neighbouring atoms that cost the fewest households (sliver.go).
//
// # Compactness
//
// Polsby–Popper is 4π·area/perimeter², with the area and the perimeter on
// the ellipsoid (geo.Area, geo.Perimeter): 1 for a disc, π/4 for a square.
//
// The package does no I/O; Divide and Rebalance check the context between
// steps and inside their long loops.
package balance
