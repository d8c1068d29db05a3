package postgis_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/store/postgis"
	"github.com/wangge/wangge/partition/store/storetest"
)

// TestListen runs two replicas on one schema: the second hears every version
// the first publishes, also after its listening connection is killed, and a
// store in another schema hears nothing.
func TestListen(t *testing.T) {
	t.Parallel()
	schema := newSchema(t)
	a, b := openStore(t, schema), openStore(t, schema)
	defer a.Close()
	defer b.Close()
	other := openStore(t, newSchema(t))
	defer other.Close()

	ctx, cancel := context.WithCancel(testContext(t))
	heard, foreign := make(chan int64, 16), make(chan int64, 16)
	done := make(chan error, 2)
	go func() { done <- b.Listen(ctx, func(v int64) { heard <- v }) }()
	go func() { done <- other.Listen(ctx, func(v int64) { foreign <- v }) }()
	defer func() {
		cancel()
		for range 2 {
			if err := <-done; !errors.Is(err, context.Canceled) {
				t.Errorf("listen returned %v, want context.Canceled", err)
			}
		}
	}()
	waitListening(t, a, b.Channel(), 1)

	publish := func(households int) int64 {
		t.Helper()
		g := storetest.Sample().Units[4]
		g.Households = households
		cs := partition.Changeset{Units: []partition.Unit{g}}
		if households == 0 {
			cs = storetest.Sample()
		}
		v, err := a.Publish(testContext(t), cs)
		if err != nil {
			t.Fatal(err)
		}
		return v.Number
	}
	expect(t, heard, publish(0))
	expect(t, heard, publish(500))

	// Kill the listening connection; the listener reconnects and reloads.
	var killed int
	err := a.Pool().QueryRow(testContext(t), `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE query = 'LISTEN "' || $1 || '"'`, b.Channel()).Scan(&killed)
	if err != nil || killed != 1 {
		t.Fatalf("terminated %d listening backends, %v; want 1", killed, err)
	}
	waitListening(t, a, b.Channel(), 1)
	expect(t, heard, publish(501))
	select {
	case v := <-foreign:
		t.Errorf("a store in another schema heard version %d", v)
	default:
	}
}

// waitListening waits until n backends listen on channel.
func waitListening(t *testing.T, s *postgis.Store, channel string, n int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var got int
		err := s.Pool().QueryRow(testContext(t), `SELECT count(*) FROM pg_stat_activity
			WHERE query = 'LISTEN "' || $1 || '"' AND state = 'idle'`, channel).Scan(&got)
		if err != nil {
			t.Fatal(err)
		}
		if got == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d backends listen on %s, want %d", got, channel, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func receive(t *testing.T, c <-chan int64) int64 {
	t.Helper()
	select {
	case v := <-c:
		return v
	case <-time.After(20 * time.Second):
		t.Fatal("heard no version in 20s")
		return 0
	}
}

// expect waits to hear version want. Versions heard before it may repeat
// earlier ones (Listen reloads the latest version when it starts listening,
// which may race with a notification) but never exceed it.
func expect(t *testing.T, c <-chan int64, want int64) {
	t.Helper()
	for {
		got := receive(t, c)
		if got == want {
			return
		}
		if got > want {
			t.Fatalf("heard version %d, want %d", got, want)
		}
	}
}
