package schedule

import "testing"

// solverFor compiles in and places the named requests in the named slots
// by hand, as if an earlier step had chosen badly.
func solverFor(t *testing.T, in Input, placed map[string]string) (*solver, func(req string) int32) {
	t.Helper()
	p, err := compile(in)
	if err != nil {
		t.Fatal(err)
	}
	index := func(req string) int32 {
		for m, i := range p.request {
			if in.Requests[i].ID == req {
				return int32(m)
			}
		}
		t.Fatalf("no request %q", req)
		return -1
	}
	sv := newSolver(p)
	sv.work = 1 << 30
	for req, slot := range placed {
		s := int32(-1)
		for i, sl := range in.Slots {
			if sl.ID == slot {
				s = int32(i)
			}
		}
		m := index(req)
		if s < 0 || !sv.free(m, s) {
			t.Fatalf("cannot place %s in %s", req, slot)
		}
		sv.move(m, s)
	}
	return sv, index
}

func slotOf(sv *solver, m int32) string {
	if s := sv.slot[m]; s >= 0 {
		return sv.in.Slots[s].ID
	}
	return "unplaced"
}

func TestRepair_MovesMeetingsAlongAChainToMakeRoom(t *testing.T) {
	tests := []struct {
		name   string
		in     Input
		placed map[string]string
		want   map[string]string
	}{
		{
			name:   "one move",
			in:     event([]int{5, 5}, map[string][]int{"ana": {1, 2}, "bo": {1, 2}, "cy": {1}}, "ana-bo", "ana-cy"),
			placed: map[string]string{"ana-bo": "s01"},
			want:   map[string]string{"ana-bo": "s02", "ana-cy": "s01"},
		},
		{
			name: "two moves",
			// ana-cy needs s1, held by ana-bo, whose other slot s2 is
			// held at bo by bo-dan, which can go to s3.
			in: event([]int{5, 5, 5}, map[string][]int{
				"ana": {1, 2}, "bo": {1, 2, 3}, "cy": {1}, "dan": {2, 3},
			}, "ana-bo", "bo-dan", "ana-cy"),
			placed: map[string]string{"ana-bo": "s01", "bo-dan": "s02"},
			want:   map[string]string{"ana-cy": "s01", "ana-bo": "s02", "bo-dan": "s03"},
		},
		{
			name: "a full slot makes room by moving a meeting elsewhere",
			in: event([]int{1, 1}, map[string][]int{"a": {1, 2}, "b": {1, 2}, "c": {1}, "d": {1}},
				"a-b", "c-d"),
			placed: map[string]string{"a-b": "s01"},
			want:   map[string]string{"a-b": "s02", "c-d": "s01"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sv, index := solverFor(t, tc.in, tc.placed)
			if !sv.repair() {
				t.Fatal("repair placed nothing")
			}
			for req, slot := range tc.want {
				if got := slotOf(sv, index(req)); got != slot {
					t.Errorf("%s in %s, want %s", req, got, slot)
				}
			}
		})
	}
}

func TestRepair_UndoesAFailedChain(t *testing.T) {
	// ana-cy needs s1, held by ana-bo, which has nowhere else to go: the
	// search must leave ana-bo where it was.
	in := event([]int{5, 5}, map[string][]int{"ana": {1, 2}, "bo": {1}, "cy": {1}}, "ana-bo", "ana-cy")
	sv, index := solverFor(t, in, map[string]string{"ana-bo": "s01"})
	if sv.repair() {
		t.Fatal("repair placed a request that has no room")
	}
	if got := slotOf(sv, index("ana-bo")); got != "s01" {
		t.Errorf("ana-bo in %s after a failed repair, want s01", got)
	}
	if sv.placed != 1 || sv.used[0] != 1 || sv.used[1] != 0 {
		t.Errorf("placed %d, used %v after a failed repair, want 1 and [1 0]", sv.placed, sv.used)
	}
}

func TestEarlierFirst_GivesTheSlotBackToTheEarlierRequest(t *testing.T) {
	in := event([]int{5}, map[string][]int{"ana": {1}, "bo": {1}, "cy": {1}}, "bo-ana", "cy-ana")
	sv, index := solverFor(t, in, map[string]string{"cy-ana": "s01"})
	sv.earlierFirst()
	if got := slotOf(sv, index("bo-ana")); got != "s01" {
		t.Errorf("bo-ana %s, want s01", got)
	}
	if got := slotOf(sv, index("cy-ana")); got != "unplaced" {
		t.Errorf("cy-ana %s, want unplaced", got)
	}
}

func TestEarlierFirst_NeverLosesAMeeting(t *testing.T) {
	// bo-ana, the earliest, is blocked in s1 by two later meetings,
	// cy-ana and dan-bo, which have nowhere else to go: taking the slot
	// would place one and unplace two.
	in := event([]int{5}, map[string][]int{"ana": {1}, "bo": {1}, "cy": {1}, "dan": {1}}, "bo-ana", "cy-ana", "dan-bo")
	sv, index := solverFor(t, in, map[string]string{"cy-ana": "s01", "dan-bo": "s01"})
	sv.earlierFirst()
	if sv.placed != 2 {
		t.Errorf("placed %d after earlierFirst, want 2", sv.placed)
	}
	if got := slotOf(sv, index("bo-ana")); got != "unplaced" {
		t.Errorf("bo-ana %s, want unplaced: placing it would unplace two", got)
	}
}
