package gpkgwkb

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
)

// Header flag bits (GeoPackage 1.3, table 4).
const (
	flagLittleEndian = 1 << 0
	flagEmpty        = 1 << 4
	flagExtended     = 1 << 5
	envelopeShift    = 1
	envelopeMask     = 0x7
	envelopeXY       = 1 // [minx, maxx, miny, maxy]
	fixedHeaderSize  = 8 // magic, version, flags, srs_id
)

// ErrNotGeoPackage is returned for bytes that do not start with a
// GeoPackage binary header.
var ErrNotGeoPackage = errors.New("gpkgwkb: not a GeoPackage binary geometry")

// Header is the part of a GeoPackage binary geometry before its WKB.
type Header struct {
	SRSID int32
	// Empty is the header's empty-geometry flag.
	Empty bool
	// Envelope is the XY extent the header carries, valid when HasEnvelope
	// (an absent envelope, or one of NaNs, leaves it false).
	Envelope    orb.Bound
	HasEnvelope bool
	// Size is the header's length in bytes: the WKB starts there.
	Size int
}

// envelopeSize returns the bytes an envelope contents indicator stands for.
func envelopeSize(indicator byte) (int, bool) {
	switch indicator {
	case 0:
		return 0, true
	case 1:
		return 32, true
	case 2, 3:
		return 48, true
	case 4:
		return 64, true
	}
	return 0, false
}

// ParseHeader reads the header of a GeoPackage binary geometry.
func ParseHeader(b []byte) (Header, error) {
	if len(b) < fixedHeaderSize || b[0] != 'G' || b[1] != 'P' {
		return Header{}, ErrNotGeoPackage
	}
	if b[2] != 0 {
		return Header{}, fmt.Errorf("gpkgwkb: unsupported version %d", b[2])
	}
	flags := b[3]
	if flags&flagExtended != 0 {
		return Header{}, fmt.Errorf("gpkgwkb: extended geometry types are not supported")
	}
	var order binary.ByteOrder = binary.BigEndian
	if flags&flagLittleEndian != 0 {
		order = binary.LittleEndian
	}
	n, ok := envelopeSize(flags >> envelopeShift & envelopeMask)
	if !ok {
		return Header{}, fmt.Errorf("gpkgwkb: invalid envelope indicator %d", flags>>envelopeShift&envelopeMask)
	}
	h := Header{SRSID: int32(order.Uint32(b[4:8])), Empty: flags&flagEmpty != 0, Size: fixedHeaderSize + n}
	if len(b) < h.Size {
		return Header{}, fmt.Errorf("gpkgwkb: %d bytes, shorter than the %d-byte header", len(b), h.Size)
	}
	if n > 0 {
		f := func(i int) float64 { return math.Float64frombits(order.Uint64(b[fixedHeaderSize+8*i:])) }
		minX, maxX, minY, maxY := f(0), f(1), f(2), f(3)
		if !math.IsNaN(minX) && !math.IsNaN(maxX) && !math.IsNaN(minY) && !math.IsNaN(maxY) {
			h.Envelope = orb.Bound{Min: orb.Point{minX, minY}, Max: orb.Point{maxX, maxY}}
			h.HasEnvelope = true
		}
	}
	return h, nil
}

// Unmarshal decodes a GeoPackage binary geometry. orb's WKB decoder checks
// point counts against the bytes present and caps what it allocates ahead
// for other counts, so a hostile count cannot exhaust memory.
func Unmarshal(b []byte) (orb.Geometry, Header, error) {
	h, err := ParseHeader(b)
	if err != nil {
		return nil, h, err
	}
	g, err := wkb.Unmarshal(b[h.Size:])
	if err != nil {
		return nil, h, fmt.Errorf("gpkgwkb: decode wkb: %w", err)
	}
	return g, h, nil
}

