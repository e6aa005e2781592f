package event

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/schedule"
)

// Statuses of a registration.
const (
	Registered = "registered"
	Waiting    = "waiting"
	Cancelled  = "cancelled"
)

// Registration is one person's place at an event, or their place in line.
type Registration struct {
	EventID string `json:"event_id"`
	UserID  string `json:"user_id"`
	Name    string `json:"name"`
	Status  string `json:"status"`
	// Position is the place in the waiting line, from 1; 0 unless waiting.
	Position     int       `json:"position,omitempty"`
	RegisteredAt time.Time `json:"registered_at"`
}

// Profile is the short cooperation profile a participant of a brokerage
// event publishes, so that others can choose whom to meet.
type Profile struct {
	EventID string `json:"event_id"`
	UserID  string `json:"user_id"`
	// Name is the participant's name, filled when read.
	Name         string    `json:"name"`
	Organisation string    `json:"organisation,omitempty"`
	Headline     string    `json:"headline"`
	Offers       string    `json:"offers,omitempty"`
	Seeks        string    `json:"seeks,omitempty"`
	Fields       []string  `json:"fields"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// Normalise trims the fields people type.
func (p *Profile) Normalise() {
	p.Organisation = strings.TrimSpace(p.Organisation)
	p.Headline = strings.TrimSpace(p.Headline)
	p.Offers = strings.TrimSpace(p.Offers)
	p.Seeks = strings.TrimSpace(p.Seeks)
	p.Fields = organisation.CleanList(p.Fields, 10)
}

// Validate checks the profile; the error names every field at fault.
func (p *Profile) Validate(ref Checker) error {
	var pr silkbridge.Problems
	if pr.Required("headline", p.Headline) {
		pr.MaxLen("headline", p.Headline, 200)
	}
	pr.MaxLen("organisation", p.Organisation, 200)
	pr.MaxLen("offers", p.Offers, 1000)
	pr.MaxLen("seeks", p.Seeks, 1000)
	if p.Offers == "" && p.Seeks == "" {
		pr.Add("offers", "event.field.offers_or_seeks", "say what you offer, what you seek, or both", nil)
	}
	organisation.CheckFields(&pr, "fields", p.Fields, ref)
	return pr.Err()
}

// Statuses of a meeting request.
const (
	Pending  = "pending"
	Accepted = "accepted"
	Declined = "declined"
)

// MaxMessage is the longest note a meeting request may carry.
const MaxMessage = 500

// MeetingRequest asks another participant for a 1:1 meeting.
type MeetingRequest struct {
	ID            string     `json:"id"`
	EventID       string     `json:"event_id"`
	RequesterID   string     `json:"requester_id"`
	RequesterName string     `json:"requester_name"`
	InviteeID     string     `json:"invitee_id"`
	InviteeName   string     `json:"invitee_name"`
	Status        string     `json:"status"`
	Message       string     `json:"message,omitempty"`
	RequestedAt   time.Time  `json:"requested_at"`
	AnsweredAt    *time.Time `json:"answered_at,omitempty"`
}

// Other returns the id and name of the other side of the request, seen
// from userID.
func (m *MeetingRequest) Other(userID string) (id, name string) {
	if m.RequesterID == userID {
		return m.InviteeID, m.InviteeName
	}
	return m.RequesterID, m.RequesterName
}

// Slot is one meeting time of a brokerage event, with the number of tables
// (meetings at once) it holds.
type Slot struct {
	ID      string    `json:"id"`
	EventID string    `json:"event_id"`
	Start   time.Time `json:"start"`
	End     time.Time `json:"end"`
	Tables  int       `json:"tables"`
}

// MaxTables bounds the tables of one slot.
const MaxTables = 10000

// MaxSlots bounds the slots of one event.
const MaxSlots = 500

// Validate checks a slot of e; the error names every field at fault.
func (s *Slot) Validate(e *Event) error {
	var p silkbridge.Problems
	if s.Start.IsZero() {
		p.Add("start", "field.required", "this field is required", nil)
	}
	if s.End.IsZero() {
		p.Add("end", "field.required", "this field is required", nil)
	}
	if !s.Start.IsZero() && !s.End.IsZero() {
		switch {
		case !s.End.After(s.Start):
			p.Add("end", "event.field.end_before_start", "the end must come after the start", nil)
		case s.Start.Before(e.Start) || s.End.After(e.End):
			p.Add("start", "event.field.slot_outside", "a slot lies within the event's start and end", nil)
		}
	}
	if s.Tables < 0 || s.Tables > MaxTables {
		p.Add("tables", "event.field.tables", "a number of tables from 0 to 10000", map[string]any{"Max": MaxTables})
	}
	return p.Err()
}

// Overlaps reports whether two slots share any moment.
func (s *Slot) Overlaps(o *Slot) bool { return s.Start.Before(o.End) && o.Start.Before(s.End) }

// Schedule is the stored result of one run of the scheduler.
type Schedule struct {
	EventID string    `json:"event_id"`
	RunAt   time.Time `json:"run_at"`
	RunBy   string    `json:"-"`
	// Requests is the number of accepted requests between registered
	// participants that the run tried to place.
	Requests   int `json:"requests"`
	Placed     int `json:"placed"`
	UpperBound int `json:"upper_bound"`
	// InputHash identifies what the run saw; when the event's requests,
	// availability or slots change, the current hash differs and the
	// schedule is out of date.
	InputHash string     `json:"input_hash"`
	Meetings  []Meeting  `json:"meetings"`
	Unplaced  []Unplaced `json:"unplaced"`
}

// Meeting is one placed meeting.
type Meeting struct {
	RequestID     string    `json:"request_id"`
	SlotID        string    `json:"slot_id"`
	Table         int       `json:"table"`
	Start         time.Time `json:"start"`
	End           time.Time `json:"end"`
	RequesterID   string    `json:"requester_id"`
	RequesterName string    `json:"requester_name"`
	InviteeID     string    `json:"invitee_id"`
	InviteeName   string    `json:"invitee_name"`
}

// Unplaced is an accepted request the scheduler could not place, and why
// (a code of package schedule: no_common_slot, no_free_table,
// requester_busy, invitee_busy, both_busy).
type Unplaced struct {
	RequestID     string   `json:"request_id"`
	Reason        string   `json:"reason"`
	CommonSlots   []string `json:"common_slots"`
	RequesterID   string   `json:"requester_id"`
	RequesterName string   `json:"requester_name"`
	InviteeID     string   `json:"invitee_id"`
	InviteeName   string   `json:"invitee_name"`
}

// Ratio is placed/upper bound, 1 when there was nothing to place.
func (s *Schedule) Ratio() float64 {
	if s.UpperBound == 0 {
		return 1
	}
	return float64(s.Placed) / float64(s.UpperBound)
}

// With returns the id and name of the other side of the meeting, seen from
// userID.
func (m *Meeting) With(userID string) (id, name string) {
	if m.RequesterID == userID {
		return m.InviteeID, m.InviteeName
	}
	return m.RequesterID, m.RequesterName
}

// SchedulerInput turns a brokerage event into the scheduler's input: the
// slots in time order, the registered participants with the slots each
// marked available, and the accepted requests between two registered
// participants (a request whose side cancelled or only waits is left out).
func SchedulerInput(slots []Slot, participants []string, available map[string][]string, requests []MeetingRequest) schedule.Input {
	ordered := slices.Clone(slots)
	slices.SortStableFunc(ordered, func(a, b Slot) int {
		if c := a.Start.Compare(b.Start); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	known := map[string]bool{}
	for _, s := range ordered {
		known[s.ID] = true
	}
	var in schedule.Input
	in.Slots = make([]schedule.Slot, len(ordered))
	for i, s := range ordered {
		in.Slots[i] = schedule.Slot{ID: s.ID, Tables: s.Tables}
	}
	people := slices.Clone(participants)
	slices.Sort(people)
	people = slices.Compact(people)
	registered := map[string]bool{}
	in.Participants = make([]schedule.Participant, 0, len(people))
	for _, u := range people {
		registered[u] = true
		var av []string
		for _, s := range available[u] {
			if known[s] {
				av = append(av, s)
			}
		}
		slices.Sort(av)
		in.Participants = append(in.Participants, schedule.Participant{ID: u, Available: slices.Compact(av)})
	}
	reqs := slices.Clone(requests)
	slices.SortFunc(reqs, func(a, b MeetingRequest) int { return strings.Compare(a.ID, b.ID) })
	for _, r := range reqs {
		if r.Status != Accepted || !registered[r.RequesterID] || !registered[r.InviteeID] || r.RequesterID == r.InviteeID {
			continue
		}
		in.Requests = append(in.Requests, schedule.Request{ID: r.ID, Requester: r.RequesterID, Invitee: r.InviteeID, RequestedAt: r.RequestedAt.UTC()})
	}
	return in
}

// InputHash identifies a scheduler input, so that a stored schedule can
// tell whether the event changed since it was made.
func InputHash(in schedule.Input) string {
	b, _ := json.Marshal(in)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Reasons lists the codes of Unplaced.Reason, for translation.
var Reasons = []string{
	string(schedule.NoCommonSlot), string(schedule.NoFreeTable), string(schedule.RequesterBusy),
	string(schedule.InviteeBusy), string(schedule.BothBusy), string(schedule.AtMaximum),
}
