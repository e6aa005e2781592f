package recommend

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
)

// Organisation is a node of the cooperation graph.
type Organisation struct {
	// Key identifies the organisation to the caller: a PIC, a platform id.
	Key string
	// Country is an ISO 3166-1 alpha-2 code.
	Country string
	// Type is the activity type (HES, REC, PRC, PUB, OTH) or the platform's
	// organisation kind; the recommender only compares types with each
	// other.
	Type string
}

// Country tells the recommender what it needs to know of a country.
type Country struct {
	Code string // ISO 3166-1 alpha-2
	// EU marks member states; the others are the "international" partners
	// that country diversity favours.
	EU bool
	// BRIPartner marks countries that signed a Belt and Road cooperation
	// document; Query.FavourBRI raises their organisations.
	BRIPartner bool
}

// Project is one past cooperation: the organisations that took part and
// what it was about.
type Project struct {
	Key  string
	Year int // start year
	// Parts are the programme parts or fields the project belongs to.
	Parts []string
	// Topic is the call topic code, e.g. "LC-SC3-EE-18-2019".
	Topic string
	// Text is free text about the project: title, topic description,
	// keywords.
	Text    string
	Members []Member
}

// Member is an organisation's place in a project.
type Member struct {
	Org         string // Organisation.Key
	Coordinator bool
}

// Builder collects organisations and projects and builds the Graph. The
// graph is immutable once built; rebuild it to take in new cooperations.
type Builder struct {
	orgs      []Organisation
	orgIndex  map[string]int32
	countries map[string]Country
	projects  []builtProject
	projKeys  map[string]bool
	pairs     map[[2]string]float64
}

type builtProject struct {
	year    int
	parts   []string
	topic   string
	text    string
	members []int32
	coord   int32
}

// NewBuilder returns an empty builder.
func NewBuilder() *Builder {
	return &Builder{orgIndex: map[string]int32{}, countries: map[string]Country{}, projKeys: map[string]bool{}, pairs: map[[2]string]float64{}}
}

// AddCountryPair records how strongly two countries cooperate outside the
// graph, for example their co-authored publications: evidence of which
// pairs of countries work together that the consortia alone do not show.
// The pair is unordered; adding it again adds to its weight. Pairs of one
// country and non-positive weights are ignored.
func (b *Builder) AddCountryPair(a, c string, weight float64) {
	a, c = strings.ToUpper(strings.TrimSpace(a)), strings.ToUpper(strings.TrimSpace(c))
	if a == c || a == "" || c == "" || !(weight > 0) || math.IsInf(weight, 0) {
		return
	}
	if c < a {
		a, c = c, a
	}
	b.pairs[[2]string{a, c}] += weight
}

// AddCountry records what the recommender should know of a country.
// Organisations of countries never added count as non-EU, non-BRI.
func (b *Builder) AddCountry(c Country) {
	c.Code = strings.ToUpper(strings.TrimSpace(c.Code))
	b.countries[c.Code] = c
}

// AddOrganisation adds an organisation, or updates the country and type of
// one added before (the latest record of an organisation wins).
func (b *Builder) AddOrganisation(o Organisation) error {
	if strings.TrimSpace(o.Key) == "" {
		return errors.New("recommend: organisation key is empty")
	}
	o.Country = strings.ToUpper(strings.TrimSpace(o.Country))
	if i, ok := b.orgIndex[o.Key]; ok {
		b.orgs[i] = o
		return nil
	}
	if len(b.orgs) >= math.MaxInt32 {
		return errors.New("recommend: too many organisations")
	}
	b.orgIndex[o.Key] = int32(len(b.orgs))
	b.orgs = append(b.orgs, o)
	return nil
}

