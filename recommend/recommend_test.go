package recommend

import (
	"fmt"
	"math"
	"slices"
	"sync"
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
		again, err := r.Rank(q)
		if err != nil {
			t.Fatal(err)
		}
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

func TestBuilder_RefusesBadInput(t *testing.T) {
	tests := []struct {
		name  string
		build func(b *Builder) error
	}{
		{"empty organisation key", func(b *Builder) error { return b.AddOrganisation(Organisation{Key: " "}) }},
		{"empty project key", func(b *Builder) error { return b.AddProject(Project{Members: []Member{{Org: "A"}}}) }},
		{"unknown member", func(b *Builder) error { return b.AddProject(Project{Key: "p", Members: []Member{{Org: "nobody"}}}) }},
		{"project twice", func(b *Builder) error {
			if err := b.AddProject(Project{Key: "p", Members: []Member{{Org: "A"}}}); err != nil {
				return nil
			}
			return b.AddProject(Project{Key: "p", Members: []Member{{Org: "A"}}})
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := NewBuilder()
			if err := b.AddOrganisation(Organisation{Key: "A", Country: "DE", Type: "HES"}); err != nil {
				t.Fatal(err)
			}
			if err := tc.build(b); err == nil {
				t.Fatal("accepted")
			}
		})
	}
	if _, err := NewBuilder().Build(); err == nil {
		t.Error("an empty graph was built")
	}
}

func TestRecommend_RefusesLimitOutOfRange(t *testing.T) {
	r, err := New(smallGraph(t), DefaultModel())
	if err != nil {
		t.Fatal(err)
	}
	for _, limit := range []int{-1, MaxLimit + 1} {
		if _, err := r.Recommend(Query{Seed: "A", Limit: limit}); err == nil {
			t.Errorf("limit %d accepted", limit)
		}
		if _, err := r.Rank(Query{Seed: "A", Limit: limit}); err == nil {
			t.Errorf("limit %d accepted by Rank", limit)
		}
	}
}

func TestNew_RefusesWeightsThatAreNotNumbers(t *testing.T) {
	for _, v := range []float64{math.NaN(), math.Inf(1)} {
		if _, err := New(smallGraph(t), Model{Weights: Weights{"aa": v}}); err == nil {
			t.Errorf("weight %v accepted", v)
		}
		if _, err := New(smallGraph(t), Model{Weights: Weights{"aa": 1}, Feedback: Weights{"aa": v}}); err == nil {
			t.Errorf("feedback weight %v accepted", v)
		}
	}
}

func TestRecommend_FavourBRIRaisesPartnersFromBRICountries(t *testing.T) {
	r, err := New(smallGraph(t), DefaultModel())
	if err != nil {
		t.Fatal(err)
	}
	q := Query{Seed: "A", Parts: []string{"SC3"}, Title: "solar energy", Limit: 7}
	plain, err := r.Rank(q)
	if err != nil {
		t.Fatal(err)
	}
	q.FavourBRI = true
	favoured, err := r.Rank(q)
	if err != nil {
		t.Fatal(err)
	}
	if slices.Index(favoured, "F") > slices.Index(plain, "F") || slices.Index(favoured, "F") < 0 {
		t.Errorf("F (Serbia, BRI partner) at %d without and %d with FavourBRI: %v / %v",
			slices.Index(plain, "F"), slices.Index(favoured, "F"), plain, favoured)
	}
	if slices.Index(favoured, "G") >= slices.Index(plain, "G") && slices.Index(plain, "G") > 0 {
		t.Errorf("G (Kazakhstan, BRI partner) did not move up: %v / %v", plain, favoured)
	}
}

func TestRecommend_ReasonsTellSharedProjectsPartnersOfPartnersAndBRI(t *testing.T) {
	r, err := New(smallGraph(t), DefaultModel())
	if err != nil {
		t.Fatal(err)
	}
	recs, err := r.Recommend(Query{Seed: "A", Parts: []string{"SC3"}, Title: "solar energy", Limit: 7})
	if err != nil {
		t.Fatal(err)
	}
	byOrg := map[string][]Reason{}
	for _, rec := range recs {
		byOrg[rec.Org] = rec.Reasons
	}
	find := func(org string, k ReasonKind) (Reason, bool) {
		for _, rs := range byOrg[org] {
			if rs.Kind == k {
				return rs, true
			}
		}
		return Reason{}, false
	}
	if rs, ok := find("B", ReasonPastCooperation); !ok || rs.Count != 2 {
		t.Errorf("B: reasons %+v, want a past cooperation counting 2 projects", byOrg["B"])
	}
	if rs, ok := find("C", ReasonPartnerOfPartner); !ok || !slices.Equal(rs.Via, []string{"B"}) {
		t.Errorf("C: reasons %+v, want partner of partner via B", byOrg["C"])
	}
	if rs, ok := find("B", ReasonSameProgrammePart); !ok || rs.Count != 3 || !slices.Equal(rs.Parts, []string{"SC3"}) {
		t.Errorf("B: reasons %+v, want 3 projects in SC3", byOrg["B"])
	}
	if rs, ok := find("F", ReasonBRIPartner); !ok || rs.Country != "RS" {
		t.Errorf("F: reasons %+v, want BRI partner RS", byOrg["F"])
	}
	if rs, ok := find("B", ReasonCountryDiversity); !ok || rs.Country != "FR" {
		t.Errorf("B: reasons %+v, want country diversity FR", byOrg["B"])
	}
	if _, ok := find("B", ReasonSimilarTopics); !ok {
		t.Errorf("B: reasons %+v, want similar topics (solar, energy)", byOrg["B"])
	}
}

func TestRecommend_ConcurrentQueriesGiveTheSameRankings(t *testing.T) {
	r, err := New(smallGraph(t), DefaultModel())
	if err != nil {
		t.Fatal(err)
	}
	queries := []Query{
		{Seed: "A", Parts: []string{"SC3"}, Title: "solar energy", Limit: 5},
		{Seed: "E", Parts: []string{"SC1"}, Title: "vaccines", Limit: 5},
		{Seed: "nobody", Parts: []string{"SC1"}, Limit: 5},
	}
	want := make([][]string, len(queries))
	for i, q := range queries {
		if want[i], err = r.Rank(q); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				k := (w + i) % len(queries)
				got, err := r.Rank(queries[k])
				if err != nil {
					errs <- fmt.Sprintf("query %d: %v", k, err)
					return
				}
				if !slices.Equal(got, want[k]) {
					errs <- fmt.Sprintf("query %d: %v, alone %v", k, got, want[k])
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func TestTopicTokens_DropYearsAndKeepEveryCallLevel(t *testing.T) {
	tests := []struct {
		code   string
		tokens []string
		family string
	}{
		{"LC-SC3-EE-18-2019", []string{"#lc", "#lc-sc3", "#lc-sc3-ee", "#lc-sc3-ee-18"}, "#lc-sc3"},
		{"MSCA-ITN-2018", []string{"#msca", "#msca-itn"}, "#msca-itn"},
		{"H2020-EIC-SMEInst-2020-4", []string{"#eic", "#eic-smeinst", "#eic-smeinst-4"}, "#eic-smeinst"},
		{"EURATOM", []string{"#euratom"}, "#euratom"},
		{"", nil, ""},
	}
	for _, tc := range tests {
		var got []string
		topicTokens(tc.code, func(s string) { got = append(got, s) })
		if !slices.Equal(got, tc.tokens) {
			t.Errorf("topicTokens(%q) = %v, want %v", tc.code, got, tc.tokens)
		}
		if f := callFamily(tc.code); f != tc.family {
			t.Errorf("callFamily(%q) = %q, want %q", tc.code, f, tc.family)
		}
	}
}

func TestTokens_LowerCaseStemsWithoutStopwords(t *testing.T) {
	var got []string
	tokens("The Batteries of Solar-Cells and 2019 AI for grids; 电池 储能系统 中", func(s string) { got = append(got, s) })
	want := []string{"battery", "solar", "cell", "grid", "电池", "储能系统"}
	if !slices.Equal(got, want) {
		t.Errorf("tokens = %v, want %v", got, want)
	}
}
