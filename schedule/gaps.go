package schedule

// IdleGaps counts the idle slots of a schedule: for each participant with
// meetings, the slots between their first and last meeting (in the order
// of in.Slots) in which they do not meet. It returns the sum over
// participants and how many participants have meetings, so that
// total/people is the mean the benchmark reports. Meetings naming unknown
// requests or slots are ignored; Verify reports those.
func IdleGaps(in Input, r Result) (total, people int) {
	slot := make(map[string]int, len(in.Slots))
	for i, s := range in.Slots {
		slot[s.ID] = i
	}
	sides := make(map[string][2]string, len(in.Requests))
	for _, q := range in.Requests {
		sides[q.ID] = [2]string{q.Requester, q.Invitee}
	}
	type span struct{ first, last, n int }
	spans := make(map[string]*span)
	for _, m := range r.Meetings {
		s, ok := slot[m.Slot]
		who, known := sides[m.Request]
		if !ok || !known {
			continue
		}
		for _, p := range who {
			sp := spans[p]
			if sp == nil {
				spans[p] = &span{s, s, 1}
				continue
			}
			sp.first, sp.last, sp.n = min(sp.first, s), max(sp.last, s), sp.n+1
		}
	}
	for _, sp := range spans {
		total += sp.last - sp.first + 1 - sp.n
	}
	return total, len(spans)
}
