package unionfind

import "testing"

func TestSets(t *testing.T) {
	u := New(6)
	u.Union(0, 1)
	u.Union(2, 3)
	u.Union(1, 3)
	for _, tt := range []struct {
		a, b int
		same bool
	}{{0, 3, true}, {2, 1, true}, {0, 4, false}, {4, 5, false}, {5, 5, true}} {
		if got := u.Find(tt.a) == u.Find(tt.b); got != tt.same {
			t.Errorf("%d and %d in one set: got %v, want %v", tt.a, tt.b, got, tt.same)
		}
	}
}
