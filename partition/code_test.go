package partition

import "testing"

func TestSignificant(t *testing.T) {
	tests := []struct{ code, want string }{
		{"320000000000", "32"},
		{"320100000000", "3201"},
		{"320402000000", "320402"},
		{"320402001000", "320402001"},
		{"320402001002", "320402001002"},
		{"320402001002003", "320402001002003"},
		{"320402000001", "320402000001"}, // a village directly under the county keeps its zero town
	}
	for _, tt := range tests {
		if got := Code(tt.code).Significant(); got != tt.want {
			t.Errorf("Significant(%s): got %s, want %s", tt.code, got, tt.want)
		}
	}
}

func TestCheckFormat(t *testing.T) {
	tests := []struct {
		code  string
		level Level
		ok    bool
	}{
		{"320100000000", LevelCity, true},
		{"320102000000", LevelCity, false},
		{"320102000000", LevelDistrict, true},
		{"320102001000", LevelDistrict, false},
		{"320102001000", LevelStreet, true},
		{"320102001001", LevelCommunity, true},
		{"320102001000", LevelCommunity, false},
		{"320102001001001", LevelGrid, true},
		{"320102001001000", LevelGrid, false},
		{"320102001001001001", LevelMicrogrid, true},
		{"32010200100100", LevelGrid, false},
		{"3201020010010a1", LevelGrid, false},
		{"", LevelCity, false},
	}
	for _, tt := range tests {
		err := Code(tt.code).CheckFormat(tt.level)
		if (err == nil) != tt.ok {
			t.Errorf("CheckFormat(%q, %s): got %v, want ok=%v", tt.code, tt.level, err, tt.ok)
		}
	}
}

func TestHasParent(t *testing.T) {
	tests := []struct {
		child, parent string
		want          bool
	}{
		{"320402001000", "320402000000", true},
		{"320403001000", "320402000000", false},
		{"320402000000", "320402000000", false},
		{"320402001001001", "320402001001", true},
		{"320402001002001", "320402001001", false},
		{"330922900000001001", "330922900000001", true},
	}
	for _, tt := range tests {
		if got := Code(tt.child).HasParent(Code(tt.parent)); got != tt.want {
			t.Errorf("%s.HasParent(%s): got %v, want %v", tt.child, tt.parent, got, tt.want)
		}
	}
}
