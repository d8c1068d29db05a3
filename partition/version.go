package partition

import "time"

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
