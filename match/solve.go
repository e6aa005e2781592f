package match

import (
	"fmt"
	"math"
	"runtime"
	"sync"
)

// An Algorithm names a matching rule; see the package documentation.
type Algorithm string

// The algorithms Solve knows.
const (
	DA   Algorithm = "da"
	JRMP Algorithm = "jrmp"
	FDA  Algorithm = "fda"
)

// Algorithms lists every algorithm, in the order they are documented.
var Algorithms = []Algorithm{DA, JRMP, FDA}

// ParseAlgorithm returns the algorithm named s, or an error listing the known ones.
func ParseAlgorithm(s string) (Algorithm, error) {
	for _, a := range Algorithms {
		if string(a) == s {
			return a, nil
		}
	}
	return "", fmt.Errorf("unknown algorithm %q (want da, jrmp or fda)", s)
}

// A Result is a matching and what it took to find it.
type Result struct {
	Algorithm Algorithm
	// Assignment holds each resident's hospital index, or -1 when unmatched.
	Assignment []int32
	Matched    int
	// Proposals counts the applications residents made to hospitals that
	// find them acceptable (one-sided entries of a list are never proposed to).
	Proposals int64

	prep *Prepared
	// Built on first use by Refusals or Intake: the residents placed at
	// each hospital and the rank of the worst, the number placed in each
	// region, and each hospital's first region (-1 for none).
	once             sync.Once
	intake           [][]int32
	worstHeld        []int32
	regionPlaced     []int
	regionOfHospital []int32
}

// Instance returns the instance the result was solved for.
func (res *Result) Instance() *Instance { return res.prep.inst }

// Solve validates inst and matches it with alg. It is deterministic: the
// same instance and algorithm always give the same result. To solve one
// instance with several algorithms, Prepare it once and call Prepared.Solve.
func Solve(inst *Instance, alg Algorithm) (*Result, error) {
	if err := inst.Validate(); err != nil {
		return nil, err
	}
	p, err := Prepare(inst)
	if err != nil {
		return nil, err
	}
	return p.Solve(alg)
}

// A Prepared instance carries the index the solvers share: each resident's
// mutually acceptable choices with the resident's rank at that hospital,
// targets, and group-quota shares. It is read-only once built, so several
// goroutines may solve it at once.
type Prepared struct {
	inst *Instance
	// Resident r's choices are arcs[start[r]:start[r+1]-1], followed by a
	// sentinel arc {h: -1, rank: r}.
	start []int32
	arcs  []arc
	// targets is every hospital's target (see Targets).
	targets []int32
	// cells[cellStart[h]:cellStart[h+1]] are hospital h's group shares.
	cellStart []int32
	cells     []groupCell
	// group is each resident's index among the groups that have a quota, or -1.
	group      []int32
	groupNames []string
	// applicants counts each hospital's mutually acceptable applicants: no
	// hospital can hold more, which bounds the room its heaps need.
	applicants []int32
	// disjoint is nil when no hospital is in two regions, as FDA requires.
	disjoint error
}

// An arc is one mutually acceptable choice of a resident.
type arc struct {
	h    int32 // hospital, or -1 for the sentinel ending a resident's choices
	rank int32 // the resident's position in the hospital's prefs (the resident, in a sentinel)
}

// choices returns resident r's mutually acceptable choices, best first.
func (p *Prepared) choices(r int32) []arc { return p.arcs[p.start[r] : p.start[r+1]-1] }

// A groupCell is a hospital's share of the quotas of one group.
type groupCell struct {
	group int32
	share int32
}

