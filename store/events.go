package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/event"
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
