// Package recommend ranks organisations as partners for a seed
// organisation and a planned cooperation, from a graph of past
// cooperations, and says why each is proposed.
//
// No single signal finds partners well, so a candidate's score is a
// weighted sum of many: past cooperations with the seed (damped by
// consortium size, and again weighted by recency, by the programme part
// and by how close the shared project's text is to the planned one),
// partners of partners, membership in the past projects closest in text
// to the planned one (TF-IDF over titles and call topics), closeness of
// the candidate's usual topics, activity in the programme parts and the
// call family, and how much more often than overall its country and type
// join comparable consortia. A second pass adds the partners of the best
// first-pass candidates (consortia are cliques). Fit learns the weights by
// coordinate ascent on recall, from past projects seen as queries.
//
// Building the Graph precomputes everything a query reads (adjacency lists
// sorted by strength, inverted text indexes, per-part activity, priors),
// and a query reuses pooled dense arrays, so that it costs a few
// milliseconds on the whole Horizon 2020 record. The package does no I/O:
// callers build the Graph from whatever store they have.
package recommend

import (
	"container/heap"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
)

// Query asks for partners of a seed organisation for a planned
// cooperation. Every field but Seed is optional, and Seed may be unknown to
// the graph: the ranking then rests on the context alone.
type Query struct {
	Seed string // Organisation.Key of the organisation looking for partners
	// Parts are the programme parts or fields of the planned cooperation.
	Parts []string
	// Year is the planned start year. The ranking does not depend on it:
	// recency counts back from the graph's latest year, which ranked better
	// on the tuning splits than counting back from the query's year.
	Year int
	// SeedCountry and SeedType default to the seed's own in the graph.
	SeedCountry string
	SeedType    string
	// Topic is a call topic code; TopicDescription and Title are free text.
	Topic            string
	TopicDescription string
	Title            string
	// FavourBRI raises organisations from Belt and Road partner countries.
	FavourBRI bool
	// NewPartners proposes only organisations that never shared a project
	// with the seed: the platform introducing partners, not recalling old
	// ones. It ranks with the model's new-partner weights when it has
	// them.
	NewPartners bool
	// Exclude lists organisations not to propose (already partners).
	Exclude []string
	// Limit is the number of recommendations wanted; 0 means 20.
	Limit int
}

// MaxLimit bounds Query.Limit.
const MaxLimit = 1000

// ReasonKind names why an organisation is proposed.
type ReasonKind string

// Reasons a recommendation can give.
const (
	ReasonPastCooperation    ReasonKind = "past_cooperation"    // worked with the seed before
	ReasonPartnerOfPartner   ReasonKind = "partner_of_partner"  // worked with the seed's partners
	ReasonSameProgrammePart  ReasonKind = "same_programme_part" // active in the planned cooperation's parts
	ReasonSimilarTopics      ReasonKind = "similar_topics"      // worked on close topics
	ReasonComplementaryType  ReasonKind = "complementary_type"  // a kind of organisation such consortia need
	ReasonCountryDiversity   ReasonKind = "country_diversity"   // brings another country in
	ReasonBRIPartner         ReasonKind = "bri_partner"         // from a Belt and Road partner country
	ReasonActiveOrganisation ReasonKind = "active_organisation" // among the most active in the record
	ReasonCountriesCooperate ReasonKind = "countries_cooperate" // its country and the seed's often work together
	ReasonRecentActivity     ReasonKind = "recent_activity"     // active in the planned cooperation's parts lately
)

// Reason is one explanation of a recommendation.
type Reason struct {
	Kind ReasonKind `json:"kind"`
	// Count is the number of shared projects (past cooperation), of
	// projects in the parts (same programme part) or of past projects.
	Count int `json:"count,omitempty"`
	// Via names up to three of the seed's partners who also worked with
	// the candidate (partner of partner).
	Via []string `json:"via,omitempty"`
	// Parts names the programme parts the candidate is active in.
	Parts []string `json:"parts,omitempty"`
	// Terms are the words of the query the candidate's past work shares.
	Terms []string `json:"terms,omitempty"`
	// Country and Type describe the candidate for the diversity and type
	// reasons.
	Country string `json:"country,omitempty"`
	Type    string `json:"type,omitempty"`
	// SeedCountry is the seed's country, for the reason that the two
	// countries often work together.
	SeedCountry string `json:"seed_country,omitempty"`
}

