package recommend

import "math"

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
	g.countryShare = make([]float32, nC)
	for c := range nC {
		g.countryShare[c] = float32((overallC[c] + 1) / (total + float64(nC)))
	}
	g.typeShare = make([]float32, nT)
	for t := range nT {
		g.typeShare[t] = float32((overallT[t] + 1) / (total + float64(nT)))
	}
	g.partCountryLift = lift(partC, overallC)
	g.countryCountryLift = lift(seedC, overallC)
	g.partTypeLift = lift(partT, overallT)
}

// termMixSmoothing is how many partner places of the overall mix are
// added to a term's own before comparing; termMixMinLift drops lifts too
// small to matter.
const (
	termMixSmoothing = 20
	termMixMinLift   = 0.1
)

// buildTermMix learns, for every term, which partner countries and types
// come more often than overall with projects that use it.
func (g *Graph) buildTermMix() {
	nC, nT := len(g.countries), len(g.types)
	build := func(n int, of func(m int32) int32, share []float32) csr[posting] {
		acc := make([]float32, n)
		return buildCSR(len(g.terms), func(emit func(int32, posting)) {
			for t := range int32(len(g.terms)) {
				var total float32
				for _, e := range g.termProjects.row(t) {
					p := e.doc
					coord := g.projCoord[p]
					for _, m := range g.projMembers.row(p) {
						if m != coord {
							acc[of(m)]++
							total++
						}
					}
				}
				for c := range n {
					if total > 0 {
						lift := float32(math.Log(float64((acc[c] + termMixSmoothing*share[c]) / (total + termMixSmoothing) / share[c])))
						if lift > termMixMinLift || lift < -termMixMinLift {
							emit(t, posting{doc: int32(c), w: lift})
						}
					}
					acc[c] = 0
				}
			}
		})
	}
	g.termCountryLift = build(nC, func(m int32) int32 { return g.orgCountry[m] }, g.countryShare)
	g.termTypeLift = build(nT, func(m int32) int32 { return g.orgType[m] }, g.typeShare)
}
