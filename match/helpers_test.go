package match_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/silkbridge/silkbridge/match"
)

// specExample is the instance of shared/formats/matching.md.
const specExample = `{
  "format": "hr-instance/1",
  "meta": {"seed": 1, "note": "free-form"},
  "residents": [
    {"id": "r0", "prefs": ["h1", "h0"], "group": "KZ"},
    {"id": "r1", "prefs": ["h1"]}
  ],
  "hospitals": [
    {"id": "h0", "capacity": 1, "prefs": ["r0"], "target": 1, "floor": 0},
    {"id": "h1", "capacity": 1, "prefs": ["r1", "r0"]}
  ],
  "regions": [
    {"id": "large-institutions", "hospitals": ["h1", "h0"], "cap": 2}
  ],
  "group_quotas": [
    {"id": "kz-at-h1", "group": "KZ", "hospitals": ["h1"], "cap": 1}
  ]
}
`

func mustRead(t testing.TB, doc string) *match.Instance {
	t.Helper()
	in, err := match.ReadInstance(strings.NewReader(doc))
	if err != nil {
		t.Fatalf("ReadInstance: %v", err)
	}
	return in
}

func mustSolve(t testing.TB, in *match.Instance, alg match.Algorithm) *match.Result {
	t.Helper()
	res, err := match.Solve(in, alg)
	if err != nil {
		t.Fatalf("Solve(%s): %v", alg, err)
	}
	return res
}

// assignmentByID renders an assignment as "r0:h0 r1:- ..." for messages and comparisons.
func assignmentByID(in *match.Instance, asg []int32) string {
	var b strings.Builder
	for r, h := range asg {
		if r > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(in.Residents[r].ID)
		b.WriteByte(':')
		if h < 0 {
			b.WriteByte('-')
		} else {
			b.WriteString(in.Hospitals[h].ID)
		}
	}
	return b.String()
}

// randomInstance makes a small instance with one-sided entries, zero
// capacities and, when constrained, disjoint regions with default or
// explicit targets, resident groups and group quotas.
func randomInstance(rng *rand.Rand, maxResidents, maxHospitals int, constrained bool) *match.Instance {
	nR, nH := 1+rng.IntN(maxResidents), 1+rng.IntN(maxHospitals)
	in := &match.Instance{Residents: make([]match.Resident, nR), Hospitals: make([]match.Hospital, nH)}
	groups := []string{"", "A", "B"}
	for r := range in.Residents {
		res := &in.Residents[r]
		res.ID = fmt.Sprintf("r%d", r)
		for _, h := range rng.Perm(nH) {
			if rng.IntN(3) > 0 {
				res.Prefs = append(res.Prefs, int32(h))
			}
		}
		if constrained {
			res.Group = groups[rng.IntN(len(groups))]
		}
	}
	for h := range in.Hospitals {
		hp := &in.Hospitals[h]
		hp.ID = fmt.Sprintf("h%d", h)
		hp.Capacity = rng.IntN(4)
		if rng.IntN(8) == 0 {
			hp.Capacity = 0
		}
		for _, r := range rng.Perm(nR) {
			applies := false
			for _, x := range in.Residents[r].Prefs {
				applies = applies || x == int32(h)
			}
			if (applies && rng.IntN(8) > 0) || (!applies && rng.IntN(8) == 0) {
				hp.Prefs = append(hp.Prefs, int32(r))
			}
		}
	}
	if !constrained {
		return in
	}
	// Up to two disjoint regions over a shuffled prefix of the hospitals.
	order := rng.Perm(nH)
	used := rng.IntN(nH + 1)
	cut := rng.IntN(used + 1)
	for i, part := range [][]int{order[:cut], order[cut:used]} {
		if len(part) == 0 {
			continue
		}
		g := match.Region{ID: fmt.Sprintf("g%d", i)}
		seats := 0
		for _, h := range part {
			g.Hospitals = append(g.Hospitals, int32(h))
			seats += in.Hospitals[h].Capacity
		}
		g.Cap = rng.IntN(seats + 2)
		if rng.IntN(3) == 0 {
			// Explicit targets that fit under the cap.
			left := g.Cap
			for _, h := range part {
				t := min(rng.IntN(in.Hospitals[h].Capacity+1), left)
				left -= t
				in.Hospitals[h].Target = &t
			}
		}
		in.Regions = append(in.Regions, g)
	}
	for i := range rng.IntN(3) {
		q := match.GroupQuota{ID: fmt.Sprintf("q%d", i), Group: groups[1+rng.IntN(2)], Cap: rng.IntN(4)}
		for _, h := range rng.Perm(nH)[:1+rng.IntN(nH)] {
			q.Hospitals = append(q.Hospitals, int32(h))
		}
		in.GroupQuotas = append(in.GroupQuotas, q)
	}
	return in
}
