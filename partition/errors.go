package partition

import (
	"errors"
	"fmt"
	"strings"
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
	Internal ErrorKind = "internal"
)

// Problem is one thing wrong with one input feature, unit or vessel.
type Problem struct {
	Index   int    `json:"index"`          // position in the input (0-based), -1 when not from a list
	Code    string `json:"code,omitempty"` // unit code or vessel id, when known
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
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
	if p.Field != "" {
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
