// Package check judges a matching of an instance independently of the
// solvers in package match: it shares their instance type and nothing else.
// Every rule is written here again, in the plainest way, from the published
// definitions (shared/formats/matching.md and the match package documentation):
// capacities, mutual acceptability, regional caps, targets, group quotas and
// their split over hospitals, classic stability, weak stability under caps
// (Kamada and Kojima), and stability with respect to each algorithm's choice
// rule, which is what makes an outcome the resident-optimal one.
//
// An assignment is a slice holding each resident's hospital index, or -1.
package check

import (
	"errors"
	"fmt"
	"sort"

	"github.com/silkbridge/silkbridge/match"
)

// A Violation is one breach of a rule, naming the entries involved.
type Violation struct {
	Rule   string
	Detail string
}

func (v Violation) Error() string { return v.Rule + ": " + v.Detail }

// view is an assignment with the indexes the checks need.
type view struct {
	in     *match.Instance
	asg    []int32
	held   [][]int32         // residents at each hospital
	rankAt []map[int32]int32 // hospital -> resident -> position in its list
}

func newView(in *match.Instance, asg []int32) (*view, error) {
	if len(asg) != len(in.Residents) {
		return nil, Violation{"shape", fmt.Sprintf("%d assignments for %d residents", len(asg), len(in.Residents))}
	}
	v := &view{in: in, asg: asg, held: make([][]int32, len(in.Hospitals)), rankAt: make([]map[int32]int32, len(in.Hospitals))}
	for r, h := range asg {
		if h < -1 || int(h) >= len(in.Hospitals) {
			return nil, Violation{"shape", fmt.Sprintf("resident %q assigned to hospital index %d", in.Residents[r].ID, h)}
		}
		if h >= 0 {
			v.held[h] = append(v.held[h], int32(r))
		}
	}
	for h := range in.Hospitals {
		m := make(map[int32]int32, len(in.Hospitals[h].Prefs))
		for k, r := range in.Hospitals[h].Prefs {
			m[r] = int32(k)
		}
		v.rankAt[h] = m
	}
	return v, nil
}

// lists reports whether hospital h lists resident r, and at which position.
func (v *view) lists(h, r int32) (int32, bool) {
	k, ok := v.rankAt[h][r]
	return k, ok
}

// prefers reports whether resident r prefers hospital h to its assignment.
func (v *view) prefers(r, h int32) bool {
	for _, x := range v.in.Residents[r].Prefs {
		if x == v.asg[r] {
			return false
		}
		if x == h {
			return true
		}
	}
	return false
}

// Acceptability checks that every pair matched lists each other.
func Acceptability(in *match.Instance, asg []int32) error {
	v, err := newView(in, asg)
	if err != nil {
		return err
	}
	for r, h := range asg {
		if h < 0 {
			continue
		}
		listed := false
		for _, x := range in.Residents[r].Prefs {
			listed = listed || x == h
		}
		if !listed {
			return Violation{"acceptability", fmt.Sprintf("resident %q placed at %q, which it does not list", in.Residents[r].ID, in.Hospitals[h].ID)}
		}
		if _, ok := v.lists(h, int32(r)); !ok {
			return Violation{"acceptability", fmt.Sprintf("resident %q placed at %q, which does not list it", in.Residents[r].ID, in.Hospitals[h].ID)}
		}
	}
	return nil
}

// Capacities checks that no hospital holds more residents than seats.
func Capacities(in *match.Instance, asg []int32) error {
	return seatLimit(in, asg, "capacity", capacities(in))
}

// TargetCapacities checks that no hospital holds more residents than its
// target, as JRMP promises.
func TargetCapacities(in *match.Instance, asg []int32) error {
	return seatLimit(in, asg, "target", Targets(in))
}

func seatLimit(in *match.Instance, asg []int32, rule string, seats []int) error {
	v, err := newView(in, asg)
	if err != nil {
		return err
	}
	for h, held := range v.held {
		if len(held) > seats[h] {
			return Violation{rule, fmt.Sprintf("hospital %q holds %d residents, above its %s %d", in.Hospitals[h].ID, len(held), rule, seats[h])}
		}
	}
	return nil
}

func capacities(in *match.Instance) []int {
	c := make([]int, len(in.Hospitals))
	for h := range in.Hospitals {
		c[h] = in.Hospitals[h].Capacity
	}
	return c
}

// RegionalCaps checks that no region holds more residents than its cap.
func RegionalCaps(in *match.Instance, asg []int32) error {
	v, err := newView(in, asg)
	if err != nil {
		return err
	}
	for _, g := range in.Regions {
		n := 0
		for _, h := range g.Hospitals {
			n += len(v.held[h])
		}
		if n > g.Cap {
			return Violation{"regional cap", fmt.Sprintf("region %q holds %d residents, above its cap %d", g.ID, n, g.Cap)}
		}
	}
	return nil
}

