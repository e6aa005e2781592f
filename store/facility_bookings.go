package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/cooperation"
	"github.com/silkbridge/silkbridge/facility"
	"github.com/silkbridge/silkbridge/organisation"
)

const bookingColumns = `b.id, b.facility_id, b.instrument_id, COALESCE(b.booker_id, ''), b.booker_org_id, b.status, b.starts_at, b.ends_at,
	b.units, b.purpose, b.cooperation_id, b.people, b.reason, b.proposed_start, b.proposed_end, b.outcome_samples, b.outcome_data,
	b.outcome_lesson, b.output_id, b.lesson_id, b.sample, b.created_at, b.updated_at, f.names, i.name, COALESCE(u.name, ''),
	COALESCE(bo.name, ''), COALESCE(bo.country, ''), f.owner_id, f.country, COALESCE(c.title, ''), f.time_zone`

const bookingFrom = ` FROM facility_bookings b JOIN facilities f ON f.id = b.facility_id
	JOIN facility_instruments i ON i.id = b.instrument_id
	LEFT JOIN users u ON u.id = b.booker_id
	LEFT JOIN organisations bo ON bo.id = b.booker_org_id
	LEFT JOIN cooperations c ON c.id = b.cooperation_id`

func scanBooking(row interface{ Scan(...any) error }) (*facility.Booking, error) {
	var b facility.Booking
	var start, end, pstart, pend, people, names, created, updated string
	if err := row.Scan(&b.ID, &b.FacilityID, &b.InstrumentID, &b.BookerID, &b.BookerOrgID, &b.Status, &start, &end,
		&b.Units, &b.Purpose, &b.CooperationID, &people, &b.Reason, &pstart, &pend, &b.Outcome.Samples, &b.Outcome.Data,
		&b.Outcome.Lesson, &b.Outcome.OutputID, &b.Outcome.LessonID, &b.Sample, &created, &updated, &names, &b.InstrumentName,
		&b.BookerName, &b.BookerOrgName, &b.BookerOrgCountry, &b.OwnerID, &b.OwnerCountry, &b.CooperationTitle, &b.TimeZone); err != nil {
		return nil, err
	}
	b.Start, b.End, b.ProposedStart, b.ProposedEnd = parseTS(start), parseTS(end), parseTS(pstart), parseTS(pend)
	b.People, b.FacilityName = parseList(people), parseTexts(names)
	b.CreatedAt, b.UpdatedAt = parseTS(created), parseTS(updated)
	return &b, nil
}

// Booking returns one booking.
func (s *Store) Booking(ctx context.Context, id string) (*facility.Booking, error) {
	return s.booking(ctx, s.db, id)
}

func (s *Store) booking(ctx context.Context, q queryer, id string) (*facility.Booking, error) {
	b, err := scanBooking(q.QueryRowContext(ctx, `SELECT `+bookingColumns+bookingFrom+` WHERE b.id = $1`, id))
	return b, notFound(err, "booking")
}

// BookingFilter selects bookings.
type BookingFilter struct {
	FacilityID    string
	CooperationID string
	BookerID      string
	// Statuses keeps bookings in any of these states.
	Statuses []string
	// From and To keep bookings that meet the span.
	From, To time.Time
	Limit    int
}

