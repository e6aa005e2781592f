package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/event"
)

// profileRef is how a brokerage profile is named in the search index and
// subject_fields: one profile per participant and event.
func profileRef(eventID, userID string) string { return eventID + "/" + userID }

const profileRefSQL = "(p.event_id || '/' || p.user_id)"

// brokerageEvent returns the event, refusing one that holds no meetings.
func (s *Store) brokerageEvent(ctx context.Context, q queryer, id string) (*event.Event, error) {
	e, err := s.event(ctx, q, id)
	if err != nil {
		return nil, err
	}
	if !e.IsBrokerage() {
		return nil, silkbridge.Conflict("event.not_brokerage", "this event holds no brokerage meetings")
	}
	return e, nil
}

// errParticipantsOnly refuses what only registered participants may do.
func errParticipantsOnly() error {
	return silkbridge.Errorf(silkbridge.EFORBIDDEN, "event.participants_only", "only registered participants can do this")
}

func (s *Store) isParticipant(ctx context.Context, q queryer, eventID, userID string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM event_registrations WHERE event_id = $1 AND user_id = $2 AND status = 'registered'`,
		eventID, userID).Scan(&n)
	return n > 0, err
}

// IsParticipant reports whether the user holds a place (not one in line) at the event.
func (s *Store) IsParticipant(ctx context.Context, eventID, userID string) (bool, error) {
	return s.isParticipant(ctx, s.db, eventID, userID)
}

func (s *Store) requireParticipant(ctx context.Context, q queryer, eventID, userID string) error {
	ok, err := s.isParticipant(ctx, q, eventID, userID)
	if err != nil {
		return fmt.Errorf("participant: %w", err)
	}
	if !ok {
		return errParticipantsOnly()
	}
	return nil
}

func errEnded() error { return silkbridge.Conflict("event.ended", "the event has ended") }

const profileColumns = `p.event_id, p.user_id, u.name, p.organisation, p.headline, p.offers, p.seeks, p.fields, p.updated_at`

func scanProfile(row interface{ Scan(...any) error }) (*event.Profile, error) {
	var p event.Profile
	var fields, updated string
	if err := row.Scan(&p.EventID, &p.UserID, &p.Name, &p.Organisation, &p.Headline, &p.Offers, &p.Seeks, &fields, &updated); err != nil {
		return nil, err
	}
	p.Fields, p.UpdatedAt = parseList(fields), parseTS(updated)
	return &p, nil
}

// SaveProfile publishes or replaces a participant's brokerage profile.
func (s *Store) SaveProfile(ctx context.Context, actor Actor, p *event.Profile) error {
	ref, err := s.Reference(ctx)
	if err != nil {
		return err
	}
	p.Normalise()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		e, err := s.brokerageEvent(ctx, tx, p.EventID)
		if err != nil {
			return err
		}
		if e.Ended(now()) {
			return errEnded()
		}
		if err := s.requireParticipant(ctx, tx, p.EventID, p.UserID); err != nil {
			return err
		}
		if err := p.Validate(ref); err != nil {
			return err
		}
		before, err := s.profile(ctx, tx, p.EventID, p.UserID)
		if err != nil && silkbridge.ErrorCode(err) != silkbridge.ENOTFOUND {
			return err
		}
		p.UpdatedAt = now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO brokerage_profiles (event_id, user_id, organisation, headline, offers, seeks, fields, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (event_id, user_id) DO UPDATE SET organisation = $3, headline = $4,
			offers = $5, seeks = $6, fields = $7, updated_at = $8`,
			p.EventID, p.UserID, p.Organisation, p.Headline, p.Offers, p.Seeks, jsonList(p.Fields), ts(p.UpdatedAt)); err != nil {
			return fmt.Errorf("save profile: %w", err)
		}
		ref := profileRef(p.EventID, p.UserID)
		if err := setFields(ctx, tx, "brokerage_profile", ref, p.Fields); err != nil {
			return err
		}
		if err := s.index(ctx, tx, "brokerage_profile", ref, p.Headline, p.Organisation, p.Offers, p.Seeks); err != nil {
			return err
		}
		saved, err := s.profile(ctx, tx, p.EventID, p.UserID)
		if err != nil {
			return err
		}
		*p = *saved
		var b any
		if before != nil {
			b = before
		}
		return s.audit(ctx, tx, actor, "save", "brokerage_profile", p.EventID, hostOrg(e), b, p)
	})
}

