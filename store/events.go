package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/event"
	"github.com/silkbridge/silkbridge/schedule"
)

// Events: the event itself, its hosts and its registrations with the
// waiting line; then the brokerage side (profiles, meeting requests, slots,
// availability and the stored schedule).

func init() { registerPersonalDataEraser("events", eraseEventParticipation) }

const eventColumns = `e.id, e.title, e.kind, e.description, e.starts_at, e.ends_at, e.time_zone, e.place, COALESCE(e.country, ''),
	e.online_url, e.fields, e.languages, e.capacity, COALESCE(e.created_by, ''), e.sample, e.created_at, e.updated_at,
	(SELECT COUNT(*) FROM event_registrations r WHERE r.event_id = e.id AND r.status = 'registered'),
	(SELECT COUNT(*) FROM event_registrations r WHERE r.event_id = e.id AND r.status = 'waiting')`

func scanEvent(row interface{ Scan(...any) error }) (*event.Event, error) {
	var e event.Event
	var start, end, fields, languages, created, updated string
	if err := row.Scan(&e.ID, &e.Title, &e.Kind, &e.Description, &start, &end, &e.TimeZone, &e.Place, &e.Country,
		&e.OnlineURL, &fields, &languages, &e.Capacity, &e.CreatedBy, &e.Sample, &created, &updated,
		&e.Registered, &e.Waiting); err != nil {
		return nil, err
	}
	e.Start, e.End = parseTS(start), parseTS(end)
	e.Fields, e.Languages = parseList(fields), parseList(languages)
	e.CreatedAt, e.UpdatedAt = parseTS(created), parseTS(updated)
	e.Hosts = []event.Host{}
	return &e, nil
}

// Event returns one event with its hosts and registration counts.
func (s *Store) Event(ctx context.Context, id string) (*event.Event, error) {
	return s.event(ctx, s.db, id)
}

func (s *Store) event(ctx context.Context, q queryer, id string) (*event.Event, error) {
	e, err := scanEvent(q.QueryRowContext(ctx, `SELECT `+eventColumns+` FROM events e WHERE e.id = $1`, id))
	if err != nil {
		return nil, notFound(err, "event")
	}
	return e, s.loadHosts(ctx, q, []*event.Event{e})
}

