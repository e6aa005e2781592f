package schedule

import "math"

// The upper bound is the least of several relaxations of the problem:
// each drops or loosens some rule, so every schedule is also a solution of
// it, and its optimum, solved exactly or approached from above, is at least
// the best schedule's size.
//
//   - Per person: each participant's own meetings, each allowed in its
//     common slots, at most one per slot, is a bipartite matching. A
//     schedule places every meeting for both of its sides, so it places at
//     most half the sum of those matchings.
//   - Per slot: a slot holds at most its tables, and at most half the
//     people who could meet in it.
//   - Flow: when some slot has fewer tables than half the people who could
//     meet in it, the two above combine in one flow network. Each meeting
//     is two halves, one per side; a half goes through its side's (person,
//     slot) node, which passes one unit, into the slot, which passes two
//     units per table. Every schedule is a flow of twice its size.
//   - Lagrange: the linear programme "x[m][s] >= 0, at most 1 per request,
//     per person and slot, and tables per slot" also requires both halves
//     of a meeting to share a slot, which the above do not. Any prices
//     lambda[p][s] >= 0 on person-slots and w[s] >= 0 on slots give the
//     bound sum(lambda) + sum(tables*w) + sum over requests of
//     max(0, 1 - min over common slots of lambda[a][s]+lambda[b][s]+w[s]),
//     because a placed meeting either pays for itself or is paid for by
//     prices of resources it uses, each used at most to capacity.
//     Subgradient steps, started from the per-person covers, lower those
//     prices. The prices are fixed-point integers, so the sum is exact.
//
// The last two only run while the cheaper bounds sit above what the
// solver placed. The Lagrange steps stop once they reach it (then the
// schedule is known to be the best possible), or when a trial of steps has
// not beaten the cheaper bounds.

const (
	// unit is 1 in the fixed-point prices of the Lagrange bound.
	unit = 1 << 20
	// lagrangeSteps caps the subgradient steps; lagrangeWork caps them
	// further on large events, counted in price and request visits.
	lagrangeSteps = 300
	lagrangeWork  = 50_000_000
	// lagrangeTrial is how many steps the prices get to beat the cheaper
	// bounds before the search gives up; on large sparse events they
	// rarely do, on small dense ones they do within a few dozen.
	lagrangeTrial = 30
)

// upperBound returns a number of meetings no schedule of p can exceed. It
// stops tightening once it reaches placed, a number some schedule achieves.
func upperBound(p *problem, placed int) int {
	nS := p.nS
	// A request is live when it has a common slot with a table.
	withCommon := 0
	live := make([]bool, len(p.from))
	for m := range p.from {
		for _, s := range p.commonSlots(int32(m)) {
			if p.tables[s] > 0 {
				live[m] = true
				withCommon++
				break
			}
		}
	}

	// Per person: Kuhn's augmenting paths between the person's requests
	// and slots; degrees and slot counts are small, so this is fast.
	matchOf := make([]int32, nS) // the request (local index) holding slot s
	seen := make([]int32, nS)
	stamp := int32(0)
	var mine []int32
	var try func(i int32) bool
	try = func(i int32) bool {
		for _, s := range p.commonSlots(mine[i]) {
			if p.tables[s] == 0 || seen[s] == stamp {
				continue
			}
			seen[s] = stamp
			if matchOf[s] < 0 || try(matchOf[s]) {
				matchOf[s] = i
				return true
			}
		}
		return false
	}
	// The minimum vertex cover of each person's matching problem (König:
	// the slots reachable by alternating paths from unmatched requests)
	// gives starting prices of one half on the cover's slots, whose
	// Lagrange bound is at most the per-person bound.
	lambda := make([]int64, p.nP*nS)
	var q int
	var reach func(i int32)
	reach = func(i int32) {
		for _, s := range p.commonSlots(mine[i]) {
			if p.tables[s] == 0 || seen[s] == stamp {
				continue
			}
			seen[s] = stamp
			lambda[q*nS+int(s)] = unit / 2
			if matchOf[s] >= 0 {
				reach(matchOf[s])
			}
		}
	}
	// people[s] counts the participants who could meet in slot s.
	people := make([]int32, nS)
	personSum := 0
	var matched []bool
	for q = range p.nP {
		mine = mine[:0]
		for _, m := range p.requestsOf(int32(q)) {
			if live[m] {
				mine = append(mine, m)
			}
		}
		for s := range matchOf {
			matchOf[s] = -1
		}
		// Kuhn's algorithm never unmatches a matched request.
		matched = matched[:0]
		got := int32(0)
		for i := range mine {
			stamp++
			ok := try(int32(i))
			matched = append(matched, ok)
			if ok {
				got++
			}
		}
		// Nobody meets more than their maximum, whatever the slots allow.
		personSum += int(min(got, p.limit[q]))
		stamp++
		for i, ok := range matched {
			if !ok {
				reach(int32(i))
			}
		}

		stamp++
		for _, m := range mine {
			for _, s := range p.commonSlots(m) {
				if seen[s] != stamp {
					seen[s] = stamp
					people[s]++
				}
			}
		}
	}

	slotSum, tablesBind := 0, false
	for s := range nS {
		slotSum += int(min(p.tables[s], people[s]/2))
		if p.tables[s] > 0 && 2*p.tables[s] < people[s] {
			tablesBind = true
		}
	}
	bound := min(withCommon, personSum/2, slotSum)
	if bound > placed && tablesBind {
		bound = min(bound, flowBound(p, live)/2)
	}
	if bound > placed {
		bound = min(bound, lagrange(p, live, lambda, placed, bound))
	}
	return bound
}

