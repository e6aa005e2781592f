package recommend

import (
	"slices"
	"testing"
)

// smallGraph: A worked with B twice and B with C; D and E never met A's
// circle; F is a non-EU partner of B.
func smallGraph(t *testing.T) *Graph {
	t.Helper()
	b := NewBuilder()
	for _, c := range []Country{{Code: "DE", EU: true}, {Code: "FR", EU: true}, {Code: "RS", BRIPartner: true}, {Code: "KZ", BRIPartner: true}} {
		b.AddCountry(c)
	}
	for _, o := range []Organisation{{"A", "DE", "HES"}, {"B", "FR", "REC"}, {"C", "FR", "PRC"}, {"D", "DE", "PRC"}, {"E", "FR", "HES"}, {"F", "RS", "REC"}, {"G", "KZ", "PRC"}} {
		if err := b.AddOrganisation(o); err != nil {
			t.Fatal(err)
		}
	}
	projects := []Project{
		{Key: "p1", Year: 2015, Parts: []string{"SC3"}, Text: "solar energy storage", Members: []Member{{"A", true}, {"B", false}}},
		{Key: "p2", Year: 2016, Parts: []string{"SC3"}, Text: "solar cells", Members: []Member{{"A", true}, {"B", false}, {"F", false}}},
		{Key: "p3", Year: 2016, Parts: []string{"SC3"}, Text: "battery energy", Members: []Member{{"B", true}, {"C", false}}},
		{Key: "p4", Year: 2016, Parts: []string{"SC1"}, Text: "clinical trials", Members: []Member{{"D", true}, {"E", false}}},
		{Key: "p5", Year: 2016, Parts: []string{"SC1"}, Text: "vaccines", Members: []Member{{"E", true}, {"G", false}}},
	}
	for _, p := range projects {
		if err := b.AddProject(p); err != nil {
			t.Fatal(err)
		}
	}
	g, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestRecommend_PastPartnersAndTheirPartnersComeFirstWithReasons(t *testing.T) {
	r, err := New(smallGraph(t), DefaultModel())
	if err != nil {
		t.Fatal(err)
	}
	recs, err := r.Recommend(Query{Seed: "A", Parts: []string{"SC3"}, Year: 2017, Title: "solar energy", Limit: 6})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) == 0 {
		t.Fatal("no recommendations")
	}
	var keys []string
	for _, rec := range recs {
		keys = append(keys, rec.Org)
		if rec.Org == "A" {
			t.Fatal("the seed recommends itself")
		}
		if len(rec.Reasons) == 0 {
			t.Errorf("%s has no reasons", rec.Org)
		}
	}
	if keys[0] != "B" {
		t.Errorf("ranking %v: the twice-met partner B should come first", keys)
	}
	iC, iD := slices.Index(keys, "C"), slices.Index(keys, "D")
	if iC < 0 || (iD >= 0 && iD < iC) {
		t.Errorf("ranking %v: C (a partner's partner in the same part) should come before D (a stranger in another part)", keys)
	}
}

func TestRecommend_IsDeterministicAndHonoursExclude(t *testing.T) {
	r, err := New(smallGraph(t), DefaultModel())
	if err != nil {
		t.Fatal(err)
	}
	q := Query{Seed: "A", Parts: []string{"SC3"}, Exclude: []string{"B"}, Limit: 10}
	first, err := r.Rank(q)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		again, _ := r.Rank(q)
		if !slices.Equal(first, again) {
			t.Fatalf("rankings differ: %v %v", first, again)
		}
	}
	if slices.Contains(first, "B") || slices.Contains(first, "A") {
		t.Fatalf("excluded or seed in %v", first)
	}
}

func TestRecommend_UnknownSeedStillGetsARankingFromContext(t *testing.T) {
	r, err := New(smallGraph(t), DefaultModel())
	if err != nil {
		t.Fatal(err)
	}
	ranked, err := r.Rank(Query{Seed: "nobody", Parts: []string{"SC1"}, Title: "vaccines", Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(ranked) == 0 {
		t.Fatal("no ranking for an unknown seed")
	}
}

func TestNew_RefusesUnknownWeights(t *testing.T) {
	if _, err := New(smallGraph(t), Model{Weights: Weights{"no_such_signal": 1}}); err == nil {
		t.Fatal("an unknown weight was accepted")
	}
}