// Bookings lists the bookings that pass the filter, by start.
func (s *Store) Bookings(ctx context.Context, f BookingFilter) ([]*facility.Booking, error) {
	var args []any
	conds := []string{"1 = 1"}
	add := func(format string, v any) {
		args = append(args, v)
		conds = append(conds, fmt.Sprintf(format, len(args)))
	}
	if f.FacilityID != "" {
		add("b.facility_id = $%d", f.FacilityID)
	}
	if f.CooperationID != "" {
		add("b.cooperation_id = $%d", f.CooperationID)
	}
	if f.BookerID != "" {
		add("b.booker_id = $%d", f.BookerID)
	}
	if len(f.Statuses) > 0 {
		conds = append(conds, "b.status IN ("+placeholders(&args, f.Statuses)+")")
	}
	if !f.From.IsZero() {
		add("b.ends_at > $%d", ts(f.From))
	}
	if !f.To.IsZero() {
		add("b.starts_at < $%d", ts(f.To))
	}
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+bookingColumns+bookingFrom+` WHERE `+strings.Join(conds, " AND ")+
		fmt.Sprintf(` ORDER BY b.starts_at, b.id LIMIT %d`, limit), args...)
	if err != nil {
		return nil, fmt.Errorf("list bookings: %w", err)
	}
	defer rows.Close()
	out := []*facility.Booking{}
	for rows.Next() {
		b, err := scanBooking(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// lockInstrument makes the transaction the only one that counts or
// changes the instrument's approved bookings until it ends, so two
// approvals of the same time cannot both see it free. SQLite's write
// transactions are immediate (one at a time) already; on PostgreSQL the
// instrument row is locked. It returns the instrument's capacity.
func (s *Store) lockInstrument(ctx context.Context, tx *sql.Tx, instrumentID string) (int, error) {
	q := `SELECT capacity FROM facility_instruments WHERE id = $1`
	if s.engine == Postgres {
		q += ` FOR UPDATE`
	}
	var capacity int
	if err := tx.QueryRowContext(ctx, q, instrumentID).Scan(&capacity); err != nil {
		return 0, notFound(err, "instrument")
	}
	return capacity, nil
}

// checkCapacity refuses [start, end) on the instrument when the approved
// bookings (other than except) already fill its capacity at some moment
// of the span; the error names the conflicting time in the facility's
// zone. Call it with the instrument locked.
func (s *Store) checkCapacity(ctx context.Context, tx *sql.Tx, instrumentID string, capacity int, start, end time.Time, except string, loc *time.Location) error {
	rows, err := tx.QueryContext(ctx, `SELECT starts_at, ends_at FROM facility_bookings WHERE instrument_id = $1 AND status = 'approved'
		AND id <> $2 AND starts_at < $3 AND ends_at > $4 ORDER BY starts_at`, instrumentID, except, ts(end), ts(start))
	if err != nil {
		return fmt.Errorf("check capacity: %w", err)
	}
	defer rows.Close()
	var spans [][2]time.Time
	for rows.Next() {
		var a, b string
		if err := rows.Scan(&a, &b); err != nil {
			return err
		}
		spans = append(spans, [2]time.Time{parseTS(a), parseTS(b)})
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if c, ok := facility.Conflict(spans, capacity, start, end); ok {
		from, to := c[0].In(loc).Format("2006-01-02 15:04"), c[1].In(loc).Format("2006-01-02 15:04")
		zone := loc.String()
		return silkbridge.Invalid("start", "facility.error.overlap",
			fmt.Sprintf("the instrument is already booked from %s to %s (%s)", from, to, zone),
			map[string]any{"From": from, "To": to, "Zone": zone})
	}
	return nil
}

// checkEligible refuses a booker organisation that the facility's rule of
// who may book leaves out; the owner's own members may always book.
func (s *Store) checkEligible(ctx context.Context, q queryer, f *facility.Facility, orgID string) error {
	if orgID == f.OwnerID {
		return nil
	}
	need := func() error {
		return silkbridge.Invalid("booker_org_id", "facility.error.eligible."+f.Eligibility, "only some organisations may book: "+f.Eligibility, nil)
	}
	var org *organisation.Organisation
	if orgID != "" {
		o, err := s.organisation(ctx, q, orgID)
		if silkbridge.ErrorCode(err) == silkbridge.ENOTFOUND {
			return silkbridge.Invalid("booker_org_id", "field.organisation", "no such organisation on the platform", nil)
		} else if err != nil {
			return err
		}
		org = o
	}
	var n int
	switch f.Eligibility {
	case facility.EligibleAnyone:
		return nil
	case facility.EligibleVerified:
		if org != nil && org.IsVerified() {
			return nil
		}
		return need()
	case facility.EligibleParkMembers:
		if org == nil {
			return need()
		}
		park := f.OwnerParkID
		if owner, err := s.organisation(ctx, q, f.OwnerID); err == nil && owner.Kind == organisation.Park {
			park = owner.ID
		}
		if park == "" {
			return need()
		}
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM organisations WHERE id = $1 AND (park_id = $2 OR id = $2
			OR id IN (SELECT org_id FROM park_members WHERE park_id = $2 AND left_on = ''))`, orgID, park).Scan(&n); err != nil {
			return err
		}
	case facility.EligiblePartners:
		if org == nil {
			return need()
		}
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM cooperation_partners a JOIN cooperation_partners b
			ON a.cooperation_id = b.cooperation_id WHERE a.org_id = $1 AND b.org_id = $2`, orgID, f.OwnerID).Scan(&n); err != nil {
			return err
		}
	}
	if n == 0 {
		return need()
	}
	return nil
}

// RequestBooking validates a request of the signed-in booker for orgID (one
// of the organisations they act for; empty when the facility takes anyone
// signed in) and stores it as requested. A request for a time the
// approved bookings already fill is refused at once, naming that time.
func (s *Store) RequestBooking(ctx context.Context, actor Actor, facilityID, orgID string, req facility.Request, at time.Time) (*facility.Booking, error) {
	f, err := s.Facility(ctx, facilityID)
	if err != nil {
		return nil, err
	}
	var p silkbridge.Problems
	b, err := f.Check(req, at)
	if err != nil {
		return nil, p.Merge(err)
	}
	b.BookerID, b.BookerOrgID = actor.UserID, strings.TrimSpace(orgID)
	b.ID, b.CreatedAt, b.UpdatedAt = silkbridge.NewID(), now(), now()
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.checkEligible(ctx, tx, f, b.BookerOrgID); err != nil {
			return err
		}
		if b.CooperationID != "" {
			c, err := s.cooperation(ctx, tx, b.CooperationID)
			if silkbridge.ErrorCode(err) == silkbridge.ENOTFOUND {
				return silkbridge.Invalid("cooperation_id", "facility.error.cooperation", "not a cooperation of the booking organisation", nil)
			} else if err != nil {
				return err
			}
			if !slices.ContainsFunc(c.Partners, func(p cooperation.Partner) bool { return p.OrgID == b.BookerOrgID }) {
				return silkbridge.Invalid("cooperation_id", "facility.error.cooperation", "not a cooperation of the booking organisation", nil)
			}
		}
		capacity, err := s.lockInstrument(ctx, tx, b.InstrumentID)
		if err != nil {
			return err
		}
		if err := s.checkCapacity(ctx, tx, b.InstrumentID, capacity, b.Start, b.End, "", f.Location()); err != nil {
			return err
		}
		if err := s.insertBooking(ctx, tx, b); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "request", "booking", b.ID, f.OwnerID, nil, b)
	})
	if err != nil {
		return nil, err
	}
	return s.Booking(ctx, b.ID)
}

