package store

import (
	"fmt"
	"strings"
)

// This file holds every place where SQLite and PostgreSQL need different
// SQL. Everything else is one SQL text for both ($1 placeholders work on
// the SQLite driver too).

// matchClause returns a condition selecting the refs of kind whose indexed
// terms match expr (an FTS expression built by ftsExpr or tsqueryExpr), with
// the expression as parameter number arg.
func (s *Store) matchClause(kind string, arg int) string {
	if s.engine == Postgres {
		return fmt.Sprintf("SELECT ref FROM search_docs WHERE kind = '%s' AND terms @@ $%d::tsquery", kind, arg)
	}
	return fmt.Sprintf("SELECT ref FROM search_fts WHERE search_fts MATCH $%d AND kind = '%s'", arg, kind)
}

// queryExpr turns the alternatives of each query word into the engine's
// query syntax: every word must match one of its alternatives.
func (s *Store) queryExpr(words [][]string) string {
	groups := make([]string, 0, len(words))
	for _, alts := range words {
		if len(alts) == 0 {
			continue
		}
		quoted := make([]string, len(alts))
		for i, a := range alts {
			// Terms hold only letters and digits, so quoting cannot be broken.
			if s.engine == Postgres {
				quoted[i] = "'" + a + "'"
			} else {
				quoted[i] = `"` + a + `"`
			}
		}
		if s.engine == Postgres {
			groups = append(groups, "("+strings.Join(quoted, " | ")+")")
		} else {
			groups = append(groups, "("+strings.Join(quoted, " OR ")+")")
		}
	}
	if s.engine == Postgres {
		return strings.Join(groups, " & ")
	}
	return strings.Join(groups, " AND ")
}

// putDocSQL stores the terms (joined by spaces) of one record.
func (s *Store) putDocSQL() string {
	if s.engine == Postgres {
		return `INSERT INTO search_docs (kind, ref, terms) VALUES ($1, $2, array_to_tsvector(string_to_array($3, ' ')))`
	}
	return `INSERT INTO search_fts (kind, ref, terms) VALUES ($1, $2, $3)`
}

func (s *Store) deleteDocSQL() string {
	if s.engine == Postgres {
		return `DELETE FROM search_docs WHERE kind = $1 AND ref = $2`
	}
	return `DELETE FROM search_fts WHERE kind = $1 AND ref = $2`
}

// IsUniqueViolation reports whether err is a unique-constraint failure on
// either engine.
func IsUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	msg := err.Error()
	return strings.Contains(msg, "UNIQUE constraint failed") || strings.Contains(msg, "SQLSTATE 23505")
}

// IsForeignKeyViolation reports whether err is a foreign-key failure on
// either engine.
func IsForeignKeyViolation(err error) bool {
	if err == nil {
		return false
	}
	msg := err.Error()
	return strings.Contains(msg, "FOREIGN KEY constraint failed") || strings.Contains(msg, "SQLSTATE 23503")
}