// Profile returns a participant's brokerage profile.
func (s *Store) Profile(ctx context.Context, eventID, userID string) (*event.Profile, error) {
	return s.profile(ctx, s.db, eventID, userID)
}

func (s *Store) profile(ctx context.Context, q queryer, eventID, userID string) (*event.Profile, error) {
	p, err := scanProfile(q.QueryRowContext(ctx, `SELECT `+profileColumns+` FROM brokerage_profiles p JOIN users u ON u.id = p.user_id
		WHERE p.event_id = $1 AND p.user_id = $2`, eventID, userID))
	return p, notFound(err, "profile")
}

// Profiles lists the profiles of the event's registered participants, by
// name, that match the free-text query and carry the field (when given).
func (s *Store) Profiles(ctx context.Context, eventID, query, field string) ([]event.Profile, error) {
	args := []any{eventID}
	conds := []string{"p.event_id = $1", `p.user_id IN (SELECT user_id FROM event_registrations WHERE event_id = $1 AND status = 'registered')`}
	if query != "" {
		c, ok := s.searchCond(profileRefSQL, "brokerage_profile", query, &args)
		if !ok {
			c = "1 = 0"
		}
		conds = append(conds, c)
	}
	if field != "" {
		conds = append(conds, fieldCond(profileRefSQL, "brokerage_profile", field, &args))
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+profileColumns+` FROM brokerage_profiles p JOIN users u ON u.id = p.user_id
		WHERE `+strings.Join(conds, " AND ")+` ORDER BY u.name, p.user_id LIMIT 2000`, args...)
	if err != nil {
		return nil, fmt.Errorf("profiles: %w", err)
	}
	defer rows.Close()
	out := []event.Profile{}
	for rows.Next() {
		p, err := scanProfile(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *p)
	}
	return out, rows.Err()
}

const requestColumns = `m.id, m.event_id, m.requester_id, ua.name, m.invitee_id, ub.name, m.status, m.message, m.requested_at, m.answered_at`

const requestFrom = ` FROM meeting_requests m JOIN users ua ON ua.id = m.requester_id JOIN users ub ON ub.id = m.invitee_id`

func scanRequest(row interface{ Scan(...any) error }) (*event.MeetingRequest, error) {
	var m event.MeetingRequest
	var requested, answered string
	if err := row.Scan(&m.ID, &m.EventID, &m.RequesterID, &m.RequesterName, &m.InviteeID, &m.InviteeName, &m.Status, &m.Message,
		&requested, &answered); err != nil {
		return nil, err
	}
	m.RequestedAt = parseTS(requested)
	if answered != "" {
		t := parseTS(answered)
		m.AnsweredAt = &t
	}
	return &m, nil
}

