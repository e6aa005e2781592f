package eval

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/silkbridge/silkbridge/cordis"
	"github.com/silkbridge/silkbridge/recommend"
)

func TestNewSplit_QueriesNeedThreeOrganisationsAndACoordinatorSeenInTraining(t *testing.T) {
	rec := &Record{Projects: []*Project{
		{RCN: "old", Year: 2015, Members: []Member{member("A", cordis.Coordinator, "DE"), member("B", cordis.Participant, "FR")}},
		{RCN: "ok", Year: 2018, Members: []Member{member("A", cordis.Coordinator, "DE"), member("B", cordis.Participant, "FR"), member("N", cordis.Partner, "CH")}},
		{RCN: "two", Year: 2018, Members: []Member{member("A", cordis.Coordinator, "DE"), member("B", cordis.Participant, "FR")}},
		{RCN: "newcoord", Year: 2018, Members: []Member{member("N", cordis.Coordinator, "CH"), member("A", cordis.Participant, "DE"), member("B", cordis.Participant, "FR")}},
		{RCN: "nocoord", Year: 2018, Members: []Member{member("A", cordis.Participant, "DE"), member("B", cordis.Participant, "FR"), member("C", cordis.Participant, "FR")}},
		{RCN: "gap", Year: 2016, Members: []Member{member("A", cordis.Coordinator, "DE"), member("B", cordis.Participant, "FR"), member("C", cordis.Participant, "FR")}},
		{RCN: "undated", Year: 0, Members: []Member{member("A", cordis.Coordinator, "DE"), member("B", cordis.Participant, "FR"), member("C", cordis.Participant, "FR")}},
	}}
	sp, err := NewSplit(rec, 2015, 2017)
	if err != nil {
		t.Fatal(err)
	}
	if len(sp.Train) != 1 || sp.Train[0].RCN != "old" {
		t.Errorf("training projects %v, want only old", sp.Train)
	}
	if len(sp.Cases) != 1 || sp.Cases[0].RCN != "ok" {
		t.Fatalf("cases %+v, want only ok", sp.Cases)
	}
	want := []Answer{{PIC: "B", Country: "FR"}, {PIC: "N", Country: "CH", International: true, Cold: true}}
	if !slices.Equal(sp.Cases[0].Hidden, want) {
		t.Errorf("hidden %+v, want %+v", sp.Cases[0].Hidden, want)
	}
	if _, err := NewSplit(rec, 2017, 2017); err == nil {
		t.Error("overlapping years accepted")
	}
}

// fixedRanker returns the same ranking for every query.
type fixedRanker []string

func (f fixedRanker) Rank(recommend.Query) ([]string, error) { return f, nil }

func TestEvaluate_PoolsRecallOverWarmAnswersAndScoresTheInternationalSlice(t *testing.T) {
	cases := []Case{
		{Hidden: []Answer{{PIC: "a"}, {PIC: "b"}, {PIC: "x", International: true}, {PIC: "cold", Cold: true}}},
		{Hidden: []Answer{{PIC: "z"}, {PIC: "y", International: true}}},
	}
	// a at 1, x at 3, b at 12, y at 60; z never.
	ranking := fixedRanker{"a", "p", "x"}
	for i := 4; i <= 100; i++ {
		switch i {
		case 12:
			ranking = append(ranking, "b")
		case 60:
			ranking = append(ranking, "y")
		default:
			ranking = append(ranking, fmt.Sprintf("filler%d", i))
		}
	}
	res, err := Evaluate(context.Background(), ranking, cases)
	if err != nil {
		t.Fatal(err)
	}
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
	// Warm answers: a, b, x, z, y = 5.
	for k, want := range map[int]float64{10: 2.0 / 5, 20: 3.0 / 5, 50: 3.0 / 5, 100: 4.0 / 5} {
		if !near(res.All.Recall[k], want) {
			t.Errorf("recall@%d = %v, want %v", k, res.All.Recall[k], want)
		}
	}
	// MRR: first query finds a at 1, second y at 60.
	if !near(res.All.MRR, (1+1.0/60)/2) || res.All.Hidden != 5 || res.All.Queries != 2 {
		t.Errorf("all: %+v", res.All)
	}
	// International: x at 3, y at 60.
	if !near(res.International.Recall[10], 0.5) || !near(res.International.Recall[100], 1) ||
		!near(res.International.MRR, (1.0/3+1.0/60)/2) || res.International.Hidden != 2 {
		t.Errorf("international: %+v", res.International)
	}
	sum := Summarise(cases)
	if sum != (Summary{Queries: 2, Hidden: 6, HiddenCold: 1, HiddenInternational: 2}) {
		t.Errorf("summary %+v", sum)
	}
}

