package store

import (
	"context"
	"fmt"
	"sort"
)

// ActiveCooperation is a cooperation running in a year: its current
// stage and the distinct countries of its partners, sorted.
type ActiveCooperation struct {
	ID        string
	Stage     string
	Countries []string
}

// ActiveCooperations returns every cooperation of two or more partners
// running in year (started by its end, not ended before its start), with
// its partners' countries. Year 0 means every cooperation.
func (s *Store) ActiveCooperations(ctx context.Context, year int) ([]ActiveCooperation, error) {
	q := `SELECT c.id, c.stage, o.country FROM cooperations c
		JOIN cooperation_partners p ON p.cooperation_id = c.id
		JOIN organisations o ON o.id = p.org_id
		WHERE NOT c.single_beneficiary`
	var args []any
	if year > 0 {
		q += ` AND c.start_date <> '' AND c.start_date <= $1 AND (c.end_date = '' OR c.end_date >= $2)`
		args = append(args, fmt.Sprintf("%04d-12-31", year), fmt.Sprintf("%04d-01-01", year))
	}
	q += ` ORDER BY c.id`
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("active cooperations: %w", Classify(err))
	}
	defer rows.Close()
	var out []ActiveCooperation
	var cur *ActiveCooperation
	for rows.Next() {
		var id, stage, country string
		if err := rows.Scan(&id, &stage, &country); err != nil {
			return nil, err
		}
		if cur == nil || cur.ID != id {
			out = append(out, ActiveCooperation{ID: id, Stage: stage})
			cur = &out[len(out)-1]
		}
		if !containsStr(cur.Countries, country) {
			cur.Countries = append(cur.Countries, country)
		}
	}
	for i := range out {
		sort.Strings(out[i].Countries)
	}
	return out, rows.Err()
}
