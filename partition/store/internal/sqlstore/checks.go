package sqlstore

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"unicode/utf8"

	"github.com/wangge/wangge/partition"
)

// The checks of what drafts and household layers store, before any
// transaction: text that either store keeps alike (valid UTF-8 without NUL,
// which PostgreSQL's text refuses and SQLite would keep), counts that fit
// the columns, sizes bounded.

// maxAddress is the longest address of a household point, in bytes.
const maxAddress = 500

// checkDraft checks what CreateDraft stores of d.
func checkDraft(d *partition.Draft) error {
	if err := checkDraftID(d.ID); err != nil {
		return err
	}
	if err := checkText("root", string(d.Root), maxRoot); err != nil {
		return partition.Errorf(partition.Invalid, "draft %s: %v", d.ID, err)
	}
	if err := checkText("note", d.Note, maxNote); err != nil {
		return partition.Errorf(partition.Invalid, "draft %s: %v", d.ID, err)
	}
	if d.Layer < 0 {
		return partition.Errorf(partition.Invalid, "draft %s: household layer %d is negative", d.ID, d.Layer)
	}
	return nil
}

// checkDraftID is invalid unless id is 1 to maxDraftID ASCII letters,
// digits, '_' or '-': safe in a URL path and a file name as it is.
func checkDraftID(id string) error {
	ok := id != "" && len(id) <= maxDraftID
	for i := 0; ok && i < len(id); i++ {
		c := id[i]
		ok = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-'
	}
	if !ok {
		return partition.Errorf(partition.Invalid, "draft id %q is not 1 to %d letters, digits, '_' or '-'", id, maxDraftID)
	}
	return nil
}

// checkText says what is wrong with s as the text of field: not UTF-8, a
// NUL byte, more than max bytes; nil when nothing is.
func checkText(field, s string, max int) error {
	switch {
	case !utf8.ValidString(s):
		return fmt.Errorf("the %s is not valid UTF-8", field)
	case strings.IndexByte(s, 0) >= 0:
		return fmt.Errorf("the %s holds a NUL byte", field)
	case len(s) > max:
		return fmt.Errorf("the %s is %d bytes, more than %d", field, len(s), max)
	}
	return nil
}

// checkOp is invalid unless the operation and its change are JSON text
// (JSON in UTF-8: encoding/json lets invalid UTF-8 through in strings).
func checkOp(id string, op *partition.DraftOp) error {
	for _, f := range []struct {
		name string
		b    json.RawMessage
	}{{"op", op.Op}, {"change", op.Change}} {
		if !json.Valid(f.b) || !utf8.Valid(f.b) {
			return partition.Errorf(partition.Invalid, "draft %s: the operation's %s is not JSON", id, f.name)
		}
	}
	return nil
}

// checkPoints is invalid, with a Problem per fault (Index the point's
// position), unless every point is a finite lon/lat with counts that are
// not negative and fit 32 bits and an address of valid UTF-8 of at most
// maxAddress bytes; and there must be a point.
func checkPoints(pts []partition.HouseholdPoint) error {
	if len(pts) == 0 {
		return partition.Errorf(partition.Invalid, "a household layer needs at least one point")
	}
	var ps []partition.Problem
	for i := range pts {
		ps = checkPoint(ps, i, &pts[i])
	}
	if len(ps) > 0 {
		return &partition.Error{Kind: partition.Invalid, Message: fmt.Sprintf("%d problems in the household points", len(ps)), Problems: ps}
	}
	return nil
}

// checkPoint appends to ps the problems of point i.
func checkPoint(ps []partition.Problem, i int, p *partition.HouseholdPoint) []partition.Problem {
	add := func(field, format string, args ...any) {
		ps = append(ps, partition.Problem{Index: i, Field: field, Message: fmt.Sprintf(format, args...)})
	}
	// Written so that NaN fails: every comparison with it is false.
	if lon := p.Point[0]; !(lon >= -180 && lon <= 180) {
		add("lon", "longitude %v is not in [-180, 180]", lon)
	}
	if lat := p.Point[1]; !(lat >= -90 && lat <= 90) {
		add("lat", "latitude %v is not in [-90, 90]", lat)
	}
	for _, c := range []struct {
		field string
		n     int
	}{{"households", p.Households}, {"population", p.Population}} {
		if c.n < 0 || c.n > math.MaxInt32 {
			add(c.field, "%s %d is not in [0, %d]", c.field, c.n, math.MaxInt32)
		}
	}
	if err := checkText("address", p.Address, maxAddress); err != nil {
		add("address", "%v", err)
	}
	return ps
}
