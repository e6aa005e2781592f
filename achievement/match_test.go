package achievement

import "testing"

func TestScore_ExplainsEachReasonAndItsPoints(t *testing.T) {
	a := &Achievement{ID: "a", Title: "Low-iron solar glass", Summary: "An anti-reflective coating for photovoltaic glass",
		Fields: []string{"2.5", "2.7"}, Keywords: []string{"coating"}, TRL: 7, AvailableIn: []string{"KZ", "UZ"}}
	req := Request{Title: "Anti-reflective coating for solar panels", Fields: []string{"2.5", "2.2"}, TRL: 6, Country: "KZ"}
	score, reasons, ok := Score(req, a)
	if !ok {
		t.Fatal("no suggestion")
	}
	kinds := map[string]Reason{}
	sum := 0
	for _, r := range reasons {
		kinds[r.Kind] = r
		sum += r.Points
	}
	if sum != score {
		t.Errorf("score %d, reasons add to %d", score, sum)
	}
	if r := kinds[ReasonField]; len(r.Values) != 1 || r.Values[0] != "2.5" {
		t.Errorf("shared field reason %+v", r)
	}
	if _, ok := kinds[ReasonBroad]; !ok {
		t.Error("2.2 and 2.7 share the broad field 2: no reason given")
	}
	if r := kinds[ReasonTerms]; len(r.Values) < 2 {
		t.Errorf("shared terms %+v, want coating and solar at least", r)
	}
	if _, ok := kinds[ReasonTRL]; !ok {
		t.Error("TRL 7 answers a request for 6: no reason given")
	}
	if _, ok := kinds[ReasonAvailable]; !ok {
		t.Error("available in KZ: no reason given")
	}
}

func TestScore_RefusesWhatCannotAnswer(t *testing.T) {
	a := &Achievement{Title: "Drip irrigation controller", Fields: []string{"4.1"}, TRL: 8, AvailableIn: []string{"CN"}}
	cases := map[string]Request{
		"not available in the country": {Title: "Drip irrigation", Fields: []string{"4.1"}, Country: "KZ"},
		"nothing in common":            {Title: "Quantum sensors", Fields: []string{"1.3"}},
	}
	for name, req := range cases {
		if _, _, ok := Score(req, a); ok {
			t.Errorf("%s: suggested", name)
		}
	}
}

func TestSuggest_RanksByScoreThenTRL(t *testing.T) {
	req := Request{Title: "solar glass coating", Fields: []string{"2.5"}, TRL: 6}
	low := &Achievement{ID: "low", Title: "Solar glass", Fields: []string{"2.5"}, TRL: 4}
	high := &Achievement{ID: "high", Title: "Solar glass", Fields: []string{"2.5"}, TRL: 8}
	best := &Achievement{ID: "best", Title: "Solar glass coating", Fields: []string{"2.5"}, TRL: 6}
	none := &Achievement{ID: "none", Title: "Vaccines", Fields: []string{"3.1"}, TRL: 9}
	got := Suggest(req, []*Achievement{low, none, high, best}, 10)
	var ids []string
	for _, s := range got {
		ids = append(ids, s.Achievement.ID)
	}
	want := []string{"best", "high", "low"}
	if len(ids) != len(want) {
		t.Fatalf("got %v, want %v", ids, want)
	}
	for i := range want {
		if ids[i] != want[i] {
			t.Fatalf("got %v, want %v", ids, want)
		}
	}
}
