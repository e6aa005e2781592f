package schedule

import (
	"math"
	"math/rand/v2"
	"slices"
	"time"
)

// After the count is settled, two more steps improve the schedule without
// placing fewer meetings:
//
//  5. Fair: a request of each participant below their minimum (one
//     meeting, unless set otherwise) may take the place of the meetings in
//     its way when the schedule loses no meeting by it and the people
//     involved lack fewer meetings to their minimum. It changes which meetings are placed, so it
//     runs before the last step, which keeps that set.
//  6. Compact: idle gaps (slots between someone's first and last meeting
//     in which they do not meet) are waiting time at the venue. Passes over
//     the meetings move one to another free slot, or swap it with a
//     meeting of one side, whenever that lowers the idle gaps of the people
//     involved, until a pass finds nothing or the time given runs out.
//     Passes are deterministic, so the schedule is the same for the same
//     input whenever the time suffices, which it does on events of
//     thousands of participants in a fraction of a second. An annealing
//     search (random moves, swaps and exchanges of a placed meeting for an
//     unplaced one, with a fixed seed and a number of trials proportional
//     to the meetings) then gets past the local optimum, and a last pass
//     of compact polishes its best schedule.
//  7. Earlier back: among schedules with as few gaps, the earlier request
//     takes back a place a later one holds.

// fair runs step 5, in participant order, in up to three rounds.
func (sv *solver) fair(deadline time.Time) {
	for round := 0; round < 3; round++ {
		changed := false
		for q := range int32(sv.nP) {
			if sv.count[q] >= sv.least[q] {
				continue
			}
			if round > 0 && time.Now().After(deadline) {
				return
			}
			for _, e := range sv.requestsOf(q) {
				if sv.slot[e] >= 0 || !sv.room(e) {
					continue
				}
				if sv.lift(e) {
					changed = true
				}
				if sv.count[q] >= sv.least[q] {
					break
				}
			}
		}
		if !changed {
			return
		}
	}
}

// lack is how many meetings the sides of the given meetings lack to their
// minimum together, each person counted once.
func (sv *solver) lack(ms ...int32) int32 {
	var seen [8]int32
	n, sum := 0, int32(0)
	for _, m := range ms {
	people:
		for _, q := range [2]int32{sv.from[m], sv.to[m]} {
			for _, r := range seen[:n] {
				if r == q {
					continue people
				}
			}
			seen[n] = q
			n++
			sum += max(0, sv.least[q]-sv.count[q])
		}
	}
	return sum
}

// liftTries bounds the meetings of a full slot that lift tries to push
// out for one request and slot.
const liftTries = 8

// lift places the unplaced request e in one of its common slots, pushing
// out the meetings in its way (the two sides' meetings there, or one
// meeting of a full slot), which then look for another place. It keeps
// the change only if no meeting was lost and the people involved lack
// fewer meetings to their minimum than before.
func (sv *solver) lift(e int32) bool {
	a, b := int(sv.from[e])*sv.nS, int(sv.to[e])*sv.nS
	for _, s := range sv.commonSlots(e) {
		if sv.tables[s] == 0 {
			continue
		}
		var sides [2]int32
		n := 0
		for _, z := range [2]int32{sv.busy[a+int(s)], sv.busy[b+int(s)]} {
			if z >= 0 {
				sides[n] = z
				n++
			}
		}
		choices := [][]int32{sides[:n]}
		if n == 0 && sv.used[s] >= sv.tables[s] {
			choices = choices[:0]
			for i, z := range sv.inSlot[s] {
				if i == liftTries {
					break
				}
				choices = append(choices, []int32{z})
			}
		}
		for _, out := range choices {
			before, need := sv.placed, sv.lack(append([]int32{e}, out...)...)
			for _, z := range out {
				sv.set(z, -1)
			}
			sv.set(e, s)
			for _, z := range out {
				sv.augment(z, walkDepth, walkBudget)
			}
			if sv.placed >= before && sv.capped(e) && sv.lack(append([]int32{e}, out...)...) < need {
				sv.commit()
				return true
			}
			sv.rollback(0)
			sv.commit()
		}
	}
	return false
}

// gapsOf returns participant q's idle gaps.
func (sv *solver) gapsOf(q int32) int32 {
	row := sv.busy[int(q)*sv.nS:][:sv.nS]
	first, last, n := -1, -1, int32(0)
	for s, m := range row {
		if m >= 0 {
			if first < 0 {
				first = s
			}
			last = s
			n++
		}
	}
	if first < 0 {
		return 0
	}
	return int32(last-first+1) - n
}

// compact runs step 6 until a pass improves nothing or the deadline.
func (sv *solver) compact(deadline time.Time) {
	for {
		improved := false
		for m := range int32(len(sv.from)) {
			if m%256 == 0 && time.Now().After(deadline) {
				return
			}
			if sv.slot[m] >= 0 && sv.improveMeeting(m) {
				improved = true
			}
		}
		if !improved {
			return
		}
	}
}

