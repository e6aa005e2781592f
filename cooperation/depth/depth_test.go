package depth

import (
	"reflect"
	"testing"
	"time"

	"github.com/silkbridge/silkbridge/cooperation"
)

func day(s string) time.Time {
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return d
}

// history builds a cooperation whose steps are "stage@date" in order.
func history(id string, countries, fields []string, steps ...string) History {
	h := History{ID: id, Countries: countries, Fields: fields}
	from := ""
	for _, s := range steps {
		stage, date := s[:len(s)-11], s[len(s)-10:]
		h.Changes = append(h.Changes, Change{From: from, To: stage, Date: day(date)})
		from = stage
	}
	h.Stage = from
	h.StartYear = h.Changes[0].Date.Year()
	return h
}

// fixture is six cooperations with known histories; the expected figures
// in the tests below were worked out by hand from these dates.
func fixture() []History {
	return []History{
		history("A", []string{"KZ", "CN"}, []string{"2.7"}, "exchange@2021-01-01", "joint_research@2022-01-01", "joint_lab@2022-07-01"),
		history("B", []string{"KZ", "DE"}, []string{"2.1"}, "exchange@2022-03-01", "joint_research@2022-06-01"),
		history("C", []string{"CN", "DE"}, []string{"3"}, "exchange@2022-01-15", "technology_transfer@2023-01-15"),
		history("D", []string{"CN", "KZ"}, []string{"2.7"}, "exchange@2020-01-01"),
		history("E", []string{"KZ", "CN", "DE"}, []string{"1.5"}, "exchange@2023-06-01", "joint_research@2023-08-01", "exchange@2023-10-01"),
		history("G", []string{"DE", "GB"}, nil, "exchange@2019-01-01", "joint_research@2020-01-01"),
	}
}

var period = Period{From: day("2022-01-01"), To: day("2023-12-31")}

func TestCompute_CountsEachCooperationAtItsCurrentStage(t *testing.T) {
	r := Compute(fixture(), period)
	if want := []int{2, 2, 1, 1, 0}; !reflect.DeepEqual(r.Counts, want) || r.Total != 6 {
		t.Errorf("counts %v (total %d), want %v (6)", r.Counts, r.Total, want)
	}
}

func TestCompute_TransitionMatrixCountsChangesDatedInThePeriod(t *testing.T) {
	r := Compute(fixture(), period)
	// A, B and E move exchange -> joint research; A joint research ->
	// joint lab; C exchange -> technology transfer; E falls back from
	// joint research to exchange. G's move (2020) is outside the period;
	// A's move on 2022-01-01 is on its first day, so inside.
	want := [][]int{
		{0, 3, 0, 1, 0},
		{1, 0, 1, 0, 0},
		{0, 0, 0, 0, 0},
		{0, 0, 0, 0, 0},
		{0, 0, 0, 0, 0},
	}
	if !reflect.DeepEqual(r.Transitions, want) || r.TransitionTotal != 6 {
		t.Errorf("transitions %v (total %d), want %v (6)", r.Transitions, r.TransitionTotal, want)
	}
	all := Compute(fixture(), Period{})
	if all.Transitions[0][1] != 4 {
		t.Errorf("an open period counts %d exchange -> joint research moves, want 4 (with G)", all.Transitions[0][1])
	}
}

func TestCompute_MedianTimeAtAStageBeforeMovingDeeper(t *testing.T) {
	r := Compute(fixture(), period)
	// Exchange stays that ended deeper in the period: A 365 days, B 92,
	// C 365, E 61 -> median (92 + 365) / 2 = 228.5 days. Joint research:
	// A 181 days (E's fall back to exchange is not a move deeper).
	want := []Median{
		{Stage: cooperation.Exchange, Days: 228.5, Months: 7.5, N: 4},
		{Stage: cooperation.JointResearch, Days: 181, Months: 5.9, N: 1},
		{Stage: cooperation.JointLab},
		{Stage: cooperation.TechnologyTransfer},
	}
	if !reflect.DeepEqual(r.Medians, want) {
		t.Errorf("medians %+v, want %+v", r.Medians, want)
	}
}

func TestCompute_BreaksDownByCountryPairFieldAndYear(t *testing.T) {
	r := Compute(fixture(), period)
	wantPairs := []Group{
		{Key: "CN-KZ", Counts: []int{2, 0, 1, 0, 0}, Total: 3, Deeper: 1, Moves: 3},
		{Key: "CN-DE", Counts: []int{1, 0, 0, 1, 0}, Total: 2, Deeper: 1, Moves: 2},
		{Key: "DE-KZ", Counts: []int{1, 1, 0, 0, 0}, Total: 2, Deeper: 1, Moves: 2},
		{Key: "DE-GB", Counts: []int{0, 1, 0, 0, 0}, Total: 1, Deeper: 1, Moves: 0},
	}
	if !reflect.DeepEqual(r.ByCountryPair, wantPairs) {
		t.Errorf("by country pair %+v\nwant %+v", r.ByCountryPair, wantPairs)
	}
	wantFields := []Group{
		{Key: "1", Counts: []int{1, 0, 0, 0, 0}, Total: 1, Deeper: 0, Moves: 1},
		{Key: "2", Counts: []int{1, 1, 1, 0, 0}, Total: 3, Deeper: 2, Moves: 3},
		{Key: "3", Counts: []int{0, 0, 0, 1, 0}, Total: 1, Deeper: 1, Moves: 1},
	}
	if !reflect.DeepEqual(r.ByField, wantFields) {
		t.Errorf("by field %+v\nwant %+v", r.ByField, wantFields)
	}
	var years []string
	for _, g := range r.ByYear {
		years = append(years, g.Key)
	}
	if want := []string{"2019", "2020", "2021", "2022", "2023"}; !reflect.DeepEqual(years, want) {
		t.Errorf("years %v, want %v", years, want)
	}
	if r.ByYear[3].Total != 2 || r.ByYear[3].Deeper != 2 {
		t.Errorf("2022 = %+v, want B and C, both deeper", r.ByYear[3])
	}
}

func TestShallow_ListsCooperationsStillAtExchangeAfterTheMonths(t *testing.T) {
	today := day("2024-01-01")
	cases := []struct {
		months int
		want   []string
	}{
		{12, []string{"D"}},     // E came back to exchange on 2023-10-01: three months ago
		{3, []string{"D", "E"}}, // three months to the day count
		{60, nil},               // D has waited four years
	}
	for _, tc := range cases {
		got := Shallow(fixture(), tc.months, today)
		if len(got) != len(tc.want) || (len(got) > 0 && !reflect.DeepEqual(got, tc.want)) {
			t.Errorf("Shallow(%d months) = %v, want %v", tc.months, got, tc.want)
		}
	}
}

func TestCompute_SkipsUnknownDatesAndStages(t *testing.T) {
	hs := []History{
		{ID: "x", Stage: cooperation.JointResearch, Changes: []Change{{To: cooperation.Exchange}, {From: cooperation.Exchange, To: cooperation.JointResearch, Date: day("2022-05-01")}}},
		{ID: "grant", Stage: ""},
	}
	r := Compute(hs, period)
	if r.Total != 1 || r.Medians[0].N != 0 || r.Transitions[0][1] != 1 {
		t.Errorf("total %d, exchange stays %d, moves %d; want 1, 0 (start unknown), 1", r.Total, r.Medians[0].N, r.Transitions[0][1])
	}
}
