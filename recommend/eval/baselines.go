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

// TwoHopAdamicAdar ranks the organisations that never shared a training
// project with the seed by the paths through the seed's partners
// (shared/formats/recommend-eval.md, "New partners"): with w(x, y) the sum
// over the projects x and y share of 1/ln(size) (1 for a project of two)
// and deg(n) the number of n's distinct partners, score(c) = sum over the
// seed's partners n of w(seed, n) w(n, c) / ln(1 + deg(n)). Ties, the
// unreached included, go by organisation identifier.
type TwoHopAdamicAdar struct {
	pics  []string // sorted, so that the index order is the identifier order
	index map[string]int32
	adj   [][]twoHopEdge
}

type twoHopEdge struct {
	to int32
	w  float64
}

// NewTwoHopAdamicAdar learns the two-hop baseline from training projects.
func NewTwoHopAdamicAdar(train []*Project) *TwoHopAdamicAdar {
	t := &TwoHopAdamicAdar{index: map[string]int32{}}
	for pic := range projectCounts(train) {
		t.pics = append(t.pics, pic)
	}
	sort.Strings(t.pics)
	for i, pic := range t.pics {
		t.index[pic] = int32(i)
	}
	acc := make([]map[int32]float64, len(t.pics))
	for _, p := range train {
		ms := make([]int32, 0, len(p.Members))
		for _, m := range p.Members {
			ms = append(ms, t.index[m.PIC])
		}
		if len(ms) < 2 {
			continue
		}
		w := 1.0
		if len(ms) > 2 {
			w = 1 / math.Log(float64(len(ms)))
		}
		for _, a := range ms {
			if acc[a] == nil {
				acc[a] = map[int32]float64{}
			}
			for _, b := range ms {
				if a != b {
					acc[a][b] += w
				}
			}
		}
	}
	t.adj = make([][]twoHopEdge, len(t.pics))
	for a, row := range acc {
		for b, w := range row {
			t.adj[a] = append(t.adj[a], twoHopEdge{b, w})
		}
		sort.Slice(t.adj[a], func(i, j int) bool { return t.adj[a][i].to < t.adj[a][j].to })
	}
	return t
}

// Rank returns the q.Limit best new partners of the seed; an unknown seed
// gets the first organisations by identifier, all tied at 0.
func (t *TwoHopAdamicAdar) Rank(q recommend.Query) ([]string, error) {
	limit := q.Limit
	if limit == 0 {
		limit = 20
	}
	seed, known := t.index[q.Seed]
	// Dense arrays: a hub's partners of partners are most of the record.
	score := make([]float64, len(t.pics))
	excluded := make([]bool, len(t.pics))
	var scored []int32
	if known {
		excluded[seed] = true
		for _, e := range t.adj[seed] {
			excluded[e.to] = true
		}
		for _, e := range t.adj[seed] {
			damp := math.Log(1 + float64(len(t.adj[e.to])))
			for _, e2 := range t.adj[e.to] {
				if excluded[e2.to] {
					continue
				}
				if score[e2.to] == 0 {
					scored = append(scored, e2.to)
				}
				score[e2.to] += e.w * e2.w / damp
			}
		}
	}
	sort.Slice(scored, func(i, j int) bool {
		if score[scored[i]] != score[scored[j]] {
			return score[scored[i]] > score[scored[j]]
		}
		return scored[i] < scored[j]
	})
	out := make([]string, 0, limit)
	for _, o := range scored[:min(len(scored), limit)] {
		out = append(out, t.pics[o])
	}
	for o := int32(0); len(out) < limit && int(o) < len(t.pics); o++ {
		if score[o] == 0 && !excluded[o] && t.pics[o] != q.Seed {
			out = append(out, t.pics[o])
		}
	}
	return out, nil
}
