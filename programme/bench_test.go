package programme

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/silkbridge/silkbridge/match"
)

// benchSnapshot is a concentrated programme: positions at hosts of uneven
// prestige (the top quarter in a capped region), talents listing 5 to 10
// positions drawn by prestige, hosts scoring every applicant, a country
// quota on the region.
func benchSnapshot(talents, positions int) *Snapshot {
	rng := rand.New(rand.NewPCG(1, 2))
	p := &Programme{ID: "bench", MaxChoices: 10}
	weights := make([]float64, positions)
	var total float64
	seats := 0
	var large []string
	for i := range positions {
		capacity := 1 + rng.IntN(8)
		org := fmt.Sprintf("org-%d", i/2)
		p.Positions = append(p.Positions, Position{ID: fmt.Sprintf("pos-%05d", i), OrgID: org, Capacity: capacity, RankMode: RankByScore})
		weights[i] = float64(capacity) * float64(positions-i) // earlier positions are more wanted
		total += weights[i]
		if i < positions/4 {
			seats += capacity
			if i%2 == 0 {
				large = append(large, org)
			}
		}
	}
	p.Constraints.Regions = []Region{{ID: "large", Name: "Large", Hosts: large, Cap: seats * 7 / 10}}
	p.Constraints.CountryQuotas = []CountryQuota{{ID: "kz", Country: "KZ", Region: "large", Cap: seats / 5}}
	s := &Snapshot{Programme: p, Rankings: map[string][]RankEntry{}}
	countries := []string{"KZ", "UZ", "PK", "KG", "TJ", "MN"}
	for t := range talents {
		a := Application{ID: fmt.Sprintf("app-%07d", t), Country: countries[t%len(countries)]}
		seen := map[int]bool{}
		for len(a.Choices) < 5+rng.IntN(6) {
			x, k := rng.Float64()*total, 0
			for ; k < positions-1 && x > weights[k]; k++ {
				x -= weights[k]
			}
			if !seen[k] {
				seen[k] = true
				a.Choices = append(a.Choices, p.Positions[k].ID)
				v := float64(rng.IntN(100)) // ties on purpose: the lottery breaks them
				s.Rankings[p.Positions[k].ID] = append(s.Rankings[p.Positions[k].ID], RankEntry{ApplicationID: a.ID, Value: &v})
			}
		}
		s.Applications = append(s.Applications, a)
	}
	return s
}

// BenchmarkExecute measures a whole run of a programme in memory: build
// the instance with its lottery, solve, explain every talent's result and
// compute the balance report (the store's writing is not included).
func BenchmarkExecute(b *testing.B) {
	for _, size := range []struct{ talents, positions int }{{1000, 100}, {10000, 1000}, {50000, 5000}} {
		s := benchSnapshot(size.talents, size.positions)
		for _, alg := range []match.Algorithm{match.DA, match.FDA} {
			b.Run(fmt.Sprintf("%s/talents=%d", alg, size.talents), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					out, err := Execute(s, alg, 7, nil)
					if err != nil {
						b.Fatal(err)
					}
					b.ReportMetric(float64(out.Matched), "placed")
				}
			})
		}
	}
}
