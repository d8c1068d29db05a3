// Package unionfind is a disjoint-set forest over 0…n-1 with path halving,
// for grouping connected pieces (tiling's defect clusters, the
// partitioner's regions).
package unionfind

// Sets is a disjoint-set forest: Sets[i] is i's parent.
type Sets []int

// New returns n singleton sets.
func New(n int) Sets {
	u := make(Sets, n)
	for i := range u {
		u[i] = i
	}
	return u
}

// Find returns the root of i's set.
func (u Sets) Find(i int) int {
	for u[i] != i {
		u[i] = u[u[i]]
		i = u[i]
	}
	return i
}

// Union makes j's root the root of i's set.
func (u Sets) Union(i, j int) { u[u.Find(i)] = u.Find(j) }
