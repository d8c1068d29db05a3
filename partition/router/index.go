package router

import (
	"context"
	"fmt"
	"time"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/index"
	"github.com/wangge/wangge/partition"
)

// Options tune the answers and the index.
type Options struct {
	// Margin under which a point is near_boundary; default 30 m.
	Margin geo.Meters
	// Tolerance within which a point outside every unit still resolves,
	// approximately, to the nearest unit; default 50 m.
	Tolerance geo.Meters
	// Cells is about how many raster cells to use; 0 sizes it to the data.
	Cells int
	// Past bounds the indexes of past versions a Router keeps (Router.At).
	Past CacheOptions
}

func (o *Options) defaults() {
	if o.Margin <= 0 {
		o.Margin = 30
	}
	if o.Tolerance <= 0 {
		o.Tolerance = 50
	}
}

// entry is one unit of the index.
type entry struct {
	unit   partition.Unit // Geometry is nil: it lives in the shapes
	parent int32          // -1 for a root (or a parent missing from the version)
	shape  int32          // -1 for membership units
	depth  int32          // ancestors above it
	chain  []int32        // root first, the unit last
}

// Index is an immutable routing index over one published version, safe for
// concurrent use.
type Index struct {
	version   partition.Version
	opts      Options
	units     []entry
	byCode    map[partition.Code]int32
	shapeUnit []int32          // shape id → unit
	shapeCode []partition.Code // shape id → its unit's code: Locate's answer, compact (3 MB for 200k shapes) so it stays in the cache where the units would not
	enc       encoded          // every unit as it appears in an answer (apart from the units: compact, so it stays in the cache)
	rank      []int32          // unit → rank (position in paint order), -1 for membership units
	kids      []uint8          // unit → hasShapes | tiled: whether it has polygonal children (of its own network)
	shapeKids []bool           // shape id → its unit has polygonal children: Locate's one extra read
	shapes    *index.Shapes
	raster    *index.Raster
	stats     Stats
	tail      []byte // the end of every JSON result: version, published_at
	zorder    index.ZOrder
}

// Stats describe an index.
type Stats struct {
	Units, Polygonal int
	Vertices         int
	CoordinateBytes  int // 16 bytes per vertex as stored by the units
	IndexBytes       int // shapes and raster arrays
	CellsX, CellsY   int
	BoundaryCells    int
	BuildTime        time.Duration
}