// Prepare builds the solvers' index for inst, which must be valid (as
// ReadInstance returns it, or after Validate). It takes time and memory
// linear in the total length of the preference lists.
func Prepare(inst *Instance) (*Prepared, error) {
	n, m := len(inst.Residents), len(inst.Hospitals)
	// Room for every preference and a sentinel after each resident's.
	total := int64(n)
	for i := range inst.Residents {
		total += int64(len(inst.Residents[i].Prefs))
	}
	if total > math.MaxInt32 {
		return nil, fmt.Errorf("instance too large: %d preferences (at most %d)", total-int64(n), math.MaxInt32-n)
	}
	p := &Prepared{inst: inst, start: make([]int32, n+1), arcs: make([]arc, total)}
	adviseHugePages(p.arcs)

	rankArcs(inst, p.arcs, workers(total))
	slot := int32(0)
	// Drop one-sided entries in place, order kept, and end each resident's
	// choices with a sentinel naming the resident.
	w := int32(0)
	slot = 0
	for i := range inst.Residents {
		p.start[i] = w
		for range inst.Residents[i].Prefs {
			if a := p.arcs[slot]; a.rank >= 0 {
				p.arcs[w] = a
				w++
			}
			slot++
		}
		slot++
		p.arcs[w] = arc{h: -1, rank: int32(i)}
		w++
	}
	p.start[n] = w
	p.arcs = p.arcs[:w:w]
	p.applicants = make([]int32, m)
	for _, a := range p.arcs {
		if a.h >= 0 {
			p.applicants[a.h]++
		}
	}

	p.targets = Targets(inst)
	p.prepareGroups()
	p.disjoint = checkDisjoint(inst)
	return p, nil
}

// workers is how many goroutines share the preparation of work of the given
// size: one for small instances, where starting them costs more than it saves.
func workers(size int64) int {
	if size < 1<<20 {
		return 1
	}
	return min(runtime.GOMAXPROCS(0), 4)
}

// rankArcs writes every resident's choices into arcs, each followed by a
// free slot, with the resident's rank at the hospital (-1 where the
// hospital does not list it). It groups the applications by hospital, then
// marks each hospital's ranking of residents in a scratch array and reads
// off each application's rank: linear time, whatever the lengths of the
// lists. The residents, then the hospitals, are split among the workers;
// the result does not depend on how.
func rankArcs(inst *Instance, arcs []arc, nw int) {
	n, m := len(inst.Residents), len(inst.Hospitals)
	// Part w of the residents is [bound[w], bound[w+1]), starting at slot base[w].
	bound := make([]int, nw+1)
	base := make([]int32, nw+1)
	for w := 1; w <= nw; w++ {
		bound[w] = n * w / nw
		base[w] = base[w-1]
		for i := bound[w-1]; i < bound[w]; i++ {
			base[w] += int32(len(inst.Residents[i].Prefs)) + 1
		}
	}
	// Count the applications of each part to each hospital, then give each
	// part its place in each hospital's group: parts in order.
	fill := make([][]int32, nw)
	parallel(nw, func(w int) {
		counts := make([]int32, m)
		for i := bound[w]; i < bound[w+1]; i++ {
			for _, h := range inst.Residents[i].Prefs {
				counts[h]++
			}
		}
		fill[w] = counts
	})
	appStart := make([]int32, m+1)
	for h := range m {
		pos := appStart[h]
		for w := range nw {
			c := fill[w][h]
			fill[w][h] = pos
			pos += c
		}
		appStart[h+1] = pos
	}
	type application struct{ r, slot int32 }
	apps := make([]application, appStart[m])
	adviseHugePages(apps)
	parallel(nw, func(w int) {
		next := fill[w]
		slot := base[w]
		for i := bound[w]; i < bound[w+1]; i++ {
			for _, h := range inst.Residents[i].Prefs {
				apps[next[h]] = application{int32(i), slot}
				next[h]++
				arcs[slot] = arc{h: h, rank: -1}
				slot++
			}
			slot++ // the sentinel's place
		}
	})
	// Hospitals in parts of about equal numbers of applications.
	hb := make([]int, nw+1)
	for w, h := 1, 0; w <= nw; w++ {
		for h < m && int64(appStart[h]) < int64(appStart[m])*int64(w)/int64(nw) {
			h++
		}
		hb[w] = h
	}
	hb[nw] = m
	parallel(nw, func(w int) {
		rankOf := make([]int32, n)
		for i := range rankOf {
			rankOf[i] = -1
		}
		for h := hb[w]; h < hb[w+1]; h++ {
			prefs := inst.Hospitals[h].Prefs
			for k, r := range prefs {
				rankOf[r] = int32(k)
			}
			for _, a := range apps[appStart[h]:appStart[h+1]] {
				arcs[a.slot].rank = rankOf[a.r]
			}
			for _, r := range prefs {
				rankOf[r] = -1
			}
		}
	})
}

// parallel runs f(0) ... f(n-1) at once and waits for them all.
func parallel(n int, f func(w int)) {
	if n == 1 {
		f(0)
		return
	}
	var wg sync.WaitGroup
	for w := range n {
		wg.Go(func() { f(w) })
	}
	wg.Wait()
}

