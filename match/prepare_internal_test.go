package match

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func TestRankArcs_SameWhateverTheNumberOfWorkers(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	in := &Instance{Residents: make([]Resident, 500), Hospitals: make([]Hospital, 40)}
	for h := range in.Hospitals {
		in.Hospitals[h].Prefs = []int32{}
	}
	for r := range in.Residents {
		for _, h := range rng.Perm(40)[:rng.IntN(12)] {
			in.Residents[r].Prefs = append(in.Residents[r].Prefs, int32(h))
			if rng.IntN(5) > 0 {
				in.Hospitals[h].Prefs = append(in.Hospitals[h].Prefs, int32(r))
			}
		}
	}
	var total int
	for _, r := range in.Residents {
		total += len(r.Prefs) + 1
	}
	want := make([]arc, total)
	rankArcs(in, want, 1)
	for _, nw := range []int{2, 3, 7} {
		got := make([]arc, total)
		rankArcs(in, got, nw)
		if !slices.Equal(got, want) {
			t.Fatalf("%d workers rank differently from one", nw)
		}
	}
	// Spot check: a rank is the resident's position in the hospital's list.
	slot := 0
	for r, res := range in.Residents {
		for _, h := range res.Prefs {
			if k := slices.Index(in.Hospitals[h].Prefs, int32(r)); want[slot].rank != int32(k) || want[slot].h != h {
				t.Fatalf("resident %d at hospital %d: arc %+v, want rank %d", r, h, want[slot], k)
			}
			slot++
		}
		slot++
	}
}
