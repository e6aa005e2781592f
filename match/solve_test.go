package match_test

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/silkbridge/silkbridge/match"
	"github.com/silkbridge/silkbridge/match/check"
	"github.com/silkbridge/silkbridge/match/gen"
)

func TestSolve_SpecExampleGivesTheDocumentedMatching(t *testing.T) {
	in := mustRead(t, specExample)
	for _, alg := range match.Algorithms {
		res := mustSolve(t, in, alg)
		if got := assignmentByID(in, res.Assignment); got != "r0:h0 r1:h1" {
			t.Errorf("%s: assignment %s, want r0:h0 r1:h1", alg, got)
		}
		if res.Matched != 2 || res.Proposals != 3 {
			t.Errorf("%s: matched %d, proposals %d; want 2 and 3", alg, res.Matched, res.Proposals)
		}
	}
}

// The two-host scenario of the programme: the large host h0 is wanted by
// all three talents but its region is capped at one; the small host h1 has
// two seats.
const twoHosts = `{
  "format": "hr-instance/1",
  "residents": [
    {"id": "t1", "prefs": ["large", "small"]},
    {"id": "t2", "prefs": ["large", "small"]},
    {"id": "t3", "prefs": ["large"]}
  ],
  "hospitals": [
    {"id": "large", "capacity": 3, "prefs": ["t1", "t2", "t3"]},
    {"id": "small", "capacity": 2, "prefs": ["t2", "t1"], "floor": 1}
  ],
  "regions": [{"id": "large-institutions", "hospitals": ["large"], "cap": 1}]
}`

func TestSolve_CapOnLargeHostSpreadsTalents(t *testing.T) {
	in := mustRead(t, twoHosts)
	tests := []struct {
		alg  match.Algorithm
		want string
	}{
		{match.DA, "t1:large t2:large t3:large"},
		{match.JRMP, "t1:large t2:small t3:-"},
		{match.FDA, "t1:large t2:small t3:-"},
	}
	for _, tt := range tests {
		res := mustSolve(t, in, tt.alg)
		if got := assignmentByID(in, res.Assignment); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.alg, got, tt.want)
		}
	}
	res := mustSolve(t, in, match.FDA)
	why := res.Refusals(1) // t2 wanted large, got small
	if len(why) != 1 || why[0].Reason != match.ReasonRegionalCap || why[0].Constraint != "large-institutions" {
		t.Errorf("t2's refusals = %+v, want the regional cap of large-institutions", why)
	}
	why = res.Refusals(2)
	if len(why) != 1 || why[0].Reason != match.ReasonRegionalCap {
		t.Errorf("t3's refusals = %+v, want the regional cap", why)
	}
	da := mustSolve(t, in, match.DA)
	if b := da.Balance(nil); b.FloorDeficit != 1 || b.Hospitals[1].Deficit != 1 {
		t.Errorf("DA leaves small below its floor of 1: deficit %d, want 1", b.FloorDeficit)
	}
}

func TestSolve_RandomInstancesPassIndependentChecks(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	n := 3000
	if testing.Short() {
		n = 500
	}
	for i := range n {
		in := randomInstance(rng, 8, 5, i%4 != 0)
		if err := in.Validate(); err != nil {
			t.Fatalf("instance %d: generated invalid: %v", i, err)
		}
		p, err := match.Prepare(in)
		if err != nil {
			t.Fatal(err)
		}
		results := map[match.Algorithm]*match.Result{}
		for _, alg := range match.Algorithms {
			res, err := p.Solve(alg)
			if err != nil {
				t.Fatalf("instance %d: %s: %v", i, alg, err)
			}
			results[alg] = res
			if err := check.Matching(in, alg, res.Assignment); err != nil {
				t.Fatalf("instance %d: %s: %v\n%s", i, alg, err, dump(in))
			}
			for r := range in.Residents {
				for _, why := range res.Refusals(r) {
					if why.Reason == match.ReasonUnexplained {
						t.Fatalf("instance %d: %s: resident %d refused at %d without a reason\n%s", i, alg, r, why.Hospital, dump(in))
					}
				}
			}
			again, err := p.Solve(alg)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(again.Assignment, res.Assignment) || again.Proposals != res.Proposals {
				t.Fatalf("instance %d: %s: two solves differ", i, alg)
			}
		}
		fda, jrmp := results[match.FDA], results[match.JRMP]
		if fda.Matched < jrmp.Matched {
			t.Fatalf("instance %d: fda placed %d, jrmp %d\n%s", i, fda.Matched, jrmp.Matched, dump(in))
		}
		for r := range in.Residents {
			if worse(in, int32(r), fda.Assignment[r], jrmp.Assignment[r]) {
				t.Fatalf("instance %d: resident %d worse under fda than jrmp\n%s", i, r, dump(in))
			}
		}
	}
}

