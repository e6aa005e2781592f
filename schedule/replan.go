package schedule

import (
	"cmp"
	"fmt"
	"slices"
)

// Replan changes a published schedule after a cancellation, a late
// acceptance, a no-show or a change of availability, moving nobody who did
// not agree to move. Every meeting of published whose request is still in
// in.Requests, whose sides are still available in its slot, and whose table
// the slot still has, keeps its slot and table; the caller leaves out of
// published the meetings whose two sides agreed to move. The tables and
// times those meetings do not use (freed by a cancellation, or new) go to
// the other requests, placed as Schedule places them, so a freed slot goes
// to the waiting meetings of the people involved. Published meetings that
// can no longer stand are listed in Dropped, for the caller to tell both
// sides.
func Replan(in Input, published []Meeting, opt Options) (Replanned, error) {
	if _, err := compile(in); err != nil {
		return Replanned{}, err
	}
	slotAt := make(map[string]int, len(in.Slots))
	for i, s := range in.Slots {
		slotAt[s.ID] = i
	}
	avail := make(map[[2]string]bool)
	for _, p := range in.Participants {
		for _, s := range p.Available {
			avail[[2]string{p.ID, s}] = true
		}
	}
	request := make(map[string]Request, len(in.Requests))
	for _, r := range in.Requests {
		request[r.ID] = r
	}

	// Keep what still stands, first come first kept, so that two
	// published meetings that now collide keep the one listed first.
	var out Replanned
	kept := map[string]bool{}
	seat := map[[2]string]bool{}
	table := map[string]bool{}
	for _, m := range published {
		r, ok := request[m.Request]
		s, known := slotAt[m.Slot]
		key := fmt.Sprintf("%s\x00%d", m.Slot, m.Table)
		switch {
		case !ok || kept[m.Request]:
			continue // cancelled, or listed twice: nothing to keep
		case !known || m.Table < 1 || m.Table > in.Slots[s].Tables || table[key],
			!avail[[2]string{r.Requester, m.Slot}] || !avail[[2]string{r.Invitee, m.Slot}],
			seat[[2]string{r.Requester, m.Slot}] || seat[[2]string{r.Invitee, m.Slot}]:
			out.Dropped = append(out.Dropped, m)
			continue
		}
		kept[m.Request], table[key] = true, true
		seat[[2]string{r.Requester, m.Slot}], seat[[2]string{r.Invitee, m.Slot}] = true, true
		out.Meetings = append(out.Meetings, m)
	}

	// The rest is scheduled on what the kept meetings leave: their slots
	// taken out of their sides' availability, their tables out of the
	// slots, their count out of the sides' targets.
	rest := Input{Slots: slices.Clone(in.Slots)}
	used := map[string]int{}
	count := map[string]int{}
	for _, m := range out.Meetings {
		used[m.Slot]++
		r := request[m.Request]
		count[r.Requester]++
		count[r.Invitee]++
	}
	for i := range rest.Slots {
		rest.Slots[i].Tables -= used[rest.Slots[i].ID]
	}
	full := map[string]bool{}
	for _, p := range in.Participants {
		q := Participant{ID: p.ID, Min: max(0, p.Min-count[p.ID])}
		if p.Max > 0 {
			if count[p.ID] >= p.Max {
				full[p.ID] = true
			}
			q.Max = max(1, p.Max-count[p.ID])
		}
		for _, s := range p.Available {
			if !seat[[2]string{p.ID, s}] {
				q.Available = append(q.Available, s)
			}
		}
		rest.Participants = append(rest.Participants, q)
	}
	for _, r := range in.Requests {
		if !kept[r.ID] && !full[r.Requester] && !full[r.Invitee] {
			rest.Requests = append(rest.Requests, r)
		}
	}
	res, err := ScheduleWith(rest, opt)
	if err != nil {
		return Replanned{}, err
	}
	// New meetings take the lowest table numbers the kept ones leave.
	next := map[string]int{}
	for _, m := range res.Meetings {
		t := next[m.Slot] + 1
		for table[fmt.Sprintf("%s\x00%d", m.Slot, t)] {
			t++
		}
		next[m.Slot] = t
		table[fmt.Sprintf("%s\x00%d", m.Slot, t)] = true
		out.Meetings = append(out.Meetings, Meeting{Request: m.Request, Slot: m.Slot, Table: t})
		out.Added = append(out.Added, m.Request)
	}
	slices.SortFunc(out.Meetings, func(a, b Meeting) int {
		if c := cmp.Compare(slotAt[a.Slot], slotAt[b.Slot]); c != 0 {
			return c
		}
		return cmp.Compare(a.Table, b.Table)
	})
	out.Unplaced = res.Unplaced
	for _, r := range in.Requests {
		if full[r.Requester] || full[r.Invitee] {
			if !kept[r.ID] {
				out.Unplaced = append(out.Unplaced, Unplaced{Request: r.ID, Reason: AtMaximum})
			}
		}
	}
	// Kept meetings count as placed: the bound of the rest plus them.
	out.UpperBound = res.UpperBound + len(out.Meetings) - len(res.Meetings)
	return out, nil
}

// Replanned is a Result after Replan: Added lists the requests placed anew,
// Dropped the published meetings that could no longer stand (a side no
// longer available in the slot, the table gone, or two published meetings
// colliding).
type Replanned struct {
	Result
	Added   []string
	Dropped []Meeting
}
