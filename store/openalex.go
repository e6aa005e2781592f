package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/openalex"
)

// The OpenAlex country co-authorship record is small (a quarter of a
// million pairs) and is replaced whole by each import, in one
// transaction: a reader sees the old record or the new one, never half.

// BibliometricImport is the report of one import of the record.
type BibliometricImport struct {
	RunID     string        `json:"run_id"`
	Source    string        `json:"source"`
	Dir       string        `json:"dir"`
	Started   time.Time     `json:"started"`
	Duration  time.Duration `json:"duration_ns"`
	Pairs     int           `json:"pairs"`
	Totals    int           `json:"totals"`
	Countries int           `json:"countries"`
	FirstYear int           `json:"first_year"`
	LastYear  int           `json:"last_year"`
}

const (
	pairRows  = 1000
	pairBatch = 20000
)

// ImportOpenAlex replaces the co-authorship record with rec.
func (s *Store) ImportOpenAlex(ctx context.Context, actor Actor, rec *openalex.Record, progress ImportProgress) (*BibliometricImport, error) {
	if progress == nil {
		progress = func(string, int, int) {}
	}
	res := &BibliometricImport{RunID: silkbridge.NewID(), Source: openalex.Source, Dir: rec.Dir, Started: time.Now()}
	pairs, err := s.newBulk(ctx, pairRows, 4, `INSERT INTO openalex_pairs (year, country_a, country_b, works) VALUES `, ``, nil)
	if err != nil {
		return nil, err
	}
	defer pairs.close()
	totals, err := s.newBulk(ctx, pairRows, 4, `INSERT INTO openalex_totals (year, country, works, partners) VALUES `, ``, nil)
	if err != nil {
		return nil, err
	}
	defer totals.close()
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		for _, q := range []string{`DELETE FROM openalex_pairs`, `DELETE FROM openalex_totals`} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("import openalex: %w", err)
			}
		}
		args := make([]any, 0, 4*pairBatch)
		for i, p := range rec.Pairs {
			args = append(args, p.Year, p.A, p.B, p.Works)
			if len(args) == cap(args) || i == len(rec.Pairs)-1 {
				if err := pairs.exec(ctx, tx, args); err != nil {
					return fmt.Errorf("import openalex pairs: %w", err)
				}
				args = args[:0]
				progress("pairs", i+1, len(rec.Pairs))
			}
		}
		args = args[:0]
		for _, t := range rec.Totals {
			args = append(args, t.Year, t.Country, t.Works, t.Partners)
		}
		if err := totals.exec(ctx, tx, args); err != nil {
			return fmt.Errorf("import openalex totals: %w", err)
		}
		progress("totals", len(rec.Totals), len(rec.Totals))
		return nil
	})
	if err != nil {
		return nil, err
	}
	st, err := s.OpenAlexStatus(ctx)
	if err != nil {
		return nil, err
	}
	res.Pairs, res.Totals, res.Countries, res.FirstYear, res.LastYear = st.Pairs, st.Totals, st.Countries, st.FirstYear, st.LastYear
	res.Duration = time.Since(res.Started)
	report, err := json.Marshal(res)
	if err != nil {
		return nil, err
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO import_runs (id, source, started_at, finished_at, report) VALUES ($1, $2, $3, $4, $5)`,
			res.RunID, res.Source, ts(res.Started), ts(now()), string(report)); err != nil {
			return fmt.Errorf("record import run: %w", err)
		}
		return s.audit(ctx, tx, actor, "import", "import_run", res.RunID, "", nil, map[string]any{"source": res.Source, "pairs": res.Pairs, "totals": res.Totals})
	})
	return res, err
}

// BibliometricStatus says what of the record is in the database.
type BibliometricStatus struct {
	Pairs     int    `json:"pairs"`
	Totals    int    `json:"totals"`
	Countries int    `json:"countries"`
	FirstYear int    `json:"first_year"`
	LastYear  int    `json:"last_year"`
	Source    string `json:"source"`
	// ImportedAt is when the record was last imported (empty: never).
	ImportedAt string `json:"imported_at,omitempty"`
}

// OpenAlexStatus counts the record's rows.
func (s *Store) OpenAlexStatus(ctx context.Context) (*BibliometricStatus, error) {
	st := &BibliometricStatus{Source: openalex.Attribution}
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(DISTINCT country), COALESCE(MIN(year), 0), COALESCE(MAX(year), 0) FROM openalex_totals`).
		Scan(&st.Totals, &st.Countries, &st.FirstYear, &st.LastYear)
	if err != nil {
		return nil, fmt.Errorf("openalex status: %w", Classify(err))
	}
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM openalex_pairs`).Scan(&st.Pairs); err != nil {
		return nil, fmt.Errorf("openalex status: %w", Classify(err))
	}
	err = s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(finished_at), '') FROM import_runs WHERE source = $1`, openalex.Source).Scan(&st.ImportedAt)
	if err != nil {
		return nil, fmt.Errorf("openalex status: %w", Classify(err))
	}
	return st, nil
}

