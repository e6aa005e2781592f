package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/silkbridge/silkbridge/textsearch"
)

// Search documents are kept in the database (SQLite FTS5, PostgreSQL
// tsvector with GIN), so that every app instance sees the same index. Text
// is analysed in Go by package textsearch (CJK bigrams, Russian and Arabic
// stemming, Latin stemmers) and only the resulting terms are stored.

// index replaces the search terms of one record with the terms of texts.
func (s *Store) index(ctx context.Context, q queryer, kind, ref string, texts ...string) error {
	if _, err := q.ExecContext(ctx, s.deleteDocSQL(), kind, ref); err != nil {
		return fmt.Errorf("index %s %s: %w", kind, ref, err)
	}
	terms := textsearch.Terms(strings.Join(texts, "\n"))
	if len(terms) == 0 {
		return nil
	}
	if _, err := q.ExecContext(ctx, s.putDocSQL(), kind, ref, strings.Join(terms, " ")); err != nil {
		return fmt.Errorf("index %s %s: %w", kind, ref, err)
	}
	return nil
}

// unindex removes one record from the search index.
func (s *Store) unindex(ctx context.Context, q queryer, kind, ref string) error {
	_, err := q.ExecContext(ctx, s.deleteDocSQL(), kind, ref)
	return err
}

// searchCond returns a condition "<col> IN (...)" that keeps records of
// kind matching the free-text query, with the query expression appended to
// args. ok is false when the query has no searchable word.
func (s *Store) searchCond(col, kind, query string, args *[]any) (cond string, ok bool) {
	words := textsearch.QueryTerms(query)
	expr := s.queryExpr(words)
	if expr == "" {
		return "", false
	}
	*args = append(*args, expr)
	return col + " IN (" + s.matchClause(kind, len(*args)) + ")", true
}