// worse reports whether resident r likes a less than b.
func worse(in *match.Instance, r, a, b int32) bool {
	return position(in, r, a) > position(in, r, b)
}

// position is a hospital's position in r's list; unmatched (or unlisted) comes last.
func position(in *match.Instance, r, h int32) int {
	if i := slices.Index(in.Residents[r].Prefs, h); i >= 0 && h >= 0 {
		return i
	}
	return len(in.Residents[r].Prefs)
}

func dump(in *match.Instance) string {
	var b bytes.Buffer
	if err := match.WriteInstance(&b, in); err != nil {
		return err.Error()
	}
	return b.String()
}

// stableByEnumeration lists every assignment stable for alg's choice rule,
// trying each resident at each mutually acceptable hospital or nowhere.
func stableByEnumeration(in *match.Instance, alg match.Algorithm) [][]int32 {
	choices := make([][]int32, len(in.Residents))
	for r := range in.Residents {
		choices[r] = []int32{-1}
		for _, h := range in.Residents[r].Prefs {
			if slices.Contains(in.Hospitals[h].Prefs, int32(r)) {
				choices[r] = append(choices[r], h)
			}
		}
	}
	var out [][]int32
	asg := make([]int32, len(in.Residents))
	var walk func(r int)
	walk = func(r int) {
		if r == len(asg) {
			if check.ChoiceStable(in, alg, asg) == nil {
				out = append(out, slices.Clone(asg))
			}
			return
		}
		for _, h := range choices[r] {
			asg[r] = h
			walk(r + 1)
		}
	}
	walk(0)
	return out
}

func TestSolve_GivesTheResidentOptimalStableMatchingByBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	n := 400
	if testing.Short() {
		n = 100
	}
	for i := range n {
		in := randomInstance(rng, 5, 3, i%2 == 1)
		for _, alg := range match.Algorithms {
			res := mustSolve(t, in, alg)
			all := stableByEnumeration(in, alg)
			found := false
			for _, s := range all {
				found = found || slices.Equal(s, res.Assignment)
				for r := range s {
					if worse(in, int32(r), res.Assignment[r], s[r]) {
						t.Fatalf("instance %d: %s: resident %d prefers stable %s to the solver's %s\n%s", i, alg, r,
							assignmentByID(in, s), assignmentByID(in, res.Assignment), dump(in))
					}
				}
			}
			if !found {
				t.Fatalf("instance %d: %s: %s is not among the %d stable matchings\n%s", i, alg, assignmentByID(in, res.Assignment), len(all), dump(in))
			}
			if alg == match.DA {
				// Classic stability, checked by the other definition, agrees.
				for _, s := range all {
					if err := check.Stable(in, s); err != nil {
						t.Fatalf("instance %d: choice-stable %s is not classically stable: %v", i, assignmentByID(in, s), err)
					}
				}
			}
		}
	}
}

// misreports returns lists a resident could report instead of truth:
// every truncation, every swap of neighbours, every list with one entry
// dropped, and a few random reorderings with an extra hospital.
func misreports(rng *rand.Rand, truth []int32, nH int) [][]int32 {
	var out [][]int32
	for k := range len(truth) {
		out = append(out, slices.Clone(truth[:k]))
	}
	for i := 0; i+1 < len(truth); i++ {
		s := slices.Clone(truth)
		s[i], s[i+1] = s[i+1], s[i]
		out = append(out, s)
	}
	for i := range truth {
		out = append(out, slices.Delete(slices.Clone(truth), i, i+1))
	}
	for range 3 {
		var s []int32
		for _, h := range rng.Perm(nH) {
			if rng.IntN(2) == 0 {
				s = append(s, int32(h))
			}
		}
		out = append(out, s)
	}
	return out
}

func TestSolve_NoResidentGainsByMisreporting(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	n := 300
	if testing.Short() {
		n = 60
	}
	for i := range n {
		in := randomInstance(rng, 6, 4, i%2 == 1)
		for _, alg := range match.Algorithms {
			truth := mustSolve(t, in, alg)
			for r := range in.Residents {
				honest := in.Residents[r].Prefs
				for _, lie := range misreports(rng, honest, len(in.Hospitals)) {
					in.Residents[r].Prefs = lie
					res := mustSolve(t, in, alg)
					in.Residents[r].Prefs = honest
					if worse(in, int32(r), truth.Assignment[r], res.Assignment[r]) {
						t.Fatalf("instance %d: %s: resident %d gains by reporting %v instead of %v\n%s", i, alg, r, lie, honest, dump(in))
					}
				}
			}
		}
	}
}

func TestFDA_RefusesOverlappingRegions(t *testing.T) {
	in := mustRead(t, strings.Replace(twoHosts, `"regions": [`,
		`"regions": [{"id": "all", "hospitals": ["small", "large"], "cap": 5}, `, 1))
	if _, err := match.Solve(in, match.JRMP); err != nil {
		t.Fatalf("JRMP should accept overlapping regions: %v", err)
	}
	_, err := match.Solve(in, match.FDA)
	if err == nil || !strings.Contains(err.Error(), `regions[1] "large-institutions": hospital "large" is also in regions[0] "all"`) {
		t.Fatalf("FDA on overlapping regions: %v", err)
	}
}

