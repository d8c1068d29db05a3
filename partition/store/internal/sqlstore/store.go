package sqlstore

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/partition"
)

// Store is the logic of a SQL partition.Store over a Driver and a Dialect.
// The stores forward their partition.Store methods to it. It is safe for
// concurrent use when the Driver is.
type Store struct {
	driver  Driver
	dialect *Dialect
	log     *slog.Logger
	limits  geo.Limits
}

// New returns the Store over d and dialect. Publish logs to log and bounds
// each geometry by limits.
func New(d Driver, dialect Dialect, log *slog.Logger, limits geo.Limits) *Store {
	return &Store{driver: d, dialect: &dialect, log: log, limits: limits}
}

// noVersion is the not_found error for an AsOf that selects no version.
func noVersion(at partition.AsOf) error {
	switch {
	case at.Version != 0:
		return partition.Errorf(partition.NotFound, "version %d does not exist", at.Version)
	case !at.Time.IsZero():
		return partition.Errorf(partition.NotFound, "no version was published at or before %s", at.Time.Format(time.RFC3339Nano))
	}
	return partition.Errorf(partition.NotFound, "no version has been published")
}

// forList turns the error of resolving a listing's version into the
// listing's: the latest version of an empty store lists nothing (ok false,
// no error); any other error stands.
func forList(at partition.AsOf, err error) (ok bool, _ error) {
	if err == nil {
		return true, nil
	}
	if at.Latest() && partition.KindOf(err) == partition.NotFound {
		return false, nil
	}
	return false, err
}

// withContext wraps an internal error with what failed; an error of another
// kind (a *partition.Error: not_found, conflict, invalid …) is returned
// unchanged, its message being the answer, and nil stays nil.
func withContext(err error, format string, args ...any) error {
	if err == nil || partition.KindOf(err) != partition.Internal {
		return err
	}
	return fmt.Errorf(format+": %w", append(args, err)...)
}