func (s *Store) loadHosts(ctx context.Context, q queryer, events []*event.Event) error {
	if len(events) == 0 {
		return nil
	}
	byID := map[string]*event.Event{}
	ids := make([]string, len(events))
	for i, e := range events {
		byID[e.ID], ids[i] = e, e.ID
	}
	var args []any
	rows, err := q.QueryContext(ctx, `SELECT h.event_id, h.org_id, o.name, o.country, h.consent, h.invited_at FROM event_hosts h
		JOIN organisations o ON o.id = h.org_id WHERE h.event_id IN (`+placeholders(&args, ids)+`) ORDER BY h.event_id, h.position`, args...)
	if err != nil {
		return fmt.Errorf("event hosts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var eventID, invited string
		var h event.Host
		if err := rows.Scan(&eventID, &h.OrgID, &h.Name, &h.Country, &h.Consent, &invited); err != nil {
			return err
		}
		h.InvitedAt = parseTS(invited)
		byID[eventID].Hosts = append(byID[eventID].Hosts, h)
	}
	return rows.Err()
}

// Events lists events that pass the filter: upcoming ones soonest first,
// others latest first.
func (s *Store) Events(ctx context.Context, f event.Filter) ([]*event.Event, Page, error) {
	return memoList(ctx, s, "events", f, s.eventsUncached)
}

func (s *Store) eventsUncached(ctx context.Context, f event.Filter) ([]*event.Event, Page, error) {
	var args []any
	var conds []string
	if f.Query != "" {
		c, ok := s.searchCond("e.id", "event", f.Query, &args)
		if !ok {
			c = "1 = 0"
		}
		conds = append(conds, c)
	}
	if f.Kind != "" {
		args = append(args, f.Kind)
		conds = append(conds, fmt.Sprintf("e.kind = $%d", len(args)))
	}
	if f.Country != "" {
		args = append(args, f.Country)
		conds = append(conds, fmt.Sprintf("e.country = $%d", len(args)))
	}
	if f.Field != "" {
		conds = append(conds, fieldCond("e.id", "event", f.Field, &args))
	}
	if f.HostID != "" {
		args = append(args, f.HostID)
		conds = append(conds, fmt.Sprintf("e.id IN (SELECT event_id FROM event_hosts WHERE org_id = $%d AND consent = 'accepted')", len(args)))
	}
	order := " ORDER BY e.starts_at DESC, e.id"
	switch f.When {
	case event.Upcoming:
		args = append(args, ts(now()))
		conds = append(conds, fmt.Sprintf("e.ends_at > $%d", len(args)))
		order = " ORDER BY e.starts_at, e.id"
	case event.Past:
		args = append(args, ts(now()))
		conds = append(conds, fmt.Sprintf("e.ends_at <= $%d", len(args)))
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	page, per := normPage(f.Page, f.PerPage)
	p := Page{Number: page, PerPage: per}
	if err := s.countCached(ctx, &p.Total, `SELECT COUNT(*) FROM events e`+where, args...); err != nil {
		return nil, p, fmt.Errorf("count events: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+eventColumns+` FROM events e`+where+order+
		fmt.Sprintf(" LIMIT %d OFFSET %d", per, (page-1)*per), args...)
	if err != nil {
		return nil, p, fmt.Errorf("list events: %w", err)
	}
	out, err := scanEvents(rows)
	if err != nil {
		return nil, p, err
	}
	return out, p, s.loadHosts(ctx, s.db, out)
}

func scanEvents(rows *sql.Rows) ([]*event.Event, error) {
	defer rows.Close()
	out := []*event.Event{}
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// CreateEvent validates and stores a new event; actor becomes its creator.
func (s *Store) CreateEvent(ctx context.Context, actor Actor, e *event.Event) error {
	ref, err := s.Reference(ctx)
	if err != nil {
		return err
	}
	e.Normalise()
	if err := e.Validate(ref); err != nil {
		return err
	}
	e.ID = silkbridge.NewID()
	e.CreatedBy = actor.UserID
	e.CreatedAt, e.UpdatedAt = now(), now()
	e.Registered, e.Waiting = 0, 0
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.fillHosts(ctx, tx, e); err != nil {
			return err
		}
		if err := s.decideHosts(ctx, tx, actor, e, nil); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO events (id, title, kind, description, starts_at, ends_at, time_zone, place, country,
			online_url, fields, languages, capacity, created_by, sample, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULLIF($9, ''), $10, $11, $12, $13, NULLIF($14, ''), $15, $16, $17)`,
			e.ID, e.Title, e.Kind, e.Description, ts(e.Start), ts(e.End), e.TimeZone, e.Place, e.Country,
			e.OnlineURL, jsonList(e.Fields), jsonList(e.Languages), e.Capacity, e.CreatedBy, e.Sample, ts(e.CreatedAt), ts(e.UpdatedAt))
		if err != nil {
			return fmt.Errorf("create event: %w", err)
		}
		if err := s.writeEventParts(ctx, tx, e); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "create", "event", e.ID, hostOrg(e), nil, e)
	})
}

// fillHosts checks that every host exists and fills in its name and country.
func (s *Store) fillHosts(ctx context.Context, q queryer, e *event.Event) error {
	for i, h := range e.Hosts {
		o, err := s.organisation(ctx, q, h.OrgID)
		if silkbridge.ErrorCode(err) == silkbridge.ENOTFOUND {
			return silkbridge.Invalid("hosts", "field.organisation", "no such organisation on the platform", nil)
		}
		if err != nil {
			return err
		}
		e.Hosts[i] = event.Host{OrgID: o.ID, Name: o.Name, Country: o.Country, Consent: h.Consent, InvitedAt: h.InvitedAt}
	}
	return nil
}

// writeEventParts replaces the hosts (with their consent), fields and
// search terms of an event.
func (s *Store) writeEventParts(ctx context.Context, q queryer, e *event.Event) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM event_hosts WHERE event_id = $1`, e.ID); err != nil {
		return fmt.Errorf("event hosts: %w", err)
	}
	for i, h := range e.Hosts {
		if _, err := q.ExecContext(ctx, `INSERT INTO event_hosts (event_id, org_id, position, consent, invited_at) VALUES ($1, $2, $3, $4, $5)`,
			e.ID, h.OrgID, i, h.Consent, ts(h.InvitedAt)); err != nil {
			return fmt.Errorf("event hosts: %w", err)
		}
	}
	if err := setFields(ctx, q, "event", e.ID, e.Fields); err != nil {
		return err
	}
	return s.indexEvent(ctx, q, e)
}

// indexEvent stores the search terms of an event. Only the hosts that
// accepted are found by name: an invitation does not make an organisation
// appear to host an event.
func (s *Store) indexEvent(ctx context.Context, q queryer, e *event.Event) error {
	var hosts []string
	for _, h := range e.AcceptedHosts() {
		hosts = append(hosts, h.Name)
	}
	return s.index(ctx, q, "event", e.ID, e.Title, e.Description, e.Place, strings.Join(hosts, "\n"))
}

// UpdateEvent validates and saves the changes update makes to the stored
// event id. The capacity cannot fall below the number already registered;
// when it rises, people waiting in line move up. A brokerage event that
// holds slots, profiles or requests stays a brokerage event.
func (s *Store) UpdateEvent(ctx context.Context, actor Actor, id string, update func(*event.Event)) (*event.Event, error) {
	ref, err := s.Reference(ctx)
	if err != nil {
		return nil, err
	}
	var after *event.Event
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.lockEvent(ctx, tx, id); err != nil {
			return err
		}
		before, err := s.event(ctx, tx, id)
		if err != nil {
			return err
		}
		e := *before
		e.Hosts = append([]event.Host(nil), before.Hosts...)
		update(&e)
		e.ID, e.CreatedBy, e.CreatedAt, e.Sample = before.ID, before.CreatedBy, before.CreatedAt, before.Sample
		e.Registered, e.Waiting = before.Registered, before.Waiting
		e.Normalise()
		var p silkbridge.Problems
		if err := addProblems(&p, e.Validate(ref)); err != nil {
			return err
		}
		if e.Capacity > 0 && e.Capacity < before.Registered {
			p.Add("capacity", "event.field.capacity_below", "more people are already registered", map[string]any{"Registered": before.Registered})
		}
		if before.Kind == event.Brokerage && e.Kind != event.Brokerage {
			used, err := s.brokerageInUse(ctx, tx, id)
			if err != nil {
				return err
			}
			if used {
				p.Add("kind", "event.field.kind_locked", "the event holds brokerage meetings, so it stays a brokerage event", nil)
			}
		}
		if err := p.Err(); err != nil {
			return err
		}
		if err := s.fillHosts(ctx, tx, &e); err != nil {
			return err
		}
		if err := s.decideHosts(ctx, tx, actor, &e, before); err != nil {
			return err
		}
		e.UpdatedAt = now()
		_, err = tx.ExecContext(ctx, `UPDATE events SET title = $2, kind = $3, description = $4, starts_at = $5, ends_at = $6,
			time_zone = $7, place = $8, country = NULLIF($9, ''), online_url = $10, fields = $11, languages = $12, capacity = $13,
			updated_at = $14 WHERE id = $1`,
			e.ID, e.Title, e.Kind, e.Description, ts(e.Start), ts(e.End), e.TimeZone, e.Place, e.Country, e.OnlineURL,
			jsonList(e.Fields), jsonList(e.Languages), e.Capacity, ts(e.UpdatedAt))
		if err != nil {
			return fmt.Errorf("update event: %w", err)
		}
		if err := s.writeEventParts(ctx, tx, &e); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, actor, "update", "event", e.ID, hostOrg(&e), before, e); err != nil {
			return err
		}
		if err := s.moveUp(ctx, tx, actor, &e); err != nil {
			return err
		}
		after, err = s.event(ctx, tx, id)
		return err
	})
	return after, err
}

