package partition

import (
	"errors"
	"fmt"
	"strings"

	"github.com/wangge/wangge/geo"
)

// ErrorKind is the one error vocabulary, mapped to HTTP statuses in api and
// to exit status 2 in cmd.
type ErrorKind string

// The error kinds.
const (
	Invalid  ErrorKind = "invalid"
	NotFound ErrorKind = "not_found"
	Conflict ErrorKind = "conflict"
	TooLarge ErrorKind = "too_large"
	// Untiled refuses a publish that asked for an exact tiling (require=tiling,
	// --require-tiling) when the tiling check of the families it touches
	// finds errors: the input is usable, the division it would make is not.
	Untiled ErrorKind = "untiled"
	// Unavailable: the store cannot be reached (the database is down or
	// the connection to it broke); the request may succeed later.
	Unavailable ErrorKind = "unavailable"
	// NotAllowed: the method is not one the resource answers.
	NotAllowed ErrorKind = "method_not_allowed"
	// Canceled: the client went away before its answer was ready; nobody
	// reads the answer, and it is no fault of the service.
	Canceled ErrorKind = "canceled"
	// Unauthorized: the request needs a token and gave none, or one that
	// is not (or no longer) valid.
	Unauthorized ErrorKind = "unauthorized"
	// Forbidden: the token is valid but its role or scope does not cover
	// the write; the message names what is missing.
	Forbidden ErrorKind = "forbidden"
	// Stale: the write named (If-Match) a revision or ETag that is no
	// longer current; the message names the change it missed.
	Stale ErrorKind = "precondition_failed"
	// PreconditionRequired: the write must name (If-Match) the revision or
	// ETag it expects, and did not.
	PreconditionRequired ErrorKind = "precondition_required"
	// UnsupportedMedia: the request's body is in a media type (Content-Type)
	// the resource does not take.
	UnsupportedMedia ErrorKind = "unsupported_media_type"
	Internal         ErrorKind = "internal"
)

// Problem is one thing wrong with one input feature, unit or vessel.
type Problem struct {
	Index   int    `json:"index"`          // position in the input (0-based), -1 when not from a list
	Code    string `json:"code,omitempty"` // unit code or vessel id, when known
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
	// A tiling finding that refuses a publish (kind Untiled) also gives its
	// rule, the units involved (Finding.Codes) and the defect's area.
	Rule  Rule             `json:"rule,omitempty"`
	Codes []Code           `json:"codes,omitempty"`
	Area  geo.SquareMeters `json:"area_m2,omitempty"`
}

func (p Problem) String() string {
	var b strings.Builder
	if p.Index >= 0 {
		fmt.Fprintf(&b, "feature %d", p.Index)
	}
	if p.Code != "" {
		if b.Len() > 0 {
			b.WriteString(" ")
		}
		fmt.Fprintf(&b, "(%s)", p.Code)
	}
	switch {
	case p.Rule != "": // a tiling finding: its rule, codes and area, as validate prints them
		fmt.Fprintf(&b, " %s %v", p.Rule, p.Codes)
		if p.Area > 0 {
			fmt.Fprintf(&b, " %.2f m²", float64(p.Area))
		}
	case p.Field != "":
		fmt.Fprintf(&b, " %s", p.Field)
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// Error is a domain error with its kind and, for bad input, every problem found.
type Error struct {
	Kind     ErrorKind
	Message  string
	Problems []Problem
}

func (e *Error) Error() string {
	if len(e.Problems) == 0 {
		return e.Message
	}
	var b strings.Builder
	b.WriteString(e.Message)
	for i, p := range e.Problems {
		if i == 10 {
			fmt.Fprintf(&b, "; and %d more", len(e.Problems)-10)
			break
		}
		b.WriteString("; ")
		b.WriteString(p.String())
	}
	return b.String()
}

// Errorf makes an Error of a kind.
func Errorf(kind ErrorKind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// KindOf returns the kind of err: that of the first *Error in its chain, else Internal.
func KindOf(err error) ErrorKind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}
