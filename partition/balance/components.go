package balance

// components returns the connected components of the atoms, following the
// k-th neighbour of a where follow(a, k) says so; each component lists its
// atoms in breadth-first order from its lowest atom.
func (s *atomSet) components(follow func(a int32, k int) bool) [][]int32 {
	all := make([]int32, len(s.atoms))
	for i := range all {
		all[i] = int32(i)
	}
	return s.componentsOf(all, follow)
}

// componentsOf is components restricted to the atoms listed.
func (s *atomSet) componentsOf(atoms []int32, follow func(a int32, k int) bool) [][]int32 {
	in := make(map[int32]bool, len(atoms))
	for _, a := range atoms {
		in[a] = true
	}
	seen := make(map[int32]bool, len(atoms))
	var out [][]int32
	for _, a0 := range atoms {
		if seen[a0] {
			continue
		}
		seen[a0] = true
		comp := []int32{a0}
		for q := 0; q < len(comp); q++ {
			a := comp[q]
			for k, b := range s.adj[a] {
				if in[b] && !seen[b] && follow(a, k) {
					seen[b] = true
					comp = append(comp, b)
				}
			}
		}
		out = append(out, comp)
	}
	return out
}