// improveMeeting tries to lower the idle gaps by moving meeting m to a
// free common slot, or by swapping it with the meeting one of its sides
// has in another common slot; it keeps the first change that helps.
func (sv *solver) improveMeeting(m int32) bool {
	s := sv.slot[m]
	a, b := sv.from[m], sv.to[m]
	for _, t := range sv.commonSlots(m) {
		if t == s {
			continue
		}
		x, y := sv.busy[int(a)*sv.nS+int(t)], sv.busy[int(b)*sv.nS+int(t)]
		switch {
		case x < 0 && y < 0:
			if sv.used[t] >= sv.tables[t] {
				continue
			}
			before := sv.gapsOf(a) + sv.gapsOf(b)
			sv.move(m, t)
			if sv.gapsOf(a)+sv.gapsOf(b) < before {
				return true
			}
			sv.move(m, s)
		case x >= 0 && y >= 0:
			continue
		default:
			z := x
			if x < 0 {
				z = y
			}
			// z shares one side with m; c is its other side.
			c := sv.to[z]
			if c == a || c == b {
				c = sv.from[z]
			}
			if !sv.inCommon(z, s) || sv.busy[int(c)*sv.nS+int(s)] >= 0 {
				continue
			}
			before := sv.gapsOf(a) + sv.gapsOf(b) + sv.gapsOf(c)
			sv.move(m, -1)
			sv.move(z, s)
			sv.move(m, t)
			if sv.gapsOf(a)+sv.gapsOf(b)+sv.gapsOf(c) < before {
				return true
			}
			sv.move(m, -1)
			sv.move(z, t)
			sv.move(m, s)
		}
	}
	return false
}

// inCommon reports whether s is a common slot of request m.
func (sv *solver) inCommon(m, s int32) bool {
	for _, t := range sv.commonSlots(m) {
		if t == s {
			return true
		}
		if t > s {
			return false
		}
	}
	return false
}

// annealSteps is the number of trial moves of the annealing per placed
// meeting, and annealLeast the least for any event: small events get
// many trials per meeting, which is what lets them reach the fewest gaps.
const (
	annealSteps = 1000
	annealLeast = 30_000
	annealSeed  = 0x9a95
)

// The mix of trial moves out of eight: an exchange with an unplaced
// request for openShare, a random move of a placed meeting for the rest
// (aimed moves at span ends measured no better); t0 and t1 are the
// starting and final temperatures, in idle gaps.
const (
	aimShare, openShare = 0, 2
	t0, t1              = 1.2, 0.05
)

// anneal searches past the local optimum of compact: random moves and
// swaps of placed meetings, and exchanges of a placed meeting for an
// unplaced request in its slot, are kept when they do not add idle gaps
// and, with a chance that falls as the search cools, even when they add
// some. Nothing is ever kept that places fewer meetings, breaks a maximum
// or leaves someone further below their minimum. The best schedule seen is
// restored at the end.
func (sv *solver) anneal(deadline time.Time) {
	placedList := make([]int32, 0, sv.placed)
	for m, s := range sv.slot {
		if s >= 0 {
			placedList = append(placedList, int32(m))
		}
	}
	if len(placedList) == 0 {
		return
	}
	steps := max(min(annealLeast, 2000*len(placedList)), annealSteps*len(placedList))
	rng := rand.New(rand.NewPCG(annealSeed, uint64(len(sv.from))))
	total := int32(0)
	for q := range int32(sv.nP) {
		total += sv.gapsOf(q)
	}
	best := total
	bestSlot := slices.Clone(sv.slot)
	if total == 0 {
		return
	}
	for i := range steps {
		if i%1024 == 0 && time.Now().After(deadline) {
			break
		}
		temp := t0 * math.Pow(t1/t0, float64(i)/float64(steps))
		m, t := int32(0), int32(-1)
		switch r := rng.IntN(8); {
		case r < aimShare:
			// Aimed: an end meeting of someone with gaps, into a slot
			// inside their span.
			var ok bool
			if m, t, ok = sv.aim(rng); !ok {
				continue
			}
		case r < aimShare+openShare && len(sv.open) > 0:
			m = sv.open[rng.IntN(len(sv.open))]
		default:
			m = int32(rng.IntN(len(sv.from)))
			if sv.slot[m] < 0 {
				continue
			}
		}
		if t < 0 || !sv.inCommon(m, t) {
			cs := sv.commonSlots(m)
			if len(cs) == 0 {
				continue
			}
			t = cs[rng.IntN(len(cs))]
		}
		if t == sv.slot[m] || sv.tables[t] == 0 {
			continue
		}
		delta, ok := sv.tryMove(m, t, rng)
		if !ok {
			continue
		}
		if delta <= 0 || rng.Float64() < math.Exp(-float64(delta)/temp) {
			sv.commit()
			total += delta
			if total < best {
				best = total
				copy(bestSlot, sv.slot)
				if best == 0 {
					break
				}
			}
			continue
		}
		sv.rollback(0)
	}
	sv.commit()
	if total > best {
		for m := range sv.slot {
			sv.move(int32(m), -1)
		}
		for m, s := range bestSlot {
			if s >= 0 {
				sv.move(int32(m), s)
			}
		}
	}
}

