// Package schedule places the accepted 1:1 meetings of a brokerage event
// into time slots and tables.
//
// The rules are hard: nobody is in two meetings in one slot, nobody meets
// outside the slots they marked available, and a slot never holds more
// meetings than it has tables. Within those rules the scheduler places as
// many meetings as it can, and where two choices place equally many, the
// meeting requested earlier wins. Every meeting it could not place carries a
// reason the organiser can act on, and every result carries an upper bound on
// how many meetings any schedule could place, so that placed/bound says how
// far from the best the schedule can at most be.
//
// The package does no I/O and holds no state: the same Input always gives
// the same Result.
package schedule

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"
)

// Input is one brokerage event as the scheduler sees it.
type Input struct {
	// Slots are the event's meeting slots in time order.
	Slots []Slot
	// Participants are the people who may meet, with their availability.
	Participants []Participant
	// Requests are the accepted meeting requests to place.
	Requests []Request
}

// Slot is one meeting time of the event.
type Slot struct {
	ID string
	// Tables is how many meetings the slot can hold at once.
	Tables int
}

// Participant is one person taking part in the brokerage meetings.
type Participant struct {
	ID string
	// Available lists the IDs of the slots the participant can meet in.
	Available []string
	// Min is how many meetings the participant should have at least: a
	// wish the scheduler honours, after placing as many meetings as it
	// can, by giving places to those below their minimum before others.
	// Zero means one: nobody should leave with no meeting while another
	// has many.
	Min int `json:",omitempty"`
	// Max is how many meetings the participant may have at most, a rule
	// like availability; zero means no limit.
	Max int `json:",omitempty"`
}

// Request is an accepted request for a 1:1 meeting.
type Request struct {
	ID        string
	Requester string
	Invitee   string
	// RequestedAt orders the requests: where the scheduler has to choose
	// between two meetings, the earlier request wins. Equal times fall back
	// to the request ID so that the order never depends on input order.
	RequestedAt time.Time
}

// Result is a schedule for one Input.
type Result struct {
	// Meetings are the placed meetings, ordered by slot (in the order of
	// Input.Slots) and table.
	Meetings []Meeting
	// Unplaced are the requests that got no slot, in request order.
	Unplaced []Unplaced
	// UpperBound is a number of meetings that no schedule of this Input can
	// exceed; len(Meetings) <= UpperBound always holds.
	UpperBound int
}

// Meeting is one placed meeting.
type Meeting struct {
	Request string
	Slot    string
	// Table numbers the meetings within a slot from 1.
	Table int
}

// Unplaced is a request the scheduler could not place, and why.
type Unplaced struct {
	Request string
	Reason  Reason
	// CommonSlots are the slots, in time order, in which both sides are
	// available; empty when Reason is NoCommonSlot.
	CommonSlots []string
}

// Reason says why a request was not placed. Its values are stable codes
// meant for storage and for looking up a translated explanation.
type Reason string

// The reasons for leaving a request unplaced, checked against the final
// schedule in the order listed here.
const (
	// NoCommonSlot: the two sides have no available slot in common.
	NoCommonSlot Reason = "no_common_slot"
	// AtMaximum: one side already has the most meetings they asked for.
	AtMaximum Reason = "at_maximum"
	// NoFreeTable: in at least one common slot both sides are free, but
	// every table of those slots is taken.
	NoFreeTable Reason = "no_free_table"
	// RequesterBusy: in every common slot the requester already meets
	// someone else, and the invitee is free in some of them.
	RequesterBusy Reason = "requester_busy"
	// InviteeBusy: in every common slot the invitee already meets someone
	// else, and the requester is free in some of them.
	InviteeBusy Reason = "invitee_busy"
	// BothBusy: every common slot is taken by a meeting of one side or the
	// other, and it takes both sides' agendas to say so: each is free in
	// some common slot, or neither is free in any.
	BothBusy Reason = "both_busy"
)

// Placed returns the number of placed meetings.
func (r Result) Placed() int { return len(r.Meetings) }

// Schedule places the accepted requests of in. It returns an error, naming
// the entry, when the input is inconsistent: duplicate or empty IDs, a
// negative table count, an availability or request naming an unknown slot or
// participant, a request to meet oneself, or two requests for the same pair.
func Schedule(in Input) (Result, error) {
	return ScheduleWith(in, Options{Improve: DefaultImprove})
}

// Options tune a run of the scheduler.
type Options struct {
	// Improve bounds the time the last steps (fairness and fewer idle
	// gaps) may take; zero skips them. The schedule is the same for the
	// same input whenever they finish within it.
	Improve time.Duration
}

// DefaultImprove is the time Schedule gives the improvement steps.
const DefaultImprove = time.Second