// Build reads every unit of the version that at selects from the store and
// indexes it. When nothing is published yet it returns an empty index
// (version 0) that resolves nothing.
func Build(ctx context.Context, s partition.Store, at partition.AsOf, opts Options) (*Index, error) {
	v, err := s.Resolve(ctx, at)
	if err != nil {
		if partition.KindOf(err) == partition.NotFound && at.Latest() {
			return New(partition.Version{}, nil, opts)
		}
		return nil, fmt.Errorf("build router index: %w", err)
	}
	var units []partition.Unit
	err = s.Units(ctx, partition.Query{AsOf: partition.AsOf{Version: v.Number}}, func(u partition.Unit) error {
		units = append(units, u)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("build router index of version %d: read units: %w", v.Number, err)
	}
	return New(v, units, opts)
}

// New indexes units, all of one version. It keeps the units but not their
// geometries, which it copies into its own arrays.
func New(v partition.Version, units []partition.Unit, opts Options) (*Index, error) {
	start := time.Now()
	opts.defaults()
	ix := &Index{version: v, tail: versionTail(v), opts: opts, units: make([]entry, len(units)), byCode: make(map[partition.Code]int32, len(units)), shapes: &index.Shapes{}}
	for i := range units {
		if _, dup := ix.byCode[units[i].Code]; dup {
			return nil, fmt.Errorf("build router index: unit %s appears twice", units[i].Code)
		}
		ix.byCode[units[i].Code] = int32(i)
	}
	ix.shapes.Grow(len(units), countRings(units), countVertices(units))
	for i := range units {
		e := &ix.units[i]
		e.unit, e.shape, e.parent = units[i], -1, -1
		e.unit.Geometry = nil
		if p, ok := ix.byCode[units[i].Parent]; ok && units[i].Parent != "" {
			e.parent = p
		}
	}
	// The shapes are stored along a Z-order curve, the order in which
	// Sorter puts the points of a batch (see index.ZOrder).
	for _, i := range ix.shapeOrder(units) {
		g := units[i].Geometry
		ix.units[i].shape = ix.shapes.Add(g)
		ix.shapeUnit = append(ix.shapeUnit, i)
		ix.shapeCode = append(ix.shapeCode, units[i].Code)
		ix.stats.Polygonal++
		for _, pg := range g {
			for _, r := range pg {
				ix.stats.CoordinateBytes += 16 * len(r)
			}
		}
	}
	if err := ix.chains(); err != nil {
		return nil, err
	}
	order := paintOrder(ix.units)
	ix.rank = make([]int32, len(units))
	for i := range ix.rank {
		ix.rank[i] = -1
	}
	shapeOrder := make([]int32, len(order))
	for k, u := range order {
		ix.rank[u] = int32(k)
		shapeOrder[k] = ix.units[u].shape
	}
	ix.families()
	r, err := index.Build(ix.shapes, shapeOrder, index.Options{Cells: opts.Cells, Parent: ix.parentShapes()})
	if err != nil {
		return nil, fmt.Errorf("build router index of version %d: %w", v.Number, err)
	}
	ix.raster = r
	ix.encode()
	ix.stats.Units = len(units)
	ix.stats.Vertices = ix.shapes.Vertices()
	ix.stats.IndexBytes = ix.shapes.Bytes() + r.Bytes() + cap(ix.enc.buf) + 28*cap(ix.enc.at)
	ix.stats.CellsX, ix.stats.CellsY, ix.stats.BoundaryCells = r.Cells()
	ix.stats.BuildTime = time.Since(start)
	return ix, nil
}

// Bits of Index.kids.
const (
	hasShapes uint8 = 1 << iota // the unit has polygonal children
	tiled                       // some of them are of its own network: it is meant to be covered by them
)

// families fills ix.kids and ix.shapeKids.
func (ix *Index) families() {
	ix.kids = make([]uint8, len(ix.units))
	for i := range ix.units {
		e := &ix.units[i]
		if e.shape < 0 || e.parent < 0 {
			continue
		}
		ix.kids[e.parent] |= hasShapes
		if ix.units[e.parent].unit.Network == e.unit.Network {
			ix.kids[e.parent] |= tiled
		}
	}
	ix.shapeKids = make([]bool, len(ix.shapeUnit))
	for s, u := range ix.shapeUnit {
		ix.shapeKids[s] = ix.kids[u]&hasShapes != 0
	}
}

// parentShapes is each shape's enclosing shape for the raster
// (index.Options.Parent): the shape of its unit's nearest polygonal
// ancestor, -1 for none.
func (ix *Index) parentShapes() []int32 {
	out := make([]int32, len(ix.shapeUnit))
	for s, u := range ix.shapeUnit {
		out[s] = -1
		for p := ix.units[u].parent; p >= 0; p = ix.units[p].parent {
			if ix.units[p].shape >= 0 {
				out[s] = ix.units[p].shape
				break
			}
		}
	}
	return out
}

// shapeOrder sets ix.zorder to the Z-order over the units' extent and
// returns the units that have a shape, in the order of their first
// vertices along it (a unit's place on the curve needs one of its points,
// not the pass over every vertex that its bounds or centre would take).
func (ix *Index) shapeOrder(units []partition.Unit) []int32 {
	var ext orb.Bound
	anchors := make([]orb.Point, len(units))
	var keys []uint64
	for i := range units {
		if g := units[i].Geometry; units[i].Polygonal() && len(g) > 0 {
			anchors[i] = anchor(g)
			if len(keys) == 0 {
				ext = orb.Bound{Min: anchors[i], Max: anchors[i]}
			}
			ext = ext.Extend(anchors[i])
			keys = append(keys, uint64(i))
		}
	}
	ix.zorder = index.NewZOrder(ext)
	for k, i := range keys {
		keys[k] |= uint64(ix.zorder.Key(anchors[i])) << 32
	}
	keys = index.SortKeys(keys, make([]uint64, len(keys)))
	order := make([]int32, len(keys))
	for k, key := range keys {
		order[k] = int32(uint32(key))
	}
	return order
}

// anchor is mp's first vertex (the origin for a multipolygon without one).
func anchor(mp orb.MultiPolygon) orb.Point {
	for _, pg := range mp {
		for _, r := range pg {
			if len(r) > 0 {
				return r[0]
			}
		}
	}
	return orb.Point{}
}

// chains fills each unit's depth and chain, refusing a cycle of parents.
func (ix *Index) chains() error {
	for i := range ix.units {
		var up []int32
		for k := int32(i); k >= 0; k = ix.units[k].parent {
			if len(up) > len(ix.units) {
				return fmt.Errorf("build router index: the parents of unit %s form a cycle", ix.units[i].unit.Code)
			}
			up = append(up, k)
		}
		chain := make([]int32, len(up))
		for j, k := range up {
			chain[len(up)-1-j] = k
		}
		ix.units[i].chain = chain
		ix.units[i].depth = int32(len(chain) - 1)
	}
	return nil
}

// Version is the published version the index answers for.
func (ix *Index) Version() partition.Version { return ix.version }

// Stats describe the index.
func (ix *Index) Stats() Stats { return ix.stats }

// Unit returns a unit of the index's version by code.
func (ix *Index) Unit(code partition.Code) (*partition.Unit, bool) {
	i, ok := ix.byCode[code]
	if !ok {
		return nil, false
	}
	return &ix.units[i].unit, true
}

// Chain returns the unit with code and its ancestors, root first.
func (ix *Index) Chain(code partition.Code) ([]*partition.Unit, bool) {
	i, ok := ix.byCode[code]
	if !ok {
		return nil, false
	}
	return ix.chainOf(i), true
}

func (ix *Index) chainOf(i int32) []*partition.Unit {
	out := make([]*partition.Unit, len(ix.units[i].chain))
	for j, k := range ix.units[i].chain {
		out[j] = &ix.units[k].unit
	}
	return out
}

func countRings(units []partition.Unit) int {
	n := 0
	for i := range units {
		for _, pg := range units[i].Geometry {
			n += len(pg)
		}
	}
	return n
}

func countVertices(units []partition.Unit) int {
	n := 0
	for i := range units {
		for _, pg := range units[i].Geometry {
			for _, r := range pg {
				n += len(r)
			}
		}
	}
	return n
}