// earlierBack gives, among schedules with as few gaps, the place back to
// the earlier request: each unplaced request, from the earliest, takes a
// common slot from the one later meeting in its way when that adds no idle
// gap and leaves nobody further below their minimum.
func (sv *solver) earlierBack(deadline time.Time) {
	for e := range int32(len(sv.from)) {
		if sv.slot[e] >= 0 || !sv.room(e) {
			continue
		}
		if e%256 == 0 && time.Now().After(deadline) {
			return
		}
		a, b := int(sv.from[e])*sv.nS, int(sv.to[e])*sv.nS
		for _, t := range sv.commonSlots(e) {
			x, y := sv.busy[a+int(t)], sv.busy[b+int(t)]
			z := max(x, y)
			if x >= 0 && y >= 0 || sv.tables[t] == 0 {
				continue
			}
			if z < 0 {
				if sv.used[t] < sv.tables[t] {
					continue // a free table: the count would have taken it
				}
				for _, w := range sv.inSlot[t] {
					z = max(z, w)
				}
			}
			if z < e {
				continue
			}
			people := [4]int32{sv.from[e], sv.to[e], sv.from[z], sv.to[z]}
			gaps, lack := int32(0), sv.lack(e, z)
			for _, q := range people {
				gaps += sv.gapsOf(q)
			}
			sv.set(z, -1)
			sv.set(e, t)
			after := int32(0)
			for _, q := range people {
				after += sv.gapsOf(q)
			}
			if after <= gaps && sv.lack(e, z) <= lack && sv.capped(e) {
				sv.commit()
				break
			}
			sv.rollback(0)
		}
	}
	sv.commit()
}

// aim picks a random participant and, if they have gaps, their first or
// last meeting and a random slot strictly inside their span: the moves
// that can shorten a span.
func (sv *solver) aim(rng *rand.Rand) (m, t int32, ok bool) {
	q := rng.IntN(sv.nP)
	row := sv.busy[q*sv.nS:][:sv.nS]
	first, last := -1, -1
	for s, z := range row {
		if z >= 0 {
			if first < 0 {
				first = s
			}
			last = s
		}
	}
	if last-first < 2 {
		return 0, 0, false
	}
	end := first
	if rng.IntN(2) == 0 {
		end = last
	}
	t = int32(first + 1 + rng.IntN(last-first-1))
	if row[t] >= 0 {
		return 0, 0, false
	}
	return row[end], t, true
}

// tryMove puts m into slot t, making room by moving the meeting of a side
// there to m's old slot when that fits, or by unplacing it (and, for a
// full slot, a random meeting of it) when m was unplaced. It returns the
// change in idle gaps, or false with nothing changed when the move would
// lose a meeting or break a rule.
func (sv *solver) tryMove(m, t int32, rng *rand.Rand) (int32, bool) {
	s := sv.slot[m]
	a, b := sv.from[m], sv.to[m]
	x, y := sv.busy[int(a)*sv.nS+int(t)], sv.busy[int(b)*sv.nS+int(t)]
	var people [6]int32
	n := 0
	add := func(q int32) {
		for _, r := range people[:n] {
			if r == q {
				return
			}
		}
		people[n] = q
		n++
	}
	add(a)
	add(b)
	var z int32 = -1
	switch {
	case x >= 0 && y >= 0:
		return 0, false
	case x >= 0:
		z = x
	case y >= 0:
		z = y
	case sv.used[t] >= sv.tables[t]:
		if s >= 0 {
			return 0, false
		}
		z = sv.inSlot[t][rng.IntN(len(sv.inSlot[t]))]
	}
	if z >= 0 {
		add(sv.from[z])
		add(sv.to[z])
	}
	gaps, lack := int32(0), int32(0)
	for _, q := range people[:n] {
		gaps += sv.gapsOf(q)
		lack += max(0, sv.least[q]-sv.count[q])
	}
	switch {
	case s >= 0 && z >= 0:
		// A swap: z takes m's old slot.
		c := sv.to[z]
		if c == a || c == b {
			c = sv.from[z]
		}
		if !sv.inCommon(z, s) || sv.busy[int(c)*sv.nS+int(s)] >= 0 {
			return 0, false
		}
		sv.set(m, -1)
		sv.set(z, s)
		sv.set(m, t)
	case s >= 0:
		sv.set(m, t)
	default:
		// An exchange: m in, z out.
		if !sv.room(m) && z < 0 {
			return 0, false
		}
		if z >= 0 {
			sv.set(z, -1)
		} else {
			return 0, false // both free with a table: the count would grow, which compact leaves to repair
		}
		sv.set(m, t)
		if !sv.capped(m) {
			sv.rollback(0)
			return 0, false
		}
	}
	after, lackAfter := int32(0), int32(0)
	for _, q := range people[:n] {
		after += sv.gapsOf(q)
		lackAfter += max(0, sv.least[q]-sv.count[q])
	}
	if lackAfter > lack {
		sv.rollback(0)
		return 0, false
	}
	return after - gaps, true
}
