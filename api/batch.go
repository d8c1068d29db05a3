package api

import (
	"errors"
	"io"
	"net/http"
	"runtime"
	"strconv"
	"sync"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo/crs"
	"github.com/wangge/wangge/internal/cores"
	"github.com/wangge/wangge/partition/router"
)

// batchChunk is how many points one worker routes at a time.
const batchChunk = 2048

const ndjsonType = "application/x-ndjson"

// routeBatch serves POST /v1/route/batch. The body is
// {"crs": "wgs84", "points": [[lon, lat], …]} or, with Content-Type
// application/x-ndjson, one [lon, lat] per line (crs from the query; a
// body crs that names another system than ?crs= is refused). The answer
// is {"version": …, "crs": …, "results": […]} in input order, after every
// point was checked (a bad point is a 400 naming its index; with
// on_error=skip its result is {"index": i, "error": …} and the others are
// routed); or, when the client accepts application/x-ndjson or sends it,
// one result per line, each with its "crs", streamed in constant memory,
// with no body limit: a bad NDJSON line (or, with on_error=skip, a bad
// point of a JSON body) is answered in its place by {"line": n, "error":
// …} ({"index": i, …}) and the stream goes on; on_error=stop ends it
// there. A body that is not JSON where it must be ends the stream with a
// line {"error": …}; an error before anything was answered is a 400. The
// whole batch is answered from one version.
func (s *Server) routeBatch(c *gin.Context) {
	in, err := outCRS(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	queried := c.Query("crs") != ""
	ndIn, ndOut := streamed(c.Request)
	skip, err := onError(c, ndIn)
	if err != nil {
		s.fail(c, err)
		return
	}
	fields, err := answerFields(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	ix, err := s.indexAt(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	if ndOut {
		s.streamBatch(c, ix, newBatchReader(s.body(c, 0), ndIn), batchQuery{in, queried, skip, fields})
		return
	}
	br := newBatchReader(s.body(c, s.cfg.MaxBodyBytes), false)
	b, _ := s.batches.Get().(*batch)
	if b == nil {
		b = new(batch)
	}
	defer s.batches.Put(b)
	b.pts.reset()
	b.bad = b.bad[:0]
	for {
		p, err := br.next()
		if errors.Is(err, io.EOF) {
			break
		}
		var pe pointError
		switch {
		case err == nil:
			b.pts.add(p, br.echo)
			continue
		case !skip || !errors.As(err, &pe):
			s.fail(c, err)
			return
		case len(b.bad) == maxBadPoints:
			s.fail(c, invalidf("more than %d bad points (the first: %v): mend the batch, or stream it as NDJSON, which answers every bad line in its place", maxBadPoints, b.bad[0].err))
			return
		}
		// In its place, a point that is routed but not answered.
		b.bad = append(b.bad, badPoint{at: b.pts.len(), err: pe})
		b.pts.add([2]float64{}, nil)
	}
	if in, err = bodyCRS(br, batchQuery{in, queried, skip, fields}); err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Content-Type", "application/json")
	c.Status(http.StatusOK)
	head := append([]byte(`{"version":`), strconv.FormatInt(ix.Version().Number, 10)...)
	head = append(append(append(head, `,"crs":"`...), in...), `","results":[`...)
	if _, err := c.Writer.Write(head); err != nil {
		return
	}
	next, routed, bad := 0, 0, 0 // b.res holds the answers of points [routed-len(b.res), routed)
	err = pipeline(c.Writer, &s.chunks, ix, ',', func(ch *chunk) error {
		if next == b.pts.len() {
			return io.EOF
		}
		if next == routed {
			routed = min(next+batchSegment, b.pts.len())
			b.route(ix, in, next, routed)
		}
		end := min(next+batchChunk, routed)
		// A bad point is a chunk of its own, answered by its error; the
		// chunk before it ends there.
		if bad < len(b.bad) && b.bad[bad].at < end {
			if b.bad[bad].at == next {
				ch.after = b.bad[bad].err.appendJSON(ch.after)
				ch.answered = true
				next, bad = next+1, bad+1
				return nil
			}
			end = b.bad[bad].at
		}
		for i := next; i < end; i++ {
			ch.pts.add(b.pts.at[i], b.pts.text(i))
		}
		// A copy: the next segment reuses b.res while this chunk may still
		// be encoding.
		ch.pre = append(ch.pre[:0], b.res[next-routed+len(b.res):end-routed+len(b.res)]...)
		ch.answered, ch.in, ch.fields = true, in, fields
		next = end
		return nil
	})
	if err == nil {
		_, _ = c.Writer.Write([]byte("]}\n"))
	}
}

// batchQuery is what a batch's query asks: the crs of its points (in;
// queried when the query gave it) and whether a bad point is answered in
// its place (skip) rather than ending the batch, and the members of each
// answer (fields; 0 for all).
type batchQuery struct {
	in      crs.CRS
	queried bool
	skip    bool
	fields  router.Fields
}

// onError parses on_error: skip (answer a bad point in its place and go
// on; the default of an NDJSON body) or stop (the default of a JSON body).
func onError(c *gin.Context, ndjson bool) (skip bool, err error) {
	switch v := c.Query("on_error"); v {
	case "":
		return ndjson, nil
	case "skip":
		return true, nil
	case "stop":
		return false, nil
	default:
		return false, invalidf("on_error %q: want skip (answer a bad point with an error object in its place and route the others) or stop (refuse the batch; a stream ends there)", v)
	}
}

// maxBadPoints bounds the bad points a JSON batch with on_error=skip holds
// (about 200 bytes each) until it is answered.
const maxBadPoints = 100_000

// batch is a whole JSON batch: its points as given, on CGCS2000 and their
// answers, with the buffers to order them, reused from request to request.
type batch struct {
	pts    points
	bad    []badPoint // in order of at
	stored []orb.Point
	res    []router.Result
	sorter router.Sorter
}

// badPoint is a bad point of a JSON batch with on_error=skip: pts holds a
// point in its place (at), routed but answered by err.
type badPoint struct {
	at  int
	err pointError
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

// bodyCRS is the body's crs member, when there is one, else the query's
// (or its default). A body crs that names another system than a crs the
// query gave is refused; one that names the same (in any spelling) is not.
func bodyCRS(br *batchReader, q batchQuery) (crs.CRS, error) {
	if br.crs == "" {
		return q.in, nil
	}
	r, err := crs.Parse(br.crs)
	if err != nil {
		return "", invalidf("crs: %v", err)
	}
	if q.queried && r != q.in {
		return "", invalidf(`crs: the body's "crs" %q (%s) contradicts the query's crs (%s): give one of them, or the same in both`, br.crs, r, q.in)
	}
	return r, nil
}

// streamBatch answers in NDJSON as the points arrive.
func (s *Server) streamBatch(c *gin.Context, ix *router.Index, br *batchReader, q batchQuery) {
	// Read the body while the answer streams out (HTTP/1 would otherwise
	// drain the body at the first write).
	if err := http.NewResponseController(c.Writer).EnableFullDuplex(); err != nil {
		s.log.DebugContext(c.Request.Context(), "route batch: no full duplex", "err", err)
	}
	c.Header("Content-Type", ndjsonType)
	c.Status(http.StatusOK)
	in := q.in
	// A JSON body's crs comes before its points (seen once they start);
	// one that comes after them is refused unless it names in.
	started, seen := br.ndjson, ""
	fill := fillFrom(br, q.skip, func() ([2]float64, error) {
		p, err := br.next()
		if !started && br.state != 0 {
			started, seen = true, br.crs
			var cerr error
			if in, cerr = bodyCRS(br, q); cerr != nil {
				return p, cerr
			}
		}
		if started && br.crs != seen {
			if r, perr := crs.Parse(br.crs); perr != nil || r != in {
				err = invalidf(`crs: the body's "crs" must come before "points" when the answer is streamed`)
			}
		}
		return p, err
	})
	// The body's crs, once read (before the first point), is every chunk's.
	err := pipeline(c.Writer, &s.chunks, ix, '\n', func(ch *chunk) error {
		err := fill(ch)
		ch.in, ch.fields = in, q.fields
		return err
	})
	if err == nil {
		return
	}
	// The body may hold more: close it now, while the handler runs. With
	// full duplex, the server would close it after the handler returned,
	// and the background read that reaching its end starts then would
	// make the server panic reading the next request on the connection
	// ("invalid concurrent Body.Read call", golang/go#68560).
	_ = c.Request.Body.Close()
	if errors.Is(err, errWrite) {
		return
	}
	if !c.Writer.Written() { // nothing answered yet: a plain error
		c.Writer.Header().Del("Content-Type")
		s.fail(c, err)
		return
	}
	s.log.WarnContext(c.Request.Context(), "route batch stream ended", "err", err)
	var line []byte
	if pe := (pointError{}); errors.As(err, &pe) {
		line = append(pe.appendJSON(nil), '\n')
	} else {
		line, _ = jsonLine(errorFor(err))
	}
	_, _ = c.Writer.Write(line)
}

// fillFrom fills a chunk with up to batchChunk points from next (which
// reads them from br), passing on its error (io.EOF at the end). It ends a
// chunk early when the points read so far are all that has arrived: a
// client that sends points as they come (a live feed) gets each answer
// then, not once a chunk is full. With skip, a bad point (a pointError)
// ends the chunk too, which answers it after its points.
func fillFrom(br *batchReader, skip bool, next func() ([2]float64, error)) func(ch *chunk) error {
	return func(ch *chunk) error {
		for ch.pts.len() < batchChunk {
			p, err := next()
			if pe := (pointError{}); err != nil && skip && errors.As(err, &pe) {
				ch.after = pe.appendJSON(ch.after)
				return nil
			}
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
			ch.out, ch.after, ch.answered = ch.out[:0], ch.after[:0], false
			ch.done = make(chan struct{})
			err := fill(ch)
			if ch.pts.len() > 0 || len(ch.after) > 0 {
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
	pts    points
	in     crs.CRS       // the coordinate system of pts
	fields router.Fields // the members of each answer; 0: all
	// answered says that pre holds the answers for pts: they were routed
	// already, and are only to be encoded (a JSON batch). Else they are
	// routed here, and each answer, a line of a stream, ends with its crs.
	answered bool
	pre      []router.Result
	stored   []orb.Point     // pts on CGCS2000, a group at a time
	res      []router.Result // their results
	after    []byte          // the answer after pts': a bad point's error object
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
				if ch.fields == 0 {
					ch.out = router.AppendJSONAs(ch.out, &ch.pre[i], ch.pts.text(i))
				} else {
					ch.out = router.AppendJSONFields(ch.out, &ch.pre[i], ch.pts.text(i), ch.fields)
				}
				if sep == '\n' {
					ch.out = append(ch.out, '\n')
				}
			}
		}
		ch.appendAfter(sep)
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
			if ch.fields == 0 {
				ch.out = router.AppendJSONAs(ch.out, &ch.res[i], ch.pts.text(g+i))
			} else {
				ch.out = router.AppendJSONFields(ch.out, &ch.res[i], ch.pts.text(g+i), ch.fields)
			}
			ch.out = appendCRS(ch.out, ch.in)
			if sep == '\n' {
				ch.out = append(ch.out, '\n')
			}
		}
	}
	ch.appendAfter(sep)
	close(ch.done)
}

// appendAfter appends the chunk's after, if any, as one more answer.
func (ch *chunk) appendAfter(sep byte) {
	if len(ch.after) == 0 {
		return
	}
	if ch.pts.len() > 0 && sep != '\n' {
		ch.out = append(ch.out, sep)
	}
	ch.out = append(ch.out, ch.after...)
	if sep == '\n' {
		ch.out = append(ch.out, '\n')
	}
}

// appendCRS ends the answer just appended to dst, whose last byte is its
// closing brace, with a member "crs": the system its point was read in.
func appendCRS(dst []byte, in crs.CRS) []byte {
	dst = append(dst[:len(dst)-1], `,"crs":"`...)
	dst = append(dst, in...)
	return append(dst, `"}`...)
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
