package exact_test

import (
	"testing"

	"github.com/silkbridge/silkbridge/schedule"
	"github.com/silkbridge/silkbridge/schedule/exact"
)

func TestOptimum_KnownEvent(t *testing.T) {
	// Two slots of one table and three people who all want to meet: only
	// two meetings fit; ana-bo in s1 and ana-cy in s2 leave nobody idle.
	in := schedule.Input{
		Slots: []schedule.Slot{{ID: "s1", Tables: 1}, {ID: "s2", Tables: 1}, {ID: "s3", Tables: 1}},
		Participants: []schedule.Participant{
			{ID: "ana", Available: []string{"s1", "s2", "s3"}},
			{ID: "bo", Available: []string{"s1"}},
			{ID: "cy", Available: []string{"s2", "s3"}},
		},
		Requests: []schedule.Request{{ID: "r1", Requester: "ana", Invitee: "bo"}, {ID: "r2", Requester: "ana", Invitee: "cy"}},
	}
	placed, gaps, err := exact.Optimum(in)
	if err != nil {
		t.Fatal(err)
	}
	if placed != 2 || gaps != 0 {
		t.Errorf("Optimum = %d meetings, %d gaps; want 2 and 0", placed, gaps)
	}
	in.Participants[0].Max = 1
	if placed, _, err = exact.Optimum(in); err != nil || placed != 1 {
		t.Errorf("Optimum with ana's maximum 1 = %d (%v), want 1", placed, err)
	}
}

// TestSchedule_SmallFamilyReachesTheOptimum holds the scheduler to the
// benchmark's promise on the small family: as many meetings as the best
// schedule on every event, and idle gaps within one of the fewest on at
// least 95% of them.
func TestSchedule_SmallFamilyReachesTheOptimum(t *testing.T) {
	events := 200
	if testing.Short() {
		events = 50
	}
	within := 0
	for i := range events {
		c, err := schedule.Family("small", 12, 1_000_003+uint64(i))
		if err != nil {
			t.Fatal(err)
		}
		in, err := schedule.Generate(c)
		if err != nil {
			t.Fatal(err)
		}
		res, err := schedule.Schedule(in)
		if err != nil {
			t.Fatal(err)
		}
		best, bestGaps, err := exact.Optimum(in)
		if err != nil {
			t.Fatal(err)
		}
		if res.Placed() != best {
			t.Errorf("event %d: placed %d, the best schedule places %d", i, res.Placed(), best)
		}
		gaps, _ := schedule.IdleGaps(in, res)
		if gaps < bestGaps && res.Placed() == best {
			t.Fatalf("event %d: %d gaps, fewer than the exact search's %d: one of them is wrong", i, gaps, bestGaps)
		}
		if gaps <= bestGaps+1 {
			within++
		}
	}
	t.Logf("idle gaps within one of the fewest on %d of %d events", within, events)
	if float64(within) < 0.95*float64(events) {
		t.Errorf("idle gaps within one of the fewest on %d of %d events, want 95%% or more", within, events)
	}
}