// Recommendation is one proposed partner.
type Recommendation struct {
	Org     string   `json:"org"`
	Score   float64  `json:"score"`
	Reasons []Reason `json:"reasons"`
}

// Weights weigh the signals by name (see FeatureNames); BRIBonusName
// gives the score added for BRI partners when a query favours them.
type Weights map[string]float64

// BRIBonusName is the key of Weights that holds the FavourBRI bonus.
const BRIBonusName = "bri_bonus"

// Model is what the recommender has learnt: the weights of the signals
// and, optionally, the weights of a first pass whose best candidates lend
// their partners the "feedback" signal.
type Model struct {
	Weights  Weights `json:"weights"`
	Feedback Weights `json:"feedback,omitempty"`
	// NewPartners weigh the signals when a query asks for new partners
	// only; without them such a query ranks with Weights.
	NewPartners Weights `json:"new_partners,omitempty"`
}

// Recommender ranks partners from a graph with a model. It is safe for
// concurrent use.
type Recommender struct {
	g        *Graph
	w        features
	w1       *features // first-pass weights of feedback, nil without
	wNew     *features // weights of new-partner queries, nil without
	briBonus float32
}

// New returns a recommender over g. Weights missing from the model count
// as 0; a name that is not a feature is an error.
func New(g *Graph, m Model) (*Recommender, error) {
	if g == nil {
		return nil, errors.New("recommend: no graph")
	}
	r := &Recommender{g: g, briBonus: 1}
	var err error
	if r.w, r.briBonus, err = parseWeights(m.Weights, r.briBonus); err != nil {
		return nil, err
	}
	if m.Feedback != nil {
		w1, _, err := parseWeights(m.Feedback, 0)
		if err != nil {
			return nil, fmt.Errorf("feedback: %w", err)
		}
		r.w1 = &w1
	}
	if m.NewPartners != nil {
		wn, _, err := parseWeights(m.NewPartners, 0)
		if err != nil {
			return nil, fmt.Errorf("new partners: %w", err)
		}
		r.wNew = &wn
	}
	return r, nil
}

func parseWeights(w Weights, bri float32) (features, float32, error) {
	var f features
	for name, v := range w {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return f, bri, fmt.Errorf("recommend: weight %q is %v", name, v)
		}
		if name == BRIBonusName {
			bri = float32(v)
			continue
		}
		i := slices.Index(featureNames[:], name)
		if i < 0 {
			return f, bri, fmt.Errorf("recommend: unknown weight %q (have %s)", name, strings.Join(featureNames[:], ", "))
		}
		f[i] = float32(v)
	}
	return f, bri, nil
}

// Graph returns the graph the recommender ranks from.
func (r *Recommender) Graph() *Graph { return r.g }

// Recommend returns the best partners for the query, best first, with the
// reasons for each. The seed and excluded organisations never appear.
func (r *Recommender) Recommend(q Query) ([]Recommendation, error) {
	var out []Recommendation
	err := r.rank(&q, func(res *resolved, s *scratch, top []scored) {
		out = make([]Recommendation, len(top))
		for i, c := range top {
			out[i] = Recommendation{Org: r.g.orgKeys[c.org], Score: float64(c.score), Reasons: r.reasons(res, s, c.org)}
		}
	})
	return out, err
}

// Rank returns only the keys of the best partners, best first: Recommend
// without the reasons, for evaluations.
func (r *Recommender) Rank(q Query) ([]string, error) {
	var out []string
	err := r.rank(&q, func(_ *resolved, _ *scratch, top []scored) {
		out = make([]string, len(top))
		for i, c := range top {
			out[i] = r.g.orgKeys[c.org]
		}
	})
	return out, err
}

