package ogc

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/edit"
)

// DraftHeader names the draft a request reads or writes, as the `draft`
// query parameter does (for clients such as QGIS, which add a connection's
// headers to every request but its query only to reads).
const DraftHeader = "X-Wangge-Draft"

// DraftView is a draft's head as a read-only store (draft.Snapshot).
type DraftView interface {
	partition.Store
	Draft() partition.Draft
}

// Drafts are the hooks through which the handler reads and writes drafts
// (the api package wires them to draft.Service).
type Drafts struct {
	// View returns the read-only view of draft id at its head; a not_found
	// error when there is no such draft.
	View func(ctx context.Context, id string) (DraftView, error)
	// Apply carries out op on draft id at revision rev and appends it to
	// its log, returning the draft as it now is and what changed; nil
	// refuses every write. Whatever refuses the write (a stale revision, a
	// draft not open to edits, an actor out of scope) is its error.
	Apply func(ctx context.Context, id string, rev int64, op edit.Op) (partition.Draft, []edit.Change, error)
	// Log, when set, returns the draft and its log, for a refusal to name
	// the operation that last changed a feature.
	Log func(ctx context.Context, id string) (partition.Draft, []partition.DraftOp, error)
}

// lastChange names the last applied operation of draft id that changed
// the unit of code ("" when unknown).
func (d *Drafts) lastChange(ctx context.Context, id string, code partition.Code) string {
	if d.Log == nil {
		return ""
	}
	dr, ops, err := d.Log(ctx, id)
	if err != nil {
		return ""
	}
	for i := len(ops) - 1; i >= 0; i-- {
		if ops[i].Seq >= dr.Head {
			continue // undone
		}
		var ch struct {
			Op            string
			Before, After []struct{ Code partition.Code }
		}
		if json.Unmarshal(ops[i].Change, &ch) != nil {
			continue
		}
		for _, u := range append(ch.Before, ch.After...) {
			if u.Code == code {
				return fmt.Sprintf(", the last that changed it #%d of the log (%s, at %s)", ops[i].Seq+1, ch.Op, ops[i].At.UTC().Format(time.RFC3339))
			}
		}
	}
	return ""
}

// draftID is the draft a request names with its path (/drafts/ID/…),
// `draft` or X-Wangge-Draft ("" for none); naming two different ones is
// invalid.
func draftID(c *gin.Context) (string, error) {
	id := ""
	for _, n := range []struct{ how, id string }{
		{"the path /drafts/" + c.Param(draftParam), c.Param(draftParam)},
		{"draft", c.Query("draft")},
		{DraftHeader, c.GetHeader(DraftHeader)},
	} {
		switch {
		case n.id == "":
		case id == "":
			id = n.id
		case n.id != id:
			return "", invalid("%s names draft %q, and the request names draft %q too: two different drafts; name one", n.how, n.id, id)
		}
	}
	return id, nil
}

// view returns the draft the request names, nil when it names none.
func (h *Handler) view(c *gin.Context) (DraftView, error) {
	id, err := draftID(c)
	if err != nil || id == "" {
		return nil, err
	}
	if h.cfg.Drafts.View == nil {
		return nil, partition.Errorf(partition.NotFound, "draft %s: this server keeps no drafts", id)
	}
	return h.cfg.Drafts.View(c.Request.Context(), id)
}

// source is the handler that serves the request's reads: h itself, or,
// for a request that names a draft, one over the draft's view with caches
// of its own (the view's version is the draft's base, whose cached counts
// and extents are the published version's). ok is false when the request
// was failed.
func (h *Handler) source(c *gin.Context) (*Handler, bool) {
	v, err := h.view(c)
	if err != nil {
		h.cfg.Fail(c, err)
		return nil, false
	}
	if v == nil {
		return h, true
	}
	dh := *h
	dh.store = v
	dh.counts, dh.bounds = newCache[int](64), newCache[extent](16)
	return &dh, true
}

// featureETag is the strong entity tag of a unit's content (its geometry,
// as stored, and every attribute): it changes when and only when the unit
// does, in whatever draft or version it is read.
func featureETag(u *partition.Unit) string {
	b, err := json.Marshal(partition.Feature(u, nil))
	if err != nil { // a unit always encodes; be safe
		b = []byte(u.Code)
	}
	sum := sha256.Sum256(b)
	return `"` + hex.EncodeToString(sum[:12]) + `"`
}
