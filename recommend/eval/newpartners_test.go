package eval

import (
	"context"
	"encoding/json"
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

// TestCompare_ReportsTheNewPartnerBlockInTheFormatsShape runs the harness
// on a synthetic record and checks the "new_partners" and "cold_seeds"
// objects of the JSON report.
func TestCompare_ReportsTheNewPartnerBlockInTheFormatsShape(t *testing.T) {
	rec := syntheticRecord()
	// Two organisations that never met 105 in training join its consortium.
	rec.Projects = append(rec.Projects,
		&Project{RCN: "met", Year: 2015, Parts: []string{"SC1"}, Members: []Member{member("900", cordis.Coordinator, "EG"),
			member("901", cordis.Participant, "EG"), member("902", cordis.Participant, "FR")}},
		&Project{RCN: "introduced", Year: 2017, Parts: []string{"SC1"}, Members: []Member{member("105", cordis.Coordinator, "DE"),
			member("901", cordis.Participant, "EG"), member("902", cordis.Participant, "FR")}})
	r, _, err := Train(context.Background(), rec, 2016, Learning{})
	if err != nil {
		t.Fatal(err)
	}
	sp, err := NewSplit(rec, 2016, 2017)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Compare(context.Background(), sp, Methods{Silkbridge: r, Popularity: NewPopularity(sp.Train),
		AdamicAdar: NewAdamicAdar(sp.Train), TwoHopAdamicAdar: NewTwoHopAdamicAdar(sp.Train)})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		NewPartners map[string]json.RawMessage `json:"new_partners"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"silkbridge", "two_hop_adamic_adar", "answers", "answers_international"} {
		if _, ok := doc.NewPartners[k]; !ok {
			t.Errorf("new_partners has no %q: %s", k, raw)
		}
	}
	var method map[string]map[string]float64
	var slices map[string]json.RawMessage
	if err := json.Unmarshal(doc.NewPartners["silkbridge"], &slices); err != nil {
		t.Fatalf("new_partners.silkbridge: %v", err)
	}
	delete(slices, "ms_per_query")
	again, err := json.Marshal(slices)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(again, &method); err != nil {
		t.Fatalf("new_partners.silkbridge: %v", err)
	}
	for _, slice := range []string{"all", "international"} {
		for _, k := range []string{"recall@10", "recall@20", "recall@50", "recall@100", "mrr"} {
			if _, ok := method[slice][k]; !ok {
				t.Errorf("new_partners.silkbridge.%s has no %q", slice, k)
			}
		}
	}
	if rep.NewPartners.Answers < 2 || rep.NewPartners.AnswersInternational < 1 || rep.NewPartners.Answers != Summarise(sp.Cases).NewPartners {
		t.Errorf("new-partner answers %d, international %d", rep.NewPartners.Answers, rep.NewPartners.AnswersInternational)
	}
}
