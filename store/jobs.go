package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/pressly/goose/v3/lock"

	"github.com/silkbridge/silkbridge/account"
)

// What the background jobs need of the store. River keeps its own tables
// and SQL (its drivers and migrator); the store only tells it where the
// database is, so that River opens its own small pool on it.

// DSN returns the database the store was opened on: a SQLite file path or
// a postgres:// URL.
func (s *Store) DSN() string { return s.dsn }

// SQLiteConnString is the connection string of a SQLite file with the
// store's settings (busy timeout, WAL, foreign keys, immediate
// transactions), for a second pool on the same file.
func SQLiteConnString(path string) string { return sqliteDSN(path) }

// Migrated reports whether Migrate has brought this store's schema up to
// date since it was opened.
func (s *Store) Migrated() bool { return s.migrated.Load() }

// WithMigrationLock runs fn while holding the lock that keeps two app
// instances from migrating at once on PostgreSQL (the session lock that
// Migrate takes), so that the job queue's migrator, which takes none,
// does not race another instance's. On SQLite fn simply runs.
func (s *Store) WithMigrationLock(ctx context.Context, fn func() error) (err error) {
	if s.engine != Postgres {
		return fn()
	}
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return err
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("migration lock: %w", err)
	}
	defer conn.Close()
	if err := locker.SessionLock(ctx, conn); err != nil {
		return fmt.Errorf("migration lock: %w", err)
	}
	defer func() {
		if uerr := locker.SessionUnlock(context.WithoutCancel(ctx), conn); uerr != nil {
			err = errors.Join(err, fmt.Errorf("migration unlock: %w", uerr))
		}
	}()
	return fn()
}

// DeleteExpiredSessions removes the sessions that can no longer be used:
// past their end, or idle for longer than account.IdleTimeout. Reading a
// session already refuses them; this keeps the table from growing.
func (s *Store) DeleteExpiredSessions(ctx context.Context, t time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at < $1 OR last_seen_at < $2`,
		ts(t), ts(t.Add(-account.IdleTimeout)))
	if err != nil {
		return 0, fmt.Errorf("delete expired sessions: %w", err)
	}
	return res.RowsAffected()
}
