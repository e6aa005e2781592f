package check_test

import (
	"strings"
	"testing"

	"github.com/silkbridge/silkbridge/match"
	"github.com/silkbridge/silkbridge/match/check"
)

// market: two residents, two hospitals of one seat each, both residents
// prefer h0, h0 prefers r1; h0 and h1 form a region capped at 1 and group A
// (r0) has a quota of 0 at h1.
func market(t *testing.T) *match.Instance {
	t.Helper()
	in, err := match.ReadInstance(strings.NewReader(`{"format": "hr-instance/1",
	  "residents": [{"id": "r0", "prefs": ["h0", "h1"], "group": "A"}, {"id": "r1", "prefs": ["h0", "h1"]}],
	  "hospitals": [{"id": "h0", "capacity": 1, "prefs": ["r1", "r0"]}, {"id": "h1", "capacity": 1, "prefs": ["r0", "r1"]}],
	  "regions": [{"id": "g", "hospitals": ["h0", "h1"], "cap": 1}],
	  "group_quotas": [{"id": "q", "group": "A", "hospitals": ["h1"], "cap": 0}]}`))
	if err != nil {
		t.Fatal(err)
	}
	return in
}

func TestChecks_CatchEachViolation(t *testing.T) {
	in := market(t)
	unlisted := market(t)
	unlisted.Hospitals[1].Prefs = []int32{1} // h1 no longer lists r0
	tests := []struct {
		name  string
		in    *match.Instance
		check func(*match.Instance, []int32) error
		asg   []int32
		want  string // "" for no violation
	}{
		{"capacity kept", in, check.Capacities, []int32{0, 1}, ""},
		{"capacity exceeded", in, check.Capacities, []int32{0, 0}, `hospital "h0" holds 2 residents, above its capacity 1`},
		{"acceptable", in, check.Acceptability, []int32{1, 0}, ""},
		{"not acceptable to host", unlisted, check.Acceptability, []int32{1, 0}, `"r0" placed at "h1", which does not list it`},
		{"regional cap exceeded", in, check.RegionalCaps, []int32{1, 0}, `region "g" holds 2 residents, above its cap 1`},
		{"group quota exceeded", in, check.GroupQuotas, []int32{1, -1}, `above its share 0 of quota "q"`},
		{"classic blocking pair", in, check.Stable, []int32{0, 1}, `resident "r1" and hospital "h0" block`},
		{"classically stable", in, check.Stable, []int32{1, 0}, ""},
		{"justified envy", in, check.WeaklyStable, []int32{0, -1}, `justified envy`},
		{"waste", in, check.WeaklyStable, []int32{-1, -1}, `waste`},
		{"weakly stable under the cap", in, check.WeaklyStable, []int32{-1, 0}, ""},
		{"wrong length", in, check.Capacities, []int32{0}, `1 assignments for 2 residents`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.check(tt.in, tt.asg)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("unexpected violation: %v", err)
			case tt.want != "" && err == nil:
				t.Fatalf("no violation found, want %q", tt.want)
			case tt.want != "" && !strings.Contains(err.Error(), tt.want):
				t.Fatalf("violation %q, want %q", err, tt.want)
			}
		})
	}
}

func TestChoiceStable_FDARegionChoosesByTurnOrder(t *testing.T) {
	// Under FDA the region's one seat goes to h0 first in turn order (both
	// targets are 0); r1, h0's favourite, takes it. Giving the seat to r0 at
	// h1 instead is weakly stable (no envy, region full) but not stable for
	// the region's choice rule.
	in := market(t)
	in.GroupQuotas = nil
	if err := check.ChoiceStable(in, match.FDA, []int32{-1, 0}); err != nil {
		t.Fatalf("FDA outcome refused: %v", err)
	}
	if err := check.WeaklyStable(in, []int32{1, -1}); err != nil {
		t.Fatalf("r0 at h1 should be weakly stable: %v", err)
	}
	if err := check.ChoiceStable(in, match.FDA, []int32{1, -1}); err == nil {
		t.Fatal("r0 at h1 accepted, but the region would choose r1 at h0")
	}
}

func TestShares_LargestRemainderFollowsCapacity(t *testing.T) {
	in := &match.Instance{Hospitals: []match.Hospital{{ID: "a", Capacity: 5}, {ID: "b", Capacity: 3}, {ID: "c", Capacity: 2}}}
	tests := []struct {
		cap  int
		want []int
	}{
		{0, []int{0, 0, 0}},
		{1, []int{1, 0, 0}},  // remainders 5, 3, 2 (of 10)
		{3, []int{1, 1, 1}},  // 1.5, 0.9, 0.6: floors 1, 0, 0; two more to .9 and .6
		{4, []int{2, 1, 1}},  // 2, 1.2, 0.8
		{50, []int{5, 3, 2}}, // above the seats: every seat
	}
	for _, tt := range tests {
		q := &match.GroupQuota{ID: "q", Group: "G", Hospitals: []int32{0, 1, 2}, Cap: tt.cap}
		got := check.Shares(in, q)
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("cap %d: shares %v, want %v", tt.cap, got, tt.want)
				break
			}
		}
		mine := match.GroupShares(in, q)
		for i := range mine {
			if int(mine[i]) != tt.want[i] {
				t.Errorf("cap %d: match.GroupShares %v, want %v", tt.cap, mine, tt.want)
				break
			}
		}
	}
}
