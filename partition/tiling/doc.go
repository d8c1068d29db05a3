// Package tiling checks that the children of each parent cover it exactly
// once (DESIGN.md, "Invariants"): every child valid, inside its parent, no
// two siblings overlapping, no gap, codes unique and prefixed by the
// parent's, sizes within a rule set. Every violation is a partition.Finding
// with its area in m² on the ellipsoid and the defect's geometry.
//
// # Method
//
// Children and parent are first made valid (geo.MakeValid: parts that
// overlap or touch are unioned, crossing rings are cut into loops combined
// by the even-odd rule) and oriented (shells counter-clockwise).
//
// Then, instead of one union of all children, the check adds up the
// boundaries: each directed edge of a child counts +1, each of the parent
// −1, an edge walked in the opposite direction the opposite. Where children
// share an edge (they walk it in opposite directions) or a child follows the
// parent's boundary, the counts cancel. The function f(x) = Σ children
// covering x − [x in parent] is constant away from the edges whose count does
// not cancel (the net boundary), and 0 far away; a correct tiling has f = 0
// everywhere. So every gap (f = −1), overlap or part outside (f ≥ 1) lies
// inside a bounded face of the net boundary, within the bounding box of a
// connected cluster of net edges. An exact tiling with shared vertices has
// no net edge at all and is proved correct by this count alone, in time
// linear in its vertices; otherwise only the clusters' boxes — usually a few
// children each — are computed with the overlay operations of geo (JTS
// OverlayNG, pure Go), and only where the defects are. Boxes that touch are
// merged, so no defect is cut by a box. Children that share a border without
// sharing its vertices (T-junctions, separately digitised neighbours) give
// net edges too and are resolved exactly by the overlay: the count only
// decides where to look.
//
// # Tolerances
//
// A defect — one gap piece, the overlap of one pair of siblings, the part of
// one child outside its parent — is reported when its area exceeds
// Options.AreaTolerance (default 1 m², about the area that 6-decimal
// coordinates (±0.1 m) along a few hundred metres of shared border can
// account for, and far below a household's footprint). A defect narrower
// than Options.SliverWidth (default 0.5 m: below what a GPS fix or a
// hand-drawn boundary can mean, and below the router's nearest-unit
// tolerance) is a sliver: still reported, with sliver true and severity
// warning, because it does not change whom a dispatch goes to, whereas a
// wider defect is an error. Width is the mean width 2·area/perimeter.
// Pieces under 1 cm² are numerical noise of the overlay and never reported,
// even with a tolerance of 0; so are pieces with no width in the lon/lat
// plane (under 1 cm² there), which appear where a child's vertex lies on a
// long straight edge of its parent up to rounding: edges are straight in
// lon/lat (RFC 7946), and only the geodesics between the same vertices,
// which bow from a 3 km edge by some 10 cm, enclose such a lens. Summaries
// count every piece that is reported or under the tolerance.
//
// Children of another network than the parent (sea grids under a county
// whose polygon is its land) are checked for validity, codes, sizes and
// overlaps among themselves, but not against the parent's polygon.
//
// # Publishing
//
// CheckChangeset is the check a publish runs (POST /v1/versions, wangge
// import): only the families a changeset touches, as they will be after
// it, stored parents and siblings read through partition.Store, so that a
// unit published alone is checked in its place and a unit detached from
// its parent leaves a gap there. An exact tiling is proved by the edge
// count alone, so the check of a whole county adds a fraction of a second.
package tiling