// AddProject adds a past project. Its members must have been added as
// organisations; a member listed twice counts once.
func (b *Builder) AddProject(p Project) error {
	if strings.TrimSpace(p.Key) == "" {
		return errors.New("recommend: project key is empty")
	}
	if b.projKeys[p.Key] {
		return fmt.Errorf("recommend: project %q added twice", p.Key)
	}
	bp := builtProject{year: p.Year, parts: slices.Clone(p.Parts), topic: p.Topic, text: p.Text, coord: -1}
	seen := make(map[int32]bool, len(p.Members))
	for _, m := range p.Members {
		i, ok := b.orgIndex[m.Org]
		if !ok {
			return fmt.Errorf("recommend: project %q: member %q is not an added organisation", p.Key, m.Org)
		}
		if m.Coordinator && bp.coord < 0 {
			bp.coord = i
		}
		if seen[i] {
			continue
		}
		seen[i] = true
		bp.members = append(bp.members, i)
	}
	b.projKeys[p.Key] = true
	b.projects = append(b.projects, bp)
	return nil
}

// csr is a compressed sparse row list: the items of row i are
// items[start[i]:start[i+1]].
type csr[T any] struct {
	start []int32
	items []T
}

func (c *csr[T]) row(i int32) []T { return c.items[c.start[i]:c.start[i+1]] }

// buildCSR groups (row, item) pairs given by each(emit) into a csr of n rows.
func buildCSR[T any](n int, each func(emit func(row int32, item T))) csr[T] {
	start := make([]int32, n+1)
	each(func(r int32, _ T) { start[r+1]++ })
	for i := 1; i <= n; i++ {
		start[i] += start[i-1]
	}
	items := make([]T, start[n])
	fill := slices.Clone(start[:n])
	each(func(r int32, it T) {
		items[fill[r]] = it
		fill[r]++
	})
	return csr[T]{start: start, items: items}
}

// edge is one neighbour of an organisation in the co-participation graph.
type edge struct {
	to int32
	// aa sums 1/ln(1+size) over the shared projects: the Adamic-Adar
	// weight, damped so that huge consortia say little about each pair.
	aa float32
	// recent is aa with each project halved for every edgeHalfLife years
	// of age: a tie that is still alive.
	recent float32
}

// posting is one (document, weight) entry of an inverted index.
type posting struct {
	doc int32
	w   float32
}

// Graph is the immutable cooperation graph the recommender ranks from,
// with the indexes a query reads: everything a query needs is
// precomputed, so that a query only walks short lists. It is safe for
// concurrent use.
type Graph struct {
	orgKeys    []string
	orgIndex   map[string]int32
	orgCountry []int32 // index into countries
	orgType    []int32 // index into types

	countries    []Country
	countryIndex map[string]int32
	types        []string
	typeIndex    map[string]int32
	parts        []string
	partIndex    map[string]int32
	calls        map[string]int32 // call families ("#msca-itn")

	projYear    []int32
	projSize    []int32
	projCoord   []int32 // -1 when the project has no coordinator
	projMembers csr[int32]
	projParts   csr[int32]
	orgProjects csr[int32] // each row in increasing project order
	maxYear     int32

	// The co-participation graph.
	adjacency csr[edge] // each row sorted by decreasing aa
	strength  []float32 // sum of aa over an organisation's edges

	// Activity of each organisation.
	orgDeg     []int32      // projects
	orgRecent  []float32    // projects of the last recentYears, the older halved
	logDeg     []float32    // log(1+orgDeg), what a query reads
	logRecent  []float32    // log(1+orgRecent)
	orgParts   []uint16     // orgParts[o*len(parts)+p]: projects of o in part p
	partOrgs   [][]int32    // organisations of each part by decreasing activity
	callOrgs   csr[posting] // organisations of each call family with their project counts
	byActivity []int32      // organisations with projects by decreasing activity
	// orgRecentParts[o*len(parts)+p]: projects of o in part p in the last
	// recentYears.
	orgRecentParts []uint16

	// Text: a TF-IDF vector per project and per organisation profile.
	terms        map[string]int32
	termNames    []string
	idf          []float32
	termProjects csr[posting]
	termOrgs     csr[posting]
	orgProfiles  csr[posting] // each row sorted by term id
	// termOrgsRecent indexes the profiles of the last recentProfileYears
	// only: what an organisation works on now.
	termOrgsRecent csr[posting]

	// Priors learnt from the consortia: how much more often than overall
	// (log lift) a partner of a country or type joins a consortium of a
	// part, of a coordinator from a country, of a coordinator of a type, or
	// of a project using a term.
	countryShare       []float32    // share of all partner places by country
	typeShare          []float32    // share of all partner places by type
	partCountryLift    []float32    // [part][country]
	countryCountryLift []float32    // [seed country][country]
	partTypeLift       []float32    // [part][seed type][type]
	termCountryLift    csr[posting] // only lifts far enough from 0
	termTypeLift       csr[posting]

	// Country pairs from outside the graph (AddCountryPair), nil without:
	// log lift of the pair over what the countries' totals predict, and
	// the share of the first country's weight that goes to the second
	// (as log(1+100 share)); [seed country][country].
	pairLift  []float32
	pairShare []float32

	poolOnce sync.Once
	pool     *sync.Pool
}

