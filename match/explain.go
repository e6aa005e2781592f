package match

// A Reason says why a resident was not placed at a hospital it preferred to
// the one it got.
type Reason string

// The reasons Refusals gives.
const (
	// ReasonNotAcceptable: the hospital does not list the resident.
	ReasonNotAcceptable Reason = "not-acceptable"
	// ReasonNoSeats: the hospital has no seats.
	ReasonNoSeats Reason = "no-seats"
	// ReasonFull: every seat went to applicants the hospital ranks higher.
	ReasonFull Reason = "full"
	// ReasonRegionalCap: the hospital had a free seat (under FDA) or a seat held
	// back by its target (under JRMP), but its region's cap was reached.
	ReasonRegionalCap Reason = "regional-cap"
	// ReasonGroupQuota: the hospital's share of the resident's group quota went to
	// applicants of the group it ranks higher.
	ReasonGroupQuota Reason = "group-quota"
	// ReasonUnexplained: none of the above holds, which a stable matching never
	// shows; it is reported rather than hidden.
	ReasonUnexplained Reason = "unexplained"
)

// Describe returns the reason as an English sentence.
func (r Reason) Describe() string {
	switch r {
	case ReasonNotAcceptable:
		return "the host did not rank this applicant"
	case ReasonNoSeats:
		return "the position has no seats"
	case ReasonFull:
		return "the position was full with applicants ranked higher"
	case ReasonRegionalCap:
		return "the regional cap was reached"
	case ReasonGroupQuota:
		return "the group quota was reached by applicants ranked higher"
	default:
		return "no reason found: the matching is not stable here"
	}
}

// A Refusal is one hospital a resident preferred but did not get, and why.
type Refusal struct {
	Hospital int32
	Reason   Reason
	// Constraint is the id of the region or group quota that applied, if any.
	Constraint string
}

// Refusals lists, best first, every hospital resident r ranked above the one
// it got (all of its list when unmatched), with the reason it was not placed
// there.
func (res *Result) Refusals(r int) []Refusal {
	res.once.Do(res.buildIntake)
	p := res.prep
	inst := p.inst
	got := res.Assignment[r]
	arcs := p.choices(int32(r))
	var out []Refusal
	for _, h := range inst.Residents[r].Prefs {
		if h == got {
			break
		}
		if len(arcs) == 0 || arcs[0].h != h {
			out = append(out, Refusal{Hospital: h, Reason: ReasonNotAcceptable})
			continue
		}
		rank := arcs[0].rank
		arcs = arcs[1:]
		out = append(out, res.refusal(int32(r), h, rank))
	}
	return out
}

func (res *Result) refusal(r, h, rank int32) Refusal {
	p := res.prep
	inst := p.inst
	capacity := int32(inst.Hospitals[h].Capacity)
	if capacity == 0 {
		return Refusal{Hospital: h, Reason: ReasonNoSeats}
	}
	held := res.intake[h]
	if res.Algorithm != DA {
		if g := p.group[r]; g >= 0 {
			for i := p.cellStart[h]; i < p.cellStart[h+1]; i++ {
				c := p.cells[i]
				if c.group != g {
					continue
				}
				n, higher := int32(0), true
				for _, x := range held {
					if p.group[x] == g {
						n++
						higher = higher && res.rankAt(x, h) < rank
					}
				}
				if n >= c.share && higher {
					return Refusal{Hospital: h, Reason: ReasonGroupQuota, Constraint: res.quotaFor(h, g, c.share)}
				}
			}
		}
	}
	seats := capacity
	if res.Algorithm == JRMP {
		seats = p.targets[h]
	}
	region := res.regionOfHospital[h]
	if int32(len(held)) >= seats {
		if res.worstHeld[h] > rank {
			return Refusal{Hospital: h, Reason: ReasonUnexplained}
		}
		if seats < capacity {
			return Refusal{Hospital: h, Reason: ReasonRegionalCap, Constraint: regionID(inst, region)}
		}
		return Refusal{Hospital: h, Reason: ReasonFull}
	}
	// FDA's regions are disjoint, so a hospital's region is the only one.
	if res.Algorithm == FDA && region >= 0 && res.regionPlaced[region] >= inst.Regions[region].Cap {
		return Refusal{Hospital: h, Reason: ReasonRegionalCap, Constraint: inst.Regions[region].ID}
	}
	return Refusal{Hospital: h, Reason: ReasonUnexplained}
}

func regionID(inst *Instance, i int32) string {
	if i < 0 {
		return ""
	}
	return inst.Regions[i].ID
}

// rankAt returns resident x's position in hospital h's list.
func (res *Result) rankAt(x, h int32) int32 {
	p := res.prep
	for _, a := range p.choices(x) {
		if a.h == h {
			return a.rank
		}
	}
	return -1
}

// quotaFor names the group quota that gives hospital h its share of group g.
func (res *Result) quotaFor(h, g, share int32) string {
	inst := res.prep.inst
	for qi := range inst.GroupQuotas {
		q := &inst.GroupQuotas[qi]
		if q.Group != res.prep.groupNames[g] {
			continue
		}
		shares := GroupShares(inst, q)
		for j, x := range q.Hospitals {
			if x == h && shares[j] == share {
				return q.ID
			}
		}
	}
	return ""
}

// buildIntake lists the residents placed at each hospital with the rank of
// the worst, counts those placed in each region, and notes each hospital's
// first region: what every refusal needs, built once.
func (res *Result) buildIntake() {
	inst := res.prep.inst
	m := len(inst.Hospitals)
	res.intake = make([][]int32, m)
	res.worstHeld = make([]int32, m)
	for h := range res.worstHeld {
		res.worstHeld[h] = -1
	}
	for r, h := range res.Assignment {
		if h >= 0 {
			res.intake[h] = append(res.intake[h], int32(r))
			res.worstHeld[h] = max(res.worstHeld[h], res.rankAt(int32(r), h))
		}
	}
	res.regionPlaced = make([]int, len(inst.Regions))
	res.regionOfHospital = make([]int32, m)
	for h := range res.regionOfHospital {
		res.regionOfHospital[h] = -1
	}
	for i, g := range inst.Regions {
		for _, h := range g.Hospitals {
			res.regionPlaced[i] += len(res.intake[h])
			if res.regionOfHospital[h] < 0 {
				res.regionOfHospital[h] = int32(i)
			}
		}
	}
}

// Intake returns the residents placed at hospital h, in instance order.
func (res *Result) Intake(h int) []int32 {
	res.once.Do(res.buildIntake)
	return res.intake[h]
}