// addProblems copies the field problems of a validation error into p, so
// that checks which need the database are reported together with them;
// any other error is returned.
func addProblems(p *silkbridge.Problems, err error) error {
	if err == nil {
		return nil
	}
	e, ok := errors.AsType[*silkbridge.Error](err)
	if !ok || e.Code != silkbridge.EINVALID {
		return err
	}
	for _, f := range e.Fields {
		p.Add(f.Field, f.MessageID, f.Message, f.Data)
	}
	return nil
}

// brokerageInUse reports whether a brokerage event holds any slot, profile
// or meeting request.
func (s *Store) brokerageInUse(ctx context.Context, q queryer, eventID string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM event_slots WHERE event_id = $1)
		+ (SELECT COUNT(*) FROM brokerage_profiles WHERE event_id = $1)
		+ (SELECT COUNT(*) FROM meeting_requests WHERE event_id = $1)`, eventID).Scan(&n)
	return n > 0, err
}

// DeleteEvent removes an event with its registrations and meetings.
// Lessons learned at it keep their text; their source no longer leads anywhere.
func (s *Store) DeleteEvent(ctx context.Context, actor Actor, id string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := s.event(ctx, tx, id)
		if err != nil {
			return err
		}
		var profiles []string
		rows, err := tx.QueryContext(ctx, `SELECT user_id FROM brokerage_profiles WHERE event_id = $1`, id)
		if err != nil {
			return fmt.Errorf("delete event: %w", err)
		}
		for rows.Next() {
			var u string
			if err := rows.Scan(&u); err != nil {
				rows.Close()
				return err
			}
			profiles = append(profiles, u)
		}
		rows.Close()
		for _, u := range profiles {
			ref := profileRef(id, u)
			if err := s.unindex(ctx, tx, "brokerage_profile", ref); err != nil {
				return err
			}
			if err := setFields(ctx, tx, "brokerage_profile", ref, nil); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM events WHERE id = $1`, id); err != nil {
			return fmt.Errorf("delete event: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM subject_fields WHERE kind = 'event' AND ref = $1`, id); err != nil {
			return fmt.Errorf("delete event: %w", err)
		}
		if err := s.unindex(ctx, tx, "event", id); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "delete", "event", id, hostOrg(before), before, nil)
	})
}

