package partition

import "fmt"

// Level is a unit's place in the hierarchy, from city down to micro-grid.
type Level string

// The levels, from the top down.
const (
	LevelCity      Level = "city"
	LevelDistrict  Level = "district"
	LevelStreet    Level = "street"
	LevelCommunity Level = "community"
	LevelGrid      Level = "grid"
	LevelMicrogrid Level = "microgrid"
)

// levels lists every level from the top down.
var levels = [...]Level{LevelCity, LevelDistrict, LevelStreet, LevelCommunity, LevelGrid, LevelMicrogrid}

// Levels returns every level from the top down.
func Levels() []Level { return levels[:] }

// Depth is the level's position from the top (city = 0), or -1 when the
// level is unknown.
func (l Level) Depth() int {
	for i, x := range levels {
		if x == l {
			return i
		}
	}
	return -1
}

// Valid reports whether l is one of the known levels.
func (l Level) Valid() bool { return l.Depth() >= 0 }

// ParseLevel parses a level name.
func ParseLevel(s string) (Level, error) {
	l := Level(s)
	if !l.Valid() {
		return "", fmt.Errorf("unknown level %q (want one of city, district, street, community, grid, microgrid)", s)
	}
	return l, nil
}

// Network is the land network (陆上网格) or the sea network (海上网格).
type Network string

// The two networks.
const (
	NetworkLand Network = "land"
	NetworkSea  Network = "sea"
)

// ParseNetwork parses a network name.
func ParseNetwork(s string) (Network, error) {
	switch n := Network(s); n {
	case NetworkLand, NetworkSea:
		return n, nil
	}
	return "", fmt.Errorf("unknown network %q (want land or sea)", s)
}

// Kind says what a unit is for. Transport and formation units are membership
// units: groups of vessels with no polygon of their own.
type Kind string

// The kinds.
const (
	KindComprehensive Kind = "comprehensive" // 综合网格, the default
	KindExclusive     Kind = "exclusive"     // 专属网格
	KindFishing       Kind = "fishing"       // 渔区作业网格
	KindAquaculture   Kind = "aquaculture"   // 专属养殖网格
	KindTransport     Kind = "transport"     // 专属运输网格 (membership)
	KindFormation     Kind = "formation"     // 编组微网格 (membership)
)

// ParseKind parses a kind name.
func ParseKind(s string) (Kind, error) {
	switch k := Kind(s); k {
	case KindComprehensive, KindExclusive, KindFishing, KindAquaculture, KindTransport, KindFormation:
		return k, nil
	}
	return "", fmt.Errorf("unknown kind %q (want comprehensive, exclusive, fishing, aquaculture, transport or formation)", s)
}

// Membership reports whether units of this kind are groups of vessels with
// no polygon.
func (k Kind) Membership() bool { return k == KindTransport || k == KindFormation }

// Network returns the network a kind belongs to.
func (k Kind) Network() Network {
	switch k {
	case KindFishing, KindAquaculture, KindTransport, KindFormation:
		return NetworkSea
	}
	return NetworkLand
}
