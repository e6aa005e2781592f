package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/event"
)

// MailRecipient is what mail needs to know of a user.
type MailRecipient struct {
	ID, Email, Name string
	// Lang is the language the person chose; empty when never chosen.
	Lang string
	// Verified says the person proved the address is theirs.
	Verified bool
}

// MailRecipient returns the user's address, name, language and whether
// the address is verified.
func (s *Store) MailRecipient(ctx context.Context, userID string) (*MailRecipient, error) {
	var r MailRecipient
	var verified string
	err := s.db.QueryRowContext(ctx, `SELECT id, email, name, lang, email_verified_at FROM users WHERE id = $1`, userID).
		Scan(&r.ID, &r.Email, &r.Name, &r.Lang, &verified)
	if err != nil {
		return nil, notFound(err, "user")
	}
	r.Verified = verified != ""
	return &r, nil
}

// EmailVerified reports whether the user has verified their address.
func (s *Store) EmailVerified(ctx context.Context, userID string) (bool, error) {
	r, err := s.MailRecipient(ctx, userID)
	if err != nil {
		return false, err
	}
	return r.Verified, nil
}

// VerifyEmail marks the user's address verified, when it is still email
// (a link sent to an address the person has since changed proves nothing).
func (s *Store) VerifyEmail(ctx context.Context, userID, email string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET email_verified_at = $3, updated_at = $3
			WHERE id = $1 AND email = $2 AND email_verified_at = ''`, userID, email, ts(now()))
		if err != nil {
			return fmt.Errorf("verify e-mail: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var current, at string
			err := tx.QueryRowContext(ctx, `SELECT email, email_verified_at FROM users WHERE id = $1`, userID).Scan(&current, &at)
			if err != nil {
				return notFound(err, "user")
			}
			if current == email && at != "" {
				return nil // verified already: the link was followed twice
			}
			return silkbridge.Errorf(silkbridge.EINVALID, "mail.verify.invalid", "this link is not valid: the address has changed, or the link is incomplete")
		}
		return s.audit(ctx, tx, Actor{UserID: userID}, "verify_email", "user", userID, "", nil, map[string]string{"email": email})
	})
}

// SetUserLanguage records the language the user reads mail in.
func (s *Store) SetUserLanguage(ctx context.Context, userID, lang string) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE users SET lang = $2 WHERE id = $1`, userID, lang); err != nil {
		return fmt.Errorf("set language: %w", err)
	}
	return nil
}

// MailOptOuts returns the kinds of notification the user does not want
// by mail.
func (s *Store) MailOptOuts(ctx context.Context, userID string) (map[string]bool, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT kind FROM mail_optouts WHERE user_id = $1`, userID)
	if err != nil {
		return nil, fmt.Errorf("mail preferences: %w", err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, fmt.Errorf("mail preferences: %w", err)
		}
		out[k] = true
	}
	return out, rows.Err()
}

// SetMailOptOuts records, for each kind given, whether the user wants it
// by mail (false: opted out).
func (s *Store) SetMailOptOuts(ctx context.Context, actor Actor, userID string, wanted map[string]bool) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		for kind, want := range wanted {
			var err error
			if want {
				_, err = tx.ExecContext(ctx, `DELETE FROM mail_optouts WHERE user_id = $1 AND kind = $2`, userID, kind)
			} else {
				_, err = tx.ExecContext(ctx, `INSERT INTO mail_optouts (user_id, kind, created_at) VALUES ($1, $2, $3)
					ON CONFLICT DO NOTHING`, userID, kind, ts(now()))
			}
			if err != nil {
				return fmt.Errorf("mail preferences: %w", err)
			}
		}
		return s.audit(ctx, tx, actor, "mail_preferences", "user", userID, "", nil, wanted)
	})
}

// SiteKey returns the installation's secret of that name, made on first
// use; every instance reads the same one.
func (s *Store) SiteKey(ctx context.Context, name string) ([]byte, error) {
	b := make([]byte, 32)
	rand.Read(b)
	if _, err := s.db.ExecContext(ctx, `INSERT INTO site_keys (name, secret) VALUES ($1, $2) ON CONFLICT DO NOTHING`, name, hex.EncodeToString(b)); err != nil {
		return nil, fmt.Errorf("site key: %w", err)
	}
	var secret string
	if err := s.db.QueryRowContext(ctx, `SELECT secret FROM site_keys WHERE name = $1`, name).Scan(&secret); err != nil {
		return nil, fmt.Errorf("site key: %w", err)
	}
	return hex.DecodeString(secret)
}

// PlacementNotice is what a published result tells one applicant: where
// they are placed (empty when not placed).
type PlacementNotice struct {
	UserID        string
	PositionTitle string
	HostName      string
}

// PlacementNotices returns the result of a run for each applicant who has
// an account (an application outlives the account when anonymised).
func (s *Store) PlacementNotices(ctx context.Context, runID string) ([]PlacementNotice, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT t.user_id, COALESCE(p.title, ''), COALESCE(o.name, '')
		FROM programme_placements pl
		JOIN programme_applications a ON a.id = pl.application_id
		JOIN talents t ON t.id = a.talent_id
		LEFT JOIN programme_positions p ON p.id = pl.position_id
		LEFT JOIN organisations o ON o.id = p.org_id
		WHERE pl.run_id = $1 AND t.user_id IS NOT NULL AND t.user_id <> ''
		ORDER BY t.user_id`, runID)
	if err != nil {
		return nil, fmt.Errorf("placement notices: %w", err)
	}
	defer rows.Close()
	var out []PlacementNotice
	for rows.Next() {
		var n PlacementNotice
		if err := rows.Scan(&n.UserID, &n.PositionTitle, &n.HostName); err != nil {
			return nil, fmt.Errorf("placement notices: %w", err)
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// Reminder is a registered participant to remind of an event.
type Reminder struct {
	EventID, UserID, Title string
	Start                  time.Time
	// TimeZone is the event's IANA zone, in which its times are told.
	TimeZone string
}

// DueReminders returns the participants registered for events that start
// within the day after at, and who have not been reminded yet.
func (s *Store) DueReminders(ctx context.Context, at time.Time) ([]Reminder, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT e.id, r.user_id, e.title, e.starts_at, e.time_zone FROM events e
		JOIN event_registrations r ON r.event_id = e.id AND r.status = $3
		WHERE e.starts_at > $1 AND e.starts_at <= $2
		AND NOT EXISTS (SELECT 1 FROM event_reminders x WHERE x.event_id = e.id AND x.user_id = r.user_id)
		ORDER BY e.starts_at, e.id, r.user_id`, ts(at), ts(at.Add(24*time.Hour)), event.Registered)
	if err != nil {
		return nil, fmt.Errorf("due reminders: %w", err)
	}
	defer rows.Close()
	var out []Reminder
	for rows.Next() {
		var r Reminder
		var start string
		if err := rows.Scan(&r.EventID, &r.UserID, &r.Title, &start, &r.TimeZone); err != nil {
			return nil, fmt.Errorf("due reminders: %w", err)
		}
		r.Start = parseTS(start)
		out = append(out, r)
	}
	return out, rows.Err()
}

// ReminderSent records that the participant was reminded of the event.
func (s *Store) ReminderSent(ctx context.Context, eventID, userID string) error {
	if _, err := s.db.ExecContext(ctx, `INSERT INTO event_reminders (event_id, user_id, sent_at) VALUES ($1, $2, $3)
		ON CONFLICT DO NOTHING`, eventID, userID, ts(now())); err != nil {
		return fmt.Errorf("reminder sent: %w", err)
	}
	return nil
}
