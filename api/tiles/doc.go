// Package tiles serves Mapbox vector tiles (MVT 2.1, Web Mercator, XYZ
// scheme) of the OGC API collections at /tiles/{collectionId}/{z}/{x}/{y}.mvt,
// one layer named after the collection, with orb's encoder.
//
// Each feature carries code, name, level, kind and households, and the code
// as its numeric id (exact in the tile as a uint64; a decoder that reads ids
// as float64, as orb's does, loses the last digits of an 18-digit
// micro-grid code, so the code attribute is the one to key on). Geometries are projected to tile coordinates (extent
// 4096), clipped to the tile with a buffer of 64 (so that strokes meet
// across tile edges), simplified with Douglas–Peucker to one tile unit —
// which is what makes the simplification follow the zoom — and dropped
// when smaller than one square unit.
//
// A tile is drawn from the latest version, or the one `version` names. Its
// ETag names the version, so a client revalidates cheaply (304), and the
// Cache-Control lets a tile of the latest version be cached briefly and a
// tile of a pinned version for good, since a version never changes. A tile
// with no feature is 204 No Content.
//
// With `draft=ID` a tile is drawn from the draft's units at its head
// instead (Config.Draft; not with version): its ETag names the draft's
// revision and it is revalidated on each use, since the next edit changes
// it. Any other query parameter is refused, as on the rest of the API.
package tiles