// lagrange lowers the prices lambda (per person and slot, in units) and
// prices per slot by subgradient steps, and returns the least bound they
// gave. The steps follow a smoothed subgradient (an average of recent
// ones, as in the volume algorithm), split requests evenly between
// equally cheap slots, and aim at placed, a number some schedule reaches.
// They give up after lagrangeTrial steps that do not get below cheap, the
// least of the cheaper bounds.
func lagrange(p *problem, live []bool, lambda []int64, placed, cheap int) int {
	nS := p.nS
	steps := min(lagrangeSteps, lagrangeWork/(len(p.common)+4*len(lambda)+1))
	w := make([]int64, nS)
	// use and useS count how many requests would take each person-slot and
	// slot at the current prices; avg and avgS smooth them over the steps.
	use := make([]float64, len(lambda))
	useS := make([]float64, nS)
	avg := make([]float64, len(lambda))
	avgS := make([]float64, nS)
	best := int64(math.MaxInt64)
	theta, sinceBest := 1.0, 0
	var cheapest []int32
	for step := range steps {
		var f int64
		for _, l := range lambda {
			f += l
		}
		for s := range w {
			f += int64(p.tables[s]) * w[s]
		}
		clear(use)
		clear(useS)
		for m := range p.from {
			if !live[m] {
				continue
			}
			a, b := int(p.from[m])*nS, int(p.to[m])*nS
			low := int64(math.MaxInt64)
			cheapest = cheapest[:0]
			for _, s := range p.commonSlots(int32(m)) {
				if p.tables[s] == 0 {
					continue
				}
				switch v := lambda[a+int(s)] + lambda[b+int(s)] + w[s]; {
				case v < low:
					low = v
					cheapest = append(cheapest[:0], s)
				case v == low:
					cheapest = append(cheapest, s)
				}
			}
			if low >= unit {
				continue
			}
			f += unit - low
			share := 1 / float64(len(cheapest))
			for _, s := range cheapest {
				use[a+int(s)] += share
				use[b+int(s)] += share
				useS[s] += share
			}
		}
		if step == 0 {
			copy(avg, use)
			copy(avgS, useS)
		} else {
			for i := range avg {
				avg[i] = (avg[i] + use[i]) / 2
			}
			for s := range avgS {
				avgS[s] = (avgS[s] + useS[s]) / 2
			}
		}
		if f < best {
			best, sinceBest = f, 0
		} else if sinceBest++; sinceBest >= 5 {
			theta, sinceBest = theta/2, 0
		}
		if best/unit <= int64(placed) || step >= lagrangeTrial && best/unit >= int64(cheap) {
			break
		}

		// The subgradient is capacity minus use; a price at zero that
		// would only rise below zero stays out of the step.
		gap := float64(f)/unit - float64(placed)
		norm := 0.0
		for i, l := range lambda {
			if g := 1 - avg[i]; l > 0 || g < 0 {
				norm += g * g
			}
		}
		for s, l := range w {
			if g := float64(p.tables[s]) - avgS[s]; l > 0 || g < 0 {
				norm += g * g
			}
		}
		if norm == 0 {
			break
		}
		size := theta * gap / norm * unit
		for i, l := range lambda {
			if g := 1 - avg[i]; l > 0 || g < 0 {
				lambda[i] = lower(l, size*g)
			}
		}
		for s, l := range w {
			if g := float64(p.tables[s]) - avgS[s]; l > 0 || g < 0 {
				w[s] = lower(l, size*g)
			}
		}
	}
	return int(best / unit)
}

