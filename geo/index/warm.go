package index

import (
	"math"

	"github.com/paulmach/orb"
)

// Why warming: the raster and the shapes of a large tiling are hundreds of
// megabytes, so locating one point and measuring its distance to the
// boundary follows a chain of cache misses (cell → candidate list → shape
// header → chunk boxes and vertices), each a full memory latency (about
// 250 ns on the benchmark machines, where one miss after another costs 30
// times as much as independent misses issued together). Warm walks that
// chain for a group of points level by level, so that the misses of the
// group's points overlap; the exact computation that follows then runs
// from the cache. Warming reads and never writes: it changes no answer.
const (
	// warmGroup is how many points are warmed level by level at a time:
	// enough misses in flight to hide most of the latency, few enough that
	// the lines they bring stay in the L1 and L2 caches.
	warmGroup = 16
	// warmCandidates is how many candidates of a boundary cell are warmed
	// (the first ones, which a lookup tests first).
	warmCandidates = 2
	// warmVertices bounds the shapes whose vertices are warmed whole: a
	// larger shape (a county outline, say) is left to the lookup itself.
	warmVertices = 256
)

// Warm brings into the CPU cache, for each of pts, what Locate will read:
// the raster cell, its candidate list, the headers and chunk boxes of the
// first candidates and the chunks of edges their crossing test reads,
// level by level across up to 16 points at a time. (A cell inside one
// shape needs nothing more; what NearestBoundary reads of the shape found
// is for Shapes.Warm, once the shape is known: warming it here too cost
// more than it saved.) It changes nothing; the result is a checksum of
// what was read, with no meaning except that the reads cannot be
// optimised away.
func (r *Raster) Warm(pts []orb.Point) uint64 {
	var sum uint64
	if r.nx == 0 {
		return 0
	}
	for len(pts) > 0 {
		n := min(len(pts), warmGroup)
		sum += r.warmGroup(pts[:n])
		pts = pts[n:]
	}
	return sum
}

func (r *Raster) warmGroup(pts []orb.Point) uint64 {
	var cells [warmGroup]uint32
	var sum uint64
	for i, p := range pts { // level 1: the cells
		fx := (p[0] - r.minX) * r.invW
		fy := (p[1] - r.minY) * r.invH
		if fx >= 0 && fy >= 0 && fx < float64(r.nx) && fy < float64(r.ny) {
			cells[i] = r.cells[int(fy)*r.nx+int(fx)]
		}
	}
	for _, e := range cells[:len(pts)] { // level 2: the candidate lists
		if e&boundaryTag != 0 {
			sum += uint64(r.pool[(e&^boundaryTag)+1])
		}
	}
	var ids [warmGroup * warmCandidates]int32
	var at [warmGroup * warmCandidates]orb.Point
	k := 0
	for i, e := range cells[:len(pts)] { // the candidates
		if e&boundaryTag != 0 {
			off := e &^ boundaryTag
			n := min(uint32(r.pool[off+1]), warmCandidates)
			for _, id := range r.pool[off+2 : off+2+n] {
				ids[k], at[k] = id, pts[i]
				k++
			}
		}
	}
	s := r.shapes
	for _, id := range ids[:k] { // level 3: the headers
		sum += uint64(s.shapes[id].only.end)
	}
	for _, id := range ids[:k] { // level 4: the chunk boxes
		sum += s.warmChunks(id)
	}
	for j, id := range ids[:k] { // level 5: the edges the crossing test reads
		sum += s.warmCrossing(id, at[j])
	}
	return sum
}

// Warm brings into the CPU cache the chunk boxes and vertices of the
// shapes ids of one ring of at most a few hundred vertices (their headers
// first): what NearestBoundary reads. It changes nothing; the result is a
// checksum with no meaning (see Raster.Warm).
func (s *Shapes) Warm(ids []int32) uint64 {
	var sum uint64
	for _, id := range ids {
		sum += uint64(s.shapes[id].only.end)
	}
	for _, id := range ids {
		sum += s.warmChunks(id)
	}
	for _, id := range ids {
		rg := s.shapes[id].only
		if rg.end == 0 || rg.end-rg.start > warmVertices {
			continue
		}
		for k := rg.start; k < rg.end; k += 4 {
			sum += math.Float64bits(s.pts[k][0])
		}
		sum += math.Float64bits(s.pts[rg.end-1][1])
	}
	return sum
}

// warmChunks reads the chunk boxes of a shape of one small ring.
func (s *Shapes) warmChunks(id int32) uint64 {
	rg := s.shapes[id].only
	if rg.end == 0 || rg.end-rg.start > warmVertices {
		return 0
	}
	var sum uint64
	for c := rg.chunk; c < rg.chunk+chunkCount(rg); c += 2 {
		sum += math.Float64bits(s.chunks[c].Min[0])
	}
	return sum
}

// warmCrossing reads the vertices of the chunks that the crossing test of
// p against a shape of one small ring reads.
func (s *Shapes) warmCrossing(id int32, p orb.Point) uint64 {
	sh := &s.shapes[id]
	rg, b := sh.only, sh.bound
	if rg.end == 0 || rg.end-rg.start > warmVertices ||
		p[0] < b.Min[0] || p[0] >= b.Max[0] || p[1] < b.Min[1] || p[1] >= b.Max[1] {
		return 0
	}
	var sum uint64
	ci := rg.chunk
	for i := rg.start; i < rg.end-1; i, ci = i+chunkEdges, ci+1 {
		c := &s.chunks[ci]
		if c.Max[1] <= p[1] || c.Min[1] > p[1] || c.Max[0] < p[0] {
			continue
		}
		j := min(i+chunkEdges, rg.end-1)
		for k := i; k <= j; k += 4 {
			sum += math.Float64bits(s.pts[k][0])
		}
		sum += math.Float64bits(s.pts[j][1])
	}
	return sum
}

// chunkCount is how many chunks ring rg has.
func chunkCount(rg ring) int32 { return (rg.end-rg.start-2)/chunkEdges + 1 }