// Envelope returns the XY extent of a GeoPackage binary geometry: the
// header's envelope when it has one, else that of the decoded geometry. ok
// is false for an empty geometry.
func Envelope(b []byte) (env orb.Bound, ok bool, err error) {
	h, err := ParseHeader(b)
	switch {
	case err != nil:
		return orb.Bound{}, false, err
	case h.HasEnvelope:
		return h.Envelope, true, nil
	case h.Empty:
		return orb.Bound{}, false, nil
	}
	g, _, err := Unmarshal(b)
	if err != nil {
		return orb.Bound{}, false, err
	}
	var e extent
	if err := e.geometry(g); err != nil {
		return orb.Bound{}, false, err
	}
	return e.bound, e.n > 0, nil
}

// Marshal encodes g as a GeoPackage binary geometry with srsID: a
// little-endian header with an XY envelope (none, and the empty flag, for a
// geometry without points), then little-endian WKB. Coordinates must be
// finite: GeoPackage reserves NaN for empty points, which orb cannot express.
func Marshal(g orb.Geometry, srsID int32) ([]byte, error) {
	if g == nil {
		return nil, fmt.Errorf("gpkgwkb: nil geometry")
	}
	var e extent
	if err := e.geometry(g); err != nil {
		return nil, err
	}
	if e.nonFinite {
		return nil, fmt.Errorf("gpkgwkb: geometry has a NaN or infinite coordinate")
	}
	size := fixedHeaderSize
	flags := byte(flagLittleEndian)
	if e.n == 0 {
		flags |= flagEmpty
	} else {
		flags |= envelopeXY << envelopeShift
		size += 32
	}
	// The WKB needs 16 bytes a point and a little for the counts.
	b := make([]byte, size, size+16*e.n+64)
	b[0], b[1], b[2], b[3] = 'G', 'P', 0, flags
	binary.LittleEndian.PutUint32(b[4:], uint32(srsID))
	if e.n > 0 {
		for i, v := range [4]float64{e.bound.Min[0], e.bound.Max[0], e.bound.Min[1], e.bound.Max[1]} {
			binary.LittleEndian.PutUint64(b[fixedHeaderSize+8*i:], math.Float64bits(v))
		}
	}
	buf := bytes.NewBuffer(b)
	if err := wkb.NewEncoder(buf).SetByteOrder(binary.LittleEndian).Encode(g); err != nil {
		return nil, fmt.Errorf("gpkgwkb: encode wkb: %w", err)
	}
	return buf.Bytes(), nil
}

// extent accumulates the bounding box of every point of a geometry; unlike
// orb's Bound it does not assume that holes lie inside their shells.
type extent struct {
	bound     orb.Bound
	n         int
	nonFinite bool
}

func (e *extent) add(p orb.Point) {
	if math.IsNaN(p[0]) || math.IsNaN(p[1]) || math.IsInf(p[0], 0) || math.IsInf(p[1], 0) {
		e.nonFinite = true
		return
	}
	if e.n == 0 {
		e.bound = orb.Bound{Min: p, Max: p}
	} else {
		e.bound = e.bound.Extend(p)
	}
	e.n++
}

func (e *extent) points(ps []orb.Point) {
	for _, p := range ps {
		e.add(p)
	}
}

func (e *extent) geometry(g orb.Geometry) error {
	switch g := g.(type) {
	case orb.Point:
		e.add(g)
	case orb.MultiPoint:
		e.points(g)
	case orb.LineString:
		e.points(g)
	case orb.Ring:
		e.points(g)
	case orb.MultiLineString:
		for _, l := range g {
			e.points(l)
		}
	case orb.Polygon:
		for _, r := range g {
			e.points(r)
		}
	case orb.MultiPolygon:
		for _, p := range g {
			for _, r := range p {
				e.points(r)
			}
		}
	case orb.Bound:
		e.add(g.Min)
		e.add(g.Max)
	case orb.Collection:
		for _, c := range g {
			if err := e.geometry(c); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("gpkgwkb: unsupported geometry type %T", g)
	}
	return nil
}
