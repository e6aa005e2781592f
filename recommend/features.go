package recommend

import (
	"container/heap"
	"math"
	"sort"
	"sync"
)

// The signals a candidate is scored on, each computed from the graph and
// the query only; the score is their weighted sum. Counts and sums enter
// as log(1+x) so that weights compare orders of magnitude.
const (
	fAA           = iota // past cooperations with the seed, each damped by consortium size
	fAAText              // ... each weighted by how close the shared project's text is to the query
	fAAPart              // ... counting only shared projects in the query's programme parts
	fAARecent            // ... each halved for every year of age
	fAASeedCoord         // ... counting only projects the seed coordinated
	fAAMaxText           // text closeness to the query of the closest project shared with the seed
	f2Hop                // partners of the seed's partners
	f2HopText            // ... through partners who work on the query's topics
	fKNN                 // membership in the past projects closest in text to the query
	fProfile             // closeness of the candidate's usual topics to the query
	fPartCount           // activity in the query's programme parts
	fPartShare           // share of the candidate's projects in those parts
	fCallCount           // projects in the query's call family
	fPopularity          // number of past projects
	fRecent              // activity in the last years of the record
	fCountryPart         // how much more often than overall its country joins consortia of these parts
	fCountrySeed         // ... joins consortia of coordinators from the seed's country
	fTypePart            // how much more often its type joins such consortia with such a coordinator
	fSeedTypeHist        // how much more often than overall the seed's partners were of its type
	fTextCountry         // how much more often than overall the query's words come with partners from its country
	fTextType            // ... with partners of its type
	fAATextRel           // fAAText relative to the query's strongest candidate
	fKNNRel              // fKNN relative to the query's strongest candidate
	fFeedback            // partners of the best first-pass candidates (pseudo-relevance feedback)
	// The same signals scaled by the seed's record (log of its projects):
	// how much a signal tells depends on how much the seed has done.
	fAAxSeed
	fAATextxSeed
	f2HopxSeed
	fKNNxSeed
	fProfilexSeed
	fPopularityxSeed
	fPartCountxSeed
	// Signals made for introducing new partners, who share no project with
	// the seed.
	fCountryPair      // how much more often than overall the seed's and the candidate's countries publish together
	fCountryPairShare // share of the seed country's international co-publications with the candidate's country
	f2HopRecent       // partners of the seed's partners, each edge weighted by the recency of its projects
	fProfileRecent    // closeness of the candidate's topics of the last years to the query
	fKNNSocial        // membership in close projects that also hold partners of the seed
	fRecentPart       // recent activity in the query's programme parts
	numFeatures
)

var featureNames = [numFeatures]string{
	fAA: "aa", fAAText: "aa_text", fAAPart: "aa_part", fAARecent: "aa_recent", fAASeedCoord: "aa_seed_coordinated",
	fAAMaxText: "aa_max_text", f2Hop: "two_hop", f2HopText: "two_hop_text", fKNN: "similar_projects",
	fProfile: "profile", fPartCount: "part_count", fPartShare: "part_share", fCallCount: "call_count",
	fPopularity: "popularity", fRecent: "recent", fCountryPart: "country_part", fCountrySeed: "country_seed",
	fTypePart:     "type_part",
	fSeedTypeHist: "seed_type_history", fTextCountry: "text_country", fTextType: "text_type",
	fAATextRel: "aa_text_rel", fKNNRel: "similar_projects_rel", fFeedback: "feedback",
	fAAxSeed: "aa_x_seed", fAATextxSeed: "aa_text_x_seed", f2HopxSeed: "two_hop_x_seed", fKNNxSeed: "similar_projects_x_seed",
	fProfilexSeed: "profile_x_seed", fPopularityxSeed: "popularity_x_seed", fPartCountxSeed: "part_count_x_seed",
	fCountryPair: "country_pair", fCountryPairShare: "country_pair_share", f2HopRecent: "two_hop_recent",
	fProfileRecent: "profile_recent", fKNNSocial: "similar_projects_social", fRecentPart: "recent_part",
}

