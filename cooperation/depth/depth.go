// Package depth measures how deep cooperation goes: how many cooperations
// stand at each stage of the ladder, how they moved between stages in a
// period (the transition matrix), how long they took to move deeper (median
// time at each stage), all of it by country pair, by field and by year, and
// which cooperations stay shallow. It is pure: the store hands it the
// histories.
package depth

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/silkbridge/silkbridge/cooperation"
)

// Change is one dated step of a history; the first has an empty From. A
// zero Date means the record does not know when.
type Change struct {
	From, To string
	Date     time.Time
}

// History is what the analytics need of one cooperation.
type History struct {
	ID        string
	Stage     string
	Countries []string
	Fields    []string
	StartYear int
	// Changes in date order.
	Changes []Change
}

// Period bounds the stage changes counted, both days included; a zero
// bound is open.
type Period struct {
	From, To time.Time
}

// Contains reports whether day lies in the period.
func (p Period) Contains(day time.Time) bool {
	if day.IsZero() {
		return false
	}
	return (p.From.IsZero() || !day.Before(p.From)) && (p.To.IsZero() || !day.After(p.To))
}

// Median is the median time cooperations spent at a stage before moving
// deeper, over the stays that ended in the period.
type Median struct {
	Stage string `json:"stage"`
	// Days is the median in days; N the number of stays it is taken over
	// (0 when none: Days is then 0 and means nothing).
	Days   float64 `json:"median_days"`
	Months float64 `json:"median_months"`
	N      int     `json:"n"`
}

// Group is one row of a breakdown: the cooperations of a country pair, a
// field or a start year.
type Group struct {
	Key string `json:"key"`
	// Counts per stage in ladder order; Total their sum.
	Counts []int `json:"counts"`
	Total  int   `json:"total"`
	// Deeper counts the cooperations beyond exchange; Moves the changes to
	// a deeper stage dated in the period.
	Deeper int `json:"deeper"`
	Moves  int `json:"moves"`
}

// DeeperShare is the share of the group's cooperations beyond exchange.
func (g Group) DeeperShare() float64 {
	if g.Total == 0 {
		return 0
	}
	return float64(g.Deeper) / float64(g.Total)
}

// Report is the depth analytics of a set of cooperations over a period.
type Report struct {
	Stages []string `json:"stages"`
	// Counts are the cooperations at each stage now, in ladder order.
	Counts []int `json:"counts"`
	Total  int   `json:"total"`
	// Transitions[i][j] counts the changes from Stages[i] to Stages[j]
	// dated in the period.
	Transitions     [][]int  `json:"transitions"`
	TransitionTotal int      `json:"transition_total"`
	Medians         []Median `json:"medians"`
	ByCountryPair   []Group  `json:"by_country_pair"`
	ByField         []Group  `json:"by_field"`
	ByYear          []Group  `json:"by_year"`
}

// Compute builds the report of the histories over the period.
func Compute(hs []History, p Period) *Report {
	n := len(cooperation.Stages)
	r := &Report{Stages: cooperation.Stages, Counts: make([]int, n), Transitions: make([][]int, n)}
	for i := range r.Transitions {
		r.Transitions[i] = make([]int, n)
	}
	stays := make([][]float64, n)
	pairs, fields, years := newGroups(), newGroups(), newGroups()
	for i := range hs {
		h := &hs[i]
		at := cooperation.StageIndex(h.Stage)
		if at < 0 {
			continue
		}
		r.Counts[at]++
		r.Total++
		moves := 0
		for k, ch := range h.Changes {
			from, to := cooperation.StageIndex(ch.From), cooperation.StageIndex(ch.To)
			if from < 0 || to < 0 {
				continue
			}
			if p.Contains(ch.Date) {
				r.Transitions[from][to]++
				r.TransitionTotal++
				if to > from {
					moves++
				}
			}
			// The stay at from began with the change before this one.
			if to > from && k > 0 && p.Contains(ch.Date) {
				if began := h.Changes[k-1].Date; !began.IsZero() && !ch.Date.Before(began) {
					stays[from] = append(stays[from], ch.Date.Sub(began).Hours()/24)
				}
			}
		}
		for _, key := range countryPairs(h.Countries) {
			pairs.add(key, at, moves)
		}
		for _, key := range topFields(h.Fields) {
			fields.add(key, at, moves)
		}
		if h.StartYear > 0 {
			years.add(strconv.Itoa(h.StartYear), at, moves)
		}
	}
	for i := 0; i < n-1; i++ {
		d := median(stays[i])
		r.Medians = append(r.Medians, Median{Stage: cooperation.Stages[i], Days: d, Months: round1(d / daysPerMonth), N: len(stays[i])})
	}
	r.ByCountryPair = pairs.sorted(byTotal)
	r.ByField = fields.sorted(byKey)
	r.ByYear = years.sorted(byKey)
	return r
}

