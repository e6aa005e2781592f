package schedule

import "math/rand/v2"

// The solver works in four steps.
//
//  1. Greedy: the requests, from the earliest to the latest, each take the
//     free common slot that the two sides' later requests need least.
//  2. Repair: every unplaced request, again from the earliest, looks for a
//     short chain of moves that makes room for it: it takes a slot where
//     one side is busy, the meeting it pushes out moves to another of its
//     common slots, possibly pushing out one more, and so on until a
//     meeting lands where both its sides and a table are free. A chain
//     never unplaces anyone, so each success places one more; passes
//     repeat until one places nothing. Chains are searched depth-first,
//     shortest first, under a budget of tried moves.
//  3. Walk: while the schedule is below the upper bound, a plateau search
//     puts a random unplaced request into a random common slot, unplacing
//     what is in the way, and repairs around it; it keeps the change unless
//     it lost a meeting. Moves that keep the count let the schedule drift
//     to where a chain can gain. Its generator has a fixed seed.
//  4. Earlier first: every unplaced request, from the earliest, may take the
//     place of later requests that block it when that loses no meeting, so
//     that among equally large schedules the earlier requests win.
//
// One budget of tried moves, proportional to the number of requests, bounds
// the whole search, so the time stays bounded on events where the bound is
// out of reach; counting moves rather than time keeps results
// deterministic.

// The search limits. Measured on generated events (see bench_test.go and
// `silkbridge bench schedule`): deeper or wider repairs inside the walk buy
// less than more walk steps for the same work.
const (
	// repairDepth is the longest chain of pushed meetings a repair tries;
	// repairBudget caps the moves tried for one request at one depth.
	repairDepth  = 8
	repairBudget = 1000
	// walkDepth and walkBudget bound the repairs of one walk step.
	walkDepth  = 3
	walkBudget = 100
	// workPerRequest and workBase make the budget of tried moves for the
	// whole search.
	workPerRequest = 1000
	workBase       = 100_000
	// walkSeed seeds the walk's generator.
	walkSeed = 0x5c4ed
)

// solver holds a schedule under construction.
type solver struct {
	*problem
	// busy[p*nS+s] is the request participant p meets for in slot s, or -1.
	busy []int32
	// slot[m] is the slot request m is placed in, or -1.
	slot []int32
	// used[s] counts the meetings placed in slot s; count[q] those of
	// participant q.
	used   []int32
	count  []int32
	placed int
	// inSlot[s] lists the requests placed in slot s, in no useful order;
	// at[m] is request m's position in that list.
	inSlot [][]int32
	at     []int32
	// open lists the unplaced requests that have a common slot with
	// tables, in no useful order; openAt[m] is m's position in it, or -1.
	open   []int32
	openAt []int32

	// undo records every set since the last commit, for rollback.
	undo []change
	// onPath marks the meetings of the chain being searched.
	onPath []bool
	// budget is what is left of the moves one search at one depth may
	// try; work is what is left of the whole search's moves.
	budget, work int
	// cut records that the depth limit stopped some branch, so that a
	// deeper search could still find something.
	cut bool
	// out holds the meetings a walk step pushed out.
	out []int32
}

// change records that request m was in slot from before a set.
type change struct{ m, from int32 }

func newSolver(p *problem) *solver {
	nM := len(p.from)
	sv := &solver{
		problem: p,
		busy:    make([]int32, p.nP*p.nS),
		slot:    make([]int32, nM),
		used:    make([]int32, p.nS),
		count:   make([]int32, p.nP),
		inSlot:  make([][]int32, p.nS),
		at:      make([]int32, nM),
		openAt:  make([]int32, nM),
		onPath:  make([]bool, nM),
	}
	for i := range sv.busy {
		sv.busy[i] = -1
	}
	for m := range sv.slot {
		sv.slot[m] = -1
		sv.openAt[m] = -1
		for _, s := range p.commonSlots(int32(m)) {
			if p.tables[s] > 0 {
				sv.openAt[m] = int32(len(sv.open))
				sv.open = append(sv.open, int32(m))
				break
			}
		}
	}
	return sv
}

// solve runs the four steps and returns the upper bound, which bound
// computes once greedy and repair are done, from the number they placed.
func (sv *solver) solve(bound func(placed int) int) int {
	work := workPerRequest*len(sv.from) + workBase
	sv.work = work
	sv.greedy()
	for !sv.done(len(sv.from)) && sv.repair() {
	}
	ub := bound(sv.placed)
	sv.walk(ub)
	// The last step has a budget of its own, so that a walk that spent
	// everything still leaves the earlier requests their turn.
	sv.work = work / 10
	sv.earlierFirst()
	return ub
}

