package store

import (
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
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

// Constraint failures are recognised by the codes the drivers report, not
// by their message text, which differs between engines and versions:
// PostgreSQL's SQLSTATE class 23 and SQLite's extended result codes (which
// the modernc driver turns on for every connection).

// The SQLSTATE codes of PostgreSQL's integrity-constraint violations.
const (
	pgUniqueViolation     = "23505"
	pgForeignKeyViolation = "23503"
	pgCheckViolation      = "23514"
	pgNotNullViolation    = "23502"
)

// constraintKind names the kind of constraint err violated ("unique",
// "foreign key", "check", "not null"), or "" when err is no constraint
// failure.
func constraintKind(err error) string {
	if err == nil {
		return ""
	}
	if pe, ok := errors.AsType[*pgconn.PgError](err); ok {
		switch pe.Code {
		case pgUniqueViolation:
			return "unique"
		case pgForeignKeyViolation:
			return "foreign key"
		case pgCheckViolation:
			return "check"
		case pgNotNullViolation:
			return "not null"
		}
		return ""
	}
	if se, ok := errors.AsType[*sqlite.Error](err); ok {
		switch se.Code() {
		// A primary key is a unique key: PostgreSQL reports both as 23505.
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return "unique"
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return "foreign key"
		case sqlite3.SQLITE_CONSTRAINT_CHECK:
			return "check"
		case sqlite3.SQLITE_CONSTRAINT_NOTNULL:
			return "not null"
		}
	}
	return ""
}

// IsUniqueViolation reports whether err is a unique-constraint (or primary
// key) failure on either engine.
func IsUniqueViolation(err error) bool { return constraintKind(err) == "unique" }

// IsForeignKeyViolation reports whether err is a foreign-key failure on
// either engine.
func IsForeignKeyViolation(err error) bool { return constraintKind(err) == "foreign key" }

// IsCheckViolation reports whether err is a CHECK-constraint failure on
// either engine.
func IsCheckViolation(err error) bool { return constraintKind(err) == "check" }