// prepareGroups splits every group quota over its hospitals and keeps, per
// hospital and group, the smallest share.
func (p *Prepared) prepareGroups() {
	inst := p.inst
	m := len(inst.Hospitals)
	p.cellStart = make([]int32, m+1)
	p.group = make([]int32, len(inst.Residents))
	for i := range p.group {
		p.group[i] = -1
	}
	if len(inst.GroupQuotas) == 0 {
		return
	}
	groups := map[string]int32{}
	perHospital := make([][]groupCell, m)
	for qi := range inst.GroupQuotas {
		q := &inst.GroupQuotas[qi]
		g, ok := groups[q.Group]
		if !ok {
			g = int32(len(groups))
			groups[q.Group] = g
			p.groupNames = append(p.groupNames, q.Group)
		}
		shares := GroupShares(inst, q)
	next:
		for j, h := range q.Hospitals {
			for k := range perHospital[h] {
				if c := &perHospital[h][k]; c.group == g {
					c.share = min(c.share, shares[j])
					continue next
				}
			}
			perHospital[h] = append(perHospital[h], groupCell{group: g, share: shares[j]})
		}
	}
	for h := range m {
		p.cellStart[h+1] = p.cellStart[h] + int32(len(perHospital[h]))
		p.cells = append(p.cells, perHospital[h]...)
	}
	for i := range inst.Residents {
		if g, ok := groups[inst.Residents[i].Group]; ok && inst.Residents[i].Group != "" {
			p.group[i] = g
		}
	}
}

func checkDisjoint(inst *Instance) error {
	if len(inst.Regions) == 0 {
		return nil
	}
	owner := make([]int32, len(inst.Hospitals)) // region index + 1, or 0
	for i, g := range inst.Regions {
		for _, h := range g.Hospitals {
			if j := int(owner[h]) - 1; j >= 0 {
				return fmt.Errorf("%s: hospital %q is also in %s; flexible deferred acceptance needs disjoint regions",
					where("regions", i, g.ID), inst.Hospitals[h].ID, where("regions", j, inst.Regions[j].ID))
			}
			owner[h] = int32(i + 1)
		}
	}
	return nil
}

// Solve matches the prepared instance with alg.
func (p *Prepared) Solve(alg Algorithm) (*Result, error) {
	s, err := p.newSolver(alg)
	if err != nil {
		return nil, err
	}
	if s.plain {
		s.runPlain()
	} else {
		s.run()
	}
	return s.result(alg), nil
}

// In a solve, hospitals hold entries rank<<32 | arc: comparing entries
// compares the residents' ranks at the hospital, and the arc says both who
// the resident is and where its next choice is (arc+1).

// A hospital's record in the solver's slab is a header, cap<<32 | count,
// followed by room for its held entries, a max-heap with the worst first.
// Keeping them together makes an acceptance cost one cache miss, not two.
// hinfo is the rest of a hospital's state, used with regions and quotas.
type hinfo struct {
	target       int32
	region, pos  int32 // FDA region and turn position in it, or -1
	cell0, cell1 int32 // range of cells
}

// cstate is a hospital's held residents of one group with a share there.
type cstate struct {
	group, share, count, off int32
}

// rstate is an FDA region during a solve. Its hospitals form a max-heap in
// rheap[off:off+size] by key = extra*size + pos, where extra is how many
// residents a hospital holds beyond its target: the top is the hospital that
// took the last seat handed out by the round-robin, the first to give one up.
type rstate struct {
	cap, total, off, size int32
}

type solver struct {
	p     *Prepared
	plain bool // no regions and no group cells: the fast loop applies
	// thresh is, for a full hospital, the rank of its worst held resident,
	// and for any other the largest rank: a resident ranked there or below
	// is refused outright. Four bytes a hospital keep the test that decides
	// most proposals in cache.
	thresh    []int32
	off       []int32 // each hospital's record in slab
	slab      []uint64
	hx        []hinfo
	plainAt   []bool // hospitals in no binding region and with no cells
	proposals int64
	// arcGroup is the group of each arc's resident, when quotas apply.
	arcGroup []int32
	cs       []cstate
	cheap    []uint64
	rs       []rstate
	rheap    []int32 // hospitals
	rpos     []int32 // index of a hospital in rheap
	rkey     []int64
}

