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
	if int32(len(held)) >= seats {
		higher := true
		for _, x := range held {
			higher = higher && res.rankAt(x, h) < rank
		}
		if higher {
			if seats < capacity {
				return Refusal{Hospital: h, Reason: ReasonRegionalCap, Constraint: res.regionOf(h)}
			}
			return Refusal{Hospital: h, Reason: ReasonFull}
		}
		return Refusal{Hospital: h, Reason: ReasonUnexplained}
	}
	if res.Algorithm == FDA {
		for i, g := range inst.Regions {
			if res.regionPlaced[i] >= g.Cap && containsHospital(g.Hospitals, h) {
				return Refusal{Hospital: h, Reason: ReasonRegionalCap, Constraint: g.ID}
			}
		}
	}
	return Refusal{Hospital: h, Reason: ReasonUnexplained}
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

// regionOf names the first region holding hospital h.
func (res *Result) regionOf(h int32) string {
	for _, g := range res.prep.inst.Regions {
		if containsHospital(g.Hospitals, h) {
			return g.ID
		}
	}
	return ""
}

func containsHospital(list []int32, h int32) bool {
	for _, x := range list {
		if x == h {
			return true
		}
	}
	return false
}

// buildIntake lists the residents placed at each hospital, and counts those
// placed in each region.
func (res *Result) buildIntake() {
	inst := res.prep.inst
	res.intake = make([][]int32, len(inst.Hospitals))
	for r, h := range res.Assignment {
		if h >= 0 {
			res.intake[h] = append(res.intake[h], int32(r))
		}
	}
	res.regionPlaced = make([]int, len(inst.Regions))
	for i, g := range inst.Regions {
		for _, h := range g.Hospitals {
			res.regionPlaced[i] += len(res.intake[h])
		}
	}
}

// Intake returns the residents placed at hospital h, in instance order.
func (res *Result) Intake(h int) []int32 {
	res.once.Do(res.buildIntake)
	return res.intake[h]
}
