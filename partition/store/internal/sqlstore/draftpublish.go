package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/wangge/wangge/partition"
)

// PublishDraft publishes cs as a new version, as Publish does, and marks
// the draft published by it, in state filed, recording the transition t,
// in one Driver.Write transaction. Writing nothing: Stale unless the draft
// is at revision rev (< 0: any), conflict when it is published or not in
// one of the states from, and when a unit that cs writes or retires has
// changed since the draft's base (a Problem names each); errors of
// CheckChangeset are returned unchanged. The audit entry names the
// version and every code it wrote or retired.
func (dr Drafting) PublishDraft(ctx context.Context, id string, rev int64, cs partition.Changeset, t partition.DraftTransition, from ...partition.DraftState) (partition.Version, error) {
	s := dr.s
	start := time.Now()
	t.To = partition.StateFiled
	if err := checkTransition(&t); err != nil {
		return partition.Version{}, err
	}
	var v partition.Version
	_, err := s.edit(ctx, id, rev, "publish", from, func(tx Tx, d *partition.Draft, a *partition.AuditEntry) error {
		if err := s.checkUnchanged(ctx, tx, d, &cs); err != nil {
			return err
		}
		var err error
		if v, err = s.publish(ctx, tx, &cs); err != nil {
			return err
		}
		if err := s.transition(ctx, tx, d, a, &t); err != nil {
			return err
		}
		a.Version = v.Number
		if a.Codes, err = s.versionCodes(ctx, tx, v.Number); err != nil {
			return err
		}
		d.Published = v.Number
		return nil
	})
	if err != nil {
		return partition.Version{}, err
	}
	s.log.InfoContext(ctx, "published", "version", v.Number, "draft", id, "units", len(cs.Units), "retired", len(cs.DeleteUnits),
		"vessels", len(cs.Vessels), "retired_vessels", len(cs.DeleteVessels), "took", time.Since(start))
	return v, nil
}

// checkUnchanged is a conflict, with a Problem per code, when a unit that
// cs writes or retires has changed after the draft's base: a row of its
// code begins (replaced, or added) or ends (replaced, or retired) in a
// later version.
func (s *Store) checkUnchanged(ctx context.Context, tx Tx, d *partition.Draft, cs *partition.Changeset) error {
	codes := make([]string, 0, len(cs.Units)+len(cs.DeleteUnits))
	for _, u := range cs.Units {
		codes = append(codes, string(u.Code))
	}
	for _, c := range cs.DeleteUnits {
		codes = append(codes, string(c))
	}
	if len(codes) == 0 {
		return nil
	}
	p := s.dialect.Params()
	base := p.Add(d.Base)
	// valid_to > valid_from, so coalesce(valid_to, valid_from) is the last
	// version in which a row began or ended.
	query := "SELECT code, max(coalesce(valid_to, valid_from)) FROM units WHERE code " + s.dialect.In(p, codes) +
		" AND (valid_from > " + base + " OR valid_to > " + base + ") GROUP BY code ORDER BY code"
	rows, err := tx.Query(ctx, query, p.Args()...)
	if err != nil {
		return fmt.Errorf("look for changes since version %d: %w", d.Base, err)
	}
	defer rows.Close()
	var ps []partition.Problem
	for rows.Next() {
		var (
			code string
			n    int64
		)
		if err := rows.Scan(&code, &n); err != nil {
			return fmt.Errorf("look for changes since version %d: %w", d.Base, err)
		}
		ps = append(ps, partition.Problem{Index: -1, Code: code,
			Message: fmt.Sprintf("changed in version %d, after the draft's base %d", n, d.Base)})
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("look for changes since version %d: %w", d.Base, err)
	}
	if len(ps) > 0 {
		return &partition.Error{Kind: partition.Conflict, Problems: ps,
			Message: fmt.Sprintf("draft %s: %d units it writes changed after its base, version %d", d.ID, len(ps), d.Base)}
	}
	return nil
}
