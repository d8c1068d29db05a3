// Package routebench holds what the router's comparative benchmarks share:
// the reference dataset (a synth tiling of 199,712 polygons standing in for
// the 200,000-polygon Voronoi tiling), the same points for wangge
// and PostGIS, PostGIS loaded with COPY into a throwaway schema, a
// keep-alive HTTP load generator, thread CPU time and medians. The
// benchmarks themselves are in routebench_test.go; run them with
// `make bench-route`. Nothing here is a timed test.
package routebench