// ScheduleWith is Schedule with options.
func ScheduleWith(in Input, opt Options) (Result, error) {
	p, err := compile(in)
	if err != nil {
		return Result{}, err
	}
	sv := newSolver(p)
	bound := sv.solve(func(placed int) int { return upperBound(p, placed) })
	if opt.Improve > 0 {
		deadline := time.Now().Add(opt.Improve)
		sv.fair(deadline)
		sv.compact(deadline)
		sv.anneal(deadline)
		sv.compact(deadline)
		sv.earlierBack(deadline)
	}
	return p.result(sv, bound), nil
}

// Greedy is the baseline the benchmark measures against: each request, in
// request order, takes its earliest common slot where both sides and a
// table are free, and nothing is ever moved. It keeps every rule Schedule
// keeps; its unplaced requests carry reasons and its bound is Schedule's.
func Greedy(in Input) (Result, error) {
	p, err := compile(in)
	if err != nil {
		return Result{}, err
	}
	sv := newSolver(p)
	for m := range int32(len(p.from)) {
		if !sv.room(m) {
			continue
		}
		for _, s := range p.commonSlots(m) {
			if sv.free(m, s) {
				sv.move(m, s)
				break
			}
		}
	}
	return p.result(sv, upperBound(p, sv.placed)), nil
}

// problem is an Input translated to dense indexes, which is what the solver
// and the bound work on. Participants are indexed in ID order and requests
// in request order (earliest first), so that nothing the solver does
// depends on the order of the input's lists, and a request's index is its
// priority.
type problem struct {
	in     Input
	nP, nS int
	tables []int32
	// limit[q] is participant q's most meetings (Max, or more than any
	// schedule could give when Max is zero); least[q] is their Min, one
	// when unset.
	limit, least []int32
	// request[m] is the index in in.Requests of request m.
	request []int32
	// from and to are each request's two sides (requester, invitee).
	from, to []int32
	// The common slots of request m, in time order, are
	// common[commonAt[m]:commonAt[m+1]].
	commonAt []int32
	common   []int32
	// The requests of participant q, in request order, are
	// incident[incidentAt[q]:incidentAt[q+1]].
	incidentAt []int32
	incident   []int32
}

func (p *problem) commonSlots(m int32) []int32 {
	return p.common[p.commonAt[m]:p.commonAt[m+1]]
}

func (p *problem) requestsOf(q int32) []int32 {
	return p.incident[p.incidentAt[q]:p.incidentAt[q+1]]
}