// GroupQuotas checks that no group quota is exceeded, counted over all its
// hospitals, and that no hospital exceeds its share of a quota.
func GroupQuotas(in *match.Instance, asg []int32) error {
	v, err := newView(in, asg)
	if err != nil {
		return err
	}
	for qi := range in.GroupQuotas {
		q := &in.GroupQuotas[qi]
		shares := Shares(in, q)
		n := 0
		for j, h := range q.Hospitals {
			at := 0
			for _, r := range v.held[h] {
				if in.Residents[r].Group == q.Group {
					at++
				}
			}
			if at > shares[j] {
				return Violation{"group quota", fmt.Sprintf("hospital %q holds %d residents of group %q, above its share %d of quota %q", in.Hospitals[h].ID, at, q.Group, shares[j], q.ID)}
			}
			n += at
		}
		if n > q.Cap {
			return Violation{"group quota", fmt.Sprintf("quota %q: %d residents of group %q, above its cap %d", q.ID, n, q.Group, q.Cap)}
		}
	}
	return nil
}

// Targets returns each hospital's target as the format defines it: the
// explicit one, else floor(capacity * cap / seats of the region), the
// smallest over its regions, else its capacity.
func Targets(in *match.Instance) []int {
	t := capacities(in)
	for _, g := range in.Regions {
		seats := 0
		for _, h := range g.Hospitals {
			seats += in.Hospitals[h].Capacity
		}
		if seats == 0 {
			continue
		}
		for _, h := range g.Hospitals {
			c := in.Hospitals[h].Capacity
			d := c
			if g.Cap < seats {
				d = c * g.Cap / seats
			}
			if d < t[h] {
				t[h] = d
			}
		}
	}
	for h := range in.Hospitals {
		if in.Hospitals[h].Target != nil {
			t[h] = *in.Hospitals[h].Target
		}
	}
	return t
}

// Shares splits quota q over its hospitals by the largest-remainder rule in
// proportion to capacity (ties to the earlier hospital), in q.Hospitals order.
func Shares(in *match.Instance, q *match.GroupQuota) []int {
	seats := 0
	for _, h := range q.Hospitals {
		seats += in.Hospitals[h].Capacity
	}
	out := make([]int, len(q.Hospitals))
	if seats == 0 {
		return out
	}
	quota := min(q.Cap, seats)
	type part struct{ i, rem int }
	var parts []part
	given := 0
	for i, h := range q.Hospitals {
		exact := in.Hospitals[h].Capacity * quota
		out[i] = exact / seats
		given += out[i]
		parts = append(parts, part{i, exact % seats})
	}
	sort.SliceStable(parts, func(a, b int) bool { return parts[a].rem > parts[b].rem })
	for k := 0; k < quota-given; k++ {
		out[parts[k].i]++
	}
	return out
}

// shareOf returns the smallest share, over the quotas of resident r's group
// that hold hospital h, and whether any does.
func shareOf(in *match.Instance, r, h int32) (int, bool) {
	g := in.Residents[r].Group
	best, found := 0, false
	if g == "" {
		return 0, false
	}
	for qi := range in.GroupQuotas {
		q := &in.GroupQuotas[qi]
		if q.Group != g {
			continue
		}
		for j, x := range q.Hospitals {
			if x == h {
				s := Shares(in, q)[j]
				if !found || s < best {
					best, found = s, true
				}
			}
		}
	}
	return best, found
}

// A Pair is a resident and a hospital that would rather be matched together.
type Pair struct{ Resident, Hospital int32 }

// BlockingPairs returns the pairs that block in the classic sense, with
// seats[h] seats at hospital h: the resident prefers the hospital, which
// lists it and has a free seat or holds someone it ranks lower.
func BlockingPairs(in *match.Instance, asg []int32, seats []int) ([]Pair, error) {
	v, err := newView(in, asg)
	if err != nil {
		return nil, err
	}
	var out []Pair
	for r := range in.Residents {
		for _, h := range in.Residents[r].Prefs {
			if h == asg[r] {
				break
			}
			k, ok := v.lists(h, int32(r))
			if !ok {
				continue
			}
			if len(v.held[h]) < seats[h] || v.holdsWorse(h, k) {
				out = append(out, Pair{int32(r), h})
			}
		}
	}
	return out, nil
}

// holdsWorse reports whether hospital h holds a resident it ranks below position k.
func (v *view) holdsWorse(h, k int32) bool {
	for _, x := range v.held[h] {
		if kx, _ := v.lists(h, x); kx > k {
			return true
		}
	}
	return false
}