// bySeed pairs a signal with its copy scaled by the seed's record.
var bySeed = [...][2]int{{fAA, fAAxSeed}, {fAAText, fAATextxSeed}, {f2Hop, f2HopxSeed}, {fKNN, fKNNxSeed},
	{fProfile, fProfilexSeed}, {fPopularity, fPopularityxSeed}, {fPartCount, fPartCountxSeed}}

// logged are the signals that enter as log(1+x).
var logged = [...]int{fAA, fAAText, fAAPart, fAARecent, fAASeedCoord, f2Hop, f2HopText, fKNN, fCallCount, f2HopRecent, fKNNSocial}

// relative pairs a signal with the signal that holds it relative to the
// query's strongest candidate: what counts as strong differs from a seed
// with a long record to one with a short one.
var relative = [...][2]int{{fAAText, fAATextRel}, {fKNN, fKNNRel}}

// FeatureNames lists the names of the signals a Weights value weighs.
func FeatureNames() []string { return append([]string(nil), featureNames[:]...) }

type features [numFeatures]float32

// Tunables of candidate generation, chosen on the tuning splits.
const (
	twoHopSeedNeighbours = 150 // strongest partners of the seed walked through
	twoHopFanOut         = 150 // strongest partners of each of them
	similarProjects      = 100 // projects closest in text that vote for their members
	partCandidates       = 300 // most active organisations per programme part
	// historySmoothing is how many partner places of the overall mix are
	// added to the seed's own before comparing it with the mix.
	historySmoothing = 10
)

// scratch holds the dense per-query arrays, reused across queries through
// a pool so that a query allocates little beyond its result.
type scratch struct {
	epoch   uint32
	mark    []uint32 // mark[o] == epoch: o is a candidate of this query
	feat    []features
	touched []int32
	shared  []int32   // projects shared with the seed
	seedNb  []float32 // aa weight of the seed's partners
	seedNbs []int32

	projSim   []float32 // text closeness of projects to the query
	projMark  []uint32
	projTouch []int32
	topProj   []int32

	query  []posting // the query's TF-IDF vector
	counts map[int32]float32

	seedTypes   []float32 // the seed's partner places by type
	seedSlots   float32
	textCountry []float32 // log lifts of countries given the query's words
	textType    []float32 // ... of types
}

func (g *Graph) scratchPool() *sync.Pool {
	g.poolOnce.Do(func() {
		g.pool = &sync.Pool{New: func() any {
			n, p := len(g.orgKeys), len(g.projYear)
			return &scratch{
				mark: make([]uint32, n), feat: make([]features, n), shared: make([]int32, n), seedNb: make([]float32, n),
				projSim: make([]float32, p), projMark: make([]uint32, p),
				counts:    map[int32]float32{},
				seedTypes: make([]float32, len(g.types)), textCountry: make([]float32, len(g.countries)), textType: make([]float32, len(g.types)),
			}
		}}
	})
	return g.pool
}

func (s *scratch) reset() {
	s.epoch++
	if s.epoch == 0 { // wrapped: clear the marks once every 4 billion queries
		clear(s.mark)
		clear(s.projMark)
		s.epoch = 1
	}
	for _, o := range s.touched {
		s.feat[o] = features{}
		s.shared[o] = 0
	}
	for _, o := range s.seedNbs {
		s.seedNb[o] = 0
	}
	s.touched, s.seedNbs, s.projTouch, s.topProj = s.touched[:0], s.seedNbs[:0], s.projTouch[:0], s.topProj[:0]
	clear(s.counts)
	clear(s.seedTypes)
	clear(s.textCountry)
	clear(s.textType)
	s.seedSlots = 0
}

func (s *scratch) touch(o int32) *features {
	if s.mark[o] != s.epoch {
		s.mark[o] = s.epoch
		s.touched = append(s.touched, o)
	}
	return &s.feat[o]
}