func (p *Prepared) newSolver(alg Algorithm) (*solver, error) {
	inst := p.inst
	m := len(inst.Hospitals)
	switch alg {
	case DA, JRMP:
	case FDA:
		if p.disjoint != nil {
			return nil, p.disjoint
		}
	default:
		_, err := ParseAlgorithm(string(alg))
		return nil, err
	}
	useGroups := alg != DA && len(p.cells) > 0
	// A region whose cap is not below its seats never binds: its choice is
	// each hospital's own, so FDA can leave it out.
	binding := make([]bool, len(inst.Regions))
	useRegions := false
	if alg == FDA {
		for i, g := range inst.Regions {
			var seats int64
			for _, h := range g.Hospitals {
				seats += int64(inst.Hospitals[h].Capacity)
			}
			binding[i] = int64(g.Cap) < seats
			useRegions = useRegions || binding[i]
		}
	}
	s := &solver{p: p, plain: !useGroups && !useRegions, thresh: make([]int32, m), off: make([]int32, m)}
	if !s.plain {
		s.hx = make([]hinfo, m)
	}
	var room int64
	for h := range m {
		capacity := int32(inst.Hospitals[h].Capacity)
		if alg == JRMP {
			capacity = p.targets[h]
		}
		s.off[h] = int32(room)
		// A hospital never holds more residents than apply to it.
		room += 1 + int64(min(capacity, p.applicants[h]))
		s.thresh[h] = math.MaxInt32
		if capacity == 0 {
			s.thresh[h] = -1
		}
		if !s.plain {
			s.hx[h] = hinfo{target: p.targets[h], region: -1, pos: -1}
			if useGroups {
				s.hx[h].cell0, s.hx[h].cell1 = p.cellStart[h], p.cellStart[h+1]
			}
		}
	}
	if room > math.MaxInt32 {
		return nil, fmt.Errorf("instance too large: %d seats and hospitals", room)
	}
	if !s.plain {
		s.plainAt = make([]bool, m)
		for h := range m {
			s.plainAt[h] = s.hx[h].cell0 == s.hx[h].cell1
		}
	}
	s.slab = make([]uint64, room)
	adviseHugePages(s.slab)
	for h := range m {
		capacity := uint64(inst.Hospitals[h].Capacity)
		if alg == JRMP {
			capacity = uint64(p.targets[h])
		}
		s.slab[s.off[h]] = capacity << 32
	}
	if useGroups {
		s.arcGroup = make([]int32, len(p.arcs))
		adviseHugePages(s.arcGroup)
		for r := range int32(len(inst.Residents)) {
			for k := p.start[r]; k < p.start[r+1]; k++ {
				s.arcGroup[k] = p.group[r]
			}
		}
		s.cs = make([]cstate, len(p.cells))
		room = 0
		for h := range m {
			for i := p.cellStart[h]; i < p.cellStart[h+1]; i++ {
				c := p.cells[i]
				s.cs[i] = cstate{group: c.group, share: c.share, off: int32(room)}
				room += int64(min(c.share, p.applicants[h]))
			}
		}
		s.cheap = make([]uint64, room)
	}
	if useRegions {
		s.rs = make([]rstate, len(inst.Regions))
		s.rpos = make([]int32, m)
		s.rkey = make([]int64, m)
		s.rheap = make([]int32, 0, m)
		off := int32(0)
		for i, g := range inst.Regions {
			if !binding[i] {
				continue
			}
			size := int32(len(g.Hospitals))
			s.rs[i] = rstate{cap: int32(g.Cap), off: off, size: size}
			for j, h := range g.Hospitals {
				s.hx[h].region, s.hx[h].pos = int32(i), int32(j)
				s.plainAt[h] = false
				s.rheap = append(s.rheap, h)
				s.rpos[h] = off + int32(j)
				s.rkey[h] = int64(j)
			}
			// Every key starts at pos (nobody is held yet).
			for j := size/2 - 1; j >= 0; j-- {
				s.regionDown(&s.rs[i], j)
			}
			off += size
		}
	}
	return s, nil
}