// Stable checks classic stability with hospitals' capacities: capacities
// respected, pairs mutually acceptable, and no blocking pair. It is what DA
// guarantees.
func Stable(in *match.Instance, asg []int32) error {
	return stableWith(in, asg, capacities(in))
}

func stableWith(in *match.Instance, asg []int32, seats []int) error {
	if err := Acceptability(in, asg); err != nil {
		return err
	}
	if err := seatLimit(in, asg, "capacity", seats); err != nil {
		return err
	}
	pairs, err := BlockingPairs(in, asg, seats)
	if err != nil {
		return err
	}
	if len(pairs) > 0 {
		p := pairs[0]
		return Violation{"stability", fmt.Sprintf("resident %q and hospital %q block (%d blocking pairs)", in.Residents[p.Resident].ID, in.Hospitals[p.Hospital].ID, len(pairs))}
	}
	return nil
}

// WeaklyStable checks stability under regional caps and group quotas in the
// weak sense of Kamada and Kojima: the matching is feasible (capacities,
// regional caps, group quotas, acceptability), nobody has justified envy (a
// hospital holds someone it ranks below a resident who prefers it, and
// taking that resident instead keeps the group quotas), and no seat is
// wasted (a resident prefers a hospital with a free seat, in a region below
// its cap, whose share of the resident's group is not taken).
func WeaklyStable(in *match.Instance, asg []int32) error {
	for _, f := range []func(*match.Instance, []int32) error{Acceptability, Capacities, RegionalCaps, GroupQuotas} {
		if err := f(in, asg); err != nil {
			return err
		}
	}
	v, err := newView(in, asg)
	if err != nil {
		return err
	}
	regionFull := make([]bool, len(in.Hospitals))
	for _, g := range in.Regions {
		n := 0
		for _, h := range g.Hospitals {
			n += len(v.held[h])
		}
		for _, h := range g.Hospitals {
			regionFull[h] = regionFull[h] || n >= g.Cap
		}
	}
	groupAt := func(h int32, group string) int {
		n := 0
		for _, x := range v.held[h] {
			if in.Residents[x].Group == group {
				n++
			}
		}
		return n
	}
	for r := range in.Residents {
		ri := int32(r)
		for _, h := range in.Residents[r].Prefs {
			if h == asg[r] {
				break
			}
			k, ok := v.lists(h, ri)
			if !ok {
				continue
			}
			share, limited := shareOf(in, ri, h)
			g := in.Residents[r].Group
			for _, x := range v.held[h] {
				kx, _ := v.lists(h, x)
				if kx < k {
					continue
				}
				swapOK := !limited || groupAt(h, g)-boolInt(in.Residents[x].Group == g)+1 <= share
				if swapOK {
					return Violation{"justified envy", fmt.Sprintf("hospital %q holds %q but ranks %q, who prefers it, higher", in.Hospitals[h].ID, in.Residents[x].ID, in.Residents[r].ID)}
				}
			}
			if len(v.held[h]) < in.Hospitals[h].Capacity && !regionFull[h] && (!limited || groupAt(h, g) < share) {
				return Violation{"waste", fmt.Sprintf("resident %q prefers hospital %q, which has a free seat and room in its region and quota", in.Residents[r].ID, in.Hospitals[h].ID)}
			}
		}
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// ChoiceStable checks that the assignment is stable with respect to the
// choice rule of algorithm alg (the rule each hospital, or each FDA region,
// applies to its applicants; see the match package documentation): every
// unit would choose all of what it holds, and no resident who prefers a
// hospital would be chosen if added to the unit's holdings. For DA this is
// classic stability; for FDA it is stability in the sense of Kamada and
// Kojima (2015). The outcome of deferred acceptance is the one such
// assignment that every resident likes best.
func ChoiceStable(in *match.Instance, alg match.Algorithm, asg []int32) error {
	v, err := newView(in, asg)
	if err != nil {
		return err
	}
	if err := Acceptability(in, asg); err != nil {
		return err
	}
	u, err := newUnits(in, alg)
	if err != nil {
		return err
	}
	for _, unit := range u.list {
		var offers []offer
		for _, h := range unit.hospitals {
			for _, r := range v.held[h] {
				offers = append(offers, offer{r, h})
			}
		}
		chosen := u.choose(v, unit, offers)
		if len(chosen) != len(offers) {
			return Violation{"individual rationality", fmt.Sprintf("hospital %q (or its region) would not keep all it holds", in.Hospitals[unit.hospitals[0]].ID)}
		}
	}
	for r := range in.Residents {
		ri := int32(r)
		for _, h := range in.Residents[r].Prefs {
			if h == asg[r] {
				break
			}
			if _, ok := v.lists(h, ri); !ok {
				continue
			}
			unit := u.list[u.of[h]]
			offers := []offer{{ri, h}}
			for _, x := range unit.hospitals {
				for _, y := range v.held[x] {
					offers = append(offers, offer{y, x})
				}
			}
			for _, c := range u.choose(v, unit, offers) {
				if c == (offer{ri, h}) {
					return Violation{"stability", fmt.Sprintf("resident %q prefers hospital %q, whose %s would choose it", in.Residents[r].ID, in.Hospitals[h].ID, unit.name)}
				}
			}
		}
	}
	return nil
}

// offer is a resident applying to a hospital.
type offer struct{ r, h int32 }

// unit is a set of hospitals that choose together: an FDA region, or one hospital.
type unit struct {
	name      string
	hospitals []int32 // turn order
	cap       int     // regional cap, or -1
}

type units struct {
	in      *match.Instance
	alg     match.Algorithm
	list    []unit
	of      []int // unit of each hospital
	seats   []int // capacity or, under JRMP, target
	targets []int
}

func newUnits(in *match.Instance, alg match.Algorithm) (*units, error) {
	u := &units{in: in, alg: alg, of: make([]int, len(in.Hospitals)), targets: Targets(in)}
	for h := range u.of {
		u.of[h] = -1
	}
	switch alg {
	case match.DA, match.FDA:
		u.seats = capacities(in)
	case match.JRMP:
		u.seats = u.targets
	default:
		return nil, fmt.Errorf("unknown algorithm %q", alg)
	}
	if alg == match.FDA {
		for _, g := range in.Regions {
			for _, h := range g.Hospitals {
				if u.of[h] >= 0 {
					return nil, errors.New("FDA needs disjoint regions")
				}
				u.of[h] = len(u.list)
			}
			u.list = append(u.list, unit{name: fmt.Sprintf("region %q", g.ID), hospitals: g.Hospitals, cap: g.Cap})
		}
	}
	for h := range u.of {
		if u.of[h] < 0 {
			u.of[h] = len(u.list)
			u.list = append(u.list, unit{name: "hospital", hospitals: []int32{int32(h)}, cap: -1})
		}
	}
	return u, nil
}

// choose applies the unit's choice rule to offers, written directly from
// its definition: each hospital keeps at most its share of each group (best
// first), then each takes its best up to its target, then the seats left
// under the regional cap go one at a time round the turn order.
func (u *units) choose(v *view, un unit, offers []offer) []offer {
	in := u.in
	byHospital := map[int32][]int32{}
	for _, o := range offers {
		byHospital[o.h] = append(byHospital[o.h], o.r)
	}
	ranked := map[int32][]int32{} // surviving applicants, best first
	for _, h := range un.hospitals {
		apps := byHospital[h]
		sort.Slice(apps, func(a, b int) bool {
			ka, _ := v.lists(h, apps[a])
			kb, _ := v.lists(h, apps[b])
			return ka < kb
		})
		if u.alg != match.DA {
			taken := map[string]int{}
			kept := apps[:0:0]
			for _, r := range apps {
				if share, limited := shareOf(in, r, h); limited {
					g := in.Residents[r].Group
					if taken[g] >= share {
						continue
					}
					taken[g]++
				}
				kept = append(kept, r)
			}
			apps = kept
		}
		ranked[h] = apps
	}
	take := map[int32]int{}
	if un.cap < 0 {
		h := un.hospitals[0]
		take[h] = min(len(ranked[h]), u.seats[h])
	} else {
		total := 0
		for _, h := range un.hospitals {
			take[h] = min(len(ranked[h]), u.targets[h], u.seats[h])
			total += take[h]
		}
		for progress := true; progress && total < un.cap; {
			progress = false
			for _, h := range un.hospitals {
				if total < un.cap && take[h] < len(ranked[h]) && take[h] < u.seats[h] {
					take[h]++
					total++
					progress = true
				}
			}
		}
	}
	var out []offer
	for _, h := range un.hospitals {
		for _, r := range ranked[h][:take[h]] {
			out = append(out, offer{r, h})
		}
	}
	return out
}

// Matching runs every check that an outcome of algorithm alg must pass.
func Matching(in *match.Instance, alg match.Algorithm, asg []int32) error {
	switch alg {
	case match.DA:
		if err := Stable(in, asg); err != nil {
			return err
		}
	case match.JRMP:
		for _, f := range []func(*match.Instance, []int32) error{TargetCapacities, RegionalCaps, GroupQuotas} {
			if err := f(in, asg); err != nil {
				return err
			}
		}
	case match.FDA:
		if err := WeaklyStable(in, asg); err != nil {
			return err
		}
	default:
		return fmt.Errorf("unknown algorithm %q", alg)
	}
	return ChoiceStable(in, alg, asg)
}
