package schedule

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// TestReplan_NeverMovesAPublishedMeetingWithoutConsent changes random
// published schedules as events change (a cancellation, a late acceptance,
// a side who can no longer come to one slot) and checks that the new
// schedule keeps every rule, keeps every published meeting that can still
// stand in its slot and at its table, and drops only those that cannot.
func TestReplan_NeverMovesAPublishedMeetingWithoutConsent(t *testing.T) {
	events := 500
	if testing.Short() {
		events = 100
	}
	rng := rand.New(rand.NewPCG(4, 96))
	for i := 0; i < events; {
		in := randomEvent(rng)
		if len(in.Requests) < 2 || len(in.Slots) == 0 {
			continue
		}
		i++
		before, err := ScheduleWith(in, Options{})
		if err != nil {
			t.Fatal(err)
		}
		after := in
		after.Requests = slices.Clone(in.Requests)
		after.Participants = slices.Clone(in.Participants)
		// A cancellation.
		gone := rng.IntN(len(after.Requests))
		cancelled := after.Requests[gone].ID
		after.Requests = slices.Delete(after.Requests, gone, gone+1)
		// A late acceptance between two who had no request.
		a, b := after.Participants[rng.IntN(len(after.Participants))].ID, after.Participants[rng.IntN(len(after.Participants))].ID
		pairTaken := a == b
		for _, r := range in.Requests {
			pairTaken = pairTaken || (r.Requester == a && r.Invitee == b) || (r.Requester == b && r.Invitee == a)
		}
		if !pairTaken {
			after.Requests = append(after.Requests, Request{ID: "late", Requester: a, Invitee: b, RequestedAt: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)})
		}
		// Someone can no longer come to one slot.
		who := rng.IntN(len(after.Participants))
		p := after.Participants[who]
		lost := ""
		if len(p.Available) > 0 {
			k := rng.IntN(len(p.Available))
			lost = p.Available[k]
			p.Available = slices.Delete(slices.Clone(p.Available), k, k+1)
			after.Participants[who] = p
		}

		out, err := Replan(after, before.Meetings, Options{Improve: 50 * time.Millisecond})
		if err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
		if err := Verify(after, out.Result); err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
		now := map[string]Meeting{}
		for _, m := range out.Meetings {
			now[m.Request] = m
		}
		sides := map[string]Request{}
		for _, r := range in.Requests {
			sides[r.ID] = r
		}
		for _, m := range before.Meetings {
			r := sides[m.Request]
			mustGo := m.Request == cancelled || lost != "" && m.Slot == lost && (r.Requester == p.ID || r.Invitee == p.ID)
			got, placed := now[m.Request]
			switch {
			case mustGo && m.Request != cancelled && placed && got.Slot == m.Slot:
				t.Fatalf("event %d: %s kept in slot %s, where %s can no longer come", i, m.Request, m.Slot, p.ID)
			case !mustGo && got != m:
				t.Fatalf("event %d: published meeting %+v became %+v (placed %v) without consent", i, m, got, placed)
			}
		}
	}
}

func TestReplan_AFreedSlotGoesToAWaitingMeeting(t *testing.T) {
	// One table: ana-bo takes it, ana-cy waits. When ana-bo is cancelled,
	// ana-cy takes the freed slot.
	in := event([]int{1}, map[string][]int{"ana": {1}, "bo": {1}, "cy": {1}}, "ana-bo", "ana-cy")
	before, err := Schedule(in)
	if err != nil {
		t.Fatal(err)
	}
	if placedIn(before)["ana-bo"] != "s01" {
		t.Fatalf("before: %v, want ana-bo in s01", placedIn(before))
	}
	in.Requests = in.Requests[1:]
	out, err := Replan(in, before.Meetings, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(out.Meetings) != fmt.Sprint([]Meeting{{"ana-cy", "s01", 1}}) || !slices.Equal(out.Added, []string{"ana-cy"}) {
		t.Errorf("after the cancellation: %+v, added %v; want ana-cy at s01 table 1", out.Meetings, out.Added)
	}
}