func compile(in Input) (*problem, error) {
	p := &problem{in: in, nP: len(in.Participants), nS: len(in.Slots)}

	slotIndex := make(map[string]int32, len(in.Slots))
	p.tables = make([]int32, p.nS)
	for i, s := range in.Slots {
		switch {
		case s.ID == "":
			return nil, fmt.Errorf("slot %d: empty ID", i+1)
		case s.Tables < 0:
			return nil, fmt.Errorf("slot %q: negative number of tables (%d)", s.ID, s.Tables)
		case s.Tables > maxTables:
			return nil, fmt.Errorf("slot %q: %d tables is more than %d", s.ID, s.Tables, maxTables)
		}
		if _, dup := slotIndex[s.ID]; dup {
			return nil, fmt.Errorf("slot %q: listed twice", s.ID)
		}
		slotIndex[s.ID] = int32(i)
		p.tables[i] = int32(s.Tables)
	}

	people := make([]int32, p.nP)
	for i, pt := range in.Participants {
		if pt.ID == "" {
			return nil, fmt.Errorf("participant %d: empty ID", i+1)
		}
		people[i] = int32(i)
	}
	slices.SortFunc(people, func(x, y int32) int {
		return cmp.Compare(in.Participants[x].ID, in.Participants[y].ID)
	})
	personIndex := make(map[string]int32, p.nP)
	avail := make([]bool, p.nP*p.nS)
	p.limit = make([]int32, p.nP)
	p.least = make([]int32, p.nP)
	for q, i := range people {
		pt := &in.Participants[i]
		if _, dup := personIndex[pt.ID]; dup {
			return nil, fmt.Errorf("participant %q: listed twice", pt.ID)
		}
		switch {
		case pt.Min < 0 || pt.Max < 0:
			return nil, fmt.Errorf("participant %q: negative minimum (%d) or maximum (%d) of meetings", pt.ID, pt.Min, pt.Max)
		case pt.Max > 0 && pt.Min > pt.Max:
			return nil, fmt.Errorf("participant %q: minimum of meetings %d above the maximum %d", pt.ID, pt.Min, pt.Max)
		}
		p.limit[q] = math.MaxInt32
		if pt.Max > 0 {
			p.limit[q] = int32(min(pt.Max, p.nS+1))
		}
		p.least[q] = int32(max(pt.Min, 1))
		personIndex[pt.ID] = int32(q)
		row := avail[q*p.nS : (q+1)*p.nS]
		for _, sid := range pt.Available {
			s, ok := slotIndex[sid]
			if !ok {
				return nil, fmt.Errorf("participant %q: available in unknown slot %q", pt.ID, sid)
			}
			// Naming a slot twice is harmless: availability is a set.
			row[s] = true
		}
	}

	nM := len(in.Requests)
	p.request = make([]int32, nM)
	requestIDs := make(map[string]bool, nM)
	for i, r := range in.Requests {
		if r.ID == "" {
			return nil, fmt.Errorf("request %d: empty ID", i+1)
		}
		if requestIDs[r.ID] {
			return nil, fmt.Errorf("request %q: listed twice", r.ID)
		}
		requestIDs[r.ID] = true
		p.request[i] = int32(i)
	}
	slices.SortFunc(p.request, func(x, y int32) int {
		rx, ry := &in.Requests[x], &in.Requests[y]
		if c := rx.RequestedAt.Compare(ry.RequestedAt); c != 0 {
			return c
		}
		return cmp.Compare(rx.ID, ry.ID)
	})
	p.from = make([]int32, nM)
	p.to = make([]int32, nM)
	type pair struct{ lo, hi int32 }
	pairs := make(map[pair]int32, nM)
	for m, i := range p.request {
		r := &in.Requests[i]
		a, ok := personIndex[r.Requester]
		if !ok {
			return nil, fmt.Errorf("request %q: unknown requester %q", r.ID, r.Requester)
		}
		b, ok := personIndex[r.Invitee]
		if !ok {
			return nil, fmt.Errorf("request %q: unknown invitee %q", r.ID, r.Invitee)
		}
		if a == b {
			return nil, fmt.Errorf("request %q: requester and invitee are the same participant %q", r.ID, r.Requester)
		}
		k := pair{min(a, b), max(a, b)}
		if other, dup := pairs[k]; dup {
			return nil, fmt.Errorf("request %q: %q and %q already meet by request %q",
				r.ID, r.Requester, r.Invitee, in.Requests[p.request[other]].ID)
		}
		pairs[k] = int32(m)
		p.from[m], p.to[m] = a, b
	}

	p.incidentAt = make([]int32, p.nP+1)
	for m := range nM {
		p.incidentAt[p.from[m]+1]++
		p.incidentAt[p.to[m]+1]++
	}
	for q := 1; q <= p.nP; q++ {
		p.incidentAt[q] += p.incidentAt[q-1]
	}
	p.incident = make([]int32, 2*nM)
	fill := slices.Clone(p.incidentAt[:p.nP])
	for m := range int32(nM) {
		for _, q := range [2]int32{p.from[m], p.to[m]} {
			p.incident[fill[q]] = m
			fill[q]++
		}
	}

	p.commonAt = make([]int32, nM+1)
	p.common = make([]int32, 0, nM*p.nS/2)
	for m := range nM {
		ra := avail[int(p.from[m])*p.nS:][:p.nS]
		rb := avail[int(p.to[m])*p.nS:][:p.nS]
		for s := range p.nS {
			if ra[s] && rb[s] {
				p.common = append(p.common, int32(s))
			}
		}
		p.commonAt[m+1] = int32(len(p.common))
	}
	return p, nil
}

// maxTables keeps table counts, and sums of them, far from int32 limits.
const maxTables = 1 << 24

// result turns the solver's final state into a Result.
func (p *problem) result(sv *solver, bound int) Result {
	res := Result{UpperBound: bound}

	// Tables are numbered in request order within each slot, so that a
	// rerun after one change moves as few people to another table as it can.
	bySlot := make([][]int32, p.nS)
	for m, s := range sv.slot {
		if s >= 0 {
			bySlot[s] = append(bySlot[s], int32(m))
		}
	}
	res.Meetings = make([]Meeting, 0, sv.placed)
	for s, ms := range bySlot {
		for t, m := range ms {
			res.Meetings = append(res.Meetings, Meeting{
				Request: p.in.Requests[p.request[m]].ID,
				Slot:    p.in.Slots[s].ID,
				Table:   t + 1,
			})
		}
	}

	for m, s := range sv.slot {
		if s >= 0 {
			continue
		}
		u := Unplaced{Request: p.in.Requests[p.request[m]].ID, Reason: sv.reason(int32(m))}
		for _, s := range p.commonSlots(int32(m)) {
			u.CommonSlots = append(u.CommonSlots, p.in.Slots[s].ID)
		}
		res.Unplaced = append(res.Unplaced, u)
	}
	return res
}
