package api

import (
	"errors"
	"io"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo/crs"
	"github.com/wangge/wangge/internal/cores"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/router"
)

// batchChunk is how many points one worker routes at a time.
const batchChunk = 2048

const ndjsonType = "application/x-ndjson"

// routeBatch serves POST /v1/route/batch. The body is
// {"crs": "wgs84", "points": [[lon, lat], …]} or, with Content-Type
// application/x-ndjson, one [lon, lat] per line (crs from the query). The
// answer is {"version": …, "results": […]} in input order, after every
// point was checked (a bad point is a 400 naming its index); or, when the
// client accepts application/x-ndjson or sends it, one result per line,
// streamed in constant memory, with no body limit: a bad point then ends
// the stream with a line {"error": …} naming it. The whole batch is
// answered from one version.
func (s *Server) routeBatch(c *gin.Context) {
	in := crs.WGS84
	if v := c.Query("crs"); v != "" {
		r, err := crs.Parse(v)
		if err != nil {
			s.fail(c, invalidf("crs: %v", err))
			return
		}
		in = r
	}
	ndIn := strings.HasPrefix(c.ContentType(), ndjsonType)
	ndOut := ndIn || strings.Contains(c.GetHeader("Accept"), ndjsonType)
	ix, err := s.indexAt(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	if ndOut {
		s.streamBatch(c, ix, newBatchReader(c.Request.Body, ndIn), in)
		return
	}
	br := newBatchReader(http.MaxBytesReader(c.Writer, c.Request.Body, s.cfg.MaxBodyBytes), false)
	b, _ := s.batches.Get().(*batch)
	if b == nil {
		b = new(batch)
	}
	defer s.batches.Put(b)
	b.pts.reset()
	for {
		p, err := br.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		b.pts.add(p, br.echo)
	}
	if in, err = bodyCRS(br, in); err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Content-Type", "application/json")
	c.Status(http.StatusOK)
	head := append([]byte(`{"version":`), strconv.FormatInt(ix.Version().Number, 10)...)
	head = append(head, `,"results":[`...)
	if _, err := c.Writer.Write(head); err != nil {
		return
	}
	next, routed := 0, 0 // b.res holds the answers of points [routed-len(b.res), routed)
	err = pipeline(c.Writer, &s.chunks, ix, ',', func(ch *chunk) error {
		if next == b.pts.len() {
			return io.EOF
		}
		if next == routed {
			routed = min(next+batchSegment, b.pts.len())
			b.route(ix, in, next, routed)
		}
		end := min(next+batchChunk, routed)
		for i := next; i < end; i++ {
			ch.pts.add(b.pts.at[i], b.pts.text(i))
		}
		// A copy: the next segment reuses b.res while this chunk may still
		// be encoding.
		ch.pre = append(ch.pre[:0], b.res[next-routed+len(b.res):end-routed+len(b.res)]...)
		ch.answered, ch.in = true, in
		next = end
		return nil
	})
	if err == nil {
		_, _ = c.Writer.Write([]byte("]}\n"))
	}
}

// batch is a whole JSON batch: its points as given, on CGCS2000 and their
// answers, with the buffers to order them, reused from request to request.
type batch struct {
	pts    points
	stored []orb.Point
	res    []router.Result
	sorter router.Sorter
}

// batchSegment is how many points of a JSON batch are routed together in
// the index's order: enough for the order to pay (it reads the index
// along its own layout), few enough to bound the memory a batch takes
// beyond its points (about 100 bytes a point: 26 MB).
const batchSegment = 1 << 18

// convertRun is how many points a core converts to CGCS2000 at a time.
const convertRun = 4096

// route answers points [lo, hi) into b.res, on every core, in the index's
// order (router.RouteBatch), far faster than in the order given.
func (b *batch) route(ix *router.Index, in crs.CRS, lo, hi int) {
	n := hi - lo
	if cap(b.stored) < n {
		b.stored, b.res = make([]orb.Point, n), make([]router.Result, n)
	}
	b.stored, b.res = b.stored[:n], b.res[:n]
	pts := b.pts.at[lo:hi]
	if in == crs.WGS84 || in == crs.CGCS2000 {
		for i, p := range pts {
			b.stored[i] = orb.Point(p)
		}
	} else {
		cores.Runs(n, convertRun, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				b.stored[i] = toStored(pts[i], in)
			}
		})
	}
	ix.RouteBatch(b.stored, b.res, &b.sorter)
}