// Organisations returns how many organisations the graph holds.
func (g *Graph) Organisations() int { return len(g.orgKeys) }

// Projects returns how many projects the graph holds.
func (g *Graph) Projects() int { return len(g.projYear) }

// HasOrganisation reports whether the organisation took part in the graph
// (was added, with or without projects).
func (g *Graph) HasOrganisation(key string) bool {
	_, ok := g.orgIndex[key]
	return ok
}

// ProjectCount returns the number of projects of an organisation.
func (g *Graph) ProjectCount(key string) int {
	if i, ok := g.orgIndex[key]; ok {
		return int(g.orgDeg[i])
	}
	return 0
}

// Build returns the graph of everything added so far.
func (b *Builder) Build() (*Graph, error) {
	if len(b.orgs) == 0 {
		return nil, errors.New("recommend: no organisations")
	}
	g := &Graph{
		orgKeys:      make([]string, len(b.orgs)),
		orgIndex:     make(map[string]int32, len(b.orgs)),
		orgCountry:   make([]int32, len(b.orgs)),
		orgType:      make([]int32, len(b.orgs)),
		countryIndex: map[string]int32{},
		typeIndex:    map[string]int32{},
		partIndex:    map[string]int32{},
		terms:        map[string]int32{},
	}
	for i, o := range b.orgs {
		g.orgKeys[i] = o.Key
		g.orgIndex[o.Key] = int32(i)
		g.orgCountry[i] = g.countryID(o.Country, b.countries)
		g.orgType[i] = g.typeID(o.Type)
	}
	nOrg, nProj := len(b.orgs), len(b.projects)
	g.projYear = make([]int32, nProj)
	g.projSize = make([]int32, nProj)
	g.projCoord = make([]int32, nProj)
	for i, p := range b.projects {
		g.projYear[i] = int32(p.year)
		g.projSize[i] = int32(len(p.members))
		g.projCoord[i] = p.coord
		g.maxYear = max(g.maxYear, int32(p.year))
		for _, part := range p.parts {
			g.partID(part)
		}
	}
	g.projMembers = buildCSR(nProj, func(emit func(int32, int32)) {
		for i, p := range b.projects {
			for _, m := range p.members {
				emit(int32(i), m)
			}
		}
	})
	g.projParts = buildCSR(nProj, func(emit func(int32, int32)) {
		for i, p := range b.projects {
			seen := map[int32]bool{}
			for _, part := range p.parts {
				id := g.partIndex[strings.TrimSpace(part)]
				if !seen[id] {
					seen[id] = true
					emit(int32(i), id)
				}
			}
		}
	})
	g.orgProjects = buildCSR(nOrg, func(emit func(int32, int32)) {
		for i, p := range b.projects {
			for _, m := range p.members {
				emit(m, int32(i))
			}
		}
	})
	g.buildActivity()
	g.buildAdjacency()
	g.buildText(b.projects)
	g.buildPriors()
	g.buildCalls(b.projects)
	g.buildTermMix()
	g.buildCountryPairs(b.pairs)
	return g, nil
}