// sim returns the text closeness of project p to the query, 0 when they
// share no term.
func (s *scratch) sim(p int32) float32 {
	if s.projMark[p] != s.epoch {
		return 0
	}
	return s.projSim[p]
}

// resolved is a query turned into graph indices.
type resolved struct {
	seed        int32 // -1 when the seed is not in the graph
	seedCountry int32 // -1 when unknown
	seedType    int32 // -1 when unknown
	parts       []int32
	call        int32 // call family of the query's topic, -1 when none
	year        int32 // the year recency counts back from
}

// candidates fills s with every candidate of the query and its signals.
func (g *Graph) candidates(r *resolved, q *Query, s *scratch) {
	g.textSimilarity(q, s)
	g.textMix(s)
	g.profileSimilarity(s)
	if r.seed >= 0 {
		g.seedSignals(r, s)
		g.twoHop(r, s)
	}
	for _, p := range s.topProj {
		sim := s.projSim[p]
		w := sim * sim * sizeDamping(g.projSize[p])
		// A close project that also holds the seed's partners is one the
		// seed's circle works in: its other members are near, even when
		// the seed never met them.
		var known float32
		if r.seed >= 0 {
			for _, m := range g.projMembers.row(p) {
				if s.seedNb[m] > 0 || m == r.seed {
					known++
				}
			}
		}
		social := w * float32(math.Log1p(float64(known)))
		for _, m := range g.projMembers.row(p) {
			f := s.touch(m)
			f[fKNN] += w
			f[fKNNSocial] += social
		}
	}
	if r.call >= 0 {
		for _, e := range g.callOrgs.row(r.call) {
			s.touch(e.doc)[fCallCount] += e.w
		}
	}
	// The most active organisations of the query's parts are candidates
	// even when nothing else points at them.
	for _, part := range r.parts {
		orgs := g.partOrgs[part]
		for _, o := range orgs[:min(len(orgs), partCandidates)] {
			s.touch(o)
		}
	}
	for _, o := range s.touched {
		f := &s.feat[o]
		for _, k := range logged {
			// Most signals of most candidates are 0, whose log1p is 0.
			if f[k] != 0 {
				f[k] = float32(math.Log1p(float64(f[k])))
			}
		}
		g.nodeSignals(o, r, s, f)
	}
	if r.seed >= 0 {
		z := float32(math.Log1p(float64(g.orgDeg[r.seed])) / 5)
		for _, o := range s.touched {
			f := &s.feat[o]
			for _, b := range bySeed {
				f[b[1]] = z * f[b[0]]
			}
		}
	}
	for _, rel := range relative {
		var top float32
		for _, o := range s.touched {
			top = max(top, s.feat[o][rel[0]])
		}
		if top == 0 {
			continue
		}
		for _, o := range s.touched {
			s.feat[o][rel[1]] = s.feat[o][rel[0]] / top
		}
	}
}

// nodeSignals sets the signals that depend on the candidate and the
// query's context, not on paths from the seed.
func (g *Graph) nodeSignals(o int32, r *resolved, s *scratch, f *features) {
	nParts, nC, nT := len(g.parts), len(g.countries), len(g.types)
	var inParts, recentParts float32
	for _, part := range r.parts {
		inParts += float32(g.orgParts[int(o)*nParts+int(part)])
		recentParts += float32(g.orgRecentParts[int(o)*nParts+int(part)])
	}
	if recentParts > 0 {
		f[fRecentPart] = float32(math.Log1p(float64(recentParts)))
	}
	deg := float32(g.orgDeg[o])
	if inParts > 0 {
		f[fPartCount] = float32(math.Log1p(float64(inParts)))
		f[fPartShare] = inParts / deg
	}
	f[fPopularity] = g.logDeg[o]
	f[fRecent] = g.logRecent[o]
	c, t := g.orgCountry[o], g.orgType[o]
	if len(r.parts) > 0 {
		var lc, lt float32
		for _, part := range r.parts {
			lc += g.partCountryLift[int(part)*nC+int(c)]
			if r.seedType >= 0 {
				lt += g.partTypeLift[(int(part)*nT+int(r.seedType))*nT+int(t)]
			}
		}
		f[fCountryPart] = lc / float32(len(r.parts))
		f[fTypePart] = lt / float32(len(r.parts))
	}
	if r.seedCountry >= 0 {
		f[fCountrySeed] = g.countryCountryLift[int(r.seedCountry)*nC+int(c)]
		if g.pairLift != nil {
			f[fCountryPair] = g.pairLift[int(r.seedCountry)*nC+int(c)]
			f[fCountryPairShare] = g.pairShare[int(r.seedCountry)*nC+int(c)]
		}
	}
	if s.seedSlots > 0 {
		ts := g.typeShare[t]
		f[fSeedTypeHist] = float32(math.Log(float64((s.seedTypes[t] + historySmoothing*ts) / (s.seedSlots + historySmoothing) / ts)))
	}
	f[fTextCountry] = s.textCountry[c]
	f[fTextType] = s.textType[t]
}

