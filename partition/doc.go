// Package partition is wangge's domain: administrative and grid units, their
// levels, networks and kinds, division codes, versions, the vessel registry,
// and the Store interface that the PostGIS and GeoPackage stores implement.
//
// Geometry is lon/lat on CGCS2000 (EPSG:4490) as orb types; partition does no
// I/O of its own.
package partition