func TestSolve_GeneratedMarketPassesChecksAndKeepsCaps(t *testing.T) {
	in, err := gen.Generate(gen.Config{Residents: 3000, Regions: 8, Seed: 7, Groups: 4, GroupQuota: 0.4, Floors: true})
	if err != nil {
		t.Fatal(err)
	}
	p, err := match.Prepare(in)
	if err != nil {
		t.Fatal(err)
	}
	matched := map[match.Algorithm]int{}
	for _, alg := range match.Algorithms {
		res, err := p.Solve(alg)
		if err != nil {
			t.Fatal(err)
		}
		matched[alg] = res.Matched
		switch alg {
		case match.DA:
			err = check.Stable(in, res.Assignment)
		case match.JRMP:
			err = check.TargetCapacities(in, res.Assignment)
		case match.FDA:
			err = check.WeaklyStable(in, res.Assignment)
		}
		if err != nil {
			t.Errorf("%s: %v", alg, err)
		}
	}
	if !(matched[match.JRMP] <= matched[match.FDA] && matched[match.FDA] <= matched[match.DA]) {
		t.Errorf("placed: jrmp %d, fda %d, da %d; want jrmp <= fda <= da", matched[match.JRMP], matched[match.FDA], matched[match.DA])
	}
	// The metro cap binds: DA overfills it and FDA does not.
	da, err := p.Solve(match.DA)
	if err != nil {
		t.Fatal(err)
	}
	if check.RegionalCaps(in, da.Assignment) == nil {
		t.Error("DA kept the metro cap; the generated market should exceed it")
	}
}

// TestSolve_AllocatesNothingPerProposal: a solve allocates its arrays up
// front, so the number of allocations is the same for a market of 200
// residents and one of 5,000 (about 25 times the proposals).
func TestSolve_AllocatesNothingPerProposal(t *testing.T) {
	for _, alg := range match.Algorithms {
		var allocs []float64
		for _, n := range []int{200, 5000} {
			in, err := gen.Generate(gen.Config{Residents: n, Regions: 8, Seed: 3, Groups: 3, GroupQuota: 0.3})
			if err != nil {
				t.Fatal(err)
			}
			p, err := match.Prepare(in)
			if err != nil {
				t.Fatal(err)
			}
			allocs = append(allocs, testing.AllocsPerRun(3, func() {
				if _, err := p.Solve(alg); err != nil {
					t.Fatal(err)
				}
			}))
		}
		if allocs[0] != allocs[1] {
			t.Errorf("%s: %v allocations at 200 residents, %v at 5,000", alg, allocs[0], allocs[1])
		}
	}
}

func TestSolve_EdgeCasesGiveValidOutput(t *testing.T) {
	tests := []struct{ name, doc, want string }{
		{"empty", `{"format": "hr-instance/1", "residents": [], "hospitals": []}`, ""},
		{"no hospitals listed", `{"format": "hr-instance/1", "residents": [{"id": "r", "prefs": []}], "hospitals": [{"id": "h", "capacity": 2, "prefs": []}]}`, "r:-"},
		{"no seats", `{"format": "hr-instance/1", "residents": [{"id": "r", "prefs": ["h"]}], "hospitals": [{"id": "h", "capacity": 0, "prefs": ["r"]}]}`, "r:-"},
		{"region capped at zero", `{"format": "hr-instance/1", "residents": [{"id": "r", "prefs": ["h"]}], "hospitals": [{"id": "h", "capacity": 1, "prefs": ["r"]}],
			"regions": [{"id": "g", "hospitals": ["h"], "cap": 0}]}`, "r:-"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := mustRead(t, tt.doc)
			for _, alg := range []match.Algorithm{match.JRMP, match.FDA} {
				res := mustSolve(t, in, alg)
				if got := assignmentByID(in, res.Assignment); got != tt.want {
					t.Errorf("%s: %s, want %s", alg, got, tt.want)
				}
				for r := range in.Residents {
					for _, why := range res.Refusals(r) {
						if why.Reason == match.ReasonUnexplained {
							t.Errorf("%s: refusal without a reason", alg)
						}
					}
				}
				if b := res.Balance(nil); len(b.Lorenz) < 2 {
					t.Errorf("%s: Lorenz curve %v", alg, b.Lorenz)
				}
				var out bytes.Buffer
				if err := match.WriteMatching(&out, res, match.Output{}); err != nil || !json.Valid(out.Bytes()) {
					t.Errorf("%s: wrote %q (%v)", alg, out.String(), err)
				}
			}
		})
	}
}
