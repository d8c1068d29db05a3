// Package router answers "whose is this place?": an immutable in-memory
// index over one published version that resolves a point to the deepest
// polygonal unit containing it, its chain up to the root with each unit's
// staff, the person responsible ([Result.Contact]: the deepest staffed
// unit's best-ranked member), and the evidence a dispatcher needs
// (version, distance to the unit's boundary, the neighbour across it when
// near), and a [Router] that holds the current index and swaps in a new
// one atomically. Answers are encoded as JSON from pieces encoded once per
// unit at build ([AppendJSON]), or narrowed to some members
// ([AppendJSONFields]).
//
// # Which unit
//
// The candidates are the polygonal units of both networks that contain the
// point by the boundary rule of package geo: a point is located as if moved
// by (ε, ε²), so a point on an edge shared by two units belongs to the one
// on the east side (north side for a horizontal edge), and a point on a
// shared vertex to the unit whose corner holds the direction just north of
// east. Among the candidates the highest ranked wins, ranks being, from the
// top:
//
//  1. land units that are not the administrative container of any sea unit
//     (streets, communities, grids on land, islands included), deeper first;
//  2. sea units (fishing and aquaculture grids), deeper first;
//  3. land units that contain sea units (the county, the city), deeper first;
//
// and among equal ranks (overlapping siblings, which the tiling check
// reports) the smaller code. So a point on an island resolves in the land
// network even where a sea grid was drawn over it, and a point at sea
// resolves to its sea grid, not to the county that governs the sea. A
// child always ranks above its parent.
//
// The boundary rule is half-open so as to give a point on a shared edge to
// exactly one of the two units; where a unit's boundary faces no sibling (a
// gap between siblings, or the outline of the whole division) nobody else
// claims the point, and it belongs to that unit, exactly. So the winner is
// then taken down: of its polygonal children, the highest ranked whose
// boundary the point lies on, exactly (geo.OnEdge), and so on while there
// is one. When no unit contains the point by the boundary rule, nobody
// claims it at all, and the start is the highest-ranked unit whose
// boundary it lies on (a district whose simplified outline pokes out of
// its city's, say). The rule depends on the units alone, not on the
// index's raster, so every replica answers alike.
//
// # Gaps and overlaps
//
// A point inside a unit but inside none of the polygonal children of the
// unit's network (children meant to cover it: the tiling check's gap) is
// in that unit's gap. The answer is then the nearest unit below it through
// such a child, when that is within the tolerance, approximate, with the
// distance; beyond it, the unit with the gap itself, naming the nearest
// unit below it and its distance as Nearest; either way [Result.Gap] names
// the unit with the gap. [Index.Locate] answers the unit with the gap.
//
// Where siblings overlap, the rank decides, and [Result.Overlaps] lists
// the other units that contain the point beside a unit of the answer's
// chain: other children of the same parent, of that unit's network.
//
// # Misses
//
// A point outside every unit resolves to the nearest unit when that is
// within the tolerance (default 50 m, GPS error), marked approximate, with
// the distance; beyond it the answer is unresolved and names the nearest
// unit and its distance. Distances are metres from the point to the
// boundary point found nearest in a local planar approximation: for a miss
// within the tolerance, on the GRS80 ellipsoid (geo.Distance); beyond it,
// where the plane's scale drifts, the units and edges that could be
// nearest are measured along the edges on the ellipsoid; for a point
// inside its unit, by geo.LocalDistance (within geo.LocalDistanceError:
// under 0.01 mm at 1 km), switching to geo.Distance when that error could
// change near_boundary. The neighbour across a boundary is never the
// unit's own ancestor (a gap or the outline beyond it): then there is none.
//
// # Past versions
//
// [Router.At] answers from the version in force at a given version number
// or time: the current index, or a past version's built on demand and kept
// in a cache bounded by count and bytes (past.go, [CacheOptions]).
//
// # Speed
//
// The index is a geo/index raster over all polygonal units: cells wholly
// inside one unit answer with one array read, boundary cells test a short
// candidate list exactly. H3 is not on the per-point path: h3.LatLngToCell
// through cgo costs about 1 µs a call here, more than a whole lookup in
// this index (see the package benchmarks).
//
// A large index is hundreds of megabytes, so a point's cost is mostly the
// memory it reads. [Index.Routes] takes points a group at a time, warming
// each step's memory for the whole group before reading it; a whole batch
// goes faster still through a [Sorter], which puts its points in the order
// of a Z-order curve along which the index stores its shapes, and
// [Index.RoutesOrdered], so that points routed one after another read
// memory that their predecessors brought into the cache. Answers are
// encoded from one compact entry per unit made with the index.
package router
