package store

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"time"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/account"
)

// Rate limits that must hold across app instances (failed sign-ins per
// account and per address, password reset requests) count attempts in the
// attempts table rather than in memory.

// AttemptLimit allows at most Max attempts under Key within Window.
type AttemptLimit struct {
	Key    string
	Max    int
	Window time.Duration
}

// TakeAttempt records one attempt under the key of every limit, when every
// limit still allows it, and returns a ticket naming the attempt (for
// ForgetAttempt). When a limit is reached nothing is recorded and the
// error is ETOOMANY with the seconds to wait in Data["RetryAfter"].
// Recording before the attempt is made (not after it failed) keeps
// parallel requests from slipping past the limit.
func (s *Store) TakeAttempt(ctx context.Context, limits []AttemptLimit) (string, error) {
	limits = append([]AttemptLimit(nil), limits...)
	for i := range limits {
		limits[i].Key = account.HashToken(limits[i].Key)
	}
	// A fixed order of locks keeps two requests from waiting on each other.
	sort.Slice(limits, func(i, j int) bool { return limits[i].Key < limits[j].Key })
	ticket := silkbridge.NewID()
	t := now()
	var wait time.Duration
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM attempts WHERE expires_at < $1`, ts(t)); err != nil {
			return fmt.Errorf("take attempt: %w", err)
		}
		for _, l := range limits {
			if err := s.lockAttemptKey(ctx, tx, l.Key); err != nil {
				return err
			}
			since := t.Add(-l.Window)
			var n int
			var oldest sql.NullString
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*), MIN(at) FROM attempts WHERE key = $1 AND at > $2`, l.Key, ts(since)).
				Scan(&n, &oldest); err != nil {
				return fmt.Errorf("take attempt: %w", err)
			}
			if n >= l.Max {
				if w := parseTS(oldest.String).Add(l.Window).Sub(t); w > wait {
					wait = w
				}
			}
		}
		if wait > 0 {
			return nil
		}
		for _, l := range limits {
			if _, err := tx.ExecContext(ctx, `INSERT INTO attempts (id, key, at, expires_at) VALUES ($1, $2, $3, $4)`,
				ticket, l.Key, ts(t), ts(t.Add(l.Window))); err != nil {
				return fmt.Errorf("take attempt: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	if wait > 0 {
		secs := int((wait + time.Second - 1) / time.Second)
		return "", &silkbridge.Error{Code: silkbridge.ETOOMANY, MessageID: "error.too_many_signins",
			Message: fmt.Sprintf("too many attempts; try again in %d seconds", secs), Data: map[string]any{"RetryAfter": secs}}
	}
	return ticket, nil
}

// ForgetAttempt removes an attempt that should not count against the
// limits, such as a sign-in that succeeded.
func (s *Store) ForgetAttempt(ctx context.Context, ticket string) error {
	if ticket == "" {
		return nil
	}
	if _, err := s.db.ExecContext(ctx, `DELETE FROM attempts WHERE id = $1`, ticket); err != nil {
		return fmt.Errorf("forget attempt: %w", err)
	}
	return nil
}
