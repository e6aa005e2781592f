// Package analytics computes the government's figures: the intensity of
// cooperation between countries (bibliometric and on the platform), the
// balance of talent placements, and the funnels of events and the
// marketplace. It does no I/O: the store gives it records, the web layer
// shows its answers.
package analytics

import (
	"math"
	"sort"
)

// BaseYear is the year the Belt and Road Initiative was announced: every
// change is measured since then.
const BaseYear = 2013

// Counts are the values of one year: per partner of the chosen country,
// and every country's own total (its international output).
type Counts struct {
	Pair  map[string]int
	Total map[string]int
}

// Partner is one partner of a country in a year, raw and normalised.
type Partner struct {
	Code string `json:"partner"`
	// Value is n_ab: co-authored works, or cooperations running.
	Value int `json:"value"`
	// Share is n_ab / n_a: the part of the country's international output
	// that is with this partner.
	Share float64 `json:"share"`
	// Cosine is Salton's cosine n_ab / sqrt(n_a · n_b): intensity
	// independent of the two countries' sizes.
	Cosine float64 `json:"cosine"`
	// PartnerTotal is n_b.
	PartnerTotal int `json:"partner_total"`
	// Base is n_ab in BaseYear; Change is Value − Base and ChangePct
	// the change relative to Base (absent when Base is 0).
	Base      int      `json:"base_year_value"`
	Change    int      `json:"change"`
	ChangePct *float64 `json:"change_pct,omitempty"`
	// ByStage is, for the platform, Value split by depth stage.
	ByStage []int `json:"by_stage,omitempty"`
	BRI     bool  `json:"bri_partner"`
}

// Partners lists the partners of country in now, with the change since
// base, strongest first. keep, when not nil, selects the partners shown.
func Partners(country string, now, base Counts, keep func(code string) bool) []Partner {
	na := float64(now.Total[country])
	var out []Partner
	for code, v := range now.Pair {
		if v <= 0 || (keep != nil && !keep(code)) {
			continue
		}
		p := Partner{Code: code, Value: v, PartnerTotal: now.Total[code], Base: base.Pair[code]}
		if na > 0 {
			p.Share = round(float64(v)/na, 6)
		}
		if nb := float64(p.PartnerTotal); na > 0 && nb > 0 {
			p.Cosine = round(float64(v)/math.Sqrt(na*nb), 6)
		}
		p.Change = v - p.Base
		if p.Base > 0 {
			pct := round(100*float64(p.Change)/float64(p.Base), 1)
			p.ChangePct = &pct
		}
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Value != out[j].Value {
			return out[i].Value > out[j].Value
		}
		return out[i].Code < out[j].Code
	})
	return out
}

func round(v float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(v*p) / p
}

// Cooperation is what the platform's pair counts need of a cooperation.
type Cooperation struct {
	Stage     int
	Countries []string
}

// PlatformCounts counts, over cooperations running in a year, those of
// each country with at least one foreign partner (its total) and those
// of each pair of countries (as a key "AA-BB", AA < BB), split by stage
// (stages entries).
func PlatformCounts(coops []Cooperation, stages int) (pairs map[string][]int, totals map[string]int) {
	pairs, totals = map[string][]int{}, map[string]int{}
	for _, c := range coops {
		if len(c.Countries) < 2 {
			continue
		}
		for i, a := range c.Countries {
			totals[a]++
			for _, b := range c.Countries[i+1:] {
				k := PairKey(a, b)
				if pairs[k] == nil {
					pairs[k] = make([]int, stages)
				}
				if c.Stage >= 0 && c.Stage < stages {
					pairs[k][c.Stage]++
				}
			}
		}
	}
	return pairs, totals
}

// PairKey names an unordered pair of countries.
func PairKey(a, b string) string {
	if b < a {
		a, b = b, a
	}
	return a + "-" + b
}

// Sum adds the counts of a split.
func Sum(v []int) int {
	n := 0
	for _, x := range v {
		n += x
	}
	return n
}

// CountryStages splits, per country, its cooperations with a foreign
// partner by stage.
func CountryStages(coops []Cooperation, stages int) map[string][]int {
	out := map[string][]int{}
	for _, c := range coops {
		if len(c.Countries) < 2 || c.Stage < 0 || c.Stage >= stages {
			continue
		}
		for _, a := range c.Countries {
			if out[a] == nil {
				out[a] = make([]int, stages)
			}
			out[a][c.Stage]++
		}
	}
	return out
}