// move puts request m into slot s (-1: unplaced) without checking anything;
// callers have made room.
func (sv *solver) move(m, s int32) {
	a, b := int(sv.from[m])*sv.nS, int(sv.to[m])*sv.nS
	if old := sv.slot[m]; old >= 0 {
		sv.busy[a+int(old)] = -1
		sv.busy[b+int(old)] = -1
		sv.used[old]--
		sv.placed--
		sv.count[sv.from[m]]--
		sv.count[sv.to[m]]--
		removeAt(&sv.inSlot[old], sv.at, m)
		sv.openAt[m] = int32(len(sv.open))
		sv.open = append(sv.open, m)
	}
	if s >= 0 {
		sv.busy[a+int(s)] = m
		sv.busy[b+int(s)] = m
		sv.used[s]++
		sv.placed++
		sv.count[sv.from[m]]++
		sv.count[sv.to[m]]++
		sv.at[m] = int32(len(sv.inSlot[s]))
		sv.inSlot[s] = append(sv.inSlot[s], m)
		if sv.openAt[m] >= 0 {
			removeAt(&sv.open, sv.openAt, m)
			sv.openAt[m] = -1
		}
	}
	sv.slot[m] = s
}

// removeAt removes m from *list, where pos[m] is its position, by moving
// the last element into its place.
func removeAt(list *[]int32, pos []int32, m int32) {
	l := *list
	last := l[len(l)-1]
	l[pos[m]] = last
	pos[last] = pos[m]
	*list = l[:len(l)-1]
}

// set is move with a record for rollback.
func (sv *solver) set(m, s int32) {
	sv.undo = append(sv.undo, change{m, sv.slot[m]})
	sv.move(m, s)
}

// rollback undoes every set since the undo log had length mark.
func (sv *solver) rollback(mark int) {
	for i := len(sv.undo) - 1; i >= mark; i-- {
		c := sv.undo[i]
		sv.move(c.m, c.from)
	}
	sv.undo = sv.undo[:mark]
}

// commit forgets the undo log.
func (sv *solver) commit() { sv.undo = sv.undo[:0] }

// free reports whether request m could go into slot s as things stand.
func (sv *solver) free(m, s int32) bool {
	return sv.used[s] < sv.tables[s] &&
		sv.busy[int(sv.from[m])*sv.nS+int(s)] < 0 &&
		sv.busy[int(sv.to[m])*sv.nS+int(s)] < 0
}

// room reports whether both sides of the unplaced request m are below
// their maximum of meetings.
func (sv *solver) room(m int32) bool {
	a, b := sv.from[m], sv.to[m]
	return sv.count[a] < sv.limit[a] && sv.count[b] < sv.limit[b]
}

// capped reports whether both sides of request m are at or below their
// maximum.
func (sv *solver) capped(m int32) bool {
	a, b := sv.from[m], sv.to[m]
	return sv.count[a] <= sv.limit[a] && sv.count[b] <= sv.limit[b]
}

// done reports whether more search cannot or may not place more: the
// schedule meets the bound, every table is taken, nothing is left to
// place, or the work is spent.
func (sv *solver) done(bound int) bool {
	if sv.placed >= bound || sv.work <= 0 || len(sv.open) == 0 {
		return true
	}
	for s, n := range sv.used {
		if n < sv.tables[s] {
			return false
		}
	}
	return true
}

// spend counts one tried move against the budgets and reports whether it
// may be tried.
func (sv *solver) spend() bool {
	sv.budget--
	sv.work--
	return sv.budget >= 0 && sv.work >= 0
}

// greedy places the requests from the earliest to the latest, each in the
// free common slot with the least demand from the two sides' requests that
// are still to come, so that early choices spoil as few later ones as
// possible. Ties go to the slot with more free tables, then the earlier one.
func (sv *solver) greedy() {
	nS := sv.nS
	// need[p*nS+s] counts p's requests not yet taken whose common slots
	// include s.
	need := make([]int32, sv.nP*nS)
	for m := range sv.from {
		a, b := int(sv.from[m])*nS, int(sv.to[m])*nS
		for _, s := range sv.commonSlots(int32(m)) {
			need[a+int(s)]++
			need[b+int(s)]++
		}
	}
	for m := range int32(len(sv.from)) {
		a, b := int(sv.from[m])*nS, int(sv.to[m])*nS
		cs := sv.commonSlots(m)
		for _, s := range cs {
			need[a+int(s)]--
			need[b+int(s)]--
		}
		best, bestNeed, bestFree := int32(-1), int32(0), int32(0)
		for _, s := range cs {
			if !sv.room(m) || !sv.free(m, s) {
				continue
			}
			n, f := need[a+int(s)]+need[b+int(s)], sv.tables[s]-sv.used[s]
			if best < 0 || n < bestNeed || n == bestNeed && f > bestFree {
				best, bestNeed, bestFree = s, n, f
			}
		}
		if best >= 0 {
			sv.move(m, best)
		}
	}
}

