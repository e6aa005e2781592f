package match

import (
	"cmp"
	"slices"
)

// A BalanceReport describes how evenly a matching spreads residents over
// institutions: what a programme officer compares between runs.
type BalanceReport struct {
	Residents int
	Placed    int
	Seats     int
	// Unfilled is the number of seats left empty over all hospitals.
	Unfilled  int
	Hospitals []HospitalBalance
	// Institutions are the hospitals grouped as the caller asked, in order
	// of first appearance; each hospital is its own institution by default.
	Institutions []InstitutionBalance
	// Gini is the Gini coefficient of placements over institutions: 0 when
	// all take the same number, near 1 when one takes all.
	Gini float64
	// TopDecileShare is the share of placements taken by the tenth of the
	// institutions (rounded up) that took the most.
	TopDecileShare float64
	// Lorenz is the Lorenz curve of placements over institutions, from
	// (0,0) to (1,1): the share of placements taken by the least-taking
	// share of institutions. At most 101 points.
	Lorenz []LorenzPoint
	// Groups are the placements per resident group, sorted by group ("" for
	// residents without one).
	Groups []GroupBalance
	// FloorDeficit is the total of the hospitals' deficits below their floors.
	FloorDeficit int
}

// HospitalBalance is one hospital's intake.
type HospitalBalance struct {
	ID       string
	Capacity int
	Intake   int
	Unfilled int
	Floor    int
	// Deficit is how many residents the hospital lacks to reach its floor.
	Deficit int
}

// InstitutionBalance is the intake of one institution.
type InstitutionBalance struct {
	Name   string
	Seats  int
	Intake int
}

// LorenzPoint is one point of a Lorenz curve.
type LorenzPoint struct {
	Institutions float64 // share of institutions, least-taking first
	Placements   float64 // share of placements they took
}

// GroupBalance is the placements of one group of residents.
type GroupBalance struct {
	Group      string
	Applicants int
	Placed     int
}

// Balance reports the balance of the matching. institutionOf maps a hospital
// index to the institution it belongs to; nil makes each hospital its own.
func (res *Result) Balance(institutionOf func(h int) string) *BalanceReport {
	inst := res.prep.inst
	rep := &BalanceReport{Residents: len(inst.Residents), Placed: res.Matched}
	intake := make([]int, len(inst.Hospitals))
	for _, h := range res.Assignment {
		if h >= 0 {
			intake[h]++
		}
	}
	index := map[string]int{}
	for h := range inst.Hospitals {
		hp := &inst.Hospitals[h]
		hb := HospitalBalance{ID: hp.ID, Capacity: hp.Capacity, Intake: intake[h],
			Unfilled: hp.Capacity - intake[h], Floor: hp.Floor, Deficit: max(hp.Floor-intake[h], 0)}
		rep.Hospitals = append(rep.Hospitals, hb)
		rep.Seats += hp.Capacity
		rep.Unfilled += hb.Unfilled
		rep.FloorDeficit += hb.Deficit
		name := hp.ID
		if institutionOf != nil {
			name = institutionOf(h)
		}
		i, ok := index[name]
		if !ok {
			i = len(rep.Institutions)
			index[name] = i
			rep.Institutions = append(rep.Institutions, InstitutionBalance{Name: name})
		}
		rep.Institutions[i].Seats += hp.Capacity
		rep.Institutions[i].Intake += intake[h]
	}
	counts := make([]int, len(rep.Institutions))
	for i, b := range rep.Institutions {
		counts[i] = b.Intake
	}
	rep.Gini, rep.TopDecileShare, rep.Lorenz = inequality(counts)

	groups := map[string]*GroupBalance{}
	for r := range inst.Residents {
		g := inst.Residents[r].Group
		gb := groups[g]
		if gb == nil {
			gb = &GroupBalance{Group: g}
			groups[g] = gb
		}
		gb.Applicants++
		if res.Assignment[r] >= 0 {
			gb.Placed++
		}
	}
	for _, gb := range groups {
		rep.Groups = append(rep.Groups, *gb)
	}
	slices.SortFunc(rep.Groups, func(a, b GroupBalance) int { return cmp.Compare(a.Group, b.Group) })
	return rep
}

// inequality computes the Gini coefficient, the top-decile share and the
// Lorenz curve of counts.
func inequality(counts []int) (gini, topDecile float64, lorenz []LorenzPoint) {
	n := len(counts)
	sorted := slices.Clone(counts)
	slices.Sort(sorted)
	total := 0
	for _, c := range sorted {
		total += c
	}
	if n == 0 {
		return 0, 0, []LorenzPoint{{0, 0}, {1, 1}}
	}
	cum := make([]int, n+1)
	for i, c := range sorted {
		cum[i+1] = cum[i] + c
	}
	if total > 0 {
		// G = 2*sum(i*x_i)/(n*sum x) - (n+1)/n with x ascending, i from 1.
		var weighted float64
		for i, c := range sorted {
			weighted += float64(i+1) * float64(c)
		}
		gini = 2*weighted/(float64(n)*float64(total)) - float64(n+1)/float64(n)
		top := (n + 9) / 10
		topDecile = float64(total-cum[n-top]) / float64(total)
	}
	point := func(k int) LorenzPoint {
		y := 1.0
		if total > 0 {
			y = float64(cum[k]) / float64(total)
		} else {
			// Nobody placed: the line of equality is the honest curve.
			y = float64(k) / float64(n)
		}
		return LorenzPoint{Institutions: float64(k) / float64(n), Placements: y}
	}
	if n <= 100 {
		for k := 0; k <= n; k++ {
			lorenz = append(lorenz, point(k))
		}
	} else {
		for p := 0; p <= 100; p++ {
			lorenz = append(lorenz, point(p*n/100))
		}
	}
	return gini, topDecile, lorenz
}
