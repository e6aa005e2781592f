package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/event"
)

// lockEvent makes the transaction the only one that counts or changes the
// event's places and schedule until it ends. SQLite's write transactions
// are immediate and so one at a time already; PostgreSQL's read-committed
// transactions are not, and two could both take the last place.
func (s *Store) lockEvent(ctx context.Context, tx *sql.Tx, eventID string) error {
	if s.engine != Postgres {
		return nil
	}
	var id string
	err := tx.QueryRowContext(ctx, `SELECT id FROM events WHERE id = $1 FOR UPDATE`, eventID).Scan(&id)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("lock event: %w", err)
	}
	return nil
}

// Register gives the user a place at the event, or a place in the waiting
// line when the event is full. An event that has ended takes nobody.
func (s *Store) Register(ctx context.Context, actor Actor, eventID, userID string) (*event.Registration, error) {
	var reg *event.Registration
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.lockEvent(ctx, tx, eventID); err != nil {
			return err
		}
		e, err := s.event(ctx, tx, eventID)
		if err != nil {
			return err
		}
		if e.Ended(now()) {
			return errEnded()
		}
		var status string
		err = tx.QueryRowContext(ctx, `SELECT status FROM event_registrations WHERE event_id = $1 AND user_id = $2`, eventID, userID).Scan(&status)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return fmt.Errorf("register: %w", err)
		case status == event.Registered || status == event.Waiting:
			return silkbridge.Conflict("event.already_registered", "you are already registered for this event")
		}
		status = event.Registered
		if e.Full() {
			status = event.Waiting
		}
		// A new registration goes to the back of the line, also for
		// someone who cancelled before.
		at := now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO event_registrations (event_id, user_id, status, registered_at, updated_at)
			VALUES ($1, $2, $3, $4, $4) ON CONFLICT (event_id, user_id) DO UPDATE SET status = $3, registered_at = $4, updated_at = $4`,
			eventID, userID, status, ts(at)); err != nil {
			if IsForeignKeyViolation(err) {
				return silkbridge.NotFound("user")
			}
			return fmt.Errorf("register: %w", err)
		}
		if reg, err = s.registration(ctx, tx, eventID, userID); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "register", "event_registration", eventID, hostOrg(e), nil, reg)
	})
	return reg, err
}

// CancelRegistration gives up the user's place or place in line; the first
// in line takes a freed place.
func (s *Store) CancelRegistration(ctx context.Context, actor Actor, eventID, userID string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		return s.cancelRegistration(ctx, tx, actor, eventID, userID)
	})
}

func (s *Store) cancelRegistration(ctx context.Context, tx *sql.Tx, actor Actor, eventID, userID string) error {
	if err := s.lockEvent(ctx, tx, eventID); err != nil {
		return err
	}
	e, err := s.event(ctx, tx, eventID)
	if err != nil {
		return err
	}
	before, err := s.registration(ctx, tx, eventID, userID)
	if err != nil {
		return err
	}
	if before.Status == event.Cancelled {
		return silkbridge.NotFound("registration")
	}
	if _, err := tx.ExecContext(ctx, `UPDATE event_registrations SET status = 'cancelled', updated_at = $3 WHERE event_id = $1 AND user_id = $2`,
		eventID, userID, ts(now())); err != nil {
		return fmt.Errorf("cancel registration: %w", err)
	}
	after := *before
	after.Status, after.Position = event.Cancelled, 0
	if err := s.audit(ctx, tx, actor, "cancel", "event_registration", eventID, hostOrg(e), before, after); err != nil {
		return err
	}
	return s.moveUp(ctx, tx, actor, e)
}

// moveUp gives free places to the people waiting longest.
func (s *Store) moveUp(ctx context.Context, tx *sql.Tx, actor Actor, e *event.Event) error {
	var registered int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM event_registrations WHERE event_id = $1 AND status = 'registered'`, e.ID).Scan(&registered); err != nil {
		return fmt.Errorf("waiting line: %w", err)
	}
	for e.Capacity == 0 || registered < e.Capacity {
		var userID string
		err := tx.QueryRowContext(ctx, `SELECT user_id FROM event_registrations WHERE event_id = $1 AND status = 'waiting'
			ORDER BY registered_at, user_id LIMIT 1`, e.ID).Scan(&userID)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("waiting line: %w", err)
		}
		before, err := s.registration(ctx, tx, e.ID, userID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE event_registrations SET status = 'registered', updated_at = $3 WHERE event_id = $1 AND user_id = $2`,
			e.ID, userID, ts(now())); err != nil {
			return fmt.Errorf("waiting line: %w", err)
		}
		after := *before
		after.Status, after.Position = event.Registered, 0
		if err := s.audit(ctx, tx, actor, "move_up", "event_registration", e.ID, hostOrg(e), before, after); err != nil {
			return err
		}
		registered++
	}
	return nil
}

const registrationColumns = `r.event_id, r.user_id, u.name, r.status, r.registered_at,
	CASE WHEN r.status = 'waiting' THEN (SELECT COUNT(*) FROM event_registrations w WHERE w.event_id = r.event_id
		AND w.status = 'waiting' AND (w.registered_at < r.registered_at OR (w.registered_at = r.registered_at AND w.user_id <= r.user_id)))
	ELSE 0 END`

func scanRegistration(row interface{ Scan(...any) error }) (*event.Registration, error) {
	var r event.Registration
	var at string
	if err := row.Scan(&r.EventID, &r.UserID, &r.Name, &r.Status, &at, &r.Position); err != nil {
		return nil, err
	}
	r.RegisteredAt = parseTS(at)
	return &r, nil
}

// Registration returns the user's registration for the event, whatever
// its status.
func (s *Store) Registration(ctx context.Context, eventID, userID string) (*event.Registration, error) {
	return s.registration(ctx, s.db, eventID, userID)
}

func (s *Store) registration(ctx context.Context, q queryer, eventID, userID string) (*event.Registration, error) {
	r, err := scanRegistration(q.QueryRowContext(ctx, `SELECT `+registrationColumns+` FROM event_registrations r
		JOIN users u ON u.id = r.user_id WHERE r.event_id = $1 AND r.user_id = $2`, eventID, userID))
	return r, notFound(err, "registration")
}

// Registrations lists the registrations of an event with the status:
// registered people by name, those waiting in line order.
func (s *Store) Registrations(ctx context.Context, eventID, status string) ([]event.Registration, error) {
	order := "u.name, r.user_id"
	if status == event.Waiting {
		order = "r.registered_at, r.user_id"
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+registrationColumns+` FROM event_registrations r JOIN users u ON u.id = r.user_id
		WHERE r.event_id = $1 AND r.status = $2 ORDER BY `+order, eventID, status)
	if err != nil {
		return nil, fmt.Errorf("registrations: %w", err)
	}
	defer rows.Close()
	out := []event.Registration{}
	for rows.Next() {
		r, err := scanRegistration(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *r)
	}
	return out, rows.Err()
}

// Attendance is an event seen from one user: their registration (nil when
// they only organise it) and whether they organise it.
type Attendance struct {
	Event        *event.Event        `json:"event"`
	Registration *event.Registration `json:"registration,omitempty"`
	Organiser    bool                `json:"organiser"`
}

// UserEvents lists the events a user is registered for, waits for, or
// organises (created, or hosted by an organisation they manage that
// accepted), the latest first.
func (s *Store) UserEvents(ctx context.Context, userID string) ([]Attendance, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+eventColumns+` FROM events e WHERE e.created_by = $1
		OR e.id IN (SELECT event_id FROM event_registrations WHERE user_id = $1 AND status <> 'cancelled')
		OR e.id IN (SELECT h.event_id FROM event_hosts h JOIN org_managers m ON m.org_id = h.org_id
			WHERE m.user_id = $1 AND h.consent = 'accepted')
		ORDER BY e.starts_at DESC, e.id LIMIT 500`, userID)
	if err != nil {
		return nil, fmt.Errorf("user events: %w", err)
	}
	events, err := scanEvents(rows)
	if err != nil {
		return nil, err
	}
	if err := s.loadHosts(ctx, s.db, events); err != nil {
		return nil, err
	}
	out := make([]Attendance, 0, len(events))
	for _, e := range events {
		a := Attendance{Event: e}
		switch r, err := s.registration(ctx, s.db, e.ID, userID); {
		case err == nil && r.Status != event.Cancelled:
			a.Registration = r
		case err != nil && silkbridge.ErrorCode(err) != silkbridge.ENOTFOUND:
			return nil, err
		}
		if a.Organiser, err = s.EventOrganisedBy(ctx, e.ID, userID); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// eraseEventParticipation gives up a deleting member's places (so that
// people in line move up) and removes their brokerage profiles from the
// search index, before their registrations, profiles, requests and
// availability go with the account.
func eraseEventParticipation(ctx context.Context, s *Store, tx *sql.Tx, userID string, anonymise bool) error {
	rows, err := tx.QueryContext(ctx, `SELECT event_id, status FROM event_registrations WHERE user_id = $1`, userID)
	if err != nil {
		return err
	}
	type reg struct{ event, status string }
	var regs []reg
	for rows.Next() {
		var r reg
		if err := rows.Scan(&r.event, &r.status); err != nil {
			rows.Close()
			return err
		}
		regs = append(regs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, r := range regs {
		if r.status != event.Cancelled {
			if err := s.cancelRegistration(ctx, tx, Actor{UserID: userID}, r.event, userID); err != nil {
				return err
			}
		}
		ref := profileRef(r.event, userID)
		if err := s.unindex(ctx, tx, "brokerage_profile", ref); err != nil {
			return err
		}
		if err := setFields(ctx, tx, "brokerage_profile", ref, nil); err != nil {
			return err
		}
	}
	return nil
}

// Brokerage events: participants' profiles, meeting requests, slots with
// tables, availability, and the stored schedule.
