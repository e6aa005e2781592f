package store

import (
	"context"
	"fmt"
)

// CountryRecords are a country's own records on the platform, counted.
type CountryRecords struct {
	Organisations int            `json:"organisations"`
	ByKind        map[string]int `json:"organisations_by_kind"`
	Talents       int            `json:"talents"`
	// PublicTalents are those whose profile is public.
	PublicTalents int `json:"public_talents"`
	// Sends are the programmes its nationals apply to; Hosts those with
	// positions at its organisations.
	Sends []ProgrammeLink `json:"sends_to"`
	Hosts []ProgrammeLink `json:"hosts"`
}

// ProgrammeLink is a programme seen from a country: applications from its
// nationals or positions at its organisations, and the placements of the
// programme's published matching run.
type ProgrammeLink struct {
	ID           string `json:"id"`
	Title        string `json:"title"`
	Applications int    `json:"applications,omitempty"`
	Positions    int    `json:"positions,omitempty"`
	Seats        int    `json:"seats,omitempty"`
	Placed       int    `json:"placed"`
}

// CountryRecords counts the organisations, talents and programmes of a
// country.
func (s *Store) CountryRecords(ctx context.Context, code string) (*CountryRecords, error) {
	out := &CountryRecords{ByKind: map[string]int{}, Sends: []ProgrammeLink{}, Hosts: []ProgrammeLink{}}
	rows, err := s.db.QueryContext(ctx, `SELECT kind, COUNT(*) FROM organisations WHERE country = $1 GROUP BY kind`, code)
	if err != nil {
		return nil, fmt.Errorf("country records: %w", Classify(err))
	}
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			rows.Close()
			return nil, err
		}
		out.ByKind[k], out.Organisations = n, out.Organisations+n
	}
	rows.Close()
	err = s.db.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN public THEN 1 ELSE 0 END), 0) FROM talents WHERE country = $1`, code).
		Scan(&out.Talents, &out.PublicTalents)
	if err != nil {
		return nil, fmt.Errorf("country records: %w", Classify(err))
	}
	rows, err = s.db.QueryContext(ctx, `SELECT pr.id, pr.title, COUNT(a.id),
		COUNT(pl.application_id)
		FROM programmes pr JOIN programme_applications a ON a.programme_id = pr.id
		LEFT JOIN programme_placements pl ON pl.run_id = pr.published_run_id AND pl.application_id = a.id AND pl.position_id <> ''
		WHERE a.country = $1 GROUP BY pr.id, pr.title ORDER BY COUNT(a.id) DESC, pr.title`, code)
	if err != nil {
		return nil, fmt.Errorf("country records: %w", Classify(err))
	}
	for rows.Next() {
		var l ProgrammeLink
		if err := rows.Scan(&l.ID, &l.Title, &l.Applications, &l.Placed); err != nil {
			rows.Close()
			return nil, err
		}
		out.Sends = append(out.Sends, l)
	}
	rows.Close()
	rows, err = s.db.QueryContext(ctx, `SELECT pr.id, pr.title, COUNT(pos.id), COALESCE(SUM(pos.capacity), 0),
		(SELECT COUNT(*) FROM programme_placements pl JOIN programme_positions pp ON pp.id = pl.position_id
			JOIN organisations po ON po.id = pp.org_id WHERE pl.run_id = pr.published_run_id AND po.country = $1)
		FROM programmes pr JOIN programme_positions pos ON pos.programme_id = pr.id JOIN organisations o ON o.id = pos.org_id
		WHERE o.country = $1 GROUP BY pr.id, pr.title, pr.published_run_id ORDER BY COUNT(pos.id) DESC, pr.title`, code)
	if err != nil {
		return nil, fmt.Errorf("country records: %w", Classify(err))
	}
	defer rows.Close()
	for rows.Next() {
		var l ProgrammeLink
		if err := rows.Scan(&l.ID, &l.Title, &l.Positions, &l.Seats, &l.Placed); err != nil {
			return nil, err
		}
		out.Hosts = append(out.Hosts, l)
	}
	return out, rows.Err()
}

// BibliometricSeries returns a country's works with each partner, every
// year of the record.
func (s *Store) BibliometricSeries(ctx context.Context, code string) ([]CountryWorks, error) {
	return s.OpenAlexPartners(ctx, code)
}
