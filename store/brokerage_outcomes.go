package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/event"
)

// scheduledSides returns the two sides of a meeting of the event that the
// schedule placed, or not found.
func (s *Store) scheduledSides(ctx context.Context, q queryer, eventID, requestID string) (requester, invitee string, err error) {
	err = q.QueryRowContext(ctx, `SELECT r.requester_id, r.invitee_id FROM scheduled_meetings m
		JOIN meeting_requests r ON r.id = m.request_id WHERE m.event_id = $1 AND m.request_id = $2`, eventID, requestID).Scan(&requester, &invitee)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", silkbridge.NotFound("meeting")
	}
	if err != nil {
		return "", "", fmt.Errorf("scheduled meeting: %w", err)
	}
	return requester, invitee, nil
}

// MarkMeeting records, for one side of a scheduled meeting, whether it was
// held or the other side did not come; a later mark replaces an earlier
// one, by either side.
func (s *Store) MarkMeeting(ctx context.Context, actor Actor, eventID, requestID, status string) error {
	if !event.ValidAttendance(status) {
		return silkbridge.Invalid("status", "brokerage2.field.attendance", "not held or no_show", map[string]any{"Value": status})
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		e, err := s.brokerageEvent(ctx, tx, eventID)
		if err != nil {
			return err
		}
		a, b, err := s.scheduledSides(ctx, tx, eventID, requestID)
		if err != nil {
			return err
		}
		if actor.UserID != a && actor.UserID != b {
			return silkbridge.Forbidden()
		}
		t := ts(now())
		if _, err := tx.ExecContext(ctx, `INSERT INTO meeting_attendance (request_id, event_id, status, marked_by, marked_at)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (request_id) DO UPDATE SET status = excluded.status,
			marked_by = excluded.marked_by, marked_at = excluded.marked_at`, requestID, eventID, status, actor.UserID, t); err != nil {
			return fmt.Errorf("mark meeting: %w", err)
		}
		if status == event.NoShow {
			// An answer about a meeting that did not take place means
			// nothing.
			if _, err := tx.ExecContext(ctx, `DELETE FROM meeting_outcomes WHERE request_id = $1`, requestID); err != nil {
				return fmt.Errorf("mark meeting: %w", err)
			}
		}
		return s.audit(ctx, tx, actor, "update", "meeting_attendance", requestID, hostOrg(e), nil, map[string]any{"status": status})
	})
}

// AnswerOutcome records one side's answer after a held meeting.
func (s *Store) AnswerOutcome(ctx context.Context, actor Actor, eventID, requestID, outcome string) error {
	if !event.ValidOutcome(outcome) {
		return silkbridge.Invalid("outcome", "brokerage2.field.outcome", "not a known outcome", map[string]any{"Value": outcome})
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		e, err := s.brokerageEvent(ctx, tx, eventID)
		if err != nil {
			return err
		}
		a, b, err := s.scheduledSides(ctx, tx, eventID, requestID)
		if err != nil {
			return err
		}
		if actor.UserID != a && actor.UserID != b {
			return silkbridge.Forbidden()
		}
		var status string
		err = tx.QueryRowContext(ctx, `SELECT status FROM meeting_attendance WHERE request_id = $1`, requestID).Scan(&status)
		if errors.Is(err, sql.ErrNoRows) || err == nil && status != event.Held {
			return silkbridge.Conflict("brokerage2.error.not_held", "the meeting is not marked held")
		}
		if err != nil {
			return fmt.Errorf("answer outcome: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO meeting_outcomes (request_id, user_id, event_id, outcome, answered_at)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (request_id, user_id) DO UPDATE SET outcome = excluded.outcome,
			answered_at = excluded.answered_at`, requestID, actor.UserID, eventID, outcome, ts(now())); err != nil {
			return fmt.Errorf("answer outcome: %w", err)
		}
		return s.audit(ctx, tx, actor, "update", "meeting_outcome", requestID, hostOrg(e), nil, map[string]any{"outcome": outcome})
	})
}

// EventFunnel counts an event's meetings from request to cooperation.
func (s *Store) EventFunnel(ctx context.Context, eventID string) (*event.Funnel, error) {
	if _, err := s.Event(ctx, eventID); err != nil {
		return nil, err
	}
	f := &event.Funnel{EventID: eventID}
	err := s.db.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM meeting_requests WHERE event_id = $1),
		(SELECT COUNT(*) FROM meeting_requests WHERE event_id = $1 AND status = 'accepted'),
		(SELECT COUNT(*) FROM scheduled_meetings WHERE event_id = $1),
		(SELECT COUNT(*) FROM meeting_attendance WHERE event_id = $1 AND status = 'held'),
		(SELECT COUNT(*) FROM meeting_attendance WHERE event_id = $1 AND status = 'no_show'),
		(SELECT COUNT(DISTINCT o.request_id) FROM meeting_outcomes o JOIN meeting_attendance a ON a.request_id = o.request_id
			WHERE o.event_id = $1 AND a.status = 'held' AND o.outcome <> 'no_interest'),
		(SELECT COUNT(*) FROM interests WHERE event_id = $1),
		(SELECT COUNT(*) FROM interests WHERE event_id = $1 AND cooperation_id <> '')`, eventID).Scan(
		&f.Requested, &f.Accepted, &f.Scheduled, &f.Held, &f.NoShows, &f.FollowUp, &f.Interests, &f.Cooperations)
	if err != nil {
		return nil, fmt.Errorf("event funnel: %w", err)
	}
	f.Rates()
	return f, nil
}