// bodyCRS is the body's crs member, when there is one, else def.
func bodyCRS(br *batchReader, def crs.CRS) (crs.CRS, error) {
	if br.crs == "" {
		return def, nil
	}
	r, err := crs.Parse(br.crs)
	if err != nil {
		return "", invalidf("crs: %v", err)
	}
	return r, nil
}

// streamBatch answers in NDJSON as the points arrive.
func (s *Server) streamBatch(c *gin.Context, ix *router.Index, br *batchReader, in crs.CRS) {
	// Read the body while the answer streams out (HTTP/1 would otherwise
	// drain the body at the first write).
	if err := http.NewResponseController(c.Writer).EnableFullDuplex(); err != nil {
		s.log.DebugContext(c.Request.Context(), "route batch: no full duplex", "err", err)
	}
	c.Header("Content-Type", ndjsonType)
	c.Status(http.StatusOK)
	started := false
	fill := fillFrom(br, func() ([2]float64, error) {
		p, err := br.next()
		if err == nil && !started {
			started = true
			if in, err = bodyCRS(br, in); err != nil {
				return p, err
			}
		}
		if err == nil && br.crs != "" && in != crs.CRS(strings.ToLower(strings.TrimSpace(br.crs))) {
			if r, perr := crs.Parse(br.crs); perr != nil || r != in {
				err = invalidf(`crs: the body's "crs" must come before "points" when the answer is streamed`)
			}
		}
		return p, err
	})
	// The body's crs, once read (before the first point), is every chunk's.
	err := pipeline(c.Writer, &s.chunks, ix, '\n', func(ch *chunk) error {
		err := fill(ch)
		ch.in = in
		return err
	})
	if err != nil && !errors.Is(err, errWrite) {
		s.log.WarnContext(c.Request.Context(), "route batch stream ended", "err", err)
		line, _ := jsonLine(errorFor(err))
		_, _ = c.Writer.Write(line)
	}
}

// fillFrom fills a chunk with up to batchChunk points from next (which
// reads them from br), passing on its error (io.EOF at the end). It ends a
// chunk early when the points read so far are all that has arrived: a
// client that sends points as they come (a live feed) gets each answer
// then, not once a chunk is full.
func fillFrom(br *batchReader, next func() ([2]float64, error)) func(ch *chunk) error {
	return func(ch *chunk) error {
		for ch.pts.len() < batchChunk {
			p, err := next()
			if err != nil {
				return err
			}
			ch.pts.add(p, br.echo)
			if br.br.Buffered() == 0 {
				return nil
			}
		}
		return nil
	}
}

// points are the points of a batch or a chunk, each with its text as it
// came (see batchReader.echo), which its answer echoes.
type points struct {
	at   [][2]float64
	echo []byte
	ends []int32 // point i's text is echo[ends[i-1]:ends[i]]
}

func (ps *points) reset() { ps.at, ps.echo, ps.ends = ps.at[:0], ps.echo[:0], ps.ends[:0] }

func (ps *points) len() int { return len(ps.at) }

func (ps *points) add(p [2]float64, echo []byte) {
	ps.at = append(ps.at, p)
	ps.echo = append(ps.echo, echo...)
	ps.ends = append(ps.ends, int32(len(ps.echo)))
}

func (ps *points) text(i int) []byte {
	start := int32(0)
	if i > 0 {
		start = ps.ends[i-1]
	}
	return ps.echo[start:ps.ends[i]]
}

// pipeline fills chunks with fill until it returns an error (io.EOF at
// the end; a chunk may hold points then too), routes them on every core
// (unless fill gave their answers too: then only encodes them) and writes
// the results to w in input order, separated by sep. Memory is bounded by
// a few chunks per core, taken from and given back to pool. It returns
// fill's first error other than io.EOF, or errWrite when the client went
// away.
func pipeline(w http.ResponseWriter, pool *sync.Pool, ix *router.Index, sep byte, fill func(ch *chunk) error) error {
	workers := runtime.GOMAXPROCS(0)
	jobs := make(chan *chunk, workers)
	order := make(chan *chunk, 2*workers)
	// The chunks in flight, recycled: after the first few, a batch
	// allocates nothing per point.
	free := make(chan *chunk, 2*workers+workers+2)
	for range workers {
		go func() {
			for ch := range jobs {
				ch.route(ix, sep)
			}
		}()
	}
	errc := make(chan error, 1)
	go func() { // the reader
		defer close(jobs)
		defer close(order)
		for {
			var ch *chunk
			select {
			case ch = <-free:
			default:
				if ch, _ = pool.Get().(*chunk); ch == nil {
					ch = &chunk{out: make([]byte, 0, batchChunk*chunkBytes)}
				}
			}
			ch.pts.reset()
			ch.out, ch.answered = ch.out[:0], false
			ch.done = make(chan struct{})
			err := fill(ch)
			if ch.pts.len() > 0 {
				order <- ch
				jobs <- ch
			}
			if err != nil {
				if !errors.Is(err, io.EOF) {
					errc <- err
				}
				return
			}
		}
	}()
	werr := writeInOrder(w, order, free, pool, sep)
	// order is closed: every chunk is back in free or pool.
	for len(free) > 0 {
		pool.Put(<-free)
	}
	if werr != nil {
		return errWrite
	}
	select {
	case err := <-errc:
		return err
	default:
		return nil
	}
}

