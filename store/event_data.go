package store

import (
	"context"
	"fmt"
	"time"

	"github.com/silkbridge/silkbridge/event"
)

// EventData is what the events hold of one member, for the download of
// their personal data.
type EventData struct {
	Registrations   []event.Registration   `json:"registrations"`
	Profiles        []event.Profile        `json:"brokerage_profiles"`
	MeetingRequests []event.MeetingRequest `json:"meeting_requests"`
	Availability    []SlotMark             `json:"availability"`
}

// SlotMark says that a participant can meet in a slot.
type SlotMark struct {
	EventID string    `json:"event_id"`
	SlotID  string    `json:"slot_id"`
	Start   time.Time `json:"start"`
	End     time.Time `json:"end"`
}

// EventDataOf gathers what the events hold of a user.
func (s *Store) EventDataOf(ctx context.Context, userID string) (*EventData, error) {
	d := &EventData{Registrations: []event.Registration{}, Profiles: []event.Profile{}, MeetingRequests: []event.MeetingRequest{}, Availability: []SlotMark{}}
	rows, err := s.db.QueryContext(ctx, `SELECT `+registrationColumns+` FROM event_registrations r JOIN users u ON u.id = r.user_id
		WHERE r.user_id = $1 ORDER BY r.registered_at`, userID)
	if err != nil {
		return nil, fmt.Errorf("event data: %w", err)
	}
	for rows.Next() {
		r, err := scanRegistration(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		d.Registrations = append(d.Registrations, *r)
	}
	rows.Close()
	if rows, err = s.db.QueryContext(ctx, `SELECT `+profileColumns+` FROM brokerage_profiles p JOIN users u ON u.id = p.user_id
		WHERE p.user_id = $1 ORDER BY p.updated_at`, userID); err != nil {
		return nil, fmt.Errorf("event data: %w", err)
	}
	for rows.Next() {
		p, err := scanProfile(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		d.Profiles = append(d.Profiles, *p)
	}
	rows.Close()
	if rows, err = s.db.QueryContext(ctx, `SELECT `+requestColumns+requestFrom+` WHERE m.requester_id = $1 OR m.invitee_id = $1
		ORDER BY m.requested_at`, userID); err != nil {
		return nil, fmt.Errorf("event data: %w", err)
	}
	for rows.Next() {
		m, err := scanRequest(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		d.MeetingRequests = append(d.MeetingRequests, *m)
	}
	rows.Close()
	if rows, err = s.db.QueryContext(ctx, `SELECT a.event_id, a.slot_id, sl.starts_at, sl.ends_at FROM slot_availability a
		JOIN event_slots sl ON sl.id = a.slot_id WHERE a.user_id = $1 ORDER BY sl.starts_at`, userID); err != nil {
		return nil, fmt.Errorf("event data: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var m SlotMark
		var start, end string
		if err := rows.Scan(&m.EventID, &m.SlotID, &start, &end); err != nil {
			return nil, err
		}
		m.Start, m.End = parseTS(start), parseTS(end)
		d.Availability = append(d.Availability, m)
	}
	return d, rows.Err()
}

// CountSamples counts the sample events and sample lessons, so that the
// demonstration data is loaded once.
func (s *Store) CountSamples(ctx context.Context) (events, lessons int, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM events WHERE sample), (SELECT COUNT(*) FROM lessons WHERE sample)`).Scan(&events, &lessons)
	return events, lessons, err
}
