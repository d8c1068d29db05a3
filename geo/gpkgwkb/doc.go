// Package gpkgwkb encodes and decodes geometries in the GeoPackage binary
// format (GeoPackage 1.3, clause 2.1.3 "GeoPackageBinary"): a header with the
// magic "GP", a version, flags, the srs_id and an optional envelope, followed
// by a standard WKB geometry.
//
// The header is written by hand because no usable Go module exists for it;
// the WKB body is orb's (github.com/paulmach/orb/encoding/wkb), so
// coordinates round trip bit for bit as float64, with vertex order and ring
// orientation as given.
//
// Marshal always writes a little-endian header with an XY envelope
// [minx, maxx, miny, maxy], as GDAL does, so that readers (and the R-tree
// triggers' ST_MinX … ST_MaxY) need not parse the WKB. Unmarshal reads any
// conforming header, either byte order, with or without an envelope; it
// refuses the extended geometry type (flag bit 5), which GeoPackage reserves
// for extensions.
package gpkgwkb