// chunkBytes is the room a chunk's out has at first for each point's
// answer (about 613 bytes on the benchmark tiling).
const chunkBytes = 640

// chunk is a run of points routed by one worker.
type chunk struct {
	pts points
	in  crs.CRS // the coordinate system of pts
	// answered says that pre holds the answers for pts: they were routed
	// already, and are only to be encoded.
	answered bool
	pre      []router.Result
	stored   []orb.Point     // pts on CGCS2000, a group at a time
	res      []router.Result // their results
	out      []byte
	done     chan struct{}
}

// routeGroup is how many points a worker routes (ix.Routes) before
// encoding them: few enough that their data is still in the CPU cache.
const routeGroup = 64

// warmGroup is how many answers routed already are brought into the cache
// (router.WarmJSON) before they are encoded.
const warmGroup = 16

// route routes the chunk's points, unless their answers are there
// already, and encodes the answers into out.
func (ch *chunk) route(ix *router.Index, sep byte) {
	if ch.answered {
		n := ch.pts.len()
		for g := 0; g < n; g += warmGroup {
			router.WarmJSON(ch.pre[g:min(g+warmGroup, n)])
			for i := g; i < min(g+warmGroup, n); i++ {
				if i > 0 && sep != '\n' {
					ch.out = append(ch.out, sep)
				}
				ch.out = router.AppendJSONAs(ch.out, &ch.pre[i], ch.pts.text(i))
				if sep == '\n' {
					ch.out = append(ch.out, '\n')
				}
			}
		}
		close(ch.done)
		return
	}
	if ch.stored == nil {
		ch.stored, ch.res = make([]orb.Point, routeGroup), make([]router.Result, routeGroup)
	}
	for g := 0; g < ch.pts.len(); g += routeGroup {
		pts := ch.pts.at[g:min(g+routeGroup, ch.pts.len())]
		for i, p := range pts {
			ch.stored[i] = toStored(p, ch.in)
		}
		ix.Routes(ch.stored[:len(pts)], ch.res)
		for i := range pts {
			if g+i > 0 && sep != '\n' {
				ch.out = append(ch.out, sep)
			}
			ch.out = router.AppendJSONAs(ch.out, &ch.res[i], ch.pts.text(g+i))
			if sep == '\n' {
				ch.out = append(ch.out, '\n')
			}
		}
	}
	close(ch.done)
}

// writeInOrder writes the chunks as they come from order, each once it is
// done, separated by sep, and hands them back to free (or, when it is
// full, to pool). After a write error it goes on draining and returns that
// error.
func writeInOrder(w http.ResponseWriter, order <-chan *chunk, free chan<- *chunk, pool *sync.Pool, sep byte) error {
	first, werr := true, error(nil)
	for ch := range order {
		<-ch.done
		if werr == nil && !first && sep != '\n' {
			_, werr = w.Write([]byte{sep})
		}
		first = false
		if werr == nil {
			if _, werr = w.Write(ch.out); werr == nil {
				if f, ok := w.(http.Flusher); ok && sep == '\n' {
					f.Flush()
				}
			}
		}
		select {
		case free <- ch:
		default:
			pool.Put(ch)
		}
	}
	return werr
}

var errWrite = errors.New("client went away")

// errorFor is the one error shape for an error met while streaming.
func errorFor(err error) errorBody {
	body := errorBody{Error: errorDetail{Code: string(partition.KindOf(err)), Message: err.Error(), Details: []partition.Problem{}}}
	var pe *partition.Error
	if errors.As(err, &pe) {
		body.Error.Message = pe.Message
		if pe.Problems != nil {
			body.Error.Details = pe.Problems
		}
	}
	return body
}
