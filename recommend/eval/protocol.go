package eval

import (
	"fmt"
	"sort"

	"github.com/silkbridge/silkbridge/cordis"
	"github.com/silkbridge/silkbridge/recommend"
)

// MinConsortium is the number of distinct organisations a test project
// needs to become a query.
const MinConsortium = 3

// Answer is one hidden partner of a test project.
type Answer struct {
	PIC     string
	Country string
	// International answers come from outside the EU.
	International bool
	// Cold answers never appear in the training years: no ranker can
	// propose them, so they are counted apart.
	Cold bool
	// NewPartner answers appear in the training years but never in a
	// training project with the seed: partners the platform would
	// introduce.
	NewPartner bool
}

// Case is one test query with its hidden answers.
type Case struct {
	RCN    string
	Query  recommend.Query
	Hidden []Answer
}

// Split is the record cut in training projects and test cases.
type Split struct {
	TrainUntil, TestFrom int
	Train                []*Project
	Cases                []Case
	// ColdSeedCases are the test projects whose coordinator never appears
	// in the training years: the recommender ranks them from the context
	// alone.
	ColdSeedCases []Case
}

// NewSplit cuts the record: projects starting in or before trainUntil
// train, projects starting in or after testFrom become cases when they
// have at least MinConsortium organisations and a coordinator seen in
// training.
func NewSplit(rec *Record, trainUntil, testFrom int) (*Split, error) {
	if testFrom <= trainUntil {
		return nil, fmt.Errorf("test years (from %d) must come after training years (until %d)", testFrom, trainUntil)
	}
	s := &Split{TrainUntil: trainUntil, TestFrom: testFrom}
	seen := map[string]bool{}
	byOrg := map[string][]*Project{}
	for _, p := range rec.Projects {
		if p.Year > 0 && p.Year <= trainUntil {
			s.Train = append(s.Train, p)
			for _, m := range p.Members {
				seen[m.PIC] = true
				byOrg[m.PIC] = append(byOrg[m.PIC], p)
			}
		}
	}
	// partnersOf returns the organisations that shared a training project
	// with pic.
	partnersOf := func(pic string) map[string]bool {
		out := map[string]bool{}
		for _, p := range byOrg[pic] {
			for _, m := range p.Members {
				out[m.PIC] = true
			}
		}
		return out
	}
	if len(s.Train) == 0 {
		return nil, fmt.Errorf("no project starts in or before %d", trainUntil)
	}
	for _, p := range rec.Projects {
		if p.Year < testFrom || len(p.Members) < MinConsortium {
			continue
		}
		q, ok := QueryFor(p)
		if !ok {
			continue
		}
		past := partnersOf(q.Seed)
		c := Case{RCN: p.RCN, Query: q}
		for _, m := range p.Members {
			if m.PIC == q.Seed {
				continue
			}
			c.Hidden = append(c.Hidden, Answer{
				PIC: m.PIC, Country: m.Country,
				International: cordis.IsInternational(m.Country),
				Cold:          !seen[m.PIC],
				NewPartner:    seen[m.PIC] && !past[m.PIC],
			})
		}
		if seen[q.Seed] {
			s.Cases = append(s.Cases, c)
		} else {
			s.ColdSeedCases = append(s.ColdSeedCases, c)
		}
	}
	return s, nil
}

// QueryFor builds the query of a test project from what is known before
// its partners are chosen: the coordinator as seed with its own country
// and type, the programme parts, the start year, and the call topic and
// title. It reads no other member's row, so a consortium cannot leak into
// its own query. It reports false when the project has no coordinator.
func QueryFor(p *Project) (recommend.Query, bool) {
	coord, ok := p.Coordinator()
	if !ok {
		return recommend.Query{}, false
	}
	return recommend.Query{
		Seed:             coord.PIC,
		Parts:            append([]string(nil), p.Parts...),
		Year:             p.Year,
		SeedCountry:      coord.Country,
		SeedType:         coord.Type,
		Topic:            p.Topic,
		TopicDescription: p.TopicDescription,
		Title:            p.Title,
	}, true
}

// Countries returns what the recommender should know of the countries of
// the record: EU membership as the H2020 groups count it, and BRI partners
// from the given ISO codes.
func Countries(rec []*Project, briPartners []string) []recommend.Country {
	bri := map[string]bool{}
	for _, c := range briPartners {
		bri[cordis.ISOCountry(c)] = true
	}
	seen := map[string]bool{}
	var out []recommend.Country
	for _, p := range rec {
		for _, m := range p.Members {
			if seen[m.Country] {
				continue
			}
			seen[m.Country] = true
			out = append(out, recommend.Country{Code: m.Country, EU: cordis.IsEU(m.Country), BRIPartner: bri[m.Country]})
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Code < out[b].Code })
	return out
}

// BuildGraph builds the recommender's graph from training projects only.
// An organisation takes the country and type of its latest training row.
func BuildGraph(train []*Project, countries []recommend.Country) (*recommend.Graph, error) {
	return BuildGraphWith(train, countries, nil)
}

// BuildGraphWith is BuildGraph with the co-authorship counts of country
// pairs; the caller keeps to the pairs of the training years.
func BuildGraphWith(train []*Project, countries []recommend.Country, pairs []CountryPair) (*recommend.Graph, error) {
	b := recommend.NewBuilder()
	for _, c := range countries {
		b.AddCountry(c)
	}
	for _, p := range pairs {
		b.AddCountryPair(p.A, p.B, p.Works)
	}
	ordered := append([]*Project(nil), train...)
	sort.SliceStable(ordered, func(a, b int) bool { return ordered[a].Year < ordered[b].Year })
	for _, p := range ordered {
		for _, m := range p.Members {
			if err := b.AddOrganisation(recommend.Organisation{Key: m.PIC, Country: m.Country, Type: m.Type}); err != nil {
				return nil, err
			}
		}
	}
	for _, p := range ordered {
		rp := recommend.Project{
			Key: p.RCN, Year: p.Year, Parts: p.Parts, Topic: p.Topic,
			Text: p.Title + "\n" + p.TopicDescription,
		}
		for _, m := range p.Members {
			rp.Members = append(rp.Members, recommend.Member{Org: m.PIC, Coordinator: m.Role == cordis.Coordinator})
		}
		if err := b.AddProject(rp); err != nil {
			return nil, err
		}
	}
	return b.Build()
}
