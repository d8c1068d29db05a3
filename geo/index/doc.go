// Package index locates points among many polygons fast and exactly: the
// building block of wangge's router, with no domain words.
//
// [Shapes] keeps multipolygons in flat arrays, each ring cut into chunks of
// consecutive edges with their bounding boxes, and answers exact point in
// polygon (by geo's boundary rule: a point is located as if moved by
// (ε, ε²), so that on a shared edge or vertex it lies in exactly one
// polygon) and nearest-boundary queries.
//
// [Raster] is a flat lon/lat grid over the shapes' extent. Shapes are
// painted in priority order; a cell that lies wholly inside a shape and
// crosses no boundary of a higher-priority shape holds the answer itself
// (one array read); a boundary cell holds the short list of shapes whose
// boundary crosses it, highest priority first, and the shape that covers it
// wholly beneath them, so a lookup tests only those exactly. Cells are
// marked conservatively: a boundary passing within a millionth of a cell's
// size of it makes it a boundary cell, so rounding in the cell arithmetic
// can never let a point take the wrong cell's answer.
//
// Why a raster and not H3 on the per-point path: on these machines one
// h3.LatLngToCell call through cgo costs about 1 µs, while a raster lookup
// is one multiply-add per axis and one array read (about 13 ns); see
// BenchmarkLocate and the router's benchmarks for the figures this package
// reaches.
package index
