package store

import (
	"context"
	"database/sql"
	"fmt"
)

// The accounts' one difference between the engines.

// lockAttemptKey serialises the attempts under one key until the
// transaction ends. SQLite's immediate transactions already hold the only
// write lock; PostgreSQL needs an advisory lock, or two instances counting
// at once could both see room for one more attempt.
func (s *Store) lockAttemptKey(ctx context.Context, tx *sql.Tx, key string) error {
	if s.engine != Postgres {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, key); err != nil {
		return fmt.Errorf("lock attempts: %w", err)
	}
	return nil
}
