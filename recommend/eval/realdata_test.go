package eval

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/silkbridge/silkbridge/cordis"
	"github.com/silkbridge/silkbridge/recommend"

	"github.com/silkbridge/silkbridge/datatest"
)

// sharedData is the shared data folder seen from this package.
var sharedData = filepath.Join("..", "..", "..", "shared", "data")

func loadReal(t testing.TB) *Record {
	t.Helper()
	datatest.Require(t, sharedData)
	paths, err := cordis.Locate(sharedData)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := Load(paths)
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

// TestRealSplit_MatchesTheFormatsOrdersOfMagnitude checks the harness on
// the real record against shared/formats/recommend-eval.md: about 3,500
// queries and 40,000 hidden partners, 19% cold start, for 2018/2019.
func TestRealSplit_MatchesTheFormatsOrdersOfMagnitude(t *testing.T) {
	rec := loadReal(t)
	sp, err := NewSplit(rec, 2018, 2019)
	if err != nil {
		t.Fatal(err)
	}
	s := Summarise(sp.Cases)
	cold := float64(s.HiddenCold) / float64(s.Hidden)
	if s.Queries < 3000 || s.Queries > 4000 || s.Hidden < 35000 || s.Hidden > 45000 || cold < 0.16 || cold > 0.22 {
		t.Errorf("summary %+v (cold %.3f), want about 3,500 queries, 40,000 hidden, 19%% cold", s, cold)
	}
	titled := 0
	for _, c := range sp.Cases {
		if c.Query.Title != "" {
			titled++
		}
	}
	if titled < len(sp.Cases)*3/4 {
		t.Errorf("%d of %d queries have a title: the crosswalk join looks broken", titled, len(sp.Cases))
	}
}

// TestRealRecord_RemovingATestConsortiumChangesNoRanking removes the other
// members of test projects from the real record and checks that their
// queries, their rankings and the training-year examples stay the same.
func TestRealRecord_RemovingATestConsortiumChangesNoRanking(t *testing.T) {
	if testing.Short() {
		t.Skip("builds four graphs of the real record")
	}
	rec := loadReal(t)
	sp, err := NewSplit(rec, 2016, 2017)
	if err != nil {
		t.Fatal(err)
	}
	countries := Countries(rec.Projects, nil)
	g, err := BuildGraph(sp.Train, countries)
	if err != nil {
		t.Fatal(err)
	}
	r, err := recommend.New(g, recommend.DefaultModel())
	if err != nil {
		t.Fatal(err)
	}
	// Every 50th case keeps the test short.
	chosen := map[string]bool{}
	before := map[string][]string{}
	for i, c := range sp.Cases {
		if i%50 == 0 {
			chosen[c.RCN] = true
			q := c.Query
			q.Limit = 100
			before[c.RCN], err = r.Rank(q)
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	fitBefore, err := FitSets(rec, 2016, countries, Temporal, Holdout)
	if err != nil {
		t.Fatal(err)
	}

	stripped := &Record{}
	for _, p := range rec.Projects {
		if !chosen[p.RCN] {
			stripped.Projects = append(stripped.Projects, p)
			continue
		}
		coord, _ := p.Coordinator()
		// Keep three rows so the project stays a query: the coordinator
		// and two organisations no one has seen.
		c := *p
		c.Members = []Member{coord, {PIC: "0", Role: cordis.Participant, Type: "OTH", Country: "NA"}, {PIC: "1", Role: cordis.Partner, Type: "OTH", Country: "NA"}}
		stripped.Projects = append(stripped.Projects, &c)
	}
	sp2, err := NewSplit(stripped, 2016, 2017)
	if err != nil {
		t.Fatal(err)
	}
	g2, err := BuildGraph(sp2.Train, Countries(stripped.Projects, nil))
	if err != nil {
		t.Fatal(err)
	}
	r2, err := recommend.New(g2, recommend.DefaultModel())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range sp2.Cases {
		if !chosen[c.RCN] {
			continue
		}
		q := c.Query
		q.Limit = 100
		after, err := r2.Rank(q)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(before[c.RCN], after) {
			t.Errorf("project %s: the ranking changed when its consortium was removed", c.RCN)
		}
		delete(before, c.RCN)
	}
	if len(before) > 0 {
		t.Errorf("%d chosen projects stopped being queries", len(before))
	}
	fitAfter, err := FitSets(stripped, 2016, Countries(stripped.Projects, nil), Temporal, Holdout)
	if err != nil {
		t.Fatal(err)
	}
	for i := range fitBefore {
		a, b := fitBefore[i], fitAfter[i]
		if a.Graph.Organisations() != b.Graph.Organisations() || a.Graph.Projects() != b.Graph.Projects() || len(a.Examples) != len(b.Examples) {
			t.Errorf("learning set %d changed: %d/%d organisations, %d/%d projects, %d/%d examples", i,
				a.Graph.Organisations(), b.Graph.Organisations(), a.Graph.Projects(), b.Graph.Projects(), len(a.Examples), len(b.Examples))
		}
	}
}

// TestRealRecord_NewPartnersModeNeverProposesAPastPartner ranks the top 100
// new partners of real coordinators over the training years and checks
// each against the record: none shared a training project with its seed.
func TestRealRecord_NewPartnersModeNeverProposesAPastPartner(t *testing.T) {
	if testing.Short() {
		t.Skip("reads the whole record")
	}
	rec := loadReal(t)
	sp, err := NewSplit(rec, 2016, 2017)
	if err != nil {
		t.Fatal(err)
	}
	m := recommend.DefaultModel()
	if m.NewPartners == nil {
		t.Fatal("the shipped model has no new-partner weights")
	}
	g, err := BuildGraphWith(sp.Train, Countries(rec.Projects, nil), pairsUntil(rec.CountryPairs, 2016))
	if err != nil {
		t.Fatal(err)
	}
	r, err := recommend.New(g, m)
	if err != nil {
		t.Fatal(err)
	}
	partners := map[string]map[string]bool{}
	for _, p := range sp.Train {
		for _, a := range p.Members {
			if partners[a.PIC] == nil {
				partners[a.PIC] = map[string]bool{}
			}
			for _, b := range p.Members {
				partners[a.PIC][b.PIC] = true
			}
		}
	}
	checked := 0
	for i := 0; i < len(sp.Cases); i += 10 {
		q := sp.Cases[i].Query
		q.NewPartners, q.Limit = true, 100
		ranking, err := r.Rank(q)
		if err != nil {
			t.Fatal(err)
		}
		if len(ranking) != 100 {
			t.Errorf("%s: %d new partners, want 100", sp.Cases[i].RCN, len(ranking))
		}
		for _, pic := range ranking {
			if partners[q.Seed][pic] {
				t.Fatalf("%s: %s shared a training project with the seed %s", sp.Cases[i].RCN, pic, q.Seed)
			}
		}
		checked++
	}
	if checked < 100 {
		t.Errorf("only %d queries checked", checked)
	}
}
