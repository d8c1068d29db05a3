// Package crs converts longitude, latitude points between the coordinate
// systems met in Chinese web maps: WGS84, CGCS2000, GCJ-02 and BD-09.
//
// It is written by hand because no usable Go module exists for it. The
// formulas are the widely published ones (the same as the npm packages gcoord
// and coordtransform, which serve as the test oracle in testdata/).
//
//   - WGS84 (EPSG:4326) and CGCS2000 (EPSG:4490) are treated as identical:
//     their realisations agree to a few centimetres, far below what a web map
//     or a county boundary can show, so converting between them is a no-op.
//   - GCJ-02 is the offset datum of Amap, Tencent and Google's China tiles. The
//     forward offset WGS84 → GCJ-02 is the published formula on the Krasovsky
//     ellipsoid; it shifts points by a few hundred metres (about 0.53 km at
//     Nanjing, 0.46 km at Shengsi). Outside a rough bounding box of China
//     (lon 72.004–137.8347, lat 0.8293–55.8271) no offset is applied, the
//     box of gcoord and eviltransform (coordtransform's box is tighter).
//   - BD-09 is Baidu's further offset of GCJ-02, applied everywhere.
//
// Both inverses (GCJ-02 → WGS84, BD-09 → GCJ-02) have no closed form. They
// are solved by fixed-point iteration until the forward formula reproduces the
// input to within 1e-10°, so a round trip is exact to about 1e-10° (about
// 0.01 mm), unlike the one-step inverses of most published code, which are
// off by up to about 2 m (GCJ-02) and 0.2 m (BD-09).
//
// Coordinates are always longitude, latitude in degrees (GeoJSON order),
// whatever axis order the EPSG register gives a name accepted by [Parse].
package crs
