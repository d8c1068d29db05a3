// Package geo is wangge's geometry with no domain words: coordinates are
// longitude, latitude in degrees (GeoJSON axis order) on CGCS2000/WGS84 as orb
// types; areas are square metres and distances metres on the GRS80 ellipsoid.
//
// For edits of a tiling that must keep it exact: Snap moves a drawing onto
// existing boundaries (ground tolerances measured locally), SplitByLine
// cuts a multipolygon along a line into its left and right sides, which
// share the cut exactly, and SharedBorder and Touches say how much boundary
// two multipolygons share.
//
// Subpackage crs converts between WGS84/CGCS2000, GCJ-02 and BD-09;
// gpkgwkb encodes GeoPackage binary geometries.
package geo