// daysPerMonth is the mean length of a Gregorian month.
const daysPerMonth = 365.2425 / 12

func round1(x float64) float64 {
	return float64(int64(x*10+0.5)) / 10
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}

// countryPairs returns every unordered pair of distinct countries, each
// written "A-B" with A before B.
func countryPairs(countries []string) []string {
	cs := append([]string(nil), countries...)
	sort.Strings(cs)
	var out []string
	for i := 0; i < len(cs); i++ {
		for j := i + 1; j < len(cs); j++ {
			if cs[i] != cs[j] {
				out = append(out, cs[i]+"-"+cs[j])
			}
		}
	}
	return out
}

// SplitPair returns the two countries of a pair key.
func SplitPair(key string) (string, string) {
	a, b, _ := strings.Cut(key, "-")
	return a, b
}

// topFields returns the top-level FORD fields of the codes, without repeats.
func topFields(codes []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range codes {
		top, _, _ := strings.Cut(c, ".")
		if top != "" && !seen[top] {
			seen[top] = true
			out = append(out, top)
		}
	}
	return out
}

type groups map[string]*Group

func newGroups() groups { return groups{} }

func (g groups) add(key string, stage, moves int) {
	row := g[key]
	if row == nil {
		row = &Group{Key: key, Counts: make([]int, len(cooperation.Stages))}
		g[key] = row
	}
	row.Counts[stage]++
	row.Total++
	if stage > 0 {
		row.Deeper++
	}
	row.Moves += moves
}

const (
	byKey = iota
	byTotal
)

func (g groups) sorted(order int) []Group {
	out := make([]Group, 0, len(g))
	for _, row := range g {
		out = append(out, *row)
	}
	sort.Slice(out, func(i, j int) bool {
		if order == byTotal && out[i].Total != out[j].Total {
			return out[i].Total > out[j].Total
		}
		if order == byKey && len(out[i].Key) != len(out[j].Key) {
			return len(out[i].Key) < len(out[j].Key)
		}
		return out[i].Key < out[j].Key
	})
	return out
}

// ShallowCutoff is the last day a cooperation may have entered exchange
// and still, today, count as shallow after months months.
func ShallowCutoff(today time.Time, months int) time.Time {
	y, m, d := today.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).AddDate(0, -months, 0)
}

// Shallow returns the ids of the cooperations still at exchange months
// months or more after they entered it, the longest-waiting first. A
// cooperation whose entry date is unknown is left out.
func Shallow(hs []History, months int, today time.Time) []string {
	cutoff := ShallowCutoff(today, months)
	type item struct {
		id   string
		date time.Time
	}
	var list []item
	for _, h := range hs {
		if h.Stage != cooperation.Exchange || len(h.Changes) == 0 {
			continue
		}
		entered := h.Changes[len(h.Changes)-1].Date
		if entered.IsZero() || entered.After(cutoff) {
			continue
		}
		list = append(list, item{h.ID, entered})
	}
	sort.Slice(list, func(i, j int) bool {
		if !list[i].date.Equal(list[j].date) {
			return list[i].date.Before(list[j].date)
		}
		return list[i].id < list[j].id
	})
	out := make([]string, len(list))
	for i, it := range list {
		out[i] = it.id
	}
	return out
}