// lower returns the price l lowered by d units, kept within [0, unit]: a
// price above one never helps, and the bound is valid for any prices in
// range, so rounding and clamping cannot make it wrong.
func lower(l int64, d float64) int64 {
	d = math.Max(-unit, math.Min(unit, d))
	return min(unit, max(0, l-int64(d)))
}

// flowBound returns the maximum flow of the network described above, in
// half meetings.
func flowBound(p *problem, live []bool) int {
	const source, sink = 0, 1
	var g flow
	nodes := int32(2)
	slotNode := make([]int32, p.nS)
	for s := range slotNode {
		slotNode[s] = nodes
		nodes++
	}
	personSlot := make([]int32, p.nP*p.nS) // node of (person, slot), 0 = none yet
	var edges [][3]int32
	for m := range p.from {
		if !live[m] {
			continue
		}
		for _, side := range [2]int32{p.from[m], p.to[m]} {
			half := nodes
			nodes++
			edges = append(edges, [3]int32{source, half, 1})
			for _, s := range p.commonSlots(int32(m)) {
				if p.tables[s] == 0 {
					continue
				}
				k := int(side)*p.nS + int(s)
				if personSlot[k] == 0 {
					personSlot[k] = nodes
					nodes++
					edges = append(edges, [3]int32{nodes - 1, slotNode[s], 1})
				}
				edges = append(edges, [3]int32{half, personSlot[k], 1})
			}
		}
	}
	for s := range p.nS {
		edges = append(edges, [3]int32{slotNode[s], sink, 2 * p.tables[s]})
	}
	g.init(int(nodes), len(edges))
	for _, e := range edges {
		g.add(e[0], e[1], e[2])
	}
	return g.max(source, sink)
}

// flow is a Dinic maximum-flow network with int32 arrays.
type flow struct {
	head, next, to, cap []int32
	level, iter, queue  []int32
}

func (g *flow) init(nodes, edges int) {
	g.head = make([]int32, nodes)
	for i := range g.head {
		g.head[i] = -1
	}
	g.next = make([]int32, 0, 2*edges)
	g.to = make([]int32, 0, 2*edges)
	g.cap = make([]int32, 0, 2*edges)
	g.level = make([]int32, nodes)
	g.iter = make([]int32, nodes)
	g.queue = make([]int32, 0, nodes)
}

// add adds an edge and its residual twin; edge e's twin is e^1.
func (g *flow) add(u, v, c int32) {
	g.to = append(g.to, v, u)
	g.cap = append(g.cap, c, 0)
	g.next = append(g.next, g.head[u], g.head[v])
	g.head[u] = int32(len(g.to) - 2)
	g.head[v] = int32(len(g.to) - 1)
}

func (g *flow) max(s, t int32) int {
	total := 0
	for g.bfs(s, t) {
		copy(g.iter, g.head)
		for {
			f := g.dfs(s, t, 1<<30)
			if f == 0 {
				break
			}
			total += int(f)
		}
	}
	return total
}

func (g *flow) bfs(s, t int32) bool {
	for i := range g.level {
		g.level[i] = -1
	}
	g.level[s] = 0
	g.queue = append(g.queue[:0], s)
	for i := 0; i < len(g.queue); i++ {
		u := g.queue[i]
		for e := g.head[u]; e >= 0; e = g.next[e] {
			if v := g.to[e]; g.cap[e] > 0 && g.level[v] < 0 {
				g.level[v] = g.level[u] + 1
				g.queue = append(g.queue, v)
			}
		}
	}
	return g.level[t] >= 0
}

// dfs pushes one augmenting path along increasing levels; its recursion
// is as deep as the sink's level.
func (g *flow) dfs(u, t, f int32) int32 {
	if u == t {
		return f
	}
	for ; g.iter[u] >= 0; g.iter[u] = g.next[g.iter[u]] {
		e := g.iter[u]
		v := g.to[e]
		if g.cap[e] > 0 && g.level[v] == g.level[u]+1 {
			if d := g.dfs(v, t, min(f, g.cap[e])); d > 0 {
				g.cap[e] -= d
				g.cap[e^1] += d
				return d
			}
		}
	}
	return 0
}

var debugLagrange = false