func hostOrg(e *event.Event) string {
	if len(e.Hosts) == 0 {
		return ""
	}
	return e.Hosts[0].OrgID
}

// EventOrganisedBy reports whether the user created the event or manages
// one of its hosts that accepted.
func (s *Store) EventOrganisedBy(ctx context.Context, eventID, userID string) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM events e WHERE e.id = $1 AND (e.created_by = $2
		OR e.id IN (SELECT h.event_id FROM event_hosts h JOIN org_managers m ON m.org_id = h.org_id
			WHERE m.user_id = $2 AND h.consent = 'accepted'))`,
		eventID, userID).Scan(&n)
	return n > 0, err
}

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

func scanSlot(row interface{ Scan(...any) error }) (*event.Slot, error) {
	var sl event.Slot
	var start, end string
	if err := row.Scan(&sl.ID, &sl.EventID, &start, &end, &sl.Tables); err != nil {
		return nil, err
	}
	sl.Start, sl.End = parseTS(start), parseTS(end)
	return &sl, nil
}

// Slots lists the meeting slots of an event in time order.
func (s *Store) Slots(ctx context.Context, eventID string) ([]event.Slot, error) {
	return s.slots(ctx, s.db, eventID)
}

func (s *Store) slots(ctx context.Context, q queryer, eventID string) ([]event.Slot, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, event_id, starts_at, ends_at, tables FROM event_slots WHERE event_id = $1 ORDER BY starts_at, id`, eventID)
	if err != nil {
		return nil, fmt.Errorf("slots: %w", err)
	}
	defer rows.Close()
	out := []event.Slot{}
	for rows.Next() {
		sl, err := scanSlot(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *sl)
	}
	return out, rows.Err()
}

func (s *Store) slot(ctx context.Context, q queryer, eventID, id string) (*event.Slot, error) {
	sl, err := scanSlot(q.QueryRowContext(ctx, `SELECT id, event_id, starts_at, ends_at, tables FROM event_slots WHERE event_id = $1 AND id = $2`, eventID, id))
	return sl, notFound(err, "slot")
}

