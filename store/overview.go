package store

import (
	"context"
	"fmt"
)

// Overview is the platform's headline numbers for the home page.
type Overview struct {
	Organisations int `json:"organisations"`
	Countries     int `json:"countries"`
	BRICountries  int `json:"bri_countries"`
	Talents       int `json:"talents"`
	// Tables counts rows of every other capability's main table that exists.
	Tables map[string]int `json:"tables"`
}

// Overview counts what the platform holds. The counts are kept in memory
// and recounted when the data changes (dataversion.go), not per request;
// callers only read the shared result.
func (s *Store) Overview(ctx context.Context) (*Overview, error) {
	return s.memos.overview.Get(ctx, s, s.overview)
}

func (s *Store) overview(ctx context.Context) (*Overview, error) {
	var o Overview
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(DISTINCT o.country),
		COUNT(DISTINCT CASE WHEN c.bri_partner THEN o.country END)
		FROM organisations o JOIN countries c ON c.code = o.country`).Scan(&o.Organisations, &o.Countries, &o.BRICountries)
	if err != nil {
		return nil, fmt.Errorf("overview: %w", err)
	}
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM talents WHERE public`).Scan(&o.Talents); err != nil {
		return nil, fmt.Errorf("overview: %w", err)
	}
	return &o, nil
}
