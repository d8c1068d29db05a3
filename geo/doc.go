// Package geo is wangge's geometry with no domain words: coordinates are
// longitude, latitude in degrees (GeoJSON axis order) on CGCS2000/WGS84 as orb
// types; areas are square metres and distances metres on the GRS80 ellipsoid.
//
// Subpackage crs converts between WGS84/CGCS2000, GCJ-02 and BD-09;
// gpkgwkb encodes GeoPackage binary geometries.
package geo
