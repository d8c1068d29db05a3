// Package ogc serves OGC API – Features over a partition.Store: Part 1
// (Core, GeoJSON, HTML, OpenAPI 3.0), Part 2 (coordinate reference
// systems by reference) and Part 4 (create, replace, update and delete,
// into drafts only), at the root of the service.
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
// # Drafts: reading and writing (Part 4)
//
// A request names a draft with its path, under the draft's own service
// root /drafts/ID/ (whose every link stays under it, so that a client
// given that root reads and writes the draft with nothing more), the query
// parameter `draft=ID` or the header X-Wangge-Draft: ID (naming two
// different ones is 400). The header is for
// clients such as QGIS, which add a connection's HTTP headers to every
// request but the URL's query only to reads; GDAL takes either (the URL, or
// GDAL_HTTP_HEADERS). With a draft, /collections, a collection, its items
// and an item are read from the draft's head (Config.Drafts.View), with
// the same paging, filters and CRSs; the findings collection stays the
// published version's.
//
// Writes go into the draft, as its operations (package edit), and keep the
// tiling as they do; a write that names no draft is 405 (Allow: GET,
// OPTIONS): a published version is never written.
//
//   - POST /collections/{c}/items: a new unit under properties.parent, at the
//     collection's level, its area carved out of its siblings (the add
//     operation); 201 with Location (the new item, ?draft=ID) and its ETag.
//   - PUT …/items/{code}: the whole feature. A geometry that differs makes
//     the replace operation: what the unit gains is taken from its siblings
//     (as reassign takes it), and each part it leaves out goes to the
//     sibling that shares the longest border with it; a part no sibling
//     touches (a gap) is 400. Changed name, kind, staff or free properties
//     are the attributes operation (or go with replace in one operation);
//     free properties left out are removed. 200 with the feature as the
//     draft now has it and its ETag; a PUT of the feature as it is changes
//     nothing.
//   - PATCH …/items/{code}: a JSON merge patch (application/merge-patch+json,
//     or GeoJSON): only the members given change; null removes a free
//     property. 200 as PUT.
//   - DELETE …/items/{code}: the delete operation, the area going to all the
//     unit's siblings (each part to the one that shares the longest border
//     with it); 204.
//   - OPTIONS on items and on an item: 204 with Allow — GET, OPTIONS; with a
//     draft open to edits also POST (items) or PUT, PATCH, DELETE (an item).
//
// The properties name, kind and staff change; code, level, network, parent,
// households and population are the server's (households are counted from
// the household layer as area moves) and may only be sent back as they are
// or null; a free property the unit does not have is refused unless null
// (clients send every field of their layer). An area that reaches outside
// the unit's parent, over units that are not its siblings, is 422 with the
// outside finding (rule, codes, area in m²) in the error's details; other
// refusals name the field (properties.x, geometry, id) and are 400.
// Content-Type must be application/geo+json or application/json (or, for
// PATCH, application/merge-patch+json), else 415; Content-Crs may give the
// body's CRS (CRS84 by default, or EPSG:4490/4326 latitude first); bodies are
// bounded (413).
//
// Each feature has a strong ETag, a hash of its content (geometry as stored
// and every attribute), sent with GET of an item and with every write's
// answer. PUT, PATCH and DELETE require If-Match with it (or *): missing is
// 428, another or a weak one 412, whose message gives the current ETag and
// the draft's revision. A write applies at the draft revision it read;
// when another edit of the draft came between, it reads the feature again
// and, if the feature's ETag still matches, applies again. Whatever the
// draft service refuses (a draft that takes no edits, an actor out of
// scope) is its error, passed on.
//
// # Formats
//
// JSON (GeoJSON for features) unless `f=html` or an Accept header that
// prefers text/html asks for the server-rendered pages (html/template, no
// script, no CDN). Errors use the service's one error shape, through the
// Fail function the api package passes in.
package ogc
