package eval

import (
	"math"
	"sort"

	"github.com/silkbridge/silkbridge/recommend"
)

// A Ranker proposes partners for a query, best first.
type Ranker interface {
	Rank(q recommend.Query) ([]string, error)
}

// Popularity ranks organisations by their number of training projects,
// whatever the query.
type Popularity struct {
	order []string
}

// NewPopularity learns the popularity baseline from training projects.
func NewPopularity(train []*Project) *Popularity {
	count := projectCounts(train)
	order := make([]string, 0, len(count))
	for pic := range count {
		order = append(order, pic)
	}
	sort.Slice(order, func(a, b int) bool {
		if count[order[a]] != count[order[b]] {
			return count[order[a]] > count[order[b]]
		}
		return order[a] < order[b]
	})
	return &Popularity{order: order}
}

func projectCounts(train []*Project) map[string]int {
	count := map[string]int{}
	for _, p := range train {
		for _, m := range p.Members {
			count[m.PIC]++
		}
	}
	return count
}

// Rank returns the q.Limit most popular organisations other than the seed.
func (p *Popularity) Rank(q recommend.Query) ([]string, error) {
	limit := q.Limit
	if limit == 0 {
		limit = 20
	}
	out := make([]string, 0, limit)
	for _, pic := range p.order {
		if len(out) == limit {
			break
		}
		if pic != q.Seed {
			out = append(out, pic)
		}
	}
	return out, nil
}

// AdamicAdar ranks organisations by co-participation with the seed, each
// shared training project weighted 1/ln(project size); organisations with
// equal scores (most of them: 0) follow in order of popularity.
type AdamicAdar struct {
	projects   map[string][]int // pic -> training projects
	members    [][]string
	popularity *Popularity
	rank       map[string]int // popularity rank, for ties
}

// NewAdamicAdar learns the Adamic-Adar baseline from training projects.
func NewAdamicAdar(train []*Project) *AdamicAdar {
	a := &AdamicAdar{projects: map[string][]int{}, popularity: NewPopularity(train), rank: map[string]int{}}
	for i, p := range train {
		ms := make([]string, len(p.Members))
		for j, m := range p.Members {
			ms[j] = m.PIC
			a.projects[m.PIC] = append(a.projects[m.PIC], i)
		}
		a.members = append(a.members, ms)
	}
	for i, pic := range a.popularity.order {
		a.rank[pic] = i
	}
	return a
}

// Rank returns the q.Limit organisations with the highest Adamic-Adar
// score with the seed.
func (a *AdamicAdar) Rank(q recommend.Query) ([]string, error) {
	limit := q.Limit
	if limit == 0 {
		limit = 20
	}
	score := map[string]float64{}
	for _, p := range a.projects[q.Seed] {
		ms := a.members[p]
		if len(ms) < 2 {
			continue
		}
		w := 1 / math.Log(float64(len(ms)))
		for _, m := range ms {
			if m != q.Seed {
				score[m] += w
			}
		}
	}
	scored := make([]string, 0, len(score))
	for pic := range score {
		scored = append(scored, pic)
	}
	sort.Slice(scored, func(i, j int) bool {
		if score[scored[i]] != score[scored[j]] {
			return score[scored[i]] > score[scored[j]]
		}
		return a.rank[scored[i]] < a.rank[scored[j]]
	})
	out := scored[:min(len(scored), limit)]
	if len(out) < limit {
		for _, pic := range a.popularity.order {
			if len(out) == limit {
				break
			}
			if pic != q.Seed && score[pic] == 0 {
				out = append(out, pic)
			}
		}
	}
	return out, nil
}