// runPlain is deferred acceptance with each hospital keeping its best
// applicants up to capacity. A chain of proposals starts from each resident
// and runs until someone is held without displacing anybody, or a list is
// exhausted. Several chains advance in turn, one proposal each: a proposal
// mostly waits on memory, and the next chain's loads, not depending on it,
// overlap the wait. The outcome of deferred acceptance does not depend on
// the order of proposals.
func (s *solver) runPlain() {
	const chains = 8
	arcs, thresh, off, slab := s.p.arcs, s.thresh, s.off, s.slab
	starts := s.p.start[:len(s.p.start)-1]
	proposals := int64(0)
	var k [chains]int32
	active := 0
	for c := range chains {
		k[c] = -1
		if len(starts) > 0 {
			k[c], starts = starts[0], starts[1:]
			active++
		}
	}
	for active > 0 {
		for c := range chains {
			kc := k[c]
			if kc < 0 {
				continue
			}
			a := arcs[kc]
			if a.h >= 0 {
				proposals++
				if a.rank >= thresh[a.h] {
					k[c] = kc + 1 // refused by a full hospital (or one without seats)
					continue
				}
				e := uint64(a.rank)<<32 | uint64(kc)
				o := off[a.h]
				header := slab[o]
				count, capacity := uint32(header), uint32(header>>32)
				if count < capacity {
					held := slab[o+1 : o+2+int32(count)]
					heapPush(held, e)
					slab[o] = header + 1
					if count+1 == capacity {
						thresh[a.h] = int32(held[0] >> 32)
					}
				} else {
					held := slab[o+1 : o+1+int32(count)]
					w := held[0]
					held[0] = e
					heapDown(held, 0)
					thresh[a.h] = int32(held[0] >> 32)
					k[c] = next(w) // the displaced resident's next choice
					continue
				}
			}
			// The chain ends (held, or list exhausted): start the next resident.
			if len(starts) > 0 {
				k[c], starts = starts[0], starts[1:]
			} else {
				k[c] = -1
				active--
			}
		}
	}
	s.proposals = proposals
}

// run is deferred acceptance with group shares and FDA regions, its chains
// interleaved as in runPlain. Hospitals without either take runPlain's path.
func (s *solver) run() {
	const chains = 8
	arcs, thresh, off, slab, plainAt := s.p.arcs, s.thresh, s.off, s.slab, s.plainAt
	starts := s.p.start[:len(s.p.start)-1]
	proposals := int64(0)
	var k [chains]int32
	active := 0
	for c := range chains {
		k[c] = -1
		if len(starts) > 0 {
			k[c], starts = starts[0], starts[1:]
			active++
		}
	}
	for active > 0 {
		for c := range chains {
			kc := k[c]
			if kc < 0 {
				continue
			}
			a := arcs[kc]
			if a.h >= 0 {
				proposals++
				if a.rank >= thresh[a.h] {
					k[c] = kc + 1 // refused by a full hospital, whatever its region or quotas
					continue
				}
				e := uint64(a.rank)<<32 | uint64(kc)
				if !plainAt[a.h] {
					if kn := s.propose(a.h, e); kn >= 0 {
						k[c] = kn
						continue
					}
				} else {
					o := off[a.h]
					header := slab[o]
					count, capacity := uint32(header), uint32(header>>32)
					if count < capacity {
						held := slab[o+1 : o+2+int32(count)]
						heapPush(held, e)
						slab[o] = header + 1
						if count+1 == capacity {
							thresh[a.h] = int32(held[0] >> 32)
						}
					} else {
						held := slab[o+1 : o+1+int32(count)]
						w := held[0]
						held[0] = e
						heapDown(held, 0)
						thresh[a.h] = int32(held[0] >> 32)
						k[c] = next(w)
						continue
					}
				}
			}
			// The chain ends (held, or list exhausted): start the next resident.
			if len(starts) > 0 {
				k[c], starts = starts[0], starts[1:]
			} else {
				k[c] = -1
				active--
			}
		}
	}
	s.proposals = proposals
}

// count returns the number of residents held at hospital h.
func (s *solver) count(h int32) int32 { return int32(uint32(s.slab[s.off[h]])) }

// capacity returns the seats of hospital h in this solve.
func (s *solver) capacity(h int32) int32 { return int32(s.slab[s.off[h]] >> 32) }

// held returns the heap of entries held at hospital h.
func (s *solver) held(h int32) []uint64 {
	o := s.off[h]
	return s.slab[o+1 : o+1+int32(uint32(s.slab[o]))]
}

