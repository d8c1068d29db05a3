package partition

import (
	"strconv"
	"time"
)

// Version is a published, numbered state of the whole division.
type Version struct {
	Number      int64     `json:"number"`
	PublishedAt time.Time `json:"published_at"`
	Note        string    `json:"note,omitempty"`
}

// AsOf selects a published version: by number, by time (the last version
// published at or before it), or the latest when both are zero. When both
// are set, the number wins.
type AsOf struct {
	Version int64
	Time    time.Time
}

// DefaultZone is the zone of as-of dates unless a deployment names its
// own: China Standard Time (UTC+8).
func DefaultZone() *time.Location { return time.FixedZone("CST", 8*3600) }

// ParseAsOf reads an as-of as people and clients write it: a version
// number (≥ 1), an RFC 3339 time, or a date (YYYY-MM-DD: the end of that
// day in loc, the deployment's zone); "" is the latest. Anything else is an
// invalid Error.
func ParseAsOf(v string, loc *time.Location) (AsOf, error) {
	if v == "" {
		return AsOf{}, nil
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 0 {
		return AsOf{Version: n}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return AsOf{Time: t}, nil
	}
	if d, err := time.ParseInLocation(time.DateOnly, v, loc); err == nil {
		return AsOf{Time: d.Add(24*time.Hour - time.Nanosecond)}, nil
	}
	return AsOf{}, Errorf(Invalid, "as_of %q: want a version number, an RFC 3339 time or a YYYY-MM-DD date", v)
}

// Latest reports whether a selects the latest version.
func (a AsOf) Latest() bool { return a.Version == 0 && a.Time.IsZero() }

// Changeset is what one publish applies, atomically, as a new version:
// units and vessels to create or replace, and codes and ids to retire.
type Changeset struct {
	Note          string
	Units         []Unit
	DeleteUnits   []Code
	Vessels       []Vessel
	DeleteVessels []string
}

// Empty reports whether the changeset changes nothing.
func (c *Changeset) Empty() bool {
	return len(c.Units) == 0 && len(c.DeleteUnits) == 0 && len(c.Vessels) == 0 && len(c.DeleteVessels) == 0
}

// ParseSince reads the start of a period as people and clients write it:
// an RFC 3339 time, or a date (YYYY-MM-DD), meaning the start of that day
// in loc.
func ParseSince(v string, loc *time.Location) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t, nil
	}
	if d, err := time.ParseInLocation(time.DateOnly, v, loc); err == nil {
		return d, nil
	}
	return time.Time{}, Errorf(Invalid, "%q: want an RFC 3339 time (2027-01-01T00:00:00+08:00) or a date (2027-01-01)", v)
}