func TestBaselines_RankBySharedProjectsAndPopularity(t *testing.T) {
	train := []*Project{
		// S shares a small project with A and a large one with B: A first.
		{RCN: "1", Members: []Member{member("S", cordis.Coordinator, "DE"), member("A", cordis.Participant, "DE")}},
		{RCN: "2", Members: []Member{member("S", cordis.Coordinator, "DE"), member("B", cordis.Participant, "DE"),
			member("C", cordis.Participant, "DE"), member("D", cordis.Participant, "DE"), member("E", cordis.Participant, "DE")}},
		{RCN: "3", Members: []Member{member("P", cordis.Coordinator, "DE"), member("B", cordis.Participant, "DE")}},
		{RCN: "4", Members: []Member{member("P", cordis.Coordinator, "DE"), member("Q", cordis.Participant, "DE")}},
		{RCN: "5", Members: []Member{member("P", cordis.Coordinator, "DE")}},
	}
	aa, err := NewAdamicAdar(train).Rank(recommend.Query{Seed: "S", Limit: 7})
	if err != nil {
		t.Fatal(err)
	}
	// A (1/ln2), then B (1/ln5 and more popular than C, D, E), C, D, E,
	// then the rest by popularity: P (3 projects), Q.
	if want := []string{"A", "B", "C", "D", "E", "P", "Q"}; !slices.Equal(aa, want) {
		t.Errorf("Adamic-Adar %v, want %v", aa, want)
	}
	pop, err := NewPopularity(train).Rank(recommend.Query{Seed: "P", Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"B", "S", "A"}; !slices.Equal(pop, want) {
		t.Errorf("popularity %v, want %v (the seed P left out, ties by PIC)", pop, want)
	}
}

func TestReadQueries_ReadsTheFormatsExample(t *testing.T) {
	in := strings.Join(QueryColumns, ",") + "\n" +
		"q214147,999976687,MSCA,2019,IT,HES,,,\n" +
		`x101034344,999975911,SC1;LEIT,2021,EL,HES,IMI2-2020-23-03,"A platform for accelerating biomarker discovery, fast",European platform for neurodegenerative disorders` + "\n"
	qs, err := ReadQueries(strings.NewReader(in), "queries.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) != 2 {
		t.Fatalf("%d queries", len(qs))
	}
	first := NamedQuery{ID: "q214147", Query: recommend.Query{Seed: "999976687", Parts: []string{"MSCA"}, Year: 2019, SeedCountry: "IT", SeedType: "HES"}}
	if fmt.Sprint(qs[0]) != fmt.Sprint(first) {
		t.Errorf("first query %+v, want %+v", qs[0], first)
	}
	q := qs[1].Query
	if !slices.Equal(q.Parts, []string{"SC1", "LEIT"}) || q.SeedCountry != "GR" || q.Topic != "IMI2-2020-23-03" ||
		q.TopicDescription != "A platform for accelerating biomarker discovery, fast" || q.Title != "European platform for neurodegenerative disorders" {
		t.Errorf("second query %+v", q)
	}
}

func TestReadQueries_ErrorsNameTheLineAndColumn(t *testing.T) {
	header := strings.Join(QueryColumns, ",") + "\n"
	good := "q1,1,MSCA,2019,IT,HES,,,\n"
	tests := []struct {
		name, in, want string
	}{
		{"wrong header", "query,seed_pic\n", "line 1"},
		{"empty id", header + good + ",2,MSCA,2019,IT,HES,,,\n", "line 3: query_id"},
		{"duplicate id", header + good + "q1,2,MSCA,2019,IT,HES,,,\n", "line 3: query_id"},
		{"empty seed", header + "q1,,MSCA,2019,IT,HES,,,\n", "line 2: seed_pic"},
		{"bad year", header + "q1,1,MSCA,soon,IT,HES,,,\n", "line 2: start_year"},
		{"bad country", header + "q1,1,MSCA,2019,Italy,HES,,,\n", "line 2: seed_country"},
		{"empty type", header + "q1,1,MSCA,2019,IT,,,,\n", "line 2: seed_type"},
		{"short row", header + "q1,1,MSCA\n", "line 2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadQueries(strings.NewReader(tc.in), "queries.csv")
			if err == nil || !strings.Contains(err.Error(), "queries.csv") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error naming queries.csv and %q", err, tc.want)
			}
		})
	}
}

func TestWriteRankings_WritesOneRowPerRank(t *testing.T) {
	var b bytes.Buffer
	if err := WriteRankings(&b, []Ranking{{QueryID: "q1", PICs: []string{"9", "8"}}, {QueryID: "q2"}, {QueryID: "q3", PICs: []string{"7"}}}); err != nil {
		t.Fatal(err)
	}
	want := "query_id,rank,pic\nq1,1,9\nq1,2,8\nq3,1,7\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}