// checkSlot validates a slot of e against the event and the other slots,
// which it may not overlap.
func (s *Store) checkSlot(ctx context.Context, q queryer, e *event.Event, sl *event.Slot) error {
	sl.Start, sl.End = sl.Start.UTC().Truncate(time.Second), sl.End.UTC().Truncate(time.Second)
	if err := sl.Validate(e); err != nil {
		return err
	}
	others, err := s.slots(ctx, q, e.ID)
	if err != nil {
		return err
	}
	if sl.ID == "" && len(others) >= event.MaxSlots {
		return silkbridge.Invalid("start", "event.field.slots_many", "an event has at most 500 slots", map[string]any{"Max": event.MaxSlots})
	}
	for _, o := range others {
		if o.ID != sl.ID && sl.Overlaps(&o) {
			return silkbridge.Invalid("start", "event.field.slot_overlap", "this slot overlaps another slot", nil)
		}
	}
	return nil
}

// AddSlot adds a meeting slot to a brokerage event.
func (s *Store) AddSlot(ctx context.Context, actor Actor, sl *event.Slot) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		e, err := s.brokerageEvent(ctx, tx, sl.EventID)
		if err != nil {
			return err
		}
		sl.ID = ""
		if err := s.checkSlot(ctx, tx, e, sl); err != nil {
			return err
		}
		sl.ID = silkbridge.NewID()
		if _, err := tx.ExecContext(ctx, `INSERT INTO event_slots (id, event_id, starts_at, ends_at, tables) VALUES ($1, $2, $3, $4, $5)`,
			sl.ID, sl.EventID, ts(sl.Start), ts(sl.End), sl.Tables); err != nil {
			return fmt.Errorf("add slot: %w", err)
		}
		return s.audit(ctx, tx, actor, "create", "event_slot", sl.ID, hostOrg(e), nil, sl)
	})
}

// UpdateSlot saves the changes update makes to a slot.
func (s *Store) UpdateSlot(ctx context.Context, actor Actor, eventID, slotID string, update func(*event.Slot)) (*event.Slot, error) {
	var after *event.Slot
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		e, err := s.brokerageEvent(ctx, tx, eventID)
		if err != nil {
			return err
		}
		before, err := s.slot(ctx, tx, eventID, slotID)
		if err != nil {
			return err
		}
		sl := *before
		update(&sl)
		sl.ID, sl.EventID = before.ID, before.EventID
		if err := s.checkSlot(ctx, tx, e, &sl); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE event_slots SET starts_at = $2, ends_at = $3, tables = $4 WHERE id = $1`,
			sl.ID, ts(sl.Start), ts(sl.End), sl.Tables); err != nil {
			return fmt.Errorf("update slot: %w", err)
		}
		after = &sl
		return s.audit(ctx, tx, actor, "update", "event_slot", sl.ID, hostOrg(e), before, sl)
	})
	return after, err
}

// SetSlotTables sets the number of tables of several slots at once.
func (s *Store) SetSlotTables(ctx context.Context, actor Actor, eventID string, tables map[string]int) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		e, err := s.brokerageEvent(ctx, tx, eventID)
		if err != nil {
			return err
		}
		slots, err := s.slots(ctx, tx, eventID)
		if err != nil {
			return err
		}
		byID := map[string]event.Slot{}
		for _, sl := range slots {
			byID[sl.ID] = sl
		}
		var p silkbridge.Problems
		for id, n := range tables {
			if _, ok := byID[id]; !ok {
				p.Add("tables."+id, "event.field.slot_unknown", "not a slot of this event", nil)
			} else if n < 0 || n > event.MaxTables {
				p.Add("tables."+id, "event.field.tables", "a number of tables from 0 to 10000", map[string]any{"Max": event.MaxTables})
			}
		}
		if err := p.Err(); err != nil {
			return err
		}
		for _, sl := range slots {
			n, ok := tables[sl.ID]
			if !ok || n == sl.Tables {
				continue
			}
			if _, err := tx.ExecContext(ctx, `UPDATE event_slots SET tables = $2 WHERE id = $1`, sl.ID, n); err != nil {
				return fmt.Errorf("set tables: %w", err)
			}
			after := sl
			after.Tables = n
			if err := s.audit(ctx, tx, actor, "update", "event_slot", sl.ID, hostOrg(e), sl, after); err != nil {
				return err
			}
		}
		return nil
	})
}

// DeleteSlot removes a slot, with the availability marked for it and the
// meetings scheduled in it.
func (s *Store) DeleteSlot(ctx context.Context, actor Actor, eventID, slotID string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		e, err := s.brokerageEvent(ctx, tx, eventID)
		if err != nil {
			return err
		}
		before, err := s.slot(ctx, tx, eventID, slotID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM event_slots WHERE id = $1`, slotID); err != nil {
			return fmt.Errorf("delete slot: %w", err)
		}
		return s.audit(ctx, tx, actor, "delete", "event_slot", slotID, hostOrg(e), before, nil)
	})
}

