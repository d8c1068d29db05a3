package draft

import (
	"context"

	"github.com/wangge/wangge/partition"
)

// Band statuses of a unit's households (Balance.Status).
const (
	Below   = "below"
	Within  = "within"
	Above   = "above"
	Unrated = "unrated" // the rule set gives no band for the unit's level or kind
)

// Balance is a unit's households against the rule set's band.
type Balance struct {
	Code       partition.Code  `json:"code"`
	Name       string          `json:"name"`
	Level      partition.Level `json:"level"`
	Parent     partition.Code  `json:"parent,omitempty"`
	Households int             `json:"households"`
	Population int             `json:"population"`
	// Estimated: moved in proportion to area, for want of a household
	// layer.
	Estimated bool             `json:"estimated,omitempty"`
	Band      *partition.Range `json:"band,omitempty"`
	Status    string           `json:"status"`
}

func (s *Service) balance(e *entry, u *partition.Unit) Balance {
	b := Balance{Code: u.Code, Name: u.Name, Level: u.Level, Parent: u.Parent, Households: u.Households,
		Population: u.Population, Estimated: e.state.Estimated(u.Code), Status: Unrated}
	if r := s.band(u); r != nil {
		b.Band = r
		switch {
		case u.Households < r.Min:
			b.Status = Below
		case r.Max != 0 && u.Households > r.Max:
			b.Status = Above
		default:
			b.Status = Within
		}
	}
	return b
}

// band is the household range the rule set gives u, nil when none.
func (s *Service) band(u *partition.Unit) *partition.Range {
	rs := s.opts.Rules
	if rs == nil || !rs.Applies(u.Kind) {
		return nil
	}
	if lr, ok := rs.Levels[u.Level]; ok && lr.Households != nil {
		r := *lr.Households
		return &r
	}
	return nil
}

// View is a draft whole: every unit's balance and the findings.
type View struct {
	Draft    partition.Draft     `json:"draft"`
	Units    []Balance           `json:"units"`
	Findings []partition.Finding `json:"-"`
	Summary  Summary             `json:"summary"`
}

// Get returns the draft with its units' balance and its findings.
func (s *Service) Get(ctx context.Context, id string) (View, error) {
	e, err := s.acquire(ctx, id)
	if err != nil {
		return View{}, err
	}
	defer e.release()
	v := View{Draft: e.d, Findings: e.allFindings()}
	for _, u := range e.state.Units() {
		v.Units = append(v.Units, s.balance(e, &u))
	}
	v.Summary = summarize(v.Findings)
	return v, nil
}

// Units returns copies of the draft's units at its head, in code order.
func (s *Service) Units(ctx context.Context, id string) (partition.Draft, []partition.Unit, error) {
	e, err := s.acquire(ctx, id)
	if err != nil {
		return partition.Draft{}, nil, err
	}
	defer e.release()
	return e.d, e.state.Units(), nil
}
