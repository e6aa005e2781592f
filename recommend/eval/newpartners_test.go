package eval

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/silkbridge/silkbridge/cordis"
	"github.com/silkbridge/silkbridge/recommend"
)

// TestTwoHopAdamicAdar_ScoresPathsThroughThePartnersAsTheFormatSays checks
// the baseline of shared/formats/recommend-eval.md on a record small
// enough to score by hand: w is 1 for a project of two and 1/ln(size)
// otherwise, each path is damped by ln(1+deg) of its middle, the seed's
// partners never appear, ties and the unreached go by identifier.
func TestTwoHopAdamicAdar_ScoresPathsThroughThePartnersAsTheFormatSays(t *testing.T) {
	p := func(rcn string, pics ...string) *Project {
		pr := &Project{RCN: rcn, Year: 2015}
		for _, pic := range pics {
			pr.Members = append(pr.Members, member(pic, cordis.Participant, "DE"))
		}
		return pr
	}
	train := []*Project{p("1", "S", "A"), p("2", "A", "X"), p("3", "A", "Z", "Y"), p("4", "S", "B", "C"), p("5", "B", "X"), p("6", "W")}
	th := NewTwoHopAdamicAdar(train)
	got, err := th.Rank(recommend.Query{Seed: "S", Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	// X: S-A-X 1*1/ln(1+4) + S-B-X (1/ln3)*1/ln(1+3); Y and Z: S-A-Y
	// (1/ln3)/ln5 each, Y first by identifier; W unreached; A, B, C are
	// partners of S.
	if want := []string{"X", "Y", "Z", "W"}; !slices.Equal(got, want) {
		t.Errorf("two-hop Adamic-Adar %v, want %v", got, want)
	}
	x := 1/math.Log(5) + 1/math.Log(3)/math.Log(4)
	y := 1 / math.Log(3) / math.Log(5)
	if !(x > y) {
		t.Fatalf("hand scores X %v Y %v", x, y)
	}
	if got, err := th.Rank(recommend.Query{Seed: "nobody", Limit: 3}); err != nil || !slices.Equal(got, []string{"A", "B", "C"}) {
		t.Errorf("an unknown seed gets %v (%v), want the first identifiers", got, err)
	}
}

// TestNewSplit_MarksNewPartnersAndKeepsUnknownCoordinatorsApart: a hidden
// answer seen in training but never with the seed is a new partner; a
// test project whose coordinator training never saw is a cold-seed case.
func TestNewSplit_MarksNewPartnersAndKeepsUnknownCoordinatorsApart(t *testing.T) {
	rec := &Record{Projects: []*Project{
		{RCN: "old", Year: 2015, Members: []Member{member("A", cordis.Coordinator, "DE"), member("B", cordis.Participant, "FR")}},
		{RCN: "other", Year: 2015, Members: []Member{member("C", cordis.Coordinator, "EG"), member("D", cordis.Participant, "FR")}},
		{RCN: "test", Year: 2017, Members: []Member{member("A", cordis.Coordinator, "DE"), member("B", cordis.Participant, "FR"),
			member("C", cordis.Participant, "EG"), member("N", cordis.Participant, "KZ")}},
		{RCN: "coldseed", Year: 2017, Members: []Member{member("M", cordis.Coordinator, "KZ"), member("B", cordis.Participant, "FR"),
			member("C", cordis.Participant, "EG")}},
	}}
	sp, err := NewSplit(rec, 2015, 2016)
	if err != nil {
		t.Fatal(err)
	}
	if len(sp.Cases) != 1 || len(sp.ColdSeedCases) != 1 || sp.ColdSeedCases[0].RCN != "coldseed" {
		t.Fatalf("cases %+v, cold-seed cases %+v", sp.Cases, sp.ColdSeedCases)
	}
	want := []Answer{{PIC: "B", Country: "FR"}, {PIC: "C", Country: "EG", International: true, NewPartner: true},
		{PIC: "N", Country: "KZ", International: true, Cold: true}}
	if !slices.Equal(sp.Cases[0].Hidden, want) {
		t.Errorf("hidden %+v, want %+v", sp.Cases[0].Hidden, want)
	}
}

// modeRanker records whether it was asked for new partners.
type modeRanker struct {
	ranking []string
	asked   *[]bool
}

func (m modeRanker) Rank(q recommend.Query) ([]string, error) {
	*m.asked = append(*m.asked, q.NewPartners)
	return m.ranking, nil
}

func TestEvaluateNewPartners_AsksForNewPartnersAndScoresOnlyThatSlice(t *testing.T) {
	cases := []Case{{Hidden: []Answer{{PIC: "old"}, {PIC: "new", NewPartner: true}, {PIC: "far", NewPartner: true, International: true}}}}
	var asked []bool
	res, err := EvaluateNewPartners(context.Background(), modeRanker{[]string{"old", "new"}, &asked}, cases)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(asked, []bool{true}) {
		t.Errorf("asked for new partners %v", asked)
	}
	if res.All.Hidden != 2 || res.All.Recall[10] != 0.5 || res.International.Hidden != 1 || res.International.Recall[10] != 0 {
		t.Errorf("all %+v, international %+v", res.All, res.International)
	}
}
