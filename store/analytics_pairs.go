package store

import (
	"context"
	"fmt"
	"sort"
)

// CooperationCountries is a cooperation of two or more partners: its
// current stage, its dates (YYYY-MM-DD, empty when unknown) and the
// distinct countries of its partners, sorted.
type CooperationCountries struct {
	Stage     string
	Start     string
	End       string
	Countries []string
}

// CooperationCountries returns every cooperation of two or more partners
// with its partners' countries. It reads three tables in order and joins
// them in memory: looking each partner's organisation and cooperation up
// by its random id cost ten times more on the whole record.
func (s *Store) CooperationCountries(ctx context.Context) ([]CooperationCountries, error) {
	country := map[string]string{}
	rows, err := s.db.QueryContext(ctx, `SELECT id, country FROM organisations`)
	if err != nil {
		return nil, fmt.Errorf("cooperation countries: %w", Classify(err))
	}
	for rows.Next() {
		var id, c string
		if err := rows.Scan(&id, &c); err != nil {
			rows.Close()
			return nil, err
		}
		country[id] = c
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	byID := map[string]*CooperationCountries{}
	rows, err = s.db.QueryContext(ctx, `SELECT id, stage, start_date, end_date FROM cooperations WHERE NOT single_beneficiary`)
	if err != nil {
		return nil, fmt.Errorf("cooperation countries: %w", Classify(err))
	}
	for rows.Next() {
		var id string
		c := &CooperationCountries{}
		if err := rows.Scan(&id, &c.Stage, &c.Start, &c.End); err != nil {
			rows.Close()
			return nil, err
		}
		byID[id] = c
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = s.db.QueryContext(ctx, `SELECT cooperation_id, org_id FROM cooperation_partners`)
	if err != nil {
		return nil, fmt.Errorf("cooperation countries: %w", Classify(err))
	}
	defer rows.Close()
	for rows.Next() {
		var cid, oid string
		if err := rows.Scan(&cid, &oid); err != nil {
			return nil, err
		}
		c, ok := byID[cid]
		if !ok {
			continue
		}
		if cc := country[oid]; cc != "" && !containsStr(c.Countries, cc) {
			c.Countries = append(c.Countries, cc)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(byID))
	for id := range byID {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	out := make([]CooperationCountries, 0, len(ids))
	for _, id := range ids {
		c := byID[id]
		sort.Strings(c.Countries)
		out = append(out, *c)
	}
	return out, nil
}
