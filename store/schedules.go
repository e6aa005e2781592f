package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/event"
	"github.com/silkbridge/silkbridge/schedule"
)

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
