// Package ogc serves OGC API – Features over a partition.Store: Part 1
// (Core, GeoJSON, HTML, OpenAPI 3.0) and Part 2 (coordinate reference
// systems by reference), at the root of the service.
//
// # Collections
//
// One collection per level and network of polygonal units (catalog.go):
// cities, districts, streets, communities, grids, microgrids and sea-grids
// (the fishing and aquaculture grids of the sea network). Membership units
// (formation and transport groups of vessels) have no polygon and are in no
// collection. A feature's id is the unit's code.
//
// # Paging, counting and versions
//
// Items come in ascending code order. A page's `next` link carries the last
// code as `cursor` and pins the published version it was read from as
// `version`, so that following next links walks one version to its end even
// while new versions are published. A `prev` link carries the page's first
// code as `before`; serving it scans the codes before it without geometry,
// keeping only the last `limit` of them. numberMatched is counted through
// Store.Units without geometry (the Store interface has no count) and kept
// per version and filter in a bounded cache: a version never changes, so
// paging through a large collection counts it once, not once per page.
// Pages are streamed: the features are written as the store yields them and
// numberReturned and the links follow them in the document, so a page of
// any length is served in constant memory.
//
// `datetime` selects the version that was current then: the last one
// published at or before the instant, or at or before the end of an
// interval (an open end means the latest); a date means the end of that
// day in the configured zone. Before the first version nothing matches.
//
// # Coordinates and axis order
//
// CRS84 (longitude, latitude) is the default. `crs` and `bbox-crs` also
// accept EPSG:4490 (CGCS2000, the storage CRS) and EPSG:4326 (WGS 84), whose
// authority axis order is latitude first: coordinates and bbox values in
// those systems are (lat, lon), as Part 2 requires. CGCS2000 and WGS 84 agree
// to centimetres, so only the axis order differs. Chinese web-map systems
// (GCJ-02, BD-09) have no EPSG code and are offered by the native /v1 API.
//
// # Formats
//
// JSON (GeoJSON for features) unless `f=html` or an Accept header that
// prefers text/html asks for the server-rendered pages (html/template, no
// script, no CDN). Errors use the service's one error shape, through the
// Fail function the api package passes in.
package ogc