func (s *Store) insertBooking(ctx context.Context, tx *sql.Tx, b *facility.Booking) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO facility_bookings (id, facility_id, instrument_id, booker_id, booker_org_id, status,
		starts_at, ends_at, units, purpose, cooperation_id, people, outcome_samples, outcome_data, outcome_lesson, output_id,
		sample, created_at, updated_at) VALUES ($1, $2, $3, NULLIF($4, ''), $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
		b.ID, b.FacilityID, b.InstrumentID, b.BookerID, b.BookerOrgID, b.Status, ts(b.Start), ts(b.End), b.Units, b.Purpose,
		b.CooperationID, jsonList(b.People), b.Outcome.Samples, b.Outcome.Data, b.Outcome.Lesson, b.Outcome.OutputID,
		b.Sample, ts(b.CreatedAt), ts(b.UpdatedAt)); err != nil {
		return fmt.Errorf("store booking: %w", err)
	}
	return nil
}

// Decisions the facility's managers take on a booking.
const (
	DecideApprove = "approve"
	DecideRefuse  = "refuse"
	DecidePropose = "propose"
)

// Decision is what the managers decide: approve, refuse with a reason, or
// propose another time (typed as in a request).
type Decision struct {
	Action     string
	Reason     string
	Start, End string
}

// DecideBooking applies the managers' decision to a requested booking.
// Approval runs in one transaction that locks the instrument and counts
// the approved bookings that meet the time, so of two approvals of the
// same last place only one wins.
func (s *Store) DecideBooking(ctx context.Context, actor Actor, id string, d Decision) (*facility.Booking, error) {
	d.Action, d.Reason = strings.TrimSpace(d.Action), strings.TrimSpace(d.Reason)
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		b, err := s.booking(ctx, tx, id)
		if err != nil {
			return err
		}
		f, err := s.facility(ctx, tx, b.FacilityID)
		if err != nil {
			return err
		}
		if b.Status != facility.Requested {
			return silkbridge.Conflict("facility.error.state", "the booking is %s: it cannot be decided now", b.Status)
		}
		before := *b
		switch d.Action {
		case DecideApprove:
			capacity, err := s.lockInstrument(ctx, tx, b.InstrumentID)
			if err != nil {
				return err
			}
			// Read the state again under the lock: another approval may
			// have decided this very booking meanwhile.
			var status string
			if err := tx.QueryRowContext(ctx, `SELECT status FROM facility_bookings WHERE id = $1`, id).Scan(&status); err != nil {
				return err
			}
			if status != facility.Requested {
				return silkbridge.Conflict("facility.error.state", "the booking is %s: it cannot be decided now", status)
			}
			if err := s.checkCapacity(ctx, tx, b.InstrumentID, capacity, b.Start, b.End, b.ID, f.Location()); err != nil {
				return err
			}
			b.Status = facility.Approved
		case DecideRefuse:
			if d.Reason == "" {
				return silkbridge.Invalid("reason", "facility.error.reason", "say why, so the booker can ask again", nil)
			}
			if len([]rune(d.Reason)) > 2000 {
				return silkbridge.Invalid("reason", "field.too_long", "at most 2000 characters", map[string]any{"Max": 2000, "Len": len([]rune(d.Reason))})
			}
			b.Status, b.Reason = facility.Refused, d.Reason
		case DecidePropose:
			var p silkbridge.Problems
			start, end, ok := facility.ParseSpan(&p, "proposed_start", "proposed_end", d.Start, d.End, f.Location())
			if !ok {
				return p.Err()
			}
			if start.Before(time.Now()) {
				return silkbridge.Invalid("proposed_start", "facility.error.past", "the start is in the past", nil)
			}
			b.Status, b.ProposedStart, b.ProposedEnd, b.Reason = facility.Proposed, start.UTC(), end.UTC(), d.Reason
		default:
			return silkbridge.Invalid("action", "field.choice", "choose one of the values listed", map[string]any{"Value": d.Action})
		}
		b.UpdatedAt = now()
		if _, err := tx.ExecContext(ctx, `UPDATE facility_bookings SET status = $2, reason = $3, proposed_start = $4, proposed_end = $5,
			updated_at = $6 WHERE id = $1`, id, b.Status, b.Reason, ts(b.ProposedStart), ts(b.ProposedEnd), ts(b.UpdatedAt)); err != nil {
			return fmt.Errorf("decide booking: %w", err)
		}
		return s.audit(ctx, tx, actor, d.Action, "booking", id, f.OwnerID, before, b)
	})
	if err != nil {
		return nil, err
	}
	return s.Booking(ctx, id)
}