// Availability returns the ids of the slots a participant marked available.
func (s *Store) Availability(ctx context.Context, eventID, userID string) ([]string, error) {
	return s.availability(ctx, s.db, eventID, userID)
}

func (s *Store) availability(ctx context.Context, q queryer, eventID, userID string) ([]string, error) {
	// Until the participant changes it, availability is every slot.
	query := `SELECT a.slot_id FROM slot_availability a JOIN event_slots sl ON sl.id = a.slot_id
		WHERE a.event_id = $1 AND a.user_id = $2 ORDER BY sl.starts_at, sl.id`
	var set bool
	err := q.QueryRowContext(ctx, `SELECT availability_set FROM event_registrations WHERE event_id = $1 AND user_id = $2`,
		eventID, userID).Scan(&set)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return nil, fmt.Errorf("availability: %w", err)
	case !set:
		query = `SELECT sl.id FROM event_slots sl WHERE sl.event_id = $1 AND $2 <> '' ORDER BY sl.starts_at, sl.id`
	}
	rows, err := q.QueryContext(ctx, query, eventID, userID)
	if err != nil {
		return nil, fmt.Errorf("availability: %w", err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// SetAvailability replaces the slots a participant can meet in.
func (s *Store) SetAvailability(ctx context.Context, actor Actor, eventID, userID string, slotIDs []string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		e, err := s.brokerageEvent(ctx, tx, eventID)
		if err != nil {
			return err
		}
		if e.Ended(now()) {
			return errEnded()
		}
		if err := s.requireParticipant(ctx, tx, eventID, userID); err != nil {
			return err
		}
		slots, err := s.slots(ctx, tx, eventID)
		if err != nil {
			return err
		}
		known := map[string]bool{}
		for _, sl := range slots {
			known[sl.ID] = true
		}
		chosen := map[string]bool{}
		for _, id := range slotIDs {
			if !known[id] {
				return silkbridge.Invalid("slots", "event.field.slot_unknown", "not a slot of this event", map[string]any{"Value": id})
			}
			chosen[id] = true
		}
		before, err := s.availability(ctx, tx, eventID, userID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM slot_availability WHERE event_id = $1 AND user_id = $2`, eventID, userID); err != nil {
			return fmt.Errorf("set availability: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE event_registrations SET availability_set = TRUE WHERE event_id = $1 AND user_id = $2`, eventID, userID); err != nil {
			return fmt.Errorf("set availability: %w", err)
		}
		after := []string{}
		for _, sl := range slots {
			if !chosen[sl.ID] {
				continue
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO slot_availability (slot_id, user_id, event_id) VALUES ($1, $2, $3)`, sl.ID, userID, eventID); err != nil {
				return fmt.Errorf("set availability: %w", err)
			}
			after = append(after, sl.ID)
		}
		return s.audit(ctx, tx, actor, "update", "availability", eventID, hostOrg(e),
			map[string]any{"user_id": userID, "slots": before}, map[string]any{"user_id": userID, "slots": after})
	})
}

// SchedulerInput is what the scheduler would see for the event now.
func (s *Store) SchedulerInput(ctx context.Context, eventID string) (schedule.Input, error) {
	return s.schedulerInput(ctx, s.db, eventID)
}

func (s *Store) schedulerInput(ctx context.Context, q queryer, eventID string) (schedule.Input, error) {
	slots, err := s.slots(ctx, q, eventID)
	if err != nil {
		return schedule.Input{}, err
	}
	rows, err := q.QueryContext(ctx, `SELECT user_id, availability_set FROM event_registrations WHERE event_id = $1 AND status = 'registered'`, eventID)
	if err != nil {
		return schedule.Input{}, fmt.Errorf("scheduler input: %w", err)
	}
	var people []string
	avail := map[string][]string{}
	for rows.Next() {
		var u string
		var set bool
		if err := rows.Scan(&u, &set); err != nil {
			rows.Close()
			return schedule.Input{}, err
		}
		people = append(people, u)
		if !set {
			// Never changed: every slot.
			for _, sl := range slots {
				avail[u] = append(avail[u], sl.ID)
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return schedule.Input{}, err
	}
	rows, err = q.QueryContext(ctx, `SELECT user_id, slot_id FROM slot_availability WHERE event_id = $1`, eventID)
	if err != nil {
		return schedule.Input{}, fmt.Errorf("scheduler input: %w", err)
	}
	for rows.Next() {
		var u, sl string
		if err := rows.Scan(&u, &sl); err != nil {
			rows.Close()
			return schedule.Input{}, err
		}
		avail[u] = append(avail[u], sl)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return schedule.Input{}, err
	}
	requests, err := s.meetingRequests(ctx, q, eventID, "")
	if err != nil {
		return schedule.Input{}, err
	}
	return event.SchedulerInput(slots, people, avail, requests), nil
}

// RunSchedule places the event's accepted meetings into its slots and
// tables and stores the result in place of the previous one. The
// scheduler runs outside the write transaction; if the event changed
// meanwhile, it runs again on the new state.
func (s *Store) RunSchedule(ctx context.Context, actor Actor, eventID string) (*event.Schedule, error) {
	for attempt := 0; attempt < 3; attempt++ {
		e, err := s.brokerageEvent(ctx, s.db, eventID)
		if err != nil {
			return nil, err
		}
		in, err := s.schedulerInput(ctx, s.db, eventID)
		if err != nil {
			return nil, err
		}
		hash := event.InputHash(in)
		res, err := schedule.Schedule(in)
		if err != nil {
			return nil, fmt.Errorf("schedule event %s: %w", eventID, err)
		}
		changed := false
		err = s.inTx(ctx, func(tx *sql.Tx) error {
			if err := s.lockEvent(ctx, tx, eventID); err != nil {
				return err
			}
			now, err := s.schedulerInput(ctx, tx, eventID)
			if err != nil {
				return err
			}
			if event.InputHash(now) != hash {
				changed = true
				return nil
			}
			return s.storeSchedule(ctx, tx, actor, e, in, hash, res)
		})
		if err != nil {
			return nil, err
		}
		if !changed {
			return s.Schedule(ctx, eventID)
		}
	}
	return nil, silkbridge.Conflict("event.schedule_busy", "the event kept changing while the schedule was made; try again")
}

func (s *Store) storeSchedule(ctx context.Context, tx *sql.Tx, actor Actor, e *event.Event, in schedule.Input, hash string, res schedule.Result) error {
	var before any
	var prev struct{ placed, bound, requests int }
	err := tx.QueryRowContext(ctx, `SELECT placed, upper_bound, requests FROM schedule_runs WHERE event_id = $1`, e.ID).Scan(&prev.placed, &prev.bound, &prev.requests)
	switch {
	case err == nil:
		before = map[string]int{"requests": prev.requests, "placed": prev.placed, "upper_bound": prev.bound}
	case !errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("store schedule: %w", err)
	}
	for _, q := range []string{`DELETE FROM scheduled_meetings WHERE event_id = $1`, `DELETE FROM unplaced_meetings WHERE event_id = $1`,
		`DELETE FROM schedule_runs WHERE event_id = $1`} {
		if _, err := tx.ExecContext(ctx, q, e.ID); err != nil {
			return fmt.Errorf("store schedule: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schedule_runs (event_id, run_at, run_by, requests, placed, upper_bound, input_hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, e.ID, ts(now()), actor.UserID, len(in.Requests), res.Placed(), res.UpperBound, hash); err != nil {
		return fmt.Errorf("store schedule: %w", err)
	}
	for _, m := range res.Meetings {
		if _, err := tx.ExecContext(ctx, `INSERT INTO scheduled_meetings (request_id, event_id, slot_id, table_no) VALUES ($1, $2, $3, $4)`,
			m.Request, e.ID, m.Slot, m.Table); err != nil {
			return fmt.Errorf("store schedule: %w", err)
		}
	}
	for i, u := range res.Unplaced {
		if _, err := tx.ExecContext(ctx, `INSERT INTO unplaced_meetings (request_id, event_id, position, reason, common_slots) VALUES ($1, $2, $3, $4, $5)`,
			u.Request, e.ID, i, string(u.Reason), jsonList(u.CommonSlots)); err != nil {
			return fmt.Errorf("store schedule: %w", err)
		}
	}
	return s.audit(ctx, tx, actor, "run", "schedule", e.ID, hostOrg(e), before,
		map[string]int{"requests": len(in.Requests), "placed": res.Placed(), "upper_bound": res.UpperBound})
}

// Schedule returns the stored schedule of an event: meetings by slot and
// table, and the unplaced requests with the reason. Requests declined
// since the run are left out.
func (s *Store) Schedule(ctx context.Context, eventID string) (*event.Schedule, error) {
	var sc event.Schedule
	var runAt string
	err := s.db.QueryRowContext(ctx, `SELECT event_id, run_at, run_by, requests, placed, upper_bound, input_hash FROM schedule_runs WHERE event_id = $1`,
		eventID).Scan(&sc.EventID, &runAt, &sc.RunBy, &sc.Requests, &sc.Placed, &sc.UpperBound, &sc.InputHash)
	if err != nil {
		return nil, notFound(err, "schedule")
	}
	sc.RunAt = parseTS(runAt)
	if sc.Meetings, err = s.scheduledMeetings(ctx, eventID, ""); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT u.request_id, u.reason, u.common_slots, m.requester_id, ua.name, m.invitee_id, ub.name
		FROM unplaced_meetings u JOIN meeting_requests m ON m.id = u.request_id
		JOIN users ua ON ua.id = m.requester_id JOIN users ub ON ub.id = m.invitee_id
		WHERE u.event_id = $1 AND m.status = 'accepted' ORDER BY u.position`, eventID)
	if err != nil {
		return nil, fmt.Errorf("schedule: %w", err)
	}
	defer rows.Close()
	sc.Unplaced = []event.Unplaced{}
	for rows.Next() {
		var u event.Unplaced
		var common string
		if err := rows.Scan(&u.RequestID, &u.Reason, &common, &u.RequesterID, &u.RequesterName, &u.InviteeID, &u.InviteeName); err != nil {
			return nil, err
		}
		u.CommonSlots = parseList(common)
		sc.Unplaced = append(sc.Unplaced, u)
	}
	return &sc, rows.Err()
}

// Agenda returns the meetings of one participant in the stored schedule,
// in time order.
func (s *Store) Agenda(ctx context.Context, eventID, userID string) ([]event.Meeting, error) {
	return s.scheduledMeetings(ctx, eventID, userID)
}

func (s *Store) scheduledMeetings(ctx context.Context, eventID, userID string) ([]event.Meeting, error) {
	args := []any{eventID}
	where := ` WHERE sm.event_id = $1 AND m.status = 'accepted'`
	if userID != "" {
		args = append(args, userID)
		where += ` AND (m.requester_id = $2 OR m.invitee_id = $2)`
	}
	rows, err := s.db.QueryContext(ctx, `SELECT sm.request_id, sm.slot_id, sm.table_no, sl.starts_at, sl.ends_at,
		m.requester_id, ua.name, m.invitee_id, ub.name
		FROM scheduled_meetings sm JOIN event_slots sl ON sl.id = sm.slot_id JOIN meeting_requests m ON m.id = sm.request_id
		JOIN users ua ON ua.id = m.requester_id JOIN users ub ON ub.id = m.invitee_id`+where+
		` ORDER BY sl.starts_at, sl.id, sm.table_no`, args...)
	if err != nil {
		return nil, fmt.Errorf("scheduled meetings: %w", err)
	}
	defer rows.Close()
	out := []event.Meeting{}
	for rows.Next() {
		var m event.Meeting
		var start, end string
		if err := rows.Scan(&m.RequestID, &m.SlotID, &m.Table, &start, &end, &m.RequesterID, &m.RequesterName, &m.InviteeID, &m.InviteeName); err != nil {
			return nil, err
		}
		m.Start, m.End = parseTS(start), parseTS(end)
		out = append(out, m)
	}
	return out, rows.Err()
}

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
