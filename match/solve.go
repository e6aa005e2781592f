package match

import (
	"fmt"
	"math"
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

	prep   *Prepared
	once   sync.Once
	intake [][]int32 // residents placed at each hospital, built on first use
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
	inst  *Instance
	start []int32 // resident r's choices are arcs[start[r]:start[r+1]]
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
	h    int32 // hospital
	rank int32 // the resident's position in the hospital's prefs
}

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
	var total int64
	for i := range inst.Residents {
		total += int64(len(inst.Residents[i].Prefs))
	}
	if total > math.MaxInt32 {
		return nil, fmt.Errorf("instance too large: %d preferences (at most %d)", total, math.MaxInt32)
	}
	p := &Prepared{inst: inst, start: make([]int32, n+1), arcs: make([]arc, total)}

	// Group every application by hospital, then mark each hospital's ranking
	// of residents in a scratch array and read off each application's rank:
	// linear time, whatever the lengths of the lists.
	appStart := make([]int32, m+1)
	for i := range inst.Residents {
		for _, h := range inst.Residents[i].Prefs {
			appStart[h+1]++
		}
	}
	for h := range m {
		appStart[h+1] += appStart[h]
	}
	type application struct{ r, slot int32 }
	apps := make([]application, total)
	fill := make([]int32, m)
	copy(fill, appStart[:m])
	slot := int32(0)
	for i := range inst.Residents {
		for _, h := range inst.Residents[i].Prefs {
			apps[fill[h]] = application{int32(i), slot}
			fill[h]++
			p.arcs[slot] = arc{h: h, rank: -1}
			slot++
		}
	}
	fill = nil
	rankOf := make([]int32, n)
	for i := range rankOf {
		rankOf[i] = -1
	}
	for h := range m {
		prefs := inst.Hospitals[h].Prefs
		for k, r := range prefs {
			rankOf[r] = int32(k)
		}
		for _, a := range apps[appStart[h]:appStart[h+1]] {
			p.arcs[a.slot].rank = rankOf[a.r]
		}
		for _, r := range prefs {
			rankOf[r] = -1
		}
	}
	apps = nil
	// Drop one-sided entries in place; order is kept.
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
	}
	p.start[n] = w
	p.arcs = p.arcs[:w:w]
	p.applicants = make([]int32, m)
	for _, a := range p.arcs {
		p.applicants[a.h]++
	}

	p.targets = Targets(inst)
	p.prepareGroups()
	p.disjoint = checkDisjoint(inst)
	return p, nil
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
	owner := make(map[int32]int, 0)
	for i, g := range inst.Regions {
		for _, h := range g.Hospitals {
			if j, ok := owner[h]; ok {
				return fmt.Errorf("%s: hospital %q is also in %s; flexible deferred acceptance needs disjoint regions",
					where("regions", i, g.ID), inst.Hospitals[h].ID, where("regions", j, inst.Regions[j].ID))
			}
			owner[h] = i
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

// hstate is a hospital's state during a solve. Its held residents form a
// max-heap, worst first, in heap[off:off+count]; an entry is
// rank<<32 | resident, so comparing entries compares ranks.
type hstate struct {
	cap, count, off int32
	target          int32
	region, pos     int32 // FDA region and turn position in it, or -1
	cell0, cell1    int32 // range of cells
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
	next  []int32
	hs    []hstate
	heap  []uint64
	cs    []cstate
	cheap []uint64
	rs    []rstate
	rheap []int32 // hospitals
	rpos  []int32 // index of a hospital in rheap
	rkey  []int64
}

func (p *Prepared) newSolver(alg Algorithm) (*solver, error) {
	inst := p.inst
	m := len(inst.Hospitals)
	s := &solver{p: p, hs: make([]hstate, m)}
	s.next = make([]int32, len(inst.Residents))
	copy(s.next, p.start)
	useGroups := alg != DA && len(p.cells) > 0
	useRegions := alg == FDA && len(inst.Regions) > 0
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
	s.plain = !useGroups && !useRegions
	var seats int64
	for h := range m {
		st := &s.hs[h]
		st.cap = int32(inst.Hospitals[h].Capacity)
		if alg == JRMP {
			st.cap = p.targets[h]
		}
		st.target = p.targets[h]
		st.off = int32(seats)
		st.region, st.pos = -1, -1
		seats += int64(min(st.cap, p.applicants[h]))
		if useGroups {
			st.cell0, st.cell1 = p.cellStart[h], p.cellStart[h+1]
		}
	}
	s.heap = make([]uint64, seats)
	if useGroups {
		s.cs = make([]cstate, len(p.cells))
		var room int64
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
		off := int32(0)
		for i, g := range inst.Regions {
			size := int32(len(g.Hospitals))
			s.rs[i] = rstate{cap: int32(g.Cap), off: off, size: size}
			for j, h := range g.Hospitals {
				st := &s.hs[h]
				st.region, st.pos = int32(i), int32(j)
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
// applicants up to capacity. Each resident's chain of proposals runs until
// someone is held without displacing anybody, or a list is exhausted.
func (s *solver) runPlain() {
	start, arcs, next, hs, heap := s.p.start, s.p.arcs, s.next, s.hs, s.heap
	for r := range int32(len(next)) {
		cur := r
		for {
			k := next[cur]
			if k == start[cur+1] {
				break
			}
			next[cur] = k + 1
			a := arcs[k]
			st := &hs[a.h]
			e := uint64(a.rank)<<32 | uint64(cur)
			if st.count < st.cap {
				heapPush(heap[st.off:st.off+st.count+1], e)
				st.count++
				break
			}
			top := st.off
			if st.count == 0 || e > heap[top] {
				continue
			}
			w := heap[top]
			heap[top] = e
			heapDown(heap[top:top+st.count], 0)
			cur = int32(uint32(w))
		}
	}
}

// run is deferred acceptance with group shares and FDA regions.
func (s *solver) run() {
	start, arcs, next := s.p.start, s.p.arcs, s.next
	for r := range int32(len(next)) {
		for cur := r; cur >= 0; {
			k := next[cur]
			if k == start[cur+1] {
				break
			}
			next[cur] = k + 1
			a := arcs[k]
			cur = s.propose(cur, a.h, uint64(a.rank)<<32|uint64(cur))
		}
	}
}

// propose offers resident r (entry e) to hospital h and returns who must
// propose next: r if refused, the resident r displaced, or -1.
func (s *solver) propose(r, h int32, e uint64) int32 {
	st := &s.hs[h]
	var c *cstate
	if st.cell0 < st.cell1 {
		if g := s.p.group[r]; g >= 0 {
			c = s.cell(st, g)
		}
	}
	if c != nil && c.count >= c.share {
		// The group's share here is taken: r can only replace the worst of its group.
		if c.count == 0 || e > s.cheap[c.off] {
			return r
		}
		w := s.cheap[c.off]
		s.cheap[c.off] = e
		heapDown(s.cheap[c.off:c.off+c.count], 0)
		s.swapEntry(st, w, e)
		return int32(uint32(w))
	}
	if st.count >= st.cap {
		return s.replaceWorst(st, c, e, r)
	}
	if st.region < 0 {
		s.add(st, c, e)
		return -1
	}
	rg := &s.rs[st.region]
	if rg.total < rg.cap {
		s.add(st, c, e)
		rg.total++
		s.fixKey(h, st)
		return -1
	}
	// The region is full. Below its target a hospital always gets the seat;
	// above it, the seat goes to whichever of h's next extra seat and the
	// region's last-handed extra seat comes first in the round-robin.
	top := s.rheap[rg.off]
	if st.count >= st.target {
		key := int64(st.count-st.target+1)*int64(rg.size) + int64(st.pos)
		if key > s.rkey[top] {
			return s.replaceWorst(st, c, e, r)
		}
	}
	lt := &s.hs[top]
	w := s.removeWorst(lt)
	s.fixKey(top, lt)
	s.add(st, c, e)
	s.fixKey(h, st)
	return int32(uint32(w))
}

func (s *solver) cell(st *hstate, g int32) *cstate {
	for i := st.cell0; i < st.cell1; i++ {
		if s.cs[i].group == g {
			return &s.cs[i]
		}
	}
	return nil
}

// add holds entry e at hospital st (and in cell c, if any).
func (s *solver) add(st *hstate, c *cstate, e uint64) {
	heapPush(s.heap[st.off:st.off+st.count+1], e)
	st.count++
	if c != nil {
		heapPush(s.cheap[c.off:c.off+c.count+1], e)
		c.count++
	}
}

// replaceWorst keeps entry e at a hospital that cannot grow, in place of its
// worst resident if e ranks higher, and returns who is refused.
func (s *solver) replaceWorst(st *hstate, c *cstate, e uint64, r int32) int32 {
	top := st.off
	if st.count == 0 || e > s.heap[top] {
		return r
	}
	w := s.heap[top]
	s.heap[top] = e
	heapDown(s.heap[top:top+st.count], 0)
	s.leaveCell(st, w)
	if c != nil {
		heapPush(s.cheap[c.off:c.off+c.count+1], e)
		c.count++
	}
	return int32(uint32(w))
}

// removeWorst drops the worst resident held at st and returns its entry.
func (s *solver) removeWorst(st *hstate) uint64 {
	top := st.off
	w := s.heap[top]
	st.count--
	s.heap[top] = s.heap[top+st.count]
	heapDown(s.heap[top:top+st.count], 0)
	s.leaveCell(st, w)
	return w
}

// leaveCell removes entry w, the worst held at st, from its group's cell:
// being the worst of all, it is the worst of its group too.
func (s *solver) leaveCell(st *hstate, w uint64) {
	if st.cell0 == st.cell1 {
		return
	}
	g := s.p.group[int32(uint32(w))]
	if g < 0 {
		return
	}
	if c := s.cell(st, g); c != nil {
		c.count--
		s.cheap[c.off] = s.cheap[c.off+c.count]
		heapDown(s.cheap[c.off:c.off+c.count], 0)
	}
}

// swapEntry replaces entry old, held at st, by the better entry e.
func (s *solver) swapEntry(st *hstate, old, e uint64) {
	held := s.heap[st.off : st.off+st.count]
	for i, x := range held {
		if x == old {
			held[i] = e
			heapDown(held, i)
			return
		}
	}
}

// fixKey restores the region heap after hospital h's count changed.
func (s *solver) fixKey(h int32, st *hstate) {
	rg := &s.rs[st.region]
	key := int64(max(st.count-st.target, 0))*int64(rg.size) + int64(st.pos)
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
	res := &Result{Algorithm: alg, Assignment: make([]int32, len(s.next)), prep: s.p}
	for i := range res.Assignment {
		res.Assignment[i] = -1
		res.Proposals += int64(s.next[i] - s.p.start[i])
	}
	for h := range s.hs {
		st := &s.hs[h]
		for _, e := range s.heap[st.off : st.off+st.count] {
			res.Assignment[uint32(e)] = int32(h)
		}
		res.Matched += int(st.count)
	}
	return res
}
