package recommend

import (
	"math"
	"sort"
)

// termVector turns text and a topic code into term ids and raw counts,
// known terms only when add is false.
func (g *Graph) termCounts(text, topic string, add bool, counts map[int32]float32) {
	emit := func(w string) {
		id, ok := g.terms[w]
		if !ok {
			if !add {
				return
			}
			id = int32(len(g.terms))
			g.terms[w] = id
		}
		counts[id]++
	}
	tokens(text, emit)
	topicTokens(topic, emit)
}

// tfidf weights raw counts (1+ln tf)*idf and scales the vector to unit
// length; it returns the entries sorted by term id.
func (g *Graph) tfidf(counts map[int32]float32) []posting {
	return g.appendTFIDF(make([]posting, 0, len(counts)), counts)
}

// appendTFIDF is tfidf reusing the memory of v, whose content it drops.
func (g *Graph) appendTFIDF(v []posting, counts map[int32]float32) []posting {
	v = v[:0]
	var norm float64
	for id, tf := range counts {
		if int(id) >= len(g.idf) || g.idf[id] == 0 {
			continue
		}
		w := (1 + float32(math.Log(float64(tf)))) * g.idf[id]
		v = append(v, posting{doc: id, w: w})
		norm += float64(w) * float64(w)
	}
	if norm == 0 {
		return v[:0]
	}
	inv := float32(1 / math.Sqrt(norm))
	for i := range v {
		v[i].w *= inv
	}
	sort.Slice(v, func(a, b int) bool { return v[a].doc < v[b].doc })
	return v
}

func (g *Graph) buildText(projects []builtProject) {
	counts := make([]map[int32]float32, len(projects))
	for i, p := range projects {
		if p.text == "" && p.topic == "" {
			continue
		}
		counts[i] = map[int32]float32{}
		g.termCounts(p.text, p.topic, true, counts[i])
	}
	g.termNames = make([]string, len(g.terms))
	for w, id := range g.terms {
		g.termNames[id] = w
	}
	df := make([]int32, len(g.terms))
	nDocs := 0
	for _, c := range counts {
		if len(c) == 0 {
			continue
		}
		nDocs++
		for id := range c {
			df[id]++
		}
	}
	g.idf = make([]float32, len(g.terms))
	for id, d := range df {
		// A term of a single project cannot relate two projects but can
		// relate a query to that project, so it keeps a weight.
		if d > 0 {
			g.idf[id] = float32(math.Log(1 + float64(nDocs)/float64(d)))
		}
	}
	vectors := make([][]posting, len(projects))
	for i, c := range counts {
		if len(c) > 0 {
			vectors[i] = g.tfidf(c)
		}
	}
	g.termProjects = buildCSR(len(g.terms), func(emit func(int32, posting)) {
		for p, v := range vectors {
			for _, e := range v {
				emit(e.doc, posting{doc: int32(p), w: e.w})
			}
		}
	})

	// An organisation's profile is the normalised sum of its projects'
	// vectors: what it usually works on.
	profiles := g.profiles(vectors, func(int32) bool { return true })
	g.orgProfiles = buildCSR(len(g.orgKeys), func(emit func(int32, posting)) {
		for o, prof := range profiles {
			for _, e := range prof {
				emit(int32(o), e)
			}
		}
	})
	g.termOrgs = buildCSR(len(g.terms), func(emit func(int32, posting)) {
		for o, prof := range profiles {
			for _, e := range prof {
				emit(e.doc, posting{doc: int32(o), w: e.w})
			}
		}
	})
	recent := g.profiles(vectors, func(p int32) bool { return g.maxYear-g.projYear[p] < recentProfileYears })
	g.termOrgsRecent = buildCSR(len(g.terms), func(emit func(int32, posting)) {
		for o, prof := range recent {
			for _, e := range prof {
				emit(e.doc, posting{doc: int32(o), w: e.w})
			}
		}
	})
}

// recentProfileYears is how many of the last years of the graph make up
// an organisation's recent profile.
const recentProfileYears = 3

// profiles returns every organisation's normalised sum of the vectors of
// its projects that keep accepts, sorted by term id.
func (g *Graph) profiles(vectors [][]posting, keep func(int32) bool) [][]posting {
	n := len(g.orgKeys)
	acc := make([]float32, len(g.terms))
	var touched []int32
	out := make([][]posting, n)
	for o := range int32(n) {
		touched = touched[:0]
		for _, p := range g.orgProjects.row(o) {
			if !keep(p) {
				continue
			}
			for _, e := range vectors[p] {
				if acc[e.doc] == 0 {
					touched = append(touched, e.doc)
				}
				acc[e.doc] += e.w
			}
		}
		if len(touched) == 0 {
			continue
		}
		var norm float64
		for _, t := range touched {
			norm += float64(acc[t]) * float64(acc[t])
		}
		inv := float32(1 / math.Sqrt(norm))
		prof := make([]posting, len(touched))
		for i, t := range touched {
			prof[i] = posting{doc: t, w: acc[t] * inv}
			acc[t] = 0
		}
		sort.Slice(prof, func(a, b int) bool { return prof[a].doc < prof[b].doc })
		out[o] = prof
	}
	return out
}
