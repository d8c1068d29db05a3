package api

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/wangge/wangge/geo/crs"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/draft"
	"github.com/wangge/wangge/partition/edit"
	"github.com/wangge/wangge/partition/tiling"
)

// maxOpBytes bounds the body of one operation or draft request.
const maxOpBytes = 16 << 20

// registerDrafts adds the /v1/drafts routes.
func (s *Server) registerDrafts(v1 *gin.RouterGroup) {
	v1.POST("/drafts", s.accept(), s.createDraft)
	v1.GET("/drafts", s.accept("state"), s.listDrafts)
	v1.GET("/drafts/:id", s.accept("crs"), s.getDraft)
	v1.DELETE("/drafts/:id", s.accept(), s.deleteDraft)
	v1.GET("/drafts/:id/log", s.accept(), s.draftLog)
	v1.POST("/drafts/:id/ops", s.accept("crs"), s.draftOp)
	v1.POST("/drafts/:id/undo", s.accept("steps", "crs"), s.draftUndo(1))
	v1.POST("/drafts/:id/redo", s.accept("steps", "crs"), s.draftUndo(-1))
	v1.POST("/drafts/:id/rebase", s.accept("crs"), s.draftRebase)
	v1.POST("/drafts/:id/publish", s.accept("note"), s.draftPublish)
	v1.POST("/drafts/:id/submit", s.accept(), s.draftStep(partition.StateSubmitted))
	v1.POST("/drafts/:id/review", s.accept(), s.draftStep(partition.StateReviewed))
	v1.POST("/drafts/:id/reject", s.accept(), s.draftStep(partition.StateDraft))
	v1.POST("/drafts/:id/file", s.accept(), s.draftFile)
	v1.GET("/drafts/:id/transitions", s.accept(), s.draftTransitions)
	v1.GET("/diff", s.accept("from", "to", "root", "crs"), s.diffStates)
}

// service is the draft service, or a 404 answer when the store keeps no
// drafts.
func (s *Server) service(c *gin.Context) (*draft.Service, bool) {
	if s.drafts == nil {
		s.fail(c, partition.Errorf(partition.NotFound, "this store keeps no drafts"))
		return nil, false
	}
	return s.drafts, true
}

// draftArgs are what the draft handlers read first: the service, the
// output (or input) crs and the revision If-Match expects.
type draftArgs struct {
	svc *draft.Service
	crs crs.CRS
	rev int64
	id  string
}

// args reads the draftArgs, answering the error itself (ok false).
func (s *Server) args(c *gin.Context) (a draftArgs, ok bool) {
	if a.svc, ok = s.service(c); !ok {
		return a, false
	}
	var err error
	if a.crs, err = outCRS(c); err == nil {
		a.rev, err = ifMatch(c)
	}
	if err != nil {
		s.fail(c, err)
		return a, false
	}
	return a, true
}

// readJSON reads a small JSON body whole into v, refusing unknown members
// and trailing data.
func (s *Server) readJSON(c *gin.Context, what string, v any) error {
	data, err := io.ReadAll(s.body(c, maxOpBytes))
	if err != nil {
		return err
	}
	return partition.DecodeStrict(data, v, what)
}

type createRequest struct {
	Root partition.Code `json:"root"`
	Base string         `json:"base,omitempty"` // an as-of: version, time or date; "" the latest
	Note string         `json:"note,omitempty"`
}

// createDraft serves POST /v1/drafts: {"root": CODE, "base": AS_OF, "note": …}.
func (s *Server) createDraft(c *gin.Context) {
	svc, ok := s.service(c)
	if !ok {
		return
	}
	var req createRequest
	if err := s.readJSON(c, "draft", &req); err != nil {
		s.fail(c, err)
		return
	}
	at, err := partition.ParseAsOf(req.Base, s.cfg.Location)
	if err != nil {
		s.fail(c, invalidf("base: %v", err))
		return
	}
	d, err := svc.Create(c.Request.Context(), req.Root, at, req.Note)
	if err != nil {
		s.fail(c, err)
		return
	}
	etag(c, d)
	c.Header("Location", "/v1/drafts/"+d.ID)
	c.JSON(http.StatusCreated, gin.H{"draft": d})
}

