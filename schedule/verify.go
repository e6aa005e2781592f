package schedule

import "fmt"

// Verify checks a schedule against its input, independently of how it was
// made (for example after an organiser moved a meeting by hand): every
// meeting is an accepted request placed once, in a slot both sides are
// available in, at a table the slot has and nobody else uses, with nobody
// in two meetings of one slot or above their maximum; and every request is either placed or listed
// as unplaced, not both. It returns the first violation found.
func Verify(in Input, r Result) error {
	tables := make(map[string]int, len(in.Slots))
	for _, s := range in.Slots {
		tables[s.ID] = s.Tables
	}
	avail := make(map[[2]string]bool)
	for _, p := range in.Participants {
		for _, s := range p.Available {
			avail[[2]string{p.ID, s}] = true
		}
	}
	requests := make(map[string]Request, len(in.Requests))
	for _, q := range in.Requests {
		requests[q.ID] = q
	}

	limit := make(map[string]int, len(in.Participants))
	for _, p := range in.Participants {
		limit[p.ID] = p.Max
	}
	count := make(map[string]int)

	placed := make(map[string]bool, len(r.Meetings))
	table := make(map[string]string)   // slot+table -> request
	seat := make(map[[2]string]string) // participant, slot -> request
	for i, m := range r.Meetings {
		q, ok := requests[m.Request]
		if !ok {
			return fmt.Errorf("meeting %d: request %q is not an accepted request", i+1, m.Request)
		}
		if placed[m.Request] {
			return fmt.Errorf("meeting %d: request %q placed twice", i+1, m.Request)
		}
		placed[m.Request] = true
		n, ok := tables[m.Slot]
		if !ok {
			return fmt.Errorf("meeting %d (request %q): unknown slot %q", i+1, m.Request, m.Slot)
		}
		if m.Table < 1 || m.Table > n {
			return fmt.Errorf("meeting %d (request %q): slot %q has tables 1 to %d, not %d", i+1, m.Request, m.Slot, n, m.Table)
		}
		k := fmt.Sprintf("%s\x00%d", m.Slot, m.Table)
		if other, dup := table[k]; dup {
			return fmt.Errorf("meeting %d (request %q): table %d of slot %q already holds request %q", i+1, m.Request, m.Table, m.Slot, other)
		}
		table[k] = m.Request
		for _, who := range [2]string{q.Requester, q.Invitee} {
			if !avail[[2]string{who, m.Slot}] {
				return fmt.Errorf("meeting %d (request %q): %q is not available in slot %q", i+1, m.Request, who, m.Slot)
			}
			if other, dup := seat[[2]string{who, m.Slot}]; dup {
				return fmt.Errorf("meeting %d (request %q): %q already meets for request %q in slot %q", i+1, m.Request, who, other, m.Slot)
			}
			seat[[2]string{who, m.Slot}] = m.Request
			if count[who]++; limit[who] > 0 && count[who] > limit[who] {
				return fmt.Errorf("meeting %d (request %q): %q has more than their maximum of %d meetings", i+1, m.Request, who, limit[who])
			}
		}
	}

	unplaced := make(map[string]bool, len(r.Unplaced))
	for _, u := range r.Unplaced {
		if _, ok := requests[u.Request]; !ok {
			return fmt.Errorf("unplaced: request %q is not an accepted request", u.Request)
		}
		if placed[u.Request] {
			return fmt.Errorf("unplaced: request %q is also placed", u.Request)
		}
		if unplaced[u.Request] {
			return fmt.Errorf("unplaced: request %q listed twice", u.Request)
		}
		unplaced[u.Request] = true
	}
	for _, q := range in.Requests {
		if !placed[q.ID] && !unplaced[q.ID] {
			return fmt.Errorf("request %q is neither placed nor listed as unplaced", q.ID)
		}
	}
	if len(r.Meetings) > r.UpperBound {
		return fmt.Errorf("%d meetings placed, above the upper bound %d", len(r.Meetings), r.UpperBound)
	}
	return nil
}