func (g *Graph) countryID(code string, known map[string]Country) int32 {
	if i, ok := g.countryIndex[code]; ok {
		return i
	}
	c, ok := known[code]
	if !ok {
		c = Country{Code: code}
	}
	i := int32(len(g.countries))
	g.countries = append(g.countries, c)
	g.countryIndex[code] = i
	return i
}

func (g *Graph) typeID(t string) int32 {
	t = strings.TrimSpace(t)
	if i, ok := g.typeIndex[t]; ok {
		return i
	}
	i := int32(len(g.types))
	g.types = append(g.types, t)
	g.typeIndex[t] = i
	return i
}

func (g *Graph) partID(p string) int32 {
	p = strings.TrimSpace(p)
	if i, ok := g.partIndex[p]; ok {
		return i
	}
	i := int32(len(g.parts))
	g.parts = append(g.parts, p)
	g.partIndex[p] = i
	return i
}

// recentYears is how far back, from the last year of the graph, activity
// counts as recent.
const recentYears = 2

func (g *Graph) buildActivity() {
	n, nParts := len(g.orgKeys), len(g.parts)
	g.orgDeg = make([]int32, n)
	g.orgRecent = make([]float32, n)
	g.orgParts = make([]uint16, n*nParts)
	g.orgRecentParts = make([]uint16, n*nParts)
	for o := range int32(n) {
		projects := g.orgProjects.row(o)
		g.orgDeg[o] = int32(len(projects))
		for _, p := range projects {
			if age := g.maxYear - g.projYear[p]; age < recentYears {
				// Halve the weight for each year of age so that the last
				// year weighs most.
				g.orgRecent[o] += float32(math.Pow(0.5, float64(age)))
			}
			for _, part := range g.projParts.row(p) {
				if c := &g.orgParts[int(o)*nParts+int(part)]; *c < math.MaxUint16 {
					*c++
				}
				if c := &g.orgRecentParts[int(o)*nParts+int(part)]; g.maxYear-g.projYear[p] < recentYears && *c < math.MaxUint16 {
					*c++
				}
			}
		}
	}
	g.logDeg = make([]float32, n)
	g.logRecent = make([]float32, n)
	for o := range int32(n) {
		g.logDeg[o] = float32(math.Log1p(float64(g.orgDeg[o])))
		g.logRecent[o] = float32(math.Log1p(float64(g.orgRecent[o])))
		if g.orgDeg[o] > 0 {
			g.byActivity = append(g.byActivity, o)
		}
	}
	sort.SliceStable(g.byActivity, func(a, b int) bool { return g.orgDeg[g.byActivity[a]] > g.orgDeg[g.byActivity[b]] })
	g.partOrgs = make([][]int32, nParts)
	for part := range nParts {
		var orgs []int32
		for o := range n {
			if g.orgParts[o*nParts+part] > 0 {
				orgs = append(orgs, int32(o))
			}
		}
		sort.Slice(orgs, func(a, b int) bool {
			ca, cb := g.orgParts[int(orgs[a])*nParts+part], g.orgParts[int(orgs[b])*nParts+part]
			if ca != cb {
				return ca > cb
			}
			return orgs[a] < orgs[b]
		})
		g.partOrgs[part] = orgs
	}
}

// edgeHalfLife is the age in years at which a shared project counts half
// in the recency of a tie.
const edgeHalfLife = 2