// listDrafts serves GET /v1/drafts?state=: the drafts (in that state),
// newest first, each with the role it waits for.
func (s *Server) listDrafts(c *gin.Context) {
	svc, ok := s.service(c)
	if !ok {
		return
	}
	var state partition.DraftState
	if v, ok := c.GetQuery("state"); ok {
		var err error
		if state, err = partition.ParseDraftState(v); err != nil {
			s.fail(c, err)
			return
		}
	}
	ds, err := svc.List(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	out := []draftAnswer{}
	for _, d := range ds {
		if state == "" || d.State == state {
			out = append(out, answerOf(d))
		}
	}
	c.JSON(http.StatusOK, gin.H{"drafts": out})
}

// draftAnswer is a draft as the API shows it: with the role that acts on
// it next.
type draftAnswer struct {
	partition.Draft
	WaitsFor partition.Role `json:"waits_for,omitempty"`
}

func answerOf(d partition.Draft) draftAnswer {
	return draftAnswer{Draft: d, WaitsFor: d.State.WaitsFor()}
}

// getDraft serves GET /v1/drafts/{id}: the draft, every unit's households
// against the band, and the findings as GeoJSON.
func (s *Server) getDraft(c *gin.Context) {
	a, ok := s.args(c)
	if !ok {
		return
	}
	svc, r := a.svc, a.crs
	v, err := svc.Get(c.Request.Context(), c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	ts, err := svc.Transitions(c.Request.Context(), v.Draft.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	if ts == nil {
		ts = []partition.DraftTransition{}
	}
	etag(c, v.Draft)
	c.JSON(http.StatusOK, gin.H{"draft": answerOf(v.Draft), "transitions": ts, "units": nonNilBalance(v.Units), "summary": v.Summary,
		"rules": ruleName(svc.Rules()), "findings": s.findingsJSON(c, v.Findings, r)})
}

func (s *Server) deleteDraft(c *gin.Context) {
	svc, ok := s.service(c)
	if !ok {
		return
	}
	if err := svc.Delete(c.Request.Context(), c.Param("id")); err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// draftLog serves GET /v1/drafts/{id}/log: every operation as asked, with
// what it moved, and whether it is applied (before the head) or undone.
func (s *Server) draftLog(c *gin.Context) {
	svc, ok := s.service(c)
	if !ok {
		return
	}
	d, ops, err := svc.Log(c.Request.Context(), c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	entries := make([]gin.H, 0, len(ops))
	for _, op := range ops {
		var ch edit.Change
		if err := json.Unmarshal(op.Change, &ch); err != nil {
			s.fail(c, err)
			return
		}
		entries = append(entries, gin.H{"seq": op.Seq, "at": op.At, "applied": op.Seq < d.Head, "op": op.Op, "change": changeAnswer(&ch)})
	}
	etag(c, d)
	c.JSON(http.StatusOK, gin.H{"draft": d, "log": entries})
}

// draftOp serves POST /v1/drafts/{id}/ops: one operation (see edit.Op),
// its coordinates in crs; If-Match names the revision it expects.
func (s *Server) draftOp(c *gin.Context) {
	a, ok := s.args(c)
	if !ok {
		return
	}
	svc, in, rev := a.svc, a.crs, a.rev
	data, err := io.ReadAll(s.body(c, maxOpBytes))
	if err != nil {
		s.fail(c, err)
		return
	}
	op, err := edit.ParseOp(data)
	if err != nil {
		s.fail(c, err)
		return
	}
	op.Transform(crs.Transform(in, crs.CGCS2000))
	res, err := svc.Apply(c.Request.Context(), c.Param("id"), rev, op)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.answerEdit(c, res, in)
}

// draftUndo serves undo (dir 1) and redo (dir -1): ?steps=N (default 1).
func (s *Server) draftUndo(dir int) gin.HandlerFunc {
	return func(c *gin.Context) {
		a, ok := s.args(c)
		if !ok {
			return
		}
		var err error
		steps := 1
		if v := c.Query("steps"); v != "" {
			if steps, err = strconv.Atoi(v); err != nil || steps < 1 || steps > 1_000_000 {
				s.fail(c, invalidf("steps %q: want a whole number from 1", v))
				return
			}
		}
		res, err := a.svc.Undo(c.Request.Context(), c.Param("id"), a.rev, dir*steps)
		if err != nil {
			s.fail(c, err)
			return
		}
		s.answerEdit(c, res, a.crs)
	}
}

func (s *Server) answerEdit(c *gin.Context, res draft.Result, r crs.CRS) {
	chs := make([]gin.H, len(res.Changes))
	for i := range res.Changes {
		chs[i] = changeAnswer(&res.Changes[i])
	}
	etag(c, res.Draft)
	c.JSON(http.StatusOK, gin.H{"draft": res.Draft, "changes": chs, "units": nonNilBalance(res.Units), "summary": res.Summary,
		"findings": s.findingsJSON(c, res.Findings, r), "took_ms": float64(res.Took.Microseconds()) / 1000})
}

func (s *Server) draftRebase(c *gin.Context) {
	a, ok := s.args(c)
	if !ok {
		return
	}
	svc, r, rev := a.svc, a.crs, a.rev
	d, err := svc.Rebase(c.Request.Context(), c.Param("id"), rev)
	if rc, ok := err.(*draft.RebaseConflict); ok {
		s.failWith(c, err, gin.H{"conflicts": gin.H{"ours": s.unitsJSON(c, rc.Ours, r), "theirs": s.unitsJSON(c, rc.Theirs, r)}})
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	etag(c, d)
	c.JSON(http.StatusOK, gin.H{"draft": d})
}

func (s *Server) draftPublish(c *gin.Context) {
	a, ok := s.args(c)
	if !ok {
		return
	}
	svc, rev := a.svc, a.rev
	ctx := c.Request.Context()
	v, err := svc.Publish(ctx, c.Param("id"), rev, c.Query("note"))
	if err != nil {
		s.fail(c, err)
		return
	}
	s.published(c, v)
}

// stepRequest is the body of submit, review, reject and file (all
// optional but a rejection's comment).
type stepRequest struct {
	Comment string `json:"comment"`
	// Justifications: of a submission, one per unit whose size a warning
	// finds outside the band.
	Justifications map[partition.Code]string `json:"justifications,omitempty"`
}

// readStep reads the stepRequest of a step to the state to; an empty body
// is {}.
func (s *Server) readStep(c *gin.Context, to partition.DraftState) (stepRequest, error) {
	var req stepRequest
	data, err := io.ReadAll(s.body(c, maxOpBytes))
	if err != nil || len(bytes.TrimSpace(data)) == 0 {
		return req, err
	}
	if err := partition.DecodeStrict(data, &req, "request"); err != nil {
		return req, err
	}
	if to != partition.StateSubmitted && req.Justifications != nil {
		return req, invalidf("justifications: only a submission gives them")
	}
	return req, nil
}

// draftStep serves submit (to submitted), review (to reviewed) and reject
// (to draft): {"comment": …, "justifications": {CODE: …}}, If-Match the
// revision it acts on.
func (s *Server) draftStep(to partition.DraftState) gin.HandlerFunc {
	return func(c *gin.Context) {
		a, ok := s.args(c)
		if !ok {
			return
		}
		req, err := s.readStep(c, to)
		if err != nil {
			s.fail(c, err)
			return
		}
		ctx, id := c.Request.Context(), c.Param("id")
		var d partition.Draft
		switch to {
		case partition.StateSubmitted:
			d, err = a.svc.Submit(ctx, id, a.rev, req.Comment, req.Justifications)
		case partition.StateReviewed:
			d, err = a.svc.Review(ctx, id, a.rev, req.Comment)
		default:
			d, err = a.svc.Reject(ctx, id, a.rev, req.Comment)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		etag(c, d)
		c.JSON(http.StatusOK, gin.H{"draft": answerOf(d)})
	}
}

// draftFile serves POST /v1/drafts/{id}/file: {"comment": …}; the
// reviewed draft is published as a new version.
func (s *Server) draftFile(c *gin.Context) {
	a, ok := s.args(c)
	if !ok {
		return
	}
	req, err := s.readStep(c, partition.StateFiled)
	if err != nil {
		s.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	v, err := a.svc.File(ctx, c.Param("id"), a.rev, req.Comment)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.published(c, v)
}

// published answers a draft's publish and routes from the new version.
func (s *Server) published(c *gin.Context, v partition.Version) {
	ctx := c.Request.Context()
	if _, err := s.router.ReloadTo(ctx, v.Number); err != nil {
		s.log.ErrorContext(ctx, "router reload after publish", "version", v.Number, "err", err)
	}
	c.JSON(http.StatusCreated, gin.H{"version": v})
}

// draftTransitions serves GET /v1/drafts/{id}/transitions: the draft's
// steps along the chain.
func (s *Server) draftTransitions(c *gin.Context) {
	svc, ok := s.service(c)
	if !ok {
		return
	}
	ts, err := svc.Transitions(c.Request.Context(), c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	if ts == nil {
		ts = []partition.DraftTransition{}
	}
	c.JSON(http.StatusOK, gin.H{"transitions": ts})
}

// changeAnswer is a change as an answer shows it: what moved, not the
// units whole.
func changeAnswer(ch *edit.Change) gin.H {
	before := map[partition.Code]bool{}
	for _, u := range ch.Before {
		before[u.Code] = true
	}
	added, changed, removed := []partition.Code{}, []partition.Code{}, []partition.Code{}
	after := map[partition.Code]bool{}
	for _, u := range ch.After {
		after[u.Code] = true
		if before[u.Code] {
			changed = append(changed, u.Code)
		} else {
			added = append(added, u.Code)
		}
	}
	for _, u := range ch.Before {
		if !after[u.Code] {
			removed = append(removed, u.Code)
		}
	}
	moves := ch.Moves
	if moves == nil {
		moves = []edit.Move{}
	}
	h := gin.H{"op": ch.Op, "moves": moves, "added": added, "changed": changed, "removed": removed}
	if len(ch.Recoded) > 0 {
		h["recoded"] = ch.Recoded
	}
	return h
}

// findingsJSON is the findings as a GeoJSON FeatureCollection in r.
func (s *Server) findingsJSON(c *gin.Context, fs []partition.Finding, r crs.CRS) json.RawMessage {
	var buf bytes.Buffer
	if err := tiling.WriteGeoJSON(&buf, &tiling.Report{Findings: fs}, toCRS(r), 0); err != nil {
		s.log.ErrorContext(c.Request.Context(), "encode findings", "err", err)
		return json.RawMessage("null")
	}
	return buf.Bytes()
}

// unitsJSON is units as a GeoJSON FeatureCollection in r.
func (s *Server) unitsJSON(c *gin.Context, us []partition.Unit, r crs.CRS) json.RawMessage {
	var buf bytes.Buffer
	cw := partition.NewCollectionWriter(&buf, nil)
	for i := range us {
		if err := cw.Unit(&us[i], toCRS(r)); err != nil {
			s.log.ErrorContext(c.Request.Context(), "encode units", "err", err)
			return json.RawMessage("null")
		}
	}
	if err := cw.Close(); err != nil {
		return json.RawMessage("null")
	}
	return buf.Bytes()
}

// etag names the draft's revision, which If-Match gives back.
func etag(c *gin.Context, d partition.Draft) {
	c.Header("ETag", `"`+strconv.FormatInt(d.Revision, 10)+`"`)
}

// ifMatch reads If-Match: the revision a write expects ("N", as ETag
// gives it); -1 (any) when absent or "*".
func ifMatch(c *gin.Context) (int64, error) {
	v := strings.TrimSpace(c.GetHeader("If-Match"))
	if v == "" || v == "*" {
		return -1, nil
	}
	t := strings.Trim(strings.TrimPrefix(v, "W/"), `"`)
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n < 0 {
		return 0, invalidf("If-Match %q: want the draft's ETag, a revision such as \"3\"", v)
	}
	return n, nil
}

func nonNilBalance(b []draft.Balance) []draft.Balance {
	if b == nil {
		return []draft.Balance{}
	}
	return b
}

func ruleName(rs *partition.RuleSet) any {
	if rs == nil {
		return nil
	}
	return rs.Name
}
