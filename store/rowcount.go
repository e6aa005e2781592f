package store

import (
	"context"
	"fmt"
)

// countable are the tables whose rows RowCount may count: those that the
// load benchmark writes to and then checks.
var countable = map[string]bool{"lessons": true, "opportunities": true, "talents": true, "organisations": true, "cooperations": true}

// RowCount counts the rows of one of a few tables, so that a load test can
// check that every acknowledged write is stored.
func (s *Store) RowCount(ctx context.Context, table string) (int, error) {
	if !countable[table] {
		return 0, fmt.Errorf("row count: %q is not a countable table", table)
	}
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
		return 0, fmt.Errorf("row count %s: %w", table, err)
	}
	return n, nil
}
