package eval

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/silkbridge/silkbridge/cordis"
	"github.com/silkbridge/silkbridge/recommend"
)

func member(pic string, role cordis.Role, country string) Member {
	return Member{PIC: pic, Role: role, Type: "REC", Country: country}
}

func leakRecord() *Record {
	return &Record{Projects: []*Project{
		{RCN: "t1", Year: 2016, Parts: []string{"SC3"}, Title: "solar storage", Members: []Member{
			member("A", cordis.Coordinator, "DE"), member("B", cordis.Participant, "FR"), member("C", cordis.Participant, "RS")}},
		{RCN: "t2", Year: 2016, Parts: []string{"SC3"}, Title: "wind", Members: []Member{
			member("B", cordis.Coordinator, "FR"), member("D", cordis.Participant, "DE"), member("E", cordis.Participant, "TR")}},
		{RCN: "q1", Year: 2018, Parts: []string{"SC3"}, Title: "solar grids", Topic: "LC-SC3-1", Members: []Member{
			member("A", cordis.Coordinator, "DE"), member("D", cordis.Participant, "DE"), member("E", cordis.Participant, "TR"), member("Z", cordis.Participant, "KZ")}},
	}}
}

// TestSplit_NoConsortiumInformationReachesItsQuery proves the harness hides
// a test project's own consortium: its query is built from the coordinator
// and the context alone, so changing or removing the other members changes
// neither the query nor the ranking, and no test project is in the index.
func TestSplit_NoConsortiumInformationReachesItsQuery(t *testing.T) {
	rec := leakRecord()
	sp, err := NewSplit(rec, 2016, 2017)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range sp.Train {
		if p.Year >= sp.TestFrom {
			t.Fatalf("test project %s is in the training set", p.RCN)
		}
	}
	if len(sp.Cases) != 1 {
		t.Fatalf("%d cases, want 1", len(sp.Cases))
	}
	c := sp.Cases[0]
	var hidden []string
	for _, h := range c.Hidden {
		hidden = append(hidden, h.PIC)
	}
	if !slices.Equal(hidden, []string{"D", "E", "Z"}) || c.Query.Seed != "A" {
		t.Fatalf("case %+v", c)
	}
	g, err := BuildGraph(sp.Train, Countries(rec.Projects, nil))
	if err != nil {
		t.Fatal(err)
	}
	if g.HasOrganisation("Z") {
		t.Fatal("an organisation seen only in a test project is in the index")
	}
	r, err := recommend.New(g, recommend.DefaultModel())
	if err != nil {
		t.Fatal(err)
	}
	before, err := r.Rank(c.Query)
	if err != nil {
		t.Fatal(err)
	}

	// The same project with another consortium: every other member
	// replaced, more members, and the rows reordered.
	changed := *rec.Projects[2]
	changed.Members = []Member{member("X", cordis.Participant, "CN"), member("A", cordis.Coordinator, "DE"), member("Y", cordis.Participant, "PK"),
		member("W", cordis.Participant, "EG")}
	q, ok := QueryFor(&changed)
	if !ok {
		t.Fatal("no query")
	}
	if !reflect.DeepEqual(q, c.Query) {
		t.Fatalf("the query depends on the consortium:\n%+v\n%+v", q, c.Query)
	}
	after, err := r.Rank(q)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(before, after) {
		t.Fatalf("the ranking depends on the consortium: %v vs %v", before, after)
	}
}

// syntheticRecord has four communities of ten organisations (one of them
// outside the EU) publishing projects every year from 2014 to 2019.
func syntheticRecord() *Record {
	countries := []string{"DE", "FR", "RS", "IT"}
	topics := []string{"solar storage", "vaccine trials", "robot grasping", "soil carbon"}
	rec := &Record{}
	n := 0
	for year := 2014; year <= 2019; year++ {
		for c := range 4 {
			for k := range 4 {
				p := &Project{RCN: fmt.Sprintf("r%d", n), Year: year, Parts: []string{fmt.Sprintf("SC%d", c+1)},
					Title: topics[c], Topic: fmt.Sprintf("SC%d-%02d-%d", c+1, k, year), TopicDescription: topics[c] + " research"}
				for j := range 5 {
					role := cordis.Participant
					if j == 0 {
						role = cordis.Coordinator
					}
					o := (k + j*2 + year) % 10
					p.Members = append(p.Members, Member{PIC: fmt.Sprintf("%d%02d", c+1, o), Role: role, Type: "REC", Country: countries[(c+o)%4]})
				}
				rec.Projects = append(rec.Projects, p)
				n++
			}
		}
	}
	return rec
}

