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
	n := len(g.orgKeys)
	acc := make([]float32, len(g.terms))
	var touched []int32
	profiles := make([][]posting, n)
	for o := range int32(n) {
		touched = touched[:0]
		for _, p := range g.orgProjects.row(o) {
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
		profiles[o] = prof
	}
	g.orgProfiles = buildCSR(n, func(emit func(int32, posting)) {
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
}

// priorSmoothing is how many partner places of the overall mix are added
// to each conditional count, so that rare parts or countries do not get
// extreme lifts from a handful of consortia.
const priorSmoothing = 30

// buildPriors learns from the consortia how much more often than overall a
// partner of a country or type joins a consortium of a given programme
// part, of a coordinator from a given country, of a given coordinator type.
func (g *Graph) buildPriors() {
	nC, nT, nP := len(g.countries), len(g.types), len(g.parts)
	overallC := make([]float64, nC)
	overallT := make([]float64, nT)
	partC := make([]float64, nP*nC)
	seedC := make([]float64, nC*nC)
	partT := make([]float64, nP*nT*nT)
	var total float64
	for p := range int32(len(g.projYear)) {
		members := g.projMembers.row(p)
		coord := g.projCoord[p]
		if len(members) < 2 {
			continue
		}
		if coord < 0 {
			coord = members[0]
		}
		cc, ct := g.orgCountry[coord], g.orgType[coord]
		parts := g.projParts.row(p)
		for _, m := range members {
			if m == coord {
				continue
			}
			c, t := g.orgCountry[m], g.orgType[m]
			total++
			overallC[c]++
			overallT[t]++
			seedC[int(cc)*nC+int(c)]++
			for _, part := range parts {
				partC[int(part)*nC+int(c)]++
				partT[(int(part)*nT+int(ct))*nT+int(t)]++
			}
		}
	}
	if total == 0 {
		total = 1
	}
	lift := func(counts []float64, overall []float64) []float32 {
		// counts is a block of rows over the same categories as overall.
		k := len(overall)
		out := make([]float32, len(counts))
		for r := 0; r+k <= len(counts); r += k {
			var rowTotal float64
			for j := range k {
				rowTotal += counts[r+j]
			}
			for j := range k {
				pj := (overall[j] + 1) / (total + float64(k))
				cond := (counts[r+j] + priorSmoothing*pj) / (rowTotal + priorSmoothing)
				out[r+j] = float32(math.Log(cond / pj))
			}
		}
		return out
	}
	g.typeShare = make([]float32, nT)
	for t := range nT {
		g.typeShare[t] = float32((overallT[t] + 1) / (total + float64(nT)))
	}
	g.partCountryLift = lift(partC, overallC)
	g.countryCountryLift = lift(seedC, overallC)
	g.partTypeLift = lift(partT, overallT)
}