// rank scores the candidates of q in a pooled scratch and hands the best to
// use before the scratch goes back to the pool.
func (r *Recommender) rank(q *Query, use func(*resolved, *scratch, []scored)) error {
	if q.Limit < 0 || q.Limit > MaxLimit {
		return fmt.Errorf("recommend: limit %d is outside 0..%d", q.Limit, MaxLimit)
	}
	limit := q.Limit
	if limit == 0 {
		limit = 20
	}
	pool := r.g.scratchPool()
	s := pool.Get().(*scratch)
	defer pool.Put(s)
	s.reset()
	res := r.g.resolve(q)
	r.candidates(q, &res, s)
	use(&res, s, r.top(q, &res, s, limit))
	return nil
}

func (g *Graph) resolve(q *Query) resolved {
	r := resolved{seed: -1, seedCountry: -1, seedType: -1, call: -1, year: g.maxYear}
	if id, ok := g.calls[callFamily(q.Topic)]; ok {
		r.call = id
	}
	if i, ok := g.orgIndex[q.Seed]; ok {
		r.seed = i
		r.seedCountry, r.seedType = g.orgCountry[i], g.orgType[i]
	}
	if c, ok := g.countryIndex[strings.ToUpper(strings.TrimSpace(q.SeedCountry))]; ok {
		r.seedCountry = c
	}
	if t, ok := g.typeIndex[strings.TrimSpace(q.SeedType)]; ok {
		r.seedType = t
	}
	for _, p := range q.Parts {
		if i, ok := g.partIndex[strings.TrimSpace(p)]; ok && !slices.Contains(r.parts, i) {
			r.parts = append(r.parts, i)
		}
	}
	return r
}

type scored struct {
	org   int32
	score float32
}

// minHeap keeps the best candidates seen so far with the worst on top.
type minHeap []scored

func (h minHeap) Len() int { return len(h) }
func (h minHeap) Less(i, j int) bool {
	if h[i].score != h[j].score {
		return h[i].score < h[j].score
	}
	return h[i].org > h[j].org
}
func (h minHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *minHeap) Push(x any)   { *h = append(*h, x.(scored)) }
func (h *minHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

func better(a, b scored) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	return a.org < b.org
}

// top returns the best want candidates, best first.
func (r *Recommender) top(q *Query, res *resolved, s *scratch, want int) []scored {
	g := r.g
	var excluded map[int32]bool
	if len(q.Exclude) > 0 {
		excluded = make(map[int32]bool, len(q.Exclude))
		for _, k := range q.Exclude {
			if i, ok := g.orgIndex[k]; ok {
				excluded[i] = true
			}
		}
	}
	w := &r.w
	if q.NewPartners && r.wNew != nil {
		w = r.wNew
	}
	h := make(minHeap, 0, want+1)
	consider := func(o int32, f *features) {
		if o == res.seed || excluded[o] {
			return
		}
		// Every past partner of the seed was touched by seedSignals.
		if q.NewPartners && s.mark[o] == s.epoch && s.shared[o] > 0 {
			return
		}
		sc := dot(w, f)
		if q.FavourBRI && g.countries[g.orgCountry[o]].BRIPartner {
			sc += r.briBonus
		}
		c := scored{o, sc}
		if len(h) < want {
			heap.Push(&h, c)
		} else if better(c, h[0]) {
			h[0] = c
			heap.Fix(&h, 0)
		}
	}
	for _, o := range s.touched {
		consider(o, &s.feat[o])
	}
	// Fill a short list with the most active organisations that no signal
	// reached, scored on what they have without the query.
	if len(h) < want {
		g.fillByActivity(res, s, consider, want-len(h)+len(excluded)+1)
	}
	out := []scored(h)
	sort.Slice(out, func(a, b int) bool { return better(out[a], out[b]) })
	return out
}

// candidates fills s with the candidates of the query and their features,
// feedback included when the model has it.
func (r *Recommender) candidates(q *Query, res *resolved, s *scratch) {
	r.g.candidates(res, q, s)
	if r.w1 != nil {
		r.g.feedback(r.w1, res, s)
	}
}
