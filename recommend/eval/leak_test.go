package eval

import (
	"reflect"
	"slices"
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