// propose offers entry e to hospital h and returns the arc to propose next:
// the proposer's next choice if refused, the next choice of the resident it
// displaced, or -1.
func (s *solver) propose(h int32, e uint64) int32 {
	hx := &s.hx[h]
	var c *cstate
	if hx.cell0 < hx.cell1 {
		if g := s.arcGroup[uint32(e)]; g >= 0 {
			c = s.cell(hx, g)
		}
	}
	if c != nil && c.count >= c.share {
		// The group's share here is taken: e can only replace the worst of its group.
		if c.count == 0 || e > s.cheap[c.off] {
			return next(e)
		}
		w := s.cheap[c.off]
		s.cheap[c.off] = e
		heapDown(s.cheap[c.off:c.off+c.count], 0)
		s.swapEntry(h, w, e)
		return next(w)
	}
	count := s.count(h)
	if count >= s.capacity(h) {
		return s.replaceWorst(h, c, e)
	}
	if hx.region < 0 {
		s.add(h, c, e)
		return -1
	}
	rg := &s.rs[hx.region]
	if rg.total < rg.cap {
		s.add(h, c, e)
		rg.total++
		s.fixKey(h)
		return -1
	}
	// The region is full. Below its target a hospital always gets the seat;
	// above it, the seat goes to whichever of h's next extra seat and the
	// region's last-handed extra seat comes first in the round-robin.
	top := s.rheap[rg.off]
	if count >= hx.target {
		key := int64(count-hx.target+1)*int64(rg.size) + int64(hx.pos)
		if key > s.rkey[top] {
			// A full region stays full and its largest key never grows, so
			// h cannot grow until it gives up a seat (removeWorst reopens
			// it): until then it refuses whoever ranks below its worst.
			k := s.replaceWorst(h, c, e)
			s.close(h)
			return k
		}
	}
	w := s.removeWorst(top)
	s.fixKey(top)
	s.add(h, c, e)
	s.fixKey(h)
	return next(w)
}

// next returns the arc after the one in entry e.
func next(e uint64) int32 { return int32(uint32(e)) + 1 }

func (s *solver) cell(hx *hinfo, g int32) *cstate {
	for i := hx.cell0; i < hx.cell1; i++ {
		if s.cs[i].group == g {
			return &s.cs[i]
		}
	}
	return nil
}

// add holds entry e at hospital h (and in cell c, if any).
func (s *solver) add(h int32, c *cstate, e uint64) {
	o := s.off[h]
	count := int32(uint32(s.slab[o])) + 1
	s.slab[o]++
	held := s.slab[o+1 : o+1+count]
	heapPush(held, e)
	if count == s.capacity(h) {
		s.thresh[h] = int32(held[0] >> 32)
	}
	if c != nil {
		heapPush(s.cheap[c.off:c.off+c.count+1], e)
		c.count++
	}
}

// replaceWorst keeps entry e at a hospital that cannot grow, in place of its
// worst resident if e ranks higher, and returns the arc to propose next.
func (s *solver) replaceWorst(h int32, c *cstate, e uint64) int32 {
	held := s.held(h)
	if len(held) == 0 || e > held[0] {
		return next(e)
	}
	w := held[0]
	held[0] = e
	heapDown(held, 0)
	if s.thresh[h] != math.MaxInt32 || int32(len(held)) == s.capacity(h) {
		s.close(h)
	}
	s.leaveCell(h, w)
	if c != nil {
		heapPush(s.cheap[c.off:c.off+c.count+1], e)
		c.count++
	}
	return next(w)
}

// removeWorst drops the worst resident held at hospital h, the top of its
// full region, and returns its entry. h can never grow again: its next extra
// seat would have the key it just lost, the region's largest, and a full
// region's largest key only falls. So h is closed at its new worst.
func (s *solver) removeWorst(h int32) uint64 {
	held := s.held(h)
	w := held[0]
	last := len(held) - 1
	held[0] = held[last]
	heapDown(held[:last], 0)
	s.slab[s.off[h]]--
	s.close(h)
	s.leaveCell(h, w)
	return w
}

