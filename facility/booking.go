package facility

import (
	"math"
	"strings"
	"time"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/organisation"
)

// Booking states.
const (
	Requested = "requested" // waiting for the facility's managers
	Proposed  = "proposed"  // the managers proposed another time; the booker may accept it
	Approved  = "approved"  // holds the instrument: counts against its capacity
	Refused   = "refused"
	Cancelled = "cancelled"
)

// Statuses lists every state.
var Statuses = []string{Requested, Proposed, Approved, Refused, Cancelled}

// Booking is a request for time on one instrument of a facility.
type Booking struct {
	ID           string `json:"id"`
	FacilityID   string `json:"facility_id"`
	InstrumentID string `json:"instrument_id"`
	BookerID     string `json:"-"`
	BookerOrgID  string `json:"booker_org_id,omitempty"`
	Status       string `json:"status"`
	// Start and End are instants; End is excluded.
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	// Units counts the booking in the facility's price unit (hours, days
	// or samples).
	Units         float64  `json:"units"`
	Purpose       string   `json:"purpose"`
	CooperationID string   `json:"cooperation_id,omitempty"`
	People        []string `json:"people"`
	// Reason says why the managers refused or cancelled.
	Reason        string    `json:"reason,omitempty"`
	ProposedStart time.Time `json:"proposed_start,omitzero"`
	ProposedEnd   time.Time `json:"proposed_end,omitzero"`
	Outcome       Outcome   `json:"outcome"`
	Sample        bool      `json:"sample,omitempty"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
	// Filled when read.
	FacilityName     map[string]string `json:"-"`
	InstrumentName   string            `json:"instrument_name,omitempty"`
	BookerName       string            `json:"booker_name,omitempty"`
	BookerOrgName    string            `json:"booker_org_name,omitempty"`
	BookerOrgCountry string            `json:"booker_org_country,omitempty"`
	OwnerID          string            `json:"owner_id,omitempty"`
	OwnerCountry     string            `json:"owner_country,omitempty"`
	CooperationTitle string            `json:"cooperation_title,omitempty"`
	TimeZone         string            `json:"time_zone,omitempty"`
}

// Outcome is what a booking produced, recorded by the booker after it.
type Outcome struct {
	Samples  int    `json:"samples,omitempty"`
	Data     string `json:"data,omitempty"`
	Lesson   string `json:"lesson,omitempty"`
	OutputID string `json:"output_id,omitempty"`
	LessonID string `json:"lesson_id,omitempty"`
}

// Recorded reports whether an outcome was recorded.
func (o Outcome) Recorded() bool { return o.Samples > 0 || o.Data != "" || o.Lesson != "" }

// Name returns the facility's name in lang.
func (b *Booking) Name(lang string) string { return pick(b.FacilityName, lang) }

// Location returns the facility's time zone.
func (b *Booking) Location() *time.Location {
	if loc, err := time.LoadLocation(b.TimeZone); err == nil {
		return loc
	}
	return time.UTC
}

// Overlaps reports whether the booking meets [start, end).
func (b *Booking) Overlaps(start, end time.Time) bool {
	return b.Start.Before(end) && start.Before(b.End)
}

// Request is what a booker asks for: times as typed, in the facility's
// time zone: a date ("2026-05-04", the whole day; as end, the last day
// included) or a date and time ("2026-05-04T09:00").
type Request struct {
	InstrumentID  string
	Start, End    string
	Samples       int
	Purpose       string
	CooperationID string
	People        []string
}

// ParseSpan reads the start and end a person typed in the facility's time
// zone; fields name the form fields at fault.
func ParseSpan(p *silkbridge.Problems, startField, endField, start, end string, loc *time.Location) (time.Time, time.Time, bool) {
	s, sDay, ok1 := parseLocal(strings.TrimSpace(start), loc)
	if !ok1 {
		p.Add(startField, "facility.error.when", "a date (2026-05-04) or a date and time (2026-05-04T09:00)", nil)
	}
	e, eDay, ok2 := parseLocal(strings.TrimSpace(end), loc)
	if !ok2 {
		p.Add(endField, "facility.error.when", "a date (2026-05-04) or a date and time (2026-05-04T09:00)", nil)
	}
	if !ok1 || !ok2 {
		return s, e, false
	}
	_ = sDay
	if eDay {
		// A day as the end includes that day.
		e = e.AddDate(0, 0, 1)
	}
	if !s.Before(e) {
		p.Add(endField, "facility.error.order", "the end comes after the start", nil)
		return s, e, false
	}
	if e.Sub(s) > MaxBookingDays*24*time.Hour {
		p.Add(endField, "facility.error.too_long", "a booking lasts at most 92 days", map[string]any{"Max": MaxBookingDays})
		return s, e, false
	}
	return s, e, true
}

func parseLocal(v string, loc *time.Location) (time.Time, bool, bool) {
	if t, err := time.ParseInLocation(time.DateOnly, v, loc); err == nil {
		return t, true, true
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, v, loc); err == nil {
			return t, false, true
		}
	}
	return time.Time{}, false, false
}

// Check validates a request against the facility and returns the booking
// it asks for; now bounds the start, which cannot be in the past.
func (f *Facility) Check(req Request, now time.Time) (*Booking, error) {
	var p silkbridge.Problems
	in, ok := f.Instrument(strings.TrimSpace(req.InstrumentID))
	if !ok {
		p.Add("instrument_id", "field.choice", "choose one of the values listed", map[string]any{"Value": req.InstrumentID})
	}
	start, end, spanOK := ParseSpan(&p, "start", "end", req.Start, req.End, f.Location())
	if spanOK && start.Before(now) {
		p.Add("start", "facility.error.past", "the start is in the past", nil)
	}
	if spanOK && !p.Has("start") {
		if c, closed := f.ClosureDuring(start, end); closed {
			p.Add("start", "facility.error.closed", "the facility is closed then ("+c.Kind+" "+c.From+" to "+c.Until+")",
				map[string]any{"Kind": c.Kind, "From": c.From, "Until": c.Until})
		} else if f.OpenHours(start, end) == 0 {
			p.Add("start", "facility.error.not_open", "the facility is not open at that time", nil)
		}
	}
	purpose := strings.TrimSpace(req.Purpose)
	if p.Required("purpose", purpose) {
		p.MaxLen("purpose", purpose, maxText)
	}
	people := organisation.CleanList(req.People, maxPeople+1)
	if len(people) > maxPeople {
		p.Add("people", "facility.error.too_many", "too many entries", map[string]any{"Max": maxPeople})
	}
	for _, n := range people {
		if !p.MaxLen("people", n, 200) || !p.VisibleText("people", n) {
			break
		}
	}
	if f.Price.Unit == "sample" && (req.Samples < 1 || req.Samples > 10000) {
		p.Add("samples", "facility.error.samples", "how many samples: a whole number from 1 to 10000", nil)
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	b := &Booking{FacilityID: f.ID, InstrumentID: in.ID, Status: Requested, Start: start.UTC(), End: end.UTC(),
		Purpose: purpose, CooperationID: strings.TrimSpace(req.CooperationID), People: people}
	b.Units = f.Units(b.Start, b.End, req.Samples)
	return b, nil
}

// Units counts [start, end) in the facility's price unit: hours, local
// days begun, or the samples given.
func (f *Facility) Units(start, end time.Time, samples int) float64 {
	switch f.Price.Unit {
	case "day":
		loc := f.Location()
		s, e := start.In(loc), end.In(loc)
		d0 := time.Date(s.Year(), s.Month(), s.Day(), 0, 0, 0, 0, loc)
		n := 0
		for d := d0; d.Before(e); d = d.AddDate(0, 0, 1) {
			n++
		}
		return float64(n)
	case "sample":
		return float64(samples)
	}
	return math.Round(end.Sub(start).Hours()*100) / 100
}

// PriceFor returns the unit price that applies to a booker: the reduced
// Belt-and-Road rate when the booker's country is a partner, the lower of
// the rates that apply.
func (f *Facility) PriceFor(briPartner bool) float64 {
	p := f.Price.Amount
	if briPartner && f.Price.BRI != nil && *f.Price.BRI < p {
		p = *f.Price.BRI
	}
	return p
}

// CanCancel says whether the booker may still cancel at now: a request or
// proposal any time before the start, an approved booking until the
// facility's cancellation notice before its start.
func (f *Facility) CanCancel(b *Booking, now time.Time) bool {
	switch b.Status {
	case Requested, Proposed:
		return now.Before(b.Start)
	case Approved:
		return now.Before(b.Start.Add(-time.Duration(f.CancelHours) * time.Hour))
	}
	return false
}

// CheckOutcome validates an outcome the booker records.
func CheckOutcome(o *Outcome) error {
	o.Data, o.Lesson = strings.TrimSpace(o.Data), strings.TrimSpace(o.Lesson)
	var p silkbridge.Problems
	if o.Samples < 0 || o.Samples > 1_000_000 {
		p.Add("samples", "facility.error.samples", "how many samples: a whole number from 1 to 10000", nil)
	}
	if p.MaxLen("data", o.Data, 500) {
		p.VisibleText("data", o.Data)
	}
	p.MaxLen("lesson", o.Lesson, maxText)
	if !p.Has("samples") && o.Samples == 0 && o.Data == "" && o.Lesson == "" {
		p.Add("data", "facility.error.outcome", "say what the booking produced: samples measured, data or a lesson", nil)
	}
	return p.Err()
}

// Conflict reports whether adding [start, end) to the approved spans
// would hold more than capacity bookings at some moment, and returns the
// approved booking that fills the last place then. Concurrency can only
// rise at the start of a span, so those moments are the ones to check.
func Conflict(spans [][2]time.Time, capacity int, start, end time.Time) ([2]time.Time, bool) {
	for _, si := range spans {
		t := maxTime(si[0], start)
		if !t.Before(end) || !t.Before(si[1]) {
			continue
		}
		n := 0
		for _, sj := range spans {
			if !sj[0].After(t) && t.Before(sj[1]) {
				n++
			}
		}
		if n >= capacity {
			return si, true
		}
	}
	return [2]time.Time{}, false
}
