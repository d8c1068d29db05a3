package tiling

import (
	"context"
	"fmt"
	"iter"

	"github.com/wangge/wangge/partition"
)

// Stored yields the families of a stored hierarchy under root, in one
// published version: first the root alone (its own validity, code and
// size), then every unit of its subtree that has children, with them. It
// holds one family's geometries at a time: a first pass without geometry
// finds the parents (a child's code is greater than its parent's, so code
// order visits parents first), then each family is read on its own.
func Stored(ctx context.Context, s partition.Store, root partition.Code, at partition.AsOf) iter.Seq2[Family, error] {
	return func(yield func(Family, error) bool) {
		v, err := s.Resolve(ctx, at)
		if err != nil {
			yield(Family{}, err)
			return
		}
		pin := partition.AsOf{Version: v.Number}
		r, err := s.Unit(ctx, root, pin)
		if err != nil {
			yield(Family{}, err)
			return
		}
		parents, err := subtreeParents(ctx, s, root, pin)
		if err != nil {
			yield(Family{}, err)
			return
		}
		r.Parent = "" // checked as a root of this run
		if !yield(Family{Children: []partition.Unit{r}}, nil) {
			return
		}
		for _, code := range parents {
			fam, err := family(ctx, s, code, pin)
			if !yield(fam, err) || err != nil {
				return
			}
		}
	}
}

// subtreeParents lists, in code order, the units under root (root
// included) that have children.
func subtreeParents(ctx context.Context, s partition.Store, root partition.Code, at partition.AsOf) ([]partition.Code, error) {
	in := map[partition.Code]bool{root: true}
	has := map[partition.Code]bool{}
	var order []partition.Code
	q := partition.Query{AsOf: at, Prefix: root.Significant(), NoGeometry: true}
	err := s.Units(ctx, q, func(u partition.Unit) error {
		if u.Code == root || !in[u.Parent] {
			return nil
		}
		in[u.Code] = true
		if !has[u.Parent] {
			has[u.Parent] = true
			order = append(order, u.Parent)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("walk the units under %s: %w", root, err)
	}
	return order, nil
}

func family(ctx context.Context, s partition.Store, code partition.Code, at partition.AsOf) (Family, error) {
	p, err := s.Unit(ctx, code, at)
	if err != nil {
		return Family{}, fmt.Errorf("read %s: %w", code, err)
	}
	f := Family{Parent: &p}
	err = s.Units(ctx, partition.Query{AsOf: at, Parent: code}, func(u partition.Unit) error {
		f.Children = append(f.Children, u)
		return nil
	})
	if err != nil {
		return Family{}, fmt.Errorf("read the children of %s: %w", code, err)
	}
	return f, nil
}
