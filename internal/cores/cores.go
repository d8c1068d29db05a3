// Package cores spreads a run of work over every core.
package cores

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Runs calls fn with consecutive runs [lo, hi) of [0, n), at most run
// long, from one goroutine per core (GOMAXPROCS), each taking the next run
// when it is done with its last, so that a core slowed by other work takes
// fewer; it returns when every run is done.
func Runs(n, run int, fn func(lo, hi int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), (n+run-1)/run) {
		wg.Go(func() {
			for {
				lo := int(next.Add(int64(run))) - run
				if lo >= n {
					return
				}
				fn(lo, min(lo+run, n))
			}
		})
	}
	wg.Wait()
}