// repair tries once to place every unplaced request by a chain of moves,
// from the earliest request to the latest, and reports whether it placed
// any.
func (sv *solver) repair() bool {
	gained := false
	for m := range int32(len(sv.from)) {
		if sv.work <= 0 {
			break
		}
		if sv.slot[m] < 0 && sv.augment(m, repairDepth, repairBudget) {
			gained = true
		}
	}
	sv.commit()
	return gained
}

// augment tries to place the unplaced request m by a chain of at most
// depth pushed meetings, shortest chains first, trying at most budget moves
// per depth. On failure nothing has changed.
func (sv *solver) augment(m int32, depth, budget int) bool {
	if sv.openAt[m] < 0 || !sv.room(m) {
		return false
	}
	for d := 0; d <= depth; d++ {
		sv.budget = budget
		sv.cut = false
		if sv.relocate(m, -1, d) {
			return true
		}
		if !sv.cut {
			// The whole tree was searched: a deeper one holds nothing new.
			return false
		}
	}
	return false
}

// relocate finds a new slot for request m, which is currently unplaced and
// was last in slot from (-1 if it is the request being placed), pushing out
// at most depth further meetings along the way. On failure every move it
// made is undone.
func (sv *solver) relocate(m, from int32, depth int) bool {
	cs := sv.commonSlots(m)
	for _, s := range cs {
		if s != from && sv.free(m, s) {
			sv.set(m, s)
			return true
		}
	}
	if depth == 0 {
		sv.cut = true
		return false
	}
	a, b := int(sv.from[m])*sv.nS, int(sv.to[m])*sv.nS
	sv.onPath[m] = true
	defer func() { sv.onPath[m] = false }()
	for _, s := range cs {
		if s == from {
			continue
		}
		x, y := sv.busy[a+int(s)], sv.busy[b+int(s)]
		switch {
		case x < 0 && y < 0:
			// Both sides are free, so the tables are full: push out
			// another meeting of the slot.
			if sv.tables[s] > 0 && sv.pushTable(m, s, depth) {
				return true
			}
			continue
		case x >= 0 && y >= 0 && from >= 0:
			// Both sides busy needs two chains; only the request being
			// placed may branch like that, or the search would grow a
			// tree.
			continue
		}
		if x >= 0 && sv.onPath[x] || y >= 0 && sv.onPath[y] {
			continue
		}
		if !sv.spend() {
			return false
		}
		mark := len(sv.undo)
		if x >= 0 {
			sv.set(x, -1)
		}
		if y >= 0 {
			sv.set(y, -1)
		}
		sv.set(m, s)
		if (x < 0 || sv.relocate(x, s, depth-1)) && (y < 0 || sv.relocate(y, s, depth-1)) {
			return true
		}
		sv.rollback(mark)
	}
	return false
}

// pushTable puts m into the full slot s, where both its sides are free, by
// moving one of the slot's meetings elsewhere. Only meetings with another
// common slot that has a free table are tried: a slot's meetings are many,
// and those are the ones that can end a chain soonest.
func (sv *solver) pushTable(m, s int32, depth int) bool {
	for i := 0; i < len(sv.inSlot[s]); i++ {
		if !sv.spend() {
			return false
		}
		z := sv.inSlot[s][i]
		if sv.onPath[z] || !sv.hasTableElsewhere(z, s) {
			continue
		}
		mark := len(sv.undo)
		sv.set(z, -1)
		sv.set(m, s)
		if sv.relocate(z, s, depth-1) {
			return true
		}
		sv.rollback(mark)
	}
	return false
}

func (sv *solver) hasTableElsewhere(m, s int32) bool {
	for _, t := range sv.commonSlots(m) {
		if t != s && sv.used[t] < sv.tables[t] {
			return true
		}
	}
	return false
}