// CountryWorks is one country's co-authored works with a partner in one
// year.
type CountryWorks struct {
	Partner string
	Year    int
	Works   int
}

// OpenAlexPartners returns the works country wrote with each partner in
// the given years.
func (s *Store) OpenAlexPartners(ctx context.Context, country string, years ...int) ([]CountryWorks, error) {
	q := `SELECT country_b, year, works FROM openalex_pairs WHERE country_a = $1 AND year BETWEEN $2 AND $3
		UNION ALL SELECT country_a, year, works FROM openalex_pairs WHERE country_b = $1 AND year BETWEEN $2 AND $3`
	lo, hi := 0, 9999
	if len(years) > 0 {
		lo, hi = years[0], years[0]
		for _, y := range years {
			lo, hi = min(lo, y), max(hi, y)
		}
	}
	rows, err := s.db.QueryContext(ctx, q, country, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("openalex partners: %w", Classify(err))
	}
	defer rows.Close()
	want := map[int]bool{}
	for _, y := range years {
		want[y] = true
	}
	var out []CountryWorks
	for rows.Next() {
		var c CountryWorks
		if err := rows.Scan(&c.Partner, &c.Year, &c.Works); err != nil {
			return nil, err
		}
		if len(years) == 0 || want[c.Year] {
			out = append(out, c)
		}
	}
	return out, rows.Err()
}

// OpenAlexTotals returns every country's international works in year.
func (s *Store) OpenAlexTotals(ctx context.Context, year int) (map[string]int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT country, works FROM openalex_totals WHERE year = $1`, year)
	if err != nil {
		return nil, fmt.Errorf("openalex totals: %w", Classify(err))
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var c string
		var n int
		if err := rows.Scan(&c, &n); err != nil {
			return nil, err
		}
		out[c] = n
	}
	return out, rows.Err()
}

// OpenAlexYearPairs returns the limit strongest pairs of year by works
// (0: every pair).
func (s *Store) OpenAlexYearPairs(ctx context.Context, year, limit int) ([]openalex.Pair, error) {
	if limit <= 0 {
		limit = 1 << 30
	}
	rows, err := s.db.QueryContext(ctx, `SELECT country_a, country_b, works FROM openalex_pairs WHERE year = $1 ORDER BY works DESC, country_a, country_b LIMIT $2`, year, limit)
	if err != nil {
		return nil, fmt.Errorf("openalex pairs: %w", Classify(err))
	}
	defer rows.Close()
	var out []openalex.Pair
	for rows.Next() {
		p := openalex.Pair{Year: year}
		if err := rows.Scan(&p.A, &p.B, &p.Works); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// OpenAlexVersion changes with each import of the record; it costs one
// read of the small table of import runs.
func (s *Store) OpenAlexVersion(ctx context.Context) (string, error) {
	var v string
	err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(finished_at), '') FROM import_runs WHERE source = $1`, openalex.Source).Scan(&v)
	if err != nil {
		return "", fmt.Errorf("openalex version: %w", Classify(err))
	}
	return v, nil
}

// OpenAlexLastYear is the last year of the record (0 when not imported).
func (s *Store) OpenAlexLastYear(ctx context.Context) (int, error) {
	var y int
	if err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(year), 0) FROM openalex_totals`).Scan(&y); err != nil {
		return 0, fmt.Errorf("openalex last year: %w", Classify(err))
	}
	return y, nil
}
