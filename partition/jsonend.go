package partition

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
)

// DecodeStrict decodes data, one JSON value, into v, refusing members v
// does not have and data after the value; what names the input in the
// Invalid error.
func DecodeStrict(data []byte, v any, what string) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return Errorf(Invalid, "%s: %v", what, err)
	}
	if err := EndOfJSON(dec, data); err != nil {
		return Errorf(Invalid, "%s: %v", what, err)
	}
	return nil
}

// EndOfJSON checks that dec, having decoded one value from data, has
// nothing left but white space: a body is one JSON value, and data after it
// (a second collection, stray text) is an Invalid error naming where it
// starts, not something to drop.
func EndOfJSON(dec *json.Decoder, data []byte) error {
	off := dec.InputOffset()
	_, err := dec.Token()
	if errors.Is(err, io.EOF) {
		return nil
	}
	rest := bytes.TrimLeft(data[min(int(off), len(data)):], " \t\r\n")
	start := int64(len(data) - len(rest))
	line, col := lineCol(data, start)
	return Errorf(Invalid, "invalid JSON: data after the end of the value (line %d, column %d): want one JSON value", line, col)
}