// fillByActivity offers up to need organisations that no signal of the
// query reached, most active first, with their context signals.
func (g *Graph) fillByActivity(r *resolved, s *scratch, offer func(int32, *features), need int) {
	for _, o := range g.byActivity {
		if need <= 0 {
			return
		}
		if s.mark[o] == s.epoch {
			continue
		}
		var f features
		g.nodeSignals(o, r, s, &f)
		offer(o, &f)
		need--
	}
}

// textSimilarity scores every past project sharing a term with the query
// (cosine of TF-IDF vectors) and keeps the closest in s.topProj.
func (g *Graph) textSimilarity(q *Query, s *scratch) {
	g.termCounts(q.Title+"\n"+q.TopicDescription, q.Topic, false, s.counts)
	s.query = g.appendTFIDF(s.query[:0], s.counts)
	for _, qt := range s.query {
		for _, e := range g.termProjects.row(qt.doc) {
			if s.projMark[e.doc] != s.epoch {
				s.projMark[e.doc] = s.epoch
				s.projSim[e.doc] = 0
				s.projTouch = append(s.projTouch, e.doc)
			}
			s.projSim[e.doc] += qt.w * e.w
		}
	}
	top := append(s.topProj[:0], s.projTouch...)
	if len(top) > similarProjects {
		sort.Slice(top, func(a, b int) bool {
			if s.projSim[top[a]] != s.projSim[top[b]] {
				return s.projSim[top[a]] > s.projSim[top[b]]
			}
			return top[a] < top[b]
		})
		top = top[:similarProjects]
	}
	s.topProj = top
}

// textMix sets, for every country and type, the log lift of partners from
// it in projects using the query's words, weighted by the words' weights:
// "Africa" or "China" in a call bring their partners.
func (g *Graph) textMix(s *scratch) {
	var total float32
	for _, qt := range s.query {
		total += qt.w
	}
	if total == 0 {
		return
	}
	for _, qt := range s.query {
		w := qt.w / total
		for _, e := range g.termCountryLift.row(qt.doc) {
			s.textCountry[e.doc] += w * e.w
		}
		for _, e := range g.termTypeLift.row(qt.doc) {
			s.textType[e.doc] += w * e.w
		}
	}
}

// profileSimilarity adds the cosine of the query with the profile of every
// organisation that shares a term with it.
func (g *Graph) profileSimilarity(s *scratch) {
	for _, qt := range s.query {
		for _, e := range g.termOrgs.row(qt.doc) {
			s.touch(e.doc)[fProfile] += qt.w * e.w
		}
		for _, e := range g.termOrgsRecent.row(qt.doc) {
			s.touch(e.doc)[fProfileRecent] += qt.w * e.w
		}
	}
}

