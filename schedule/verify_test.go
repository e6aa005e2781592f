package schedule

import (
	"strings"
	"testing"
)

func TestVerify_CatchesEveryBrokenRule(t *testing.T) {
	in := event([]int{2, 1}, map[string][]int{"ana": {1, 2}, "bo": {1, 2}, "cy": {1, 2}, "dan": {1}},
		"ana-bo", "cy-dan", "ana-cy")
	valid := func() Result {
		return Result{
			Meetings: []Meeting{
				{Request: "ana-bo", Slot: "s01", Table: 1},
				{Request: "cy-dan", Slot: "s01", Table: 2},
				{Request: "ana-cy", Slot: "s02", Table: 1},
			},
			UpperBound: 3,
		}
	}
	tests := []struct {
		name   string
		break_ func(*Result)
		want   string
	}{
		{"unknown request", func(r *Result) { r.Meetings[0].Request = "zed" }, `request "zed" is not an accepted request`},
		{"placed twice", func(r *Result) { r.Meetings[2].Request = "ana-bo"; r.Meetings[2].Slot = "s02" }, `request "ana-bo" placed twice`},
		{"unknown slot", func(r *Result) { r.Meetings[2].Slot = "s09" }, `unknown slot "s09"`},
		{"table beyond the slot's", func(r *Result) { r.Meetings[2].Table = 2 }, `slot "s02" has tables 1 to 1, not 2`},
		{"table zero", func(r *Result) { r.Meetings[0].Table = 0 }, `not 0`},
		{"table used twice", func(r *Result) { r.Meetings[1].Table = 1 }, `table 1 of slot "s01" already holds request "ana-bo"`},
		{"outside availability", func(r *Result) {
			r.Meetings[1].Slot = "s02"
			r.Meetings[2].Slot = "s01"
			r.Meetings[2].Table = 2
			r.Meetings[1].Table = 1
		}, `"dan" is not available in slot "s02"`},
		{"two meetings at once", func(r *Result) {
			r.Meetings = []Meeting{{Request: "ana-bo", Slot: "s01", Table: 1}, {Request: "ana-cy", Slot: "s01", Table: 2}}
			r.Unplaced = []Unplaced{{Request: "cy-dan"}}
		}, `"ana" already meets for request "ana-bo" in slot "s01"`},
		{"neither placed nor unplaced", func(r *Result) { r.Meetings = r.Meetings[:2] }, `request "ana-cy" is neither placed nor listed as unplaced`},
		{"placed and unplaced", func(r *Result) { r.Unplaced = []Unplaced{{Request: "ana-cy"}} }, `request "ana-cy" is also placed`},
		{"unplaced twice", func(r *Result) {
			r.Meetings = r.Meetings[:2]
			r.Unplaced = []Unplaced{{Request: "ana-cy"}, {Request: "ana-cy"}}
		}, `request "ana-cy" listed twice`},
		{"unplaced unknown", func(r *Result) { r.Unplaced = []Unplaced{{Request: "zed"}} }, `unplaced: request "zed" is not an accepted request`},
		{"above the bound", func(r *Result) { r.UpperBound = 2 }, `3 meetings placed, above the upper bound 2`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := valid()
			if err := Verify(in, r); err != nil {
				t.Fatalf("valid schedule refused: %v", err)
			}
			tc.break_(&r)
			err := Verify(in, r)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}
