package recommend

import (
	"context"
	"fmt"
	"testing"
)

// communityGraph has three topic communities of ten organisations each and
// twelve hubs that join projects of every topic: by popularity the hubs
// fill the first ten places, by topic and past cooperation the community
// does.
func communityGraph(t *testing.T, years int) (*Graph, []Example) {
	t.Helper()
	topics := []string{"solar photovoltaic cells", "vaccine clinical trials", "robot manipulation grasping"}
	b := NewBuilder()
	b.AddCountry(Country{Code: "DE", EU: true})
	org := func(topic, i int) string { return fmt.Sprintf("t%d-o%d", topic, i) }
	for tp := range topics {
		for i := range 10 {
			if err := b.AddOrganisation(Organisation{Key: org(tp, i), Country: "DE", Type: "REC"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	for h := range 12 {
		if err := b.AddOrganisation(Organisation{Key: fmt.Sprintf("hub%d", h), Country: "DE", Type: "PRC"}); err != nil {
			t.Fatal(err)
		}
	}
	n := 0
	for y := range years {
		for tp, text := range topics {
			for k := range 5 {
				p := Project{Key: fmt.Sprintf("p%d", n), Year: 2014 + y, Parts: []string{fmt.Sprintf("P%d", tp)}, Text: text}
				for j := range 4 {
					p.Members = append(p.Members, Member{Org: org(tp, (k+j*3+y)%10), Coordinator: j == 0})
				}
				p.Members = append(p.Members, Member{Org: fmt.Sprintf("hub%d", n%12)}, Member{Org: fmt.Sprintf("hub%d", (n+5)%12)})
				n++
				if err := b.AddProject(p); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	g, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	var examples []Example
	for tp, text := range topics {
		for k := range 5 {
			ex := Example{Query: Query{Seed: org(tp, k), Parts: []string{fmt.Sprintf("P%d", tp)}, Title: text}}
			for j := 1; j < 4; j++ {
				ex.Partners = append(ex.Partners, org(tp, (k+j*3+1)%10))
			}
			examples = append(examples, ex)
		}
	}
	return g, examples
}

func TestFit_LearnsWeightsThatFindTheExamplesPartners(t *testing.T) {
	g, examples := communityGraph(t, 3)
	start := Weights{"popularity": 1}
	m, rep, err := Fit(context.Background(), []FitSet{{Graph: g, Examples: examples}}, start, FitOptions{Feedback: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Examples != len(examples) || rep.Final <= rep.Start {
		t.Fatalf("report %+v: want every example used and a better objective", rep)
	}
	if m.Feedback == nil || m.Weights["feedback"] == 0 {
		t.Errorf("model %+v: want a feedback pass", m)
	}
	hits := func(m Model) int {
		r, err := New(g, m)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, ex := range examples {
			q := ex.Query
			q.Limit = 3
			top, err := r.Rank(q)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range ex.Partners {
				for _, o := range top {
					if o == p {
						n++
					}
				}
			}
		}
		return n
	}
	before, after := hits(Model{Weights: start}), hits(m)
	if after <= before {
		t.Errorf("partners in the top 3: %d with the start weights, %d with the learnt ones", before, after)
	}
}

func TestFit_RefusesExamplesWithoutKnownPartners(t *testing.T) {
	g, _ := communityGraph(t, 1)
	_, _, err := Fit(context.Background(), []FitSet{{Graph: g, Examples: []Example{{Query: Query{Seed: "t0-o0"}, Partners: []string{"stranger"}}}}}, nil, FitOptions{})
	if err == nil {
		t.Fatal("a fit without usable examples succeeded")
	}
	if _, _, err := Fit(context.Background(), []FitSet{{}}, nil, FitOptions{}); err == nil {
		t.Fatal("a fit set without a graph was accepted")
	}
	if _, _, err := Fit(context.Background(), nil, Weights{"nonsense": 1}, FitOptions{}); err == nil {
		t.Fatal("unknown start weights were accepted")
	}
}

func TestKthLargest_MatchesSorting(t *testing.T) {
	values := []float32{5, 1, 9, 3, 3, 7, 2, 8}
	for k, want := range map[int]float32{1: 9, 2: 8, 4: 5, 5: 3, 6: 3, 8: 1, 20: 1} {
		if got := kthLargest(append([]float32(nil), values...), k); got != want {
			t.Errorf("kthLargest(k=%d) = %v, want %v", k, got, want)
		}
	}
}

// TestFitNewPartners_LearnsOnThePartnersTheSeedNeverMet: the new-partner
// fit counts only the partners of each example that never shared a
// project with its seed, keeps the first pass, and does not lose
// objective.
func TestFitNewPartners_LearnsOnThePartnersTheSeedNeverMet(t *testing.T) {
	// One year: the examples' partners are partly strangers to their seeds.
	g, examples := communityGraph(t, 1)
	sets := []FitSet{{Graph: g, Examples: examples}}
	m, _, err := Fit(context.Background(), sets, Weights{"popularity": 1}, FitOptions{Feedback: true, Rounds: 2})
	if err != nil {
		t.Fatal(err)
	}
	w, rep, err := FitNewPartners(context.Background(), sets, m, FitOptions{Rounds: 2})
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, ex := range examples {
		past := pastPartners(g, ex.Query.Seed)
		for _, p := range ex.Partners {
			if !past[p] {
				want++
			}
		}
	}
	if want == 0 || rep.Partners != want {
		t.Errorf("the fit counts %d partners, want the %d the seeds never met", rep.Partners, want)
	}
	if rep.Final < rep.Start || len(w) == 0 {
		t.Errorf("report %+v, weights %v", rep, w)
	}
	if _, err := New(g, Model{Weights: m.Weights, Feedback: m.Feedback, NewPartners: w}); err != nil {
		t.Error(err)
	}
}