// walk runs the plateau search until the schedule meets bound or the work
// is spent.
func (sv *solver) walk(bound int) {
	rng := rand.New(rand.NewPCG(walkSeed, uint64(len(sv.from))))
	for !sv.done(bound) {
		e := sv.open[rng.IntN(len(sv.open))]
		s := sv.pickSlot(e, rng)
		if sv.work--; s < 0 {
			continue
		}
		before := sv.placed
		sv.forceIn(e, s, rng)
		if !sv.capped(e) {
			// Its sides were at their maximum and met elsewhere.
			sv.rollback(0)
			sv.commit()
			continue
		}
		for _, z := range sv.out {
			// The pushed-out meetings may fit elsewhere, and the other
			// requests of their sides that e did not take may fit where
			// they were.
			sv.augment(z, walkDepth, walkBudget)
			for _, q := range [2]int32{sv.from[z], sv.to[z]} {
				if q == sv.from[e] || q == sv.to[e] {
					continue
				}
				for _, g := range sv.requestsOf(q) {
					sv.augment(g, walkDepth, walkBudget)
				}
			}
		}
		if sv.placed < before {
			sv.rollback(0)
		}
		sv.commit()
	}
}

// pickSlot picks a random common slot of e among those where the fewest
// meetings stand in the way, or -1 if e has no slot with tables.
func (sv *solver) pickSlot(e int32, rng *rand.Rand) int32 {
	a, b := int(sv.from[e])*sv.nS, int(sv.to[e])*sv.nS
	best, fewest, ties := int32(-1), 4, 0
	for _, s := range sv.commonSlots(e) {
		if sv.tables[s] == 0 {
			continue
		}
		n := 0
		if sv.busy[a+int(s)] >= 0 {
			n++
		}
		if sv.busy[b+int(s)] >= 0 {
			n++
		}
		if n < 2 && sv.used[s] >= sv.tables[s] {
			n++
		}
		switch {
		case n < fewest:
			best, fewest, ties = s, n, 1
		case n == fewest:
			// Reservoir sampling: each tied slot is kept with equal
			// chance.
			if ties++; rng.IntN(ties) == 0 {
				best = s
			}
		}
	}
	return best
}

// forceIn places request e in slot s by unplacing the meetings of its two
// sides there and, if the slot is still full, a random other meeting of
// the slot; it lists the unplaced meetings in sv.out.
func (sv *solver) forceIn(e, s int32, rng *rand.Rand) {
	sv.out = sv.out[:0]
	for _, q := range [2]int32{sv.from[e], sv.to[e]} {
		if z := sv.busy[int(q)*sv.nS+int(s)]; z >= 0 {
			sv.set(z, -1)
			sv.out = append(sv.out, z)
		}
	}
	if sv.used[s] >= sv.tables[s] {
		z := sv.inSlot[s][rng.IntN(len(sv.inSlot[s]))]
		sv.set(z, -1)
		sv.out = append(sv.out, z)
	}
	sv.set(e, s)
}

// earlierFirst lets each unplaced request, from the earliest, take a common
// slot from later requests when those then find another place or the count
// stays the same: among schedules of equal size, earlier requests win.
func (sv *solver) earlierFirst() {
	for e := range int32(len(sv.from)) {
		if sv.openAt[e] < 0 || sv.work <= 0 {
			continue
		}
		a, b := int(sv.from[e])*sv.nS, int(sv.to[e])*sv.nS
		for _, s := range sv.commonSlots(e) {
			x, y := sv.busy[a+int(s)], sv.busy[b+int(s)]
			if !sv.laterOnly(e, x, y) {
				continue
			}
			if sv.work--; sv.work < 0 {
				return
			}
			before := sv.placed
			var out []int32
			for _, z := range [2]int32{x, y} {
				if z >= 0 {
					sv.set(z, -1)
					out = append(out, z)
				}
			}
			sv.set(e, s)
			for _, z := range out {
				sv.augment(z, walkDepth, walkBudget)
			}
			if sv.placed < before || !sv.capped(e) {
				sv.rollback(0)
			} else {
				sv.commit()
				break
			}
		}
		sv.commit()
	}
}

// laterOnly reports whether x and y, the meetings of e's sides in some
// slot (-1: none), are not both absent and are all requested after e.
func (sv *solver) laterOnly(e, x, y int32) bool {
	return (x >= 0 || y >= 0) &&
		(x < 0 || x > e) && (y < 0 || y > e)
}

// reason explains why request m is unplaced in the final schedule.
func (sv *solver) reason(m int32) Reason {
	cs := sv.commonSlots(m)
	if len(cs) == 0 {
		return NoCommonSlot
	}
	if !sv.room(m) {
		return AtMaximum
	}
	a, b := int(sv.from[m])*sv.nS, int(sv.to[m])*sv.nS
	allA, allB := true, true
	for _, s := range cs {
		busyA, busyB := sv.busy[a+int(s)] >= 0, sv.busy[b+int(s)] >= 0
		if !busyA && !busyB {
			return NoFreeTable
		}
		allA = allA && busyA
		allB = allB && busyB
	}
	switch {
	case allA && !allB:
		return RequesterBusy
	case allB && !allA:
		return InviteeBusy
	default:
		return BothBusy
	}
}
