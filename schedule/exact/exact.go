// Package exact finds the best schedule of a small brokerage event by
// exhaustive search, written apart from the scheduler so that tests and
// the benchmark can measure the scheduler against the true optimum: the
// most meetings any schedule places and, among those schedules, the fewest
// idle gaps (schedule.IdleGaps). It is exponential in the size of the
// event; it is meant for events of about 12 participants and 6 slots.
package exact

import (
	"fmt"

	"github.com/silkbridge/silkbridge/schedule"
)

// MaxRequests bounds the events Optimum accepts: placed requests are kept
// in a 64-bit set.
const MaxRequests = 64

// Optimum returns the most meetings a schedule of in can place and the
// fewest idle gaps among the schedules that place that many. It honours
// availability, tables and each participant's Max; it ignores Min, which
// is a wish, not a rule.
func Optimum(in schedule.Input) (meetings, gaps int, err error) {
	if len(in.Requests) > MaxRequests {
		return 0, 0, fmt.Errorf("exact: %d requests, more than %d", len(in.Requests), MaxRequests)
	}
	slot := make(map[string]int, len(in.Slots))
	for i, s := range in.Slots {
		slot[s.ID] = i
	}
	person := make(map[string]int, len(in.Participants))
	for i, p := range in.Participants {
		person[p.ID] = i
	}
	nP, nS := len(in.Participants), len(in.Slots)
	avail := make([][]bool, nP)
	limit := make([]int, nP)
	for i, p := range in.Participants {
		avail[i] = make([]bool, nS)
		for _, s := range p.Available {
			if k, ok := slot[s]; ok {
				avail[i][k] = true
			}
		}
		limit[i] = p.Max
		if limit[i] <= 0 {
			limit[i] = nS
		}
	}
	type req struct{ a, b int }
	reqs := make([]req, len(in.Requests))
	for i, r := range in.Requests {
		a, ok1 := person[r.Requester]
		b, ok2 := person[r.Invitee]
		if !ok1 || !ok2 {
			return 0, 0, fmt.Errorf("exact: request %q names an unknown participant", r.ID)
		}
		reqs[i] = req{a, b}
	}
	// cand[s] lists the requests whose two sides are both available in s.
	cand := make([][]int, nS)
	for s := range nS {
		for i, r := range reqs {
			if avail[r.a][s] && avail[r.b][s] {
				cand[s] = append(cand[s], i)
			}
		}
	}

	// Depth-first branch and bound, slot by slot in time order: in each
	// slot it chooses which requests meet, meeting requests before
	// leaving them out so that large schedules come early. Gaps only grow
	// as slots go by (a gap is counted when a person meets again after an
	// idle slot), so the gaps so far are a lower bound on the final ones.
	last := make([]int, nP)
	count := make([]int, nP)
	for i := range last {
		last[i] = -1
	}
	busy := make([]bool, nP)
	done := make([]bool, len(reqs))
	bestPlaced, bestGaps := -1, 0
	// bound returns the most meetings that can still be placed from slot
	// s on, the meetings of s chosen so far included in busy.
	open := make([]int, nP)
	bound := func(s, tables int) int {
		capacity := tables
		for t := s + 1; t < nS; t++ {
			capacity += in.Slots[t].Tables
		}
		for p := range open {
			open[p] = 0
		}
		left := 0
		for i, r := range reqs {
			if !done[i] {
				left++
				open[r.a]++
				open[r.b]++
			}
		}
		half := 0
		for p := range nP {
			free := 0
			for t := s; t < nS; t++ {
				if avail[p][t] && (t > s || !busy[p]) {
					free++
				}
			}
			half += min(open[p], free, limit[p]-count[p])
		}
		return min(capacity, left, half/2)
	}
	var placed, gapsSoFar int
	var slotStep func(s int)
	var pick func(s, i, tables int)
	slotStep = func(s int) {
		if s == nS {
			if placed > bestPlaced || placed == bestPlaced && gapsSoFar < bestGaps {
				bestPlaced, bestGaps = placed, gapsSoFar
			}
			return
		}
		pick(s, 0, in.Slots[s].Tables)
	}
	pick = func(s, i, tables int) {
		ub := placed + bound(s, tables)
		if ub < bestPlaced || ub == bestPlaced && gapsSoFar >= bestGaps {
			return
		}
		if i == len(cand[s]) || tables == 0 {
			var saved []int
			for p := range nP {
				if busy[p] {
					saved = append(saved, p, last[p])
					last[p], busy[p] = s, false
				}
			}
			slotStep(s + 1)
			for j := 0; j < len(saved); j += 2 {
				last[saved[j]], busy[saved[j]] = saved[j+1], true
			}
			return
		}
		m := cand[s][i]
		r := reqs[m]
		if !done[m] && !busy[r.a] && !busy[r.b] && count[r.a] < limit[r.a] && count[r.b] < limit[r.b] {
			g := 0
			for _, p := range [2]int{r.a, r.b} {
				if last[p] >= 0 {
					g += s - last[p] - 1
				}
			}
			busy[r.a], busy[r.b], done[m] = true, true, true
			count[r.a]++
			count[r.b]++
			placed++
			gapsSoFar += g
			pick(s, i+1, tables-1)
			busy[r.a], busy[r.b], done[m] = false, false, false
			count[r.a]--
			count[r.b]--
			placed--
			gapsSoFar -= g
		}
		pick(s, i+1, tables)
	}
	slotStep(0)
	return bestPlaced, bestGaps, nil
}
