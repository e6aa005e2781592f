package analytics

import (
	"math"
	"testing"
)

func TestPartners_ShareCosineAndChangeSince2013(t *testing.T) {
	now := Counts{Pair: map[string]int{"PK": 100, "RU": 50}, Total: map[string]int{"CN": 1000, "PK": 400, "RU": 250}}
	base := Counts{Pair: map[string]int{"PK": 20}}
	got := Partners("CN", now, base, nil)
	if len(got) != 2 || got[0].Code != "PK" || got[1].Code != "RU" {
		t.Fatalf("partners %+v, want PK then RU", got)
	}
	pk := got[0]
	if pk.Share != 0.1 {
		t.Errorf("share %v, want 100/1000", pk.Share)
	}
	if want := 100 / math.Sqrt(1000*400); math.Abs(pk.Cosine-want) > 1e-6 {
		t.Errorf("cosine %v, want %v", pk.Cosine, want)
	}
	if pk.Base != 20 || pk.Change != 80 || pk.ChangePct == nil || *pk.ChangePct != 400 {
		t.Errorf("change %+v, want 20 -> 100 (+400%%)", pk)
	}
	if got[1].ChangePct != nil {
		t.Errorf("a partner absent in 2013 has no relative change, got %v", *got[1].ChangePct)
	}
	only := Partners("CN", now, base, func(c string) bool { return c == "RU" })
	if len(only) != 1 || only[0].Code != "RU" {
		t.Errorf("keep kept %+v, want RU alone", only)
	}
}

func TestPlatformCounts_PairsOnceAndCountriesWithForeignPartners(t *testing.T) {
	coops := []Cooperation{
		{Stage: 0, Countries: []string{"CN", "KZ"}},
		{Stage: 2, Countries: []string{"CN", "KZ", "RU"}},
		{Stage: 1, Countries: []string{"DE"}}, // national: no pair, no total
	}
	pairs, totals := PlatformCounts(coops, 5)
	if got := pairs["CN-KZ"]; Sum(got) != 2 || got[0] != 1 || got[2] != 1 {
		t.Errorf("CN-KZ %v, want one at stage 0 and one at stage 2", got)
	}
	if Sum(pairs["KZ-RU"]) != 1 || totals["CN"] != 2 || totals["RU"] != 1 || totals["DE"] != 0 {
		t.Errorf("pairs %v totals %v", pairs, totals)
	}
	if st := CountryStages(coops, 5)["KZ"]; st[0] != 1 || st[2] != 1 {
		t.Errorf("KZ stages %v", st)
	}
}

func TestInequality_EqualIsZeroAllInOneIsHigh(t *testing.T) {
	if g, top := Inequality([]int{3, 3, 3, 3}); g != 0 || top != 0.25 {
		t.Errorf("equal: gini %v top %v, want 0 and 0.25", g, top)
	}
	g, top := Inequality([]int{0, 0, 0, 0, 0, 0, 0, 0, 0, 10})
	if top != 1 || g != 0.9 {
		t.Errorf("all in one of ten: gini %v top %v, want 0.9 and 1", g, top)
	}
	if Median([]float64{5, 1, 3, 2}) != 2.5 {
		t.Error("median of 1 2 3 5 is 2.5")
	}
}
