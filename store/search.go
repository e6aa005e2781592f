package store

import (
	"context"
	"database/sql"
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
	// The text analysis (six languages) runs before the index is touched.
	terms := textsearch.Terms(strings.Join(texts, "\n"))
	if err := s.unindex(ctx, q, kind, ref); err != nil {
		return fmt.Errorf("index %s %s: %w", kind, ref, err)
	}
	if len(terms) == 0 {
		return nil
	}
	res, err := q.ExecContext(ctx, s.putDocSQL(), kind, ref, strings.Join(terms, " "))
	if err != nil {
		return fmt.Errorf("index %s %s: %w", kind, ref, err)
	}
	if s.engine == SQLite {
		doc, err := res.LastInsertId()
		if err != nil {
			return fmt.Errorf("index %s %s: %w", kind, ref, err)
		}
		if _, err := q.ExecContext(ctx, `INSERT INTO search_rowids (kind, ref, doc) VALUES ($1, $2, $3)`, kind, ref, doc); err != nil {
			return fmt.Errorf("index %s %s: %w", kind, ref, err)
		}
	}
	return nil
}

// unindex removes one record from the search index. On SQLite it finds
// the record's documents by search_rowids: FTS5 would scan the whole
// index to find them by kind and ref.
func (s *Store) unindex(ctx context.Context, q queryer, kind, ref string) error {
	if s.engine != SQLite {
		_, err := q.ExecContext(ctx, s.deleteDocSQL(), kind, ref)
		return err
	}
	if _, err := q.ExecContext(ctx, `DELETE FROM search_fts WHERE rowid IN (SELECT doc FROM search_rowids WHERE kind = $1 AND ref = $2)`, kind, ref); err != nil {
		return err
	}
	_, err := q.ExecContext(ctx, `DELETE FROM search_rowids WHERE kind = $1 AND ref = $2`, kind, ref)
	return err
}

// syncSearchRowids records where the documents inserted in bulk (by an
// import, which writes the index directly) sit, and forgets documents that
// are gone.
func (s *Store) syncSearchRowids(ctx context.Context) error {
	if s.engine != SQLite {
		return nil
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM search_rowids WHERE doc NOT IN (SELECT rowid FROM search_fts)`); err != nil {
			return fmt.Errorf("search rowids: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO search_rowids (kind, ref, doc) SELECT kind, ref, rowid FROM search_fts
			WHERE rowid NOT IN (SELECT doc FROM search_rowids)`); err != nil {
			return fmt.Errorf("search rowids: %w", err)
		}
		return nil
	})
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