// RequestMeeting asks for a 1:1 meeting. Both sides must hold a place at
// the event and the invitee must have published a profile; a pair meets
// at most once, whoever asked.
func (s *Store) RequestMeeting(ctx context.Context, actor Actor, m *event.MeetingRequest) error {
	m.Message = strings.TrimSpace(m.Message)
	m.InviteeID = strings.TrimSpace(m.InviteeID)
	var p silkbridge.Problems
	p.MaxLen("message", m.Message, event.MaxMessage)
	if p.Required("invitee_id", m.InviteeID) && m.InviteeID == m.RequesterID {
		p.Add("invitee_id", "event.field.invitee_self", "you cannot meet yourself", nil)
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		e, err := s.brokerageEvent(ctx, tx, m.EventID)
		if err != nil {
			return err
		}
		if e.Ended(now()) {
			return errEnded()
		}
		if err := s.requireParticipant(ctx, tx, m.EventID, m.RequesterID); err != nil {
			return err
		}
		if !p.Has("invitee_id") {
			ok, err := s.isParticipant(ctx, tx, m.EventID, m.InviteeID)
			if err != nil {
				return err
			}
			if _, perr := s.profile(ctx, tx, m.EventID, m.InviteeID); !ok || perr != nil {
				if perr != nil && silkbridge.ErrorCode(perr) != silkbridge.ENOTFOUND {
					return perr
				}
				p.Add("invitee_id", "event.field.invitee", "choose a participant who published a profile", nil)
			}
		}
		if err := p.Err(); err != nil {
			return err
		}
		m.ID, m.Status, m.RequestedAt, m.AnsweredAt = silkbridge.NewID(), event.Pending, now(), nil
		lo, hi := min(m.RequesterID, m.InviteeID), max(m.RequesterID, m.InviteeID)
		if _, err := tx.ExecContext(ctx, `INSERT INTO meeting_requests (id, event_id, requester_id, invitee_id, pair_lo, pair_hi, status, message, requested_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			m.ID, m.EventID, m.RequesterID, m.InviteeID, lo, hi, m.Status, m.Message, ts(m.RequestedAt)); err != nil {
			if IsUniqueViolation(err) {
				return silkbridge.Conflict("event.request_exists", "the two of you already have a meeting request at this event")
			}
			return fmt.Errorf("request meeting: %w", err)
		}
		saved, err := s.meetingRequest(ctx, tx, m.EventID, m.ID)
		if err != nil {
			return err
		}
		*m = *saved
		return s.audit(ctx, tx, actor, "request", "meeting_request", m.ID, hostOrg(e), nil, m)
	})
}

// AnswerMeeting records the invitee's answer; only the invitee may give
// it, and may change it until the event ends.
func (s *Store) AnswerMeeting(ctx context.Context, actor Actor, eventID, requestID string, accept bool) (*event.MeetingRequest, error) {
	var after *event.MeetingRequest
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		e, err := s.brokerageEvent(ctx, tx, eventID)
		if err != nil {
			return err
		}
		before, err := s.meetingRequest(ctx, tx, eventID, requestID)
		if err != nil {
			return err
		}
		if before.InviteeID != actor.UserID {
			return silkbridge.Forbidden()
		}
		if e.Ended(now()) {
			return errEnded()
		}
		status := event.Declined
		if accept {
			status = event.Accepted
		}
		if status == before.Status {
			after = before
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE meeting_requests SET status = $2, answered_at = $3 WHERE id = $1`, requestID, status, ts(now())); err != nil {
			return fmt.Errorf("answer meeting request: %w", err)
		}
		if after, err = s.meetingRequest(ctx, tx, eventID, requestID); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "answer", "meeting_request", requestID, hostOrg(e), before, after)
	})
	return after, err
}

// MeetingRequest returns one meeting request of the event.
func (s *Store) MeetingRequest(ctx context.Context, eventID, id string) (*event.MeetingRequest, error) {
	return s.meetingRequest(ctx, s.db, eventID, id)
}

func (s *Store) meetingRequest(ctx context.Context, q queryer, eventID, id string) (*event.MeetingRequest, error) {
	m, err := scanRequest(q.QueryRowContext(ctx, `SELECT `+requestColumns+requestFrom+` WHERE m.event_id = $1 AND m.id = $2`, eventID, id))
	return m, notFound(err, "meeting request")
}

// MeetingRequests lists the meeting requests of an event in request order:
// those the user made or received, or all of them when userID is empty.
func (s *Store) MeetingRequests(ctx context.Context, eventID, userID string) ([]event.MeetingRequest, error) {
	return s.meetingRequests(ctx, s.db, eventID, userID)
}

func (s *Store) meetingRequests(ctx context.Context, q queryer, eventID, userID string) ([]event.MeetingRequest, error) {
	args := []any{eventID}
	where := " WHERE m.event_id = $1"
	if userID != "" {
		args = append(args, userID)
		where += " AND (m.requester_id = $2 OR m.invitee_id = $2)"
	}
	rows, err := q.QueryContext(ctx, `SELECT `+requestColumns+requestFrom+where+` ORDER BY m.requested_at, m.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("meeting requests: %w", err)
	}
	defer rows.Close()
	out := []event.MeetingRequest{}
	for rows.Next() {
		m, err := scanRequest(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *m)
	}
	return out, rows.Err()
}
