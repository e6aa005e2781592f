package store

import (
	"context"
	"database/sql"
)

// rowScanner is what *sql.Row and *sql.Rows share, so one scan function
// reads a record from either.
type rowScanner = interface{ Scan(dest ...any) error }

// collect reads every row of rows with scan, then closes rows and reports
// the error that ended the iteration, which a hand-written loop easily
// forgets. The result is never nil, so an empty list encodes as [].
func collect[T any](rows *sql.Rows, scan func(rowScanner) (T, error)) ([]T, error) {
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// each calls fn on every row of rows (for results folded into maps or into
// records already loaded), then closes rows and reports the error that
// ended the iteration.
func each(rows *sql.Rows, fn func(rowScanner) error) error {
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// scanString reads a one-column row of text.
func scanString(row rowScanner) (string, error) {
	var s string
	err := row.Scan(&s)
	return s, err
}

// queryStrings runs a query of one text column and returns its values.
func queryStrings(ctx context.Context, q queryer, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanString)
}
