package postgis

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/wangge/wangge/partition"
)

// Backoff between attempts to reconnect the listening connection.
const (
	listenMinBackoff = 100 * time.Millisecond
	listenMaxBackoff = 10 * time.Second
)

// Listen calls fn with the number of each version that any replica publishes,
// until ctx ends; it then returns ctx's error. It holds one connection of its
// own (taken out of the pool) and, when that connection fails, reconnects
// with a growing backoff.
//
// Notifications sent while no connection listens are lost, so Listen also
// calls fn with the latest version each time it starts listening, the first
// time included (not when nothing is published yet): fn must accept a
// version it has already seen, and may see versions out of order around a
// reconnect. Calls to fn are sequential; a slow fn delays the next ones.
// Cancel ctx before closing the store.
func (s *Store) Listen(ctx context.Context, fn func(version int64)) error {
	backoff := listenMinBackoff
	for {
		listened, err := s.listen(ctx, fn)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if listened {
			backoff = listenMinBackoff
		}
		s.log.WarnContext(ctx, "listen: connection lost, reconnecting", "channel", s.channel, "err", err, "in", backoff)
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		backoff = min(2*backoff, listenMaxBackoff)
	}
}

// listen runs one connection's worth of Listen. It reports whether it got
// as far as listening, and why it stopped.
func (s *Store) listen(ctx context.Context, fn func(version int64)) (listened bool, err error) {
	pc, err := s.pool.Acquire(ctx)
	if err != nil {
		return false, fmt.Errorf("acquire a connection: %w", err)
	}
	conn := pc.Hijack()
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = conn.Close(closeCtx)
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{s.channel}.Sanitize()); err != nil {
		return false, fmt.Errorf("listen on %s: %w", s.channel, err)
	}
	// Reload after LISTEN, so that no version published meanwhile is missed.
	v, err := s.Resolve(ctx, partition.AsOf{})
	switch {
	case err == nil:
		fn(v.Number)
	case partition.KindOf(err) != partition.NotFound:
		return true, err
	}
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return true, fmt.Errorf("wait for notification: %w", err)
		}
		num, err := strconv.ParseInt(n.Payload, 10, 64)
		if err != nil {
			s.log.WarnContext(ctx, "listen: ignored a notification that is not a version number", "channel", s.channel, "payload", n.Payload)
			continue
		}
		fn(num)
	}
}