func rankAll(t *testing.T, rec *Record, l Learning) map[string][]string {
	t.Helper()
	r, _, err := Train(context.Background(), rec, 2016, l)
	if err != nil {
		t.Fatal(err)
	}
	sp, err := NewSplit(rec, 2016, 2017)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, c := range sp.Cases {
		q := c.Query
		q.Limit = 20
		if out[c.RCN], err = r.Rank(q); err != nil {
			t.Fatal(err)
		}
		// The new-partners mode, with its own learnt weights, too.
		q.NewPartners = true
		if out[c.RCN+" new partners"], err = r.Rank(q); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// TestTrain_TestConsortiaReachNeitherTheIndexNorTheLearntWeights runs the
// whole harness, learning included, twice: once on the record, once with
// every test project's consortium replaced by strangers (only the
// coordinator's row kept). Every ranking must be the same.
func TestTrain_TestConsortiaReachNeitherTheIndexNorTheLearntWeights(t *testing.T) {
	rec := syntheticRecord()
	l := Learning{Modes: []string{Temporal, Holdout}}
	before := rankAll(t, rec, l)
	if len(before) == 0 {
		t.Fatal("no test case")
	}

	changed := &Record{}
	for _, p := range rec.Projects {
		if p.Year < 2017 {
			changed.Projects = append(changed.Projects, p)
			continue
		}
		c := *p
		coord, _ := p.Coordinator()
		c.Members = []Member{
			{PIC: "stranger1" + p.RCN, Role: cordis.Participant, Type: "PRC", Country: "CN"},
			coord,
			{PIC: "stranger2" + p.RCN, Role: cordis.Partner, Type: "OTH", Country: "EG"},
			{PIC: "stranger3", Role: cordis.Coordinator, Type: "PUB", Country: "PK"},
		}
		changed.Projects = append(changed.Projects, &c)
	}
	after := rankAll(t, changed, l)
	if len(after) != len(before) {
		t.Fatalf("%d cases before, %d after", len(before), len(after))
	}
	for rcn, ranking := range before {
		if !slices.Equal(ranking, after[rcn]) {
			t.Errorf("case %s: ranking %v became %v when only its consortium changed", rcn, ranking, after[rcn])
		}
		for _, pic := range after[rcn] {
			if strings.HasPrefix(pic, "stranger") {
				t.Errorf("case %s: %s, seen only in test projects, was proposed", rcn, pic)
			}
		}
	}
}

func TestFitSets_LearnFromTrainingYearsOnly(t *testing.T) {
	rec := syntheticRecord()
	rec.Projects = append(rec.Projects, &Project{RCN: "late", Year: 2018, Members: []Member{
		member("101", cordis.Coordinator, "DE"), member("late-only", cordis.Participant, "FR"), member("102", cordis.Participant, "DE")}})
	sets, err := FitSets(rec, 2016, Countries(rec.Projects, nil), Temporal, Holdout)
	if err != nil {
		t.Fatal(err)
	}
	if len(sets) != 2 {
		t.Fatalf("%d sets", len(sets))
	}
	for i, set := range sets {
		if set.Graph.HasOrganisation("late-only") || len(set.Examples) == 0 {
			t.Errorf("set %d: a test-year organisation is indexed, or no example (%d)", i, len(set.Examples))
		}
		for _, ex := range set.Examples {
			if ex.Query.Year > 2017 || slices.Contains(ex.Partners, "late-only") {
				t.Errorf("set %d: example %+v comes from a test year", i, ex)
			}
		}
	}
}
