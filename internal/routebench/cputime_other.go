//go:build !linux

package routebench

import "time"

// ThreadCPU is not measured outside Linux.
func ThreadCPU() (time.Duration, bool) { return 0, false }

// ProcessCPU is not measured outside Linux.
func ProcessCPU() (time.Duration, bool) { return 0, false }
