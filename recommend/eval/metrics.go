package eval

import (
	"context"
	"sort"
	"time"
)

// Cutoffs are the ranks at which recall is reported.
var Cutoffs = []int{10, 20, 50, 100}

// RankingDepth is how many candidates each ranker returns per query.
const RankingDepth = 100

// Scores are the accuracy figures of one ranker on one slice of answers.
type Scores struct {
	// Recall[k] is the share of warm hidden answers ranked within the
	// first k, pooled over all queries.
	Recall map[int]float64
	// MRR is the mean over queries with a warm hidden answer of 1/rank of
	// the first one found in the ranking (0 when none is).
	MRR float64
	// Hidden is the number of warm hidden answers; Queries the number of
	// queries with at least one.
	Hidden, Queries int
}

// Result is what one ranker achieved on a split.
type Result struct {
	All, International Scores
	MsPerQuery         float64
	MsP95              float64
}

// Summary describes the cases of a split.
type Summary struct {
	Queries                                int
	Hidden, HiddenCold                     int
	HiddenInternational, ColdInternational int
	// NewPartners are the warm answers that never shared a training
	// project with their seed.
	NewPartners, NewPartnersInternational int
}

// Summarise counts the cases and hidden answers of a split.
func Summarise(cases []Case) Summary {
	s := Summary{Queries: len(cases)}
	for _, c := range cases {
		for _, h := range c.Hidden {
			s.Hidden++
			if h.International {
				s.HiddenInternational++
			}
			if h.NewPartner {
				s.NewPartners++
				if h.International {
					s.NewPartnersInternational++
				}
			}
			if h.Cold {
				s.HiddenCold++
				if h.International {
					s.ColdInternational++
				}
			}
		}
	}
	return s
}

type tally struct {
	hits    map[int]int
	hidden  int
	rr      float64
	queries int
}

func (t *tally) add(rank map[string]int, answers []Answer, keep func(Answer) bool) {
	first := 0
	n := 0
	for _, a := range answers {
		if a.Cold || !keep(a) {
			continue
		}
		n++
		r, ok := rank[a.PIC]
		if !ok {
			continue
		}
		for _, k := range Cutoffs {
			if r <= k {
				t.hits[k]++
			}
		}
		if first == 0 || r < first {
			first = r
		}
	}
	if n == 0 {
		return
	}
	t.hidden += n
	t.queries++
	if first > 0 {
		t.rr += 1 / float64(first)
	}
}

func (t *tally) scores() Scores {
	s := Scores{Recall: map[int]float64{}, Hidden: t.hidden, Queries: t.queries}
	for _, k := range Cutoffs {
		if t.hidden > 0 {
			s.Recall[k] = float64(t.hits[k]) / float64(t.hidden)
		}
	}
	if t.queries > 0 {
		s.MRR = t.rr / float64(t.queries)
	}
	return s
}

// Evaluate runs the ranker on every case, each asked for RankingDepth
// candidates, and scores the rankings. Queries run one after the other so
// that the timings are those of a single request.
func Evaluate(ctx context.Context, r Ranker, cases []Case) (Result, error) {
	return evaluate(ctx, r, cases, false, func(Answer) bool { return true })
}

// EvaluateNewPartners runs the ranker in new-partners mode on every case
// and scores the rankings on the new-partner slice: the hidden answers
// seen in training that never shared a training project with the seed.
func EvaluateNewPartners(ctx context.Context, r Ranker, cases []Case) (Result, error) {
	return evaluate(ctx, r, cases, true, func(a Answer) bool { return a.NewPartner })
}

// evaluate scores the answers that slice keeps, asking for new partners
// only when newPartners is set.
func evaluate(ctx context.Context, r Ranker, cases []Case, newPartners bool, slice func(Answer) bool) (Result, error) {
	all := tally{hits: map[int]int{}}
	intl := tally{hits: map[int]int{}}
	times := make([]time.Duration, 0, len(cases))
	for _, c := range cases {
		if err := ctx.Err(); err != nil {
			return Result{}, err
		}
		q := c.Query
		q.Limit = RankingDepth
		q.NewPartners = newPartners
		start := time.Now()
		ranking, err := r.Rank(q)
		times = append(times, time.Since(start))
		if err != nil {
			return Result{}, err
		}
		rank := make(map[string]int, len(ranking))
		for i, pic := range ranking {
			if _, dup := rank[pic]; !dup {
				rank[pic] = i + 1
			}
		}
		all.add(rank, c.Hidden, slice)
		intl.add(rank, c.Hidden, func(a Answer) bool { return slice(a) && a.International })
	}
	res := Result{All: all.scores(), International: intl.scores()}
	res.MsPerQuery, res.MsP95 = timing(times)
	return res, nil
}

func timing(times []time.Duration) (mean, p95 float64) {
	if len(times) == 0 {
		return 0, 0
	}
	var total time.Duration
	for _, t := range times {
		total += t
	}
	sorted := append([]time.Duration(nil), times...)
	sort.Slice(sorted, func(a, b int) bool { return sorted[a] < sorted[b] })
	i := (len(sorted)*95+99)/100 - 1
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	return ms(total) / float64(len(times)), ms(sorted[i])
}
