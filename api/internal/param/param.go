// Package param checks the names a request uses — its query parameters,
// the members of its JSON body — against the ones its endpoint accepts:
// the one check of the native /v1 API and of the OGC API
// (/req/core/query-param-unknown), so that a misspelt name is a 400
// naming it and the accepted ones rather than silently ignored.
package param

import (
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/wangge/wangge/partition"
)

// Names are the names an endpoint accepts: its query parameters, or the
// members of its JSON body. They are case-sensitive, as net/url and gin
// read parameters: CRS is not crs.
type Names []string

// Check refuses (as partition.Invalid) a raw query that holds a parameter
// not in n, naming each such parameter (with its spelling in n when only
// the case differs) and the accepted ones, with one detail each. A part
// with a ';', which net/url drops without a word, is refused too. It
// allocates nothing for a query that passes.
func (n Names) Check(rawQuery string) error {
	var unknown []string
	for part := range parts(rawQuery) {
		if strings.Contains(part, ";") {
			return partition.Errorf(partition.Invalid, "query %q: separate parameters with '&', not ';'", part)
		}
		key, _, _ := strings.Cut(part, "=")
		if name, ok := unescape(key); !ok || !n.has(name) {
			unknown = append(unknown, name)
		}
	}
	if unknown == nil {
		return nil
	}
	return n.Refuse("query parameter", unknown...)
}

// Members refuses (as partition.Invalid) a body that is not one JSON
// object, or whose object has a member not in n (compared exactly, unlike
// encoding/json, which matches a struct's fields regardless of case).
// Members of members are not looked at: a GeoJSON value keeps its foreign
// members.
func (n Names) Members(body []byte) error {
	var m map[string]skip
	if err := json.Unmarshal(body, &m); err != nil {
		return partition.Errorf(partition.Invalid, "request body: want one JSON object: %v", err)
	}
	if m == nil { // null, which json reads into a map without a word
		return partition.Errorf(partition.Invalid, "request body: want one JSON object, not null")
	}
	var unknown []string
	for k := range m {
		if !n.has(k) {
			unknown = append(unknown, k)
		}
	}
	if unknown == nil {
		return nil
	}
	slices.Sort(unknown)
	return n.Refuse("member", unknown...)
}

// skip is any JSON value, read and thrown away.
type skip struct{}

func (*skip) UnmarshalJSON([]byte) error { return nil }

// Once refuses a raw query that gives a parameter more than once (of
// which a handler would read the first and ignore the others).
func Once(rawQuery string) error {
	seen := make([]string, 0, 16) // on the stack for a usual query
	for part := range parts(rawQuery) {
		key, _, _ := strings.Cut(part, "=")
		name, _ := unescape(key)
		for _, s := range seen {
			if s == name {
				return partition.Errorf(partition.Invalid, "query parameter %q is given more than once: give it once", name)
			}
		}
		seen = append(seen, name)
	}
	return nil
}

// parts yields the non-empty &-separated parts of a raw query.
func parts(raw string) func(yield func(string) bool) {
	return func(yield func(string) bool) {
		for raw != "" {
			var part string
			part, raw, _ = strings.Cut(raw, "&")
			if part != "" && !yield(part) {
				return
			}
		}
	}
}

// unescape decodes a parameter name as url.ParseQuery does; ok is false
// for a malformed escape (the raw text is returned then).
func unescape(key string) (string, bool) {
	if !strings.ContainsAny(key, "%+") {
		return key, true
	}
	k, err := url.QueryUnescape(key)
	if err != nil {
		return key, false
	}
	return k, true
}

func (n Names) has(name string) bool {
	for _, a := range n {
		if a == name {
			return true
		}
	}
	return false
}

// Refuse is the error for names that n does not hold, what they are
// being "query parameter" or "member": it names each of them (with its
// spelling in n when only the case differs) and the accepted ones, with
// one detail each.
func (n Names) Refuse(what string, unknown ...string) error {
	var msg strings.Builder
	msg.WriteString("unknown " + what)
	if len(unknown) > 1 {
		msg.WriteString("s")
	}
	msg.WriteString(" ")
	problems := make([]partition.Problem, len(unknown))
	for i, u := range unknown {
		if i > 0 {
			msg.WriteString(", ")
		}
		msg.WriteString(strconv.Quote(u))
		if a := n.folded(u); a != "" {
			msg.WriteString(" (names are case-sensitive: did you mean " + strconv.Quote(a) + "?)")
		}
		problems[i] = partition.Problem{Index: -1, Field: u, Message: "unknown " + what}
	}
	if len(n) == 0 {
		msg.WriteString(": none is accepted here")
	} else {
		msg.WriteString("; accepted: " + strings.Join(n, ", "))
	}
	e := partition.Errorf(partition.Invalid, "%s", msg.String())
	e.Problems = problems
	return e
}

// folded is the accepted name that equals name but for case, if any.
func (n Names) folded(name string) string {
	for _, a := range n {
		if strings.EqualFold(a, name) {
			return a
		}
	}
	return ""
}