// buildCountryPairs turns the weights of country pairs into the lift and
// the share of every pair of the graph's countries.
func (g *Graph) buildCountryPairs(pairs map[[2]string]float64) {
	if len(pairs) == 0 {
		return
	}
	nC := len(g.countries)
	w := make([]float64, nC*nC)
	tot := make([]float64, nC)
	var all float64
	for k, v := range pairs {
		a, okA := g.countryIndex[k[0]]
		c, okC := g.countryIndex[k[1]]
		if !okA || !okC {
			continue
		}
		w[int(a)*nC+int(c)] += v
		w[int(c)*nC+int(a)] += v
		tot[a] += v
		tot[c] += v
		all += 2 * v
	}
	if all == 0 {
		return
	}
	g.pairLift = make([]float32, nC*nC)
	g.pairShare = make([]float32, nC*nC)
	for a := range nC {
		for c := range nC {
			v := w[a*nC+c]
			if v == 0 || tot[a] == 0 || tot[c] == 0 {
				continue
			}
			// Smoothed so that a few papers between small countries do not
			// make an extreme lift.
			lift := math.Log((v + 1) * all / (tot[a]*tot[c] + all))
			g.pairLift[a*nC+c] = float32(max(-3, min(3, lift)))
			g.pairShare[a*nC+c] = float32(math.Log1p(100 * v / tot[a]))
		}
	}
}

// sizeDamping is the weight one shared project gives a pair of its
// members: 1/ln(1+size), so that a pair from a 3-member consortium counts
// about three times a pair from a 60-member one.
func sizeDamping(size int32) float32 { return float32(1 / math.Log(1+float64(size))) }

func (g *Graph) buildAdjacency() {
	n := len(g.orgKeys)
	// Accumulate per organisation with a dense scratch row: far less memory
	// churn than a map of pairs.
	acc := make([]float32, n)
	accRecent := make([]float32, n)
	var touched []int32
	start := make([]int32, n+1)
	var items []edge
	for o := range int32(n) {
		touched = touched[:0]
		for _, p := range g.orgProjects.row(o) {
			members := g.projMembers.row(p)
			w := sizeDamping(int32(len(members)))
			wr := w * float32(math.Pow(0.5, float64(g.maxYear-g.projYear[p])/edgeHalfLife))
			for _, m := range members {
				if m == o {
					continue
				}
				if acc[m] == 0 {
					touched = append(touched, m)
				}
				acc[m] += w
				accRecent[m] += wr
			}
		}
		row := make([]edge, len(touched))
		for i, m := range touched {
			row[i] = edge{to: m, aa: acc[m], recent: accRecent[m]}
			acc[m], accRecent[m] = 0, 0
		}
		sort.Slice(row, func(a, b int) bool {
			if row[a].aa != row[b].aa {
				return row[a].aa > row[b].aa
			}
			return row[a].to < row[b].to
		})
		items = append(items, row...)
		start[o+1] = int32(len(items))
	}
	g.adjacency = csr[edge]{start: start, items: items}
	g.strength = make([]float32, n)
	for o := range int32(n) {
		for _, e := range g.adjacency.row(o) {
			g.strength[o] += e.aa
		}
	}
}

// callFamily returns the call family of a topic code: its first two
// tokens ("#msca-itn", "#sc1-bhc"), or its only one.
func callFamily(topic string) string {
	var fam string
	n := 0
	topicTokens(topic, func(t string) {
		if n < 2 {
			fam = t
		}
		n++
	})
	return fam
}

// buildCalls counts the projects of every organisation in every call
// family.
func (g *Graph) buildCalls(projects []builtProject) {
	g.calls = map[string]int32{}
	counts := map[[2]int32]float32{}
	for p, bp := range projects {
		fam := callFamily(bp.topic)
		if fam == "" {
			continue
		}
		id, ok := g.calls[fam]
		if !ok {
			id = int32(len(g.calls))
			g.calls[fam] = id
		}
		for _, m := range g.projMembers.row(int32(p)) {
			counts[[2]int32{id, m}]++
		}
	}
	keys := make([][2]int32, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(a, b int) bool {
		if keys[a][0] != keys[b][0] {
			return keys[a][0] < keys[b][0]
		}
		return keys[a][1] < keys[b][1]
	})
	g.callOrgs = buildCSR(len(g.calls), func(emit func(int32, posting)) {
		for _, k := range keys {
			emit(k[0], posting{doc: k[1], w: counts[k]})
		}
	})
}
