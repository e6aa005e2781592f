package recommend

import (
	"slices"
	"testing"
)

// pastPartners returns every organisation that shared a project of g with
// seed, read from the graph's own records.
func pastPartners(g *Graph, seed string) map[string]bool {
	out := map[string]bool{}
	s := g.orgIndex[seed]
	for _, p := range g.orgProjects.row(s) {
		for _, m := range g.projMembers.row(p) {
			out[g.orgKeys[m]] = true
		}
	}
	return out
}

// TestRecommend_NewPartnersModeNeverProposesAPastPartner asks for new
// partners of every organisation of a graph, with and without context and
// asking for more than the graph holds, and checks that no past partner
// (nor the seed) is ever proposed, and that the partners of partners are.
func TestRecommend_NewPartnersModeNeverProposesAPastPartner(t *testing.T) {
	g, _ := communityGraph(t, 3)
	m := DefaultModel()
	for _, model := range []Model{m, {Weights: m.Weights, Feedback: m.Feedback, NewPartners: m.Weights}} {
		r, err := New(g, model)
		if err != nil {
			t.Fatal(err)
		}
		for _, seed := range g.orgKeys {
			past := pastPartners(g, seed)
			for _, q := range []Query{
				{Seed: seed, NewPartners: true, Limit: MaxLimit},
				{Seed: seed, NewPartners: true, Parts: []string{"P0"}, Title: "topic 1 water", Limit: 10},
			} {
				recs, err := r.Recommend(q)
				if err != nil {
					t.Fatal(err)
				}
				for _, rec := range recs {
					if past[rec.Org] || rec.Org == seed {
						t.Fatalf("new partners of %s: %s is a past partner or the seed", seed, rec.Org)
					}
					for _, rs := range rec.Reasons {
						if rs.Kind == ReasonPastCooperation {
							t.Fatalf("new partner %s of %s has the reason past cooperation", rec.Org, seed)
						}
					}
				}
			}
		}
	}
}

func TestRecommend_NewPartnersModeProposesPartnersOfPartners(t *testing.T) {
	r, err := New(smallGraph(t), DefaultModel())
	if err != nil {
		t.Fatal(err)
	}
	keys, err := r.Rank(Query{Seed: "A", Parts: []string{"SC3"}, Title: "battery storage", NewPartners: true, Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(keys, "B") || slices.Contains(keys, "F") {
		t.Fatalf("new partners %v hold a past partner of A", keys)
	}
	if len(keys) == 0 || keys[0] != "C" {
		t.Errorf("new partners %v: C, B's partner on batteries, should come first", keys)
	}
}

// TestBuilder_CountryPairsRaiseCountriesThatCooperate: with co-publication
// counts as input, a candidate from a country that often works with the
// seed's gets the country-pair signals and the reason that says so;
// without them nothing changes.
func TestBuilder_CountryPairsRaiseCountriesThatCooperate(t *testing.T) {
	build := func(pairs bool) *Graph {
		b := NewBuilder()
		for _, o := range []Organisation{{"A", "CN", "HES"}, {"K", "KZ", "REC"}, {"D", "DE", "REC"}, {"X", "FR", "REC"}} {
			if err := b.AddOrganisation(o); err != nil {
				t.Fatal(err)
			}
		}
		if pairs {
			b.AddCountryPair("CN", "KZ", 900)
			b.AddCountryPair("kz", "cn", 100) // unordered, and added up
			b.AddCountryPair("CN", "DE", 50)
			b.AddCountryPair("DE", "FR", 5000)
			b.AddCountryPair("CN", "CN", 1e6) // ignored
		}
		if err := b.AddProject(Project{Key: "p", Year: 2020, Members: []Member{{"D", true}, {"X", false}, {"K", false}}}); err != nil {
			t.Fatal(err)
		}
		g, err := b.Build()
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	g := build(true)
	res := g.resolve(&Query{Seed: "A"})
	var fk, fd features
	pool := g.scratchPool()
	s := pool.Get().(*scratch)
	defer pool.Put(s)
	s.reset()
	g.nodeSignals(g.orgIndex["K"], &res, s, &fk)
	g.nodeSignals(g.orgIndex["D"], &res, s, &fd)
	if !(fk[fCountryPair] > fd[fCountryPair]) || !(fk[fCountryPairShare] > fd[fCountryPairShare]) {
		t.Errorf("Kazakhstan (1000 works with China) lift %v share %v, Germany (50) lift %v share %v", fk[fCountryPair], fk[fCountryPairShare], fd[fCountryPair], fd[fCountryPairShare])
	}
	r, err := New(g, Model{Weights: Weights{"country_pair": 1}})
	if err != nil {
		t.Fatal(err)
	}
	recs, err := r.Recommend(Query{Seed: "A", Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) == 0 || recs[0].Org != "K" {
		t.Fatalf("ranking by country pairs %+v: K first", recs)
	}
	var said bool
	for _, rs := range recs[0].Reasons {
		said = said || (rs.Kind == ReasonCountriesCooperate && rs.Country == "KZ" && rs.SeedCountry == "CN")
	}
	if !said {
		t.Errorf("reasons of K %+v do not say that China and Kazakhstan work together", recs[0].Reasons)
	}
	if g := build(false); g.pairLift != nil {
		t.Error("a graph without country pairs has pair lifts")
	}
}
