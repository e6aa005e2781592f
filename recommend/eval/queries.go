package eval

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/silkbridge/silkbridge/cordis"
	"github.com/silkbridge/silkbridge/recommend"
)

// QueryColumns is the header of a queries file
// (shared/formats/recommend-eval.md).
var QueryColumns = []string{
	"query_id", "seed_pic", "programme_parts", "start_year", "seed_country", "seed_type",
	"topic_code", "topic_description", "project_title",
}

// RankingColumns is the header of a rankings file.
var RankingColumns = []string{"query_id", "rank", "pic"}

// NamedQuery is a query read from a queries file.
type NamedQuery struct {
	ID    string
	Query recommend.Query
}

// ReadQueries reads a queries file; name is used in errors, which give the
// line and the column at fault. Programme parts are joined by ";"; every
// field after seed_type may be empty.
func ReadQueries(r io.Reader, name string) ([]NamedQuery, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = len(QueryColumns)
	header, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: empty file, expected the header %s", name, strings.Join(QueryColumns, ","))
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	for i, c := range QueryColumns {
		if strings.TrimSpace(strings.TrimPrefix(header[i], "\ufeff")) != c {
			return nil, fmt.Errorf("%s: line 1: column %d is %q, expected %q (header %s)", name, i+1, header[i], c, strings.Join(QueryColumns, ","))
		}
	}
	var out []NamedQuery
	seen := map[string]int{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		bad := func(col int, format string, args ...any) error {
			return fmt.Errorf("%s: line %d: %s: %s", name, line, QueryColumns[col], fmt.Sprintf(format, args...))
		}
		for i := range rec {
			rec[i] = strings.TrimSpace(rec[i])
		}
		q := NamedQuery{ID: rec[0]}
		if q.ID == "" {
			return nil, bad(0, "is empty")
		}
		if first, dup := seen[q.ID]; dup {
			return nil, bad(0, "%q already used on line %d", q.ID, first)
		}
		seen[q.ID] = line
		if q.Query.Seed = rec[1]; q.Query.Seed == "" {
			return nil, bad(1, "is empty")
		}
		for _, p := range strings.Split(rec[2], ";") {
			if p = strings.TrimSpace(p); p != "" {
				q.Query.Parts = append(q.Query.Parts, p)
			}
		}
		year, err := strconv.Atoi(rec[3])
		if err != nil || year < 1900 || year > 2999 {
			return nil, bad(3, "%q is not a year", rec[3])
		}
		q.Query.Year = year
		country := cordis.ISOCountry(rec[4])
		if len(country) != 2 || country[0] < 'A' || country[0] > 'Z' || country[1] < 'A' || country[1] > 'Z' {
			return nil, bad(4, "%q is not a two-letter country code", rec[4])
		}
		q.Query.SeedCountry = country
		if q.Query.SeedType = rec[5]; q.Query.SeedType == "" {
			return nil, bad(5, "is empty")
		}
		q.Query.Topic, q.Query.TopicDescription, q.Query.Title = rec[6], rec[7], rec[8]
		out = append(out, q)
	}
}

// Ranking is the ranked candidates of one query, best first.
type Ranking struct {
	QueryID string
	PICs    []string
}

// WriteRankings writes rankings in the rankings file format: one row per
// candidate, rank 1 best.
func WriteRankings(w io.Writer, rankings []Ranking) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(RankingColumns); err != nil {
		return err
	}
	for _, r := range rankings {
		for i, pic := range r.PICs {
			if err := cw.Write([]string{r.QueryID, strconv.Itoa(i + 1), pic}); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}
