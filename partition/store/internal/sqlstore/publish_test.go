package sqlstore

import (
	"testing"
	"time"
)

// TestStampAfter: publication times are to the microsecond, strictly
// increasing, and keep the zone the store's clock gave them.
func TestStampAfter(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	at := time.Date(2025, 3, 3, 10, 0, 0, 123456789, time.UTC)
	tests := []struct {
		name      string
		now, prev time.Time
		want      time.Time
	}{
		{"first", at, time.Time{}, at.Truncate(time.Microsecond)},
		{"after", at, at.Add(-time.Second), at.Truncate(time.Microsecond)},
		{"same microsecond", at, at.Truncate(time.Microsecond), at.Truncate(time.Microsecond).Add(time.Microsecond)},
		{"clock behind", at, at.Add(time.Hour), at.Add(time.Hour + time.Microsecond)},
		{"zone kept", at.In(cst), time.Time{}, at.Truncate(time.Microsecond).In(cst)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := stampAfter(tt.now, tt.prev)
			if !got.Equal(tt.want) || got.Location() != tt.want.Location() {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}