// seedSignals walks the seed's past projects: every partner gets the
// shared project's weight under each view of it.
func (g *Graph) seedSignals(r *resolved, s *scratch) {
	seed := r.seed
	for _, p := range g.orgProjects.row(seed) {
		members := g.projMembers.row(p)
		w := sizeDamping(int32(len(members)))
		sim := s.sim(p)
		var partW, coordW float32
		if g.sharesPart(p, r.parts) {
			partW = w
		}
		if g.projCoord[p] == seed {
			coordW = w
		}
		recentW := w * float32(math.Pow(0.5, float64(r.year-g.projYear[p])))
		for _, m := range members {
			if m == seed {
				continue
			}
			f := s.touch(m)
			f[fAA] += w
			f[fAAText] += w * sim
			f[fAAPart] += partW
			f[fAARecent] += recentW
			f[fAASeedCoord] += coordW
			f[fAAMaxText] = max(f[fAAMaxText], sim)
			s.shared[m]++
			s.seedTypes[g.orgType[m]]++
			s.seedSlots++
		}
	}
}

func (g *Graph) sharesPart(p int32, parts []int32) bool {
	for _, a := range g.projParts.row(p) {
		for _, b := range parts {
			if a == b {
				return true
			}
		}
	}
	return false
}

// twoHop adds, for every partner of the seed's strongest partners, the
// weight of the path seed-n-c, each intermediate's edges shared out over
// its total strength so that hubs do not vouch for everybody.
func (g *Graph) twoHop(r *resolved, s *scratch) {
	nbs := g.adjacency.row(r.seed)
	for _, e := range nbs {
		s.seedNb[e.to] = e.aa
		s.seedNbs = append(s.seedNbs, e.to)
	}
	for _, e := range nbs[:min(len(nbs), twoHopSeedNeighbours)] {
		n := e.to
		share := e.aa / g.strength[n]
		recent := e.recent / g.strength[n]
		topical := share * s.feat[n][fProfile] // n was touched by seedSignals
		far := g.adjacency.row(n)
		for _, e2 := range far[:min(len(far), twoHopFanOut)] {
			if e2.to == r.seed {
				continue
			}
			f := s.touch(e2.to)
			f[f2Hop] += share * e2.aa
			f[f2HopText] += topical * e2.aa
			f[f2HopRecent] += recent * e2.recent
		}
	}
}

// Pseudo-relevance feedback tunables: consortia are cliques of
// organisations that worked together, so the partners of the best
// first-pass candidates are likely partners too.
const (
	feedbackDepth  = 20  // first-pass candidates whose partners get feedback
	feedbackFanOut = 150 // strongest partners of each
)

// feedback ranks the candidates with the first-pass weights w1 and adds
// fFeedback: the weight of paths from the best of them, the first counting
// most. Organisations it reaches first get their context signals.
func (g *Graph) feedback(w1 *features, r *resolved, s *scratch) {
	h := make(minHeap, 0, feedbackDepth+1)
	for _, o := range s.touched {
		if o == r.seed {
			continue
		}
		c := scored{o, dot(w1, &s.feat[o])}
		if len(h) < feedbackDepth {
			heap.Push(&h, c)
		} else if better(c, h[0]) {
			h[0] = c
			heap.Fix(&h, 0)
		}
	}
	top := []scored(h)
	sort.Slice(top, func(a, b int) bool { return better(top[a], top[b]) })
	before := len(s.touched)
	for i, t := range top {
		w := 1 / float32(i+1) / g.strength[t.org]
		nbs := g.adjacency.row(t.org)
		for _, e := range nbs[:min(len(nbs), feedbackFanOut)] {
			if e.to != r.seed {
				s.touch(e.to)[fFeedback] += w * e.aa
			}
		}
	}
	for _, o := range s.touched[before:] {
		g.nodeSignals(o, r, s, &s.feat[o])
	}
	for _, o := range s.touched {
		s.feat[o][fFeedback] = float32(math.Log1p(10 * float64(s.feat[o][fFeedback])))
	}
}

func dot(w, f *features) float32 {
	var s float32
	for k := range numFeatures {
		s += w[k] * f[k]
	}
	return s
}
