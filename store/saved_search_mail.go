package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/silkbridge/silkbridge"
)

// How often a saved search's matches are mailed.
const (
	MailImmediately = "immediately"
	MailDaily       = "daily"
	MailWeekly      = "weekly"
	MailNever       = "never"
)

// MailFrequencies are the choices, in the order a form shows them.
var MailFrequencies = []string{MailImmediately, MailDaily, MailWeekly, MailNever}

// SavedSearchMail returns how often each of the user's saved searches is
// mailed, by id.
func (s *Store) SavedSearchMail(ctx context.Context, userID string) (map[string]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, mail_every FROM saved_searches WHERE user_id = $1`, userID)
	if err != nil {
		return nil, fmt.Errorf("saved search mail: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, every string
		if err := rows.Scan(&id, &every); err != nil {
			return nil, fmt.Errorf("saved search mail: %w", err)
		}
		out[id] = every
	}
	return out, rows.Err()
}

// SetSavedSearchMail chooses how often the user's saved search is mailed.
func (s *Store) SetSavedSearchMail(ctx context.Context, actor Actor, userID, id, every string) error {
	if !contains(MailFrequencies, every) {
		return silkbridge.Invalid("mail_every", "field.choice", "not one of the choices", map[string]any{"Value": every})
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE saved_searches SET mail_every = $3 WHERE id = $1 AND user_id = $2`, id, userID, every)
		if err != nil {
			return fmt.Errorf("saved search mail: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return silkbridge.NotFound("saved_search")
		}
		return s.audit(ctx, tx, actor, "mail_every", "saved_search", id, "", nil, map[string]string{"mail_every": every})
	})
}

// Digest is the new matches of one saved search not yet mailed.
type Digest struct {
	SavedSearchID, UserID, Name string
	Titles                      []string
}

// DueDigests returns the digests due at now: saved searches mailed daily
// or weekly whose last digest is a day or a week old, with the matches
// (notifications) made since.
func (s *Store) DueDigests(ctx context.Context, at time.Time) ([]Digest, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT ss.id, ss.user_id, ss.name, ss.mail_every, ss.mailed_until, n.title
		FROM saved_searches ss JOIN market_notifications n ON n.saved_search_id = ss.id
		WHERE ss.notify AND ss.mail_every IN ($1, $2) AND n.created_at > ss.mailed_until AND n.created_at <= $3
		ORDER BY ss.id, n.created_at`, MailDaily, MailWeekly, ts(at))
	if err != nil {
		return nil, fmt.Errorf("due digests: %w", err)
	}
	defer rows.Close()
	var out []Digest
	for rows.Next() {
		var id, user, name, every, until, title string
		if err := rows.Scan(&id, &user, &name, &every, &until, &title); err != nil {
			return nil, fmt.Errorf("due digests: %w", err)
		}
		period := 24 * time.Hour
		if every == MailWeekly {
			period = 7 * period
		}
		if until != "" && at.Sub(parseTS(until)) < period {
			continue // told recently: the next digest waits for its day
		}
		if len(out) == 0 || out[len(out)-1].SavedSearchID != id {
			out = append(out, Digest{SavedSearchID: id, UserID: user, Name: name})
		}
		d := &out[len(out)-1]
		d.Titles = append(d.Titles, title)
	}
	return out, rows.Err()
}

// DigestMailed records that the digest of a saved search due at (by
// DueDigests) was mailed: the next one tells the matches made after at,
// a period later.
func (s *Store) DigestMailed(ctx context.Context, id string, at time.Time) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE saved_searches SET mailed_until = $2 WHERE id = $1`, id, ts(at)); err != nil {
		return fmt.Errorf("digest mailed: %w", err)
	}
	return nil
}