// AcceptProposal lets the booker take the time the managers proposed; the
// booking is then approved at that time, if the instrument is still free.
func (s *Store) AcceptProposal(ctx context.Context, actor Actor, id string) (*facility.Booking, error) {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		b, err := s.booking(ctx, tx, id)
		if err != nil {
			return err
		}
		if b.Status != facility.Proposed {
			return silkbridge.Conflict("facility.error.state", "the booking is %s: it cannot be decided now", b.Status)
		}
		f, err := s.facility(ctx, tx, b.FacilityID)
		if err != nil {
			return err
		}
		capacity, err := s.lockInstrument(ctx, tx, b.InstrumentID)
		if err != nil {
			return err
		}
		if err := s.checkCapacity(ctx, tx, b.InstrumentID, capacity, b.ProposedStart, b.ProposedEnd, b.ID, f.Location()); err != nil {
			return err
		}
		before := *b
		b.Start, b.End, b.Status, b.UpdatedAt = b.ProposedStart, b.ProposedEnd, facility.Approved, now()
		if f.Price.Unit != "sample" {
			b.Units = f.Units(b.Start, b.End, 0)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE facility_bookings SET status = $2, starts_at = $3, ends_at = $4, units = $5,
			proposed_start = '', proposed_end = '', updated_at = $6 WHERE id = $1`,
			id, b.Status, ts(b.Start), ts(b.End), b.Units, ts(b.UpdatedAt)); err != nil {
			return fmt.Errorf("accept proposal: %w", err)
		}
		return s.audit(ctx, tx, actor, "accept", "booking", id, f.OwnerID, before, b)
	})
	if err != nil {
		return nil, err
	}
	return s.Booking(ctx, id)
}

// CancelBooking cancels a booking. The booker may cancel until the
// facility's notice before the start; the managers (byManager) may cancel
// any booking that has not started, and say why.
func (s *Store) CancelBooking(ctx context.Context, actor Actor, id string, byManager bool, reason string, at time.Time) (*facility.Booking, error) {
	reason = strings.TrimSpace(reason)
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		b, err := s.booking(ctx, tx, id)
		if err != nil {
			return err
		}
		f, err := s.facility(ctx, tx, b.FacilityID)
		if err != nil {
			return err
		}
		switch {
		case b.Status == facility.Refused || b.Status == facility.Cancelled || !at.Before(b.Start):
			return silkbridge.Conflict("facility.error.cancel_late", "the booking can no longer be cancelled")
		case byManager && reason == "":
			return silkbridge.Invalid("reason", "facility.error.reason", "say why, so the booker can ask again", nil)
		case !byManager && !f.CanCancel(b, at):
			return silkbridge.Conflict("facility.error.cancel_late", "the booking can no longer be cancelled")
		}
		if len([]rune(reason)) > 2000 {
			return silkbridge.Invalid("reason", "field.too_long", "at most 2000 characters", map[string]any{"Max": 2000, "Len": len([]rune(reason))})
		}
		before := *b
		b.Status, b.Reason, b.UpdatedAt = facility.Cancelled, reason, now()
		if _, err := tx.ExecContext(ctx, `UPDATE facility_bookings SET status = $2, reason = $3, updated_at = $4 WHERE id = $1`,
			id, b.Status, b.Reason, ts(b.UpdatedAt)); err != nil {
			return fmt.Errorf("cancel booking: %w", err)
		}
		return s.audit(ctx, tx, actor, "cancel", "booking", id, f.OwnerID, before, b)
	})
	if err != nil {
		return nil, err
	}
	return s.Booking(ctx, id)
}

// RecordOutcome stores what an approved booking that has ended produced.
// When it served a cooperation and produced data, the data becomes an
// output (a data set) of that cooperation, dated on the booking's last day.
func (s *Store) RecordOutcome(ctx context.Context, actor Actor, id string, o facility.Outcome, at time.Time) (*facility.Booking, error) {
	if err := facility.CheckOutcome(&o); err != nil {
		return nil, err
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		b, err := s.booking(ctx, tx, id)
		if err != nil {
			return err
		}
		if b.Status != facility.Approved || at.Before(b.End) {
			return silkbridge.Conflict("facility.error.outcome_early", "an outcome is recorded after an approved booking has ended")
		}
		before := *b
		o.OutputID, o.LessonID = b.Outcome.OutputID, b.Outcome.LessonID
		if b.CooperationID != "" && o.Data != "" {
			day := b.End.Add(-time.Second).In(b.Location()).Format(time.DateOnly)
			if o.OutputID == "" {
				o.OutputID = silkbridge.NewID()
				if _, err := tx.ExecContext(ctx, `INSERT INTO cooperation_outputs (id, cooperation_id, kind, title, date, count, url, created_at)
					VALUES ($1, $2, $3, $4, $5, $6, '', $7)`, o.OutputID, b.CooperationID, cooperation.OutputDataset, o.Data, day, o.Samples, ts(now())); err != nil {
					return fmt.Errorf("record outcome: %w", err)
				}
			} else if _, err := tx.ExecContext(ctx, `UPDATE cooperation_outputs SET title = $2, count = $3 WHERE id = $1`,
				o.OutputID, o.Data, o.Samples); err != nil {
				return fmt.Errorf("record outcome: %w", err)
			}
		}
		b.Outcome, b.UpdatedAt = o, now()
		if _, err := tx.ExecContext(ctx, `UPDATE facility_bookings SET outcome_samples = $2, outcome_data = $3, outcome_lesson = $4,
			output_id = $5, updated_at = $6 WHERE id = $1`, id, o.Samples, o.Data, o.Lesson, o.OutputID, ts(b.UpdatedAt)); err != nil {
			return fmt.Errorf("record outcome: %w", err)
		}
		return s.audit(ctx, tx, actor, "outcome", "booking", id, b.OwnerID, before, b)
	})
	if err != nil {
		return nil, err
	}
	return s.Booking(ctx, id)
}

// LinkBookingLesson remembers the lesson written from a booking's outcome.
func (s *Store) LinkBookingLesson(ctx context.Context, id, lessonID string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE facility_bookings SET lesson_id = $2 WHERE id = $1`, id, lessonID)
	return err
}

// AddSampleBooking stores a sample booking as it is, in any state and at
// any time (past ones included), for the demonstration data.
func (s *Store) AddSampleBooking(ctx context.Context, b *facility.Booking) error {
	b.ID, b.Sample, b.CreatedAt, b.UpdatedAt = silkbridge.NewID(), true, now(), now()
	return s.inTx(ctx, func(tx *sql.Tx) error { return s.insertBooking(ctx, tx, b) })
}