// leaveCell removes entry w, the worst held at hospital h, from its group's
// cell: being the worst of all, it is the worst of its group too.
func (s *solver) leaveCell(h int32, w uint64) {
	hx := &s.hx[h]
	if hx.cell0 == hx.cell1 {
		return
	}
	g := s.arcGroup[uint32(w)]
	if g < 0 {
		return
	}
	if c := s.cell(hx, g); c != nil {
		c.count--
		s.cheap[c.off] = s.cheap[c.off+c.count]
		heapDown(s.cheap[c.off:c.off+c.count], 0)
	}
}

// swapEntry replaces entry old, held at hospital h, by the better entry e.
func (s *solver) swapEntry(h int32, old, e uint64) {
	held := s.held(h)
	for i, x := range held {
		if x == old {
			held[i] = e
			heapDown(held, i)
			break
		}
	}
	if s.thresh[h] != math.MaxInt32 || int32(len(held)) == s.capacity(h) {
		s.close(h)
	}
}

// close makes hospital h, which cannot grow, refuse outright whoever it
// ranks at or below its worst.
func (s *solver) close(h int32) {
	if held := s.held(h); len(held) > 0 {
		s.thresh[h] = int32(held[0] >> 32)
	} else {
		s.thresh[h] = -1
	}
}

// fixKey restores the region heap after hospital h's count changed.
func (s *solver) fixKey(h int32) {
	hx := &s.hx[h]
	rg := &s.rs[hx.region]
	key := int64(max(s.count(h)-hx.target, 0))*int64(rg.size) + int64(hx.pos)
	old := s.rkey[h]
	if key == old {
		return
	}
	s.rkey[h] = key
	i := s.rpos[h] - rg.off
	if key > old {
		s.regionUp(rg, i)
	} else {
		s.regionDown(rg, i)
	}
}

func (s *solver) regionUp(rg *rstate, i int32) {
	heap := s.rheap[rg.off : rg.off+rg.size]
	for i > 0 {
		parent := (i - 1) / 2
		if s.rkey[heap[parent]] >= s.rkey[heap[i]] {
			break
		}
		s.regionSwap(rg, heap, i, parent)
		i = parent
	}
}

func (s *solver) regionDown(rg *rstate, i int32) {
	heap := s.rheap[rg.off : rg.off+rg.size]
	n := int32(len(heap))
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		big := l
		if r := l + 1; r < n && s.rkey[heap[r]] > s.rkey[heap[l]] {
			big = r
		}
		if s.rkey[heap[i]] >= s.rkey[heap[big]] {
			return
		}
		s.regionSwap(rg, heap, i, big)
		i = big
	}
}

func (s *solver) regionSwap(rg *rstate, heap []int32, i, j int32) {
	heap[i], heap[j] = heap[j], heap[i]
	s.rpos[heap[i]] = rg.off + i
	s.rpos[heap[j]] = rg.off + j
}

// heapPush adds the last element of h to the max-heap h[:len(h)-1].
func heapPush(h []uint64, e uint64) {
	i := len(h) - 1
	for i > 0 {
		parent := (i - 1) / 2
		if h[parent] >= e {
			break
		}
		h[i] = h[parent]
		i = parent
	}
	h[i] = e
}

// heapDown restores the max-heap h after h[i] decreased.
func heapDown(h []uint64, i int) {
	n := len(h)
	if i >= n {
		return
	}
	e := h[i]
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		big := l
		if r := l + 1; r < n && h[r] > h[l] {
			big = r
		}
		if e >= h[big] {
			break
		}
		h[i] = h[big]
		i = big
	}
	h[i] = e
}

func (s *solver) result(alg Algorithm) *Result {
	p := s.p
	res := &Result{Algorithm: alg, Assignment: make([]int32, len(p.inst.Residents)), Proposals: s.proposals, prep: p}
	for i := range res.Assignment {
		res.Assignment[i] = -1
	}
	// Mark the arcs held, then read each resident's choices in order: a
	// sequential scan, where finding each arc's owner would be a cache miss.
	held := make([]uint64, (len(p.arcs)+63)/64)
	for h := range int32(len(s.off)) {
		for _, e := range s.held(h) {
			k := uint32(e)
			held[k/64] |= 1 << (k % 64)
		}
		res.Matched += int(s.count(h))
	}
	for r := range res.Assignment {
		for k := p.start[r]; k < p.start[r+1]-1; k++ {
			if held[k/64]&(1<<(k%64)) != 0 {
				res.Assignment[r] = p.arcs[k].h
				break
			}
		}
	}
	return res
}
