package schedule

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"
)

// randomEvent draws a small event of varied shape: from empty to a few
// dozen participants, slots with no to many tables, sparse to full
// availability, and request times that often tie.
func randomEvent(rng *rand.Rand) Input {
	var in Input
	nS := rng.IntN(9)
	nP := rng.IntN(31)
	for s := range nS {
		in.Slots = append(in.Slots, Slot{ID: fmt.Sprintf("slot-%d", s), Tables: rng.IntN(nP/2 + 2)})
	}
	pAvail := rng.Float64()
	for i := range nP {
		p := Participant{ID: fmt.Sprintf("p%02d", rng.IntN(1000)*100+i)}
		for _, s := range in.Slots {
			if rng.Float64() < pAvail {
				p.Available = append(p.Available, s.ID)
			}
		}
		in.Participants = append(in.Participants, p)
	}
	pMeet := rng.Float64() * 0.5
	start := time.Date(2025, 6, 1, 8, 0, 0, 0, time.UTC)
	for i := range nP {
		for j := i + 1; j < nP; j++ {
			if rng.Float64() >= pMeet {
				continue
			}
			a, b := in.Participants[i].ID, in.Participants[j].ID
			if rng.IntN(2) == 0 {
				a, b = b, a
			}
			in.Requests = append(in.Requests, Request{
				ID:          fmt.Sprintf("r%d", rng.IntN(1_000_000)*1000+len(in.Requests)),
				Requester:   a,
				Invitee:     b,
				RequestedAt: start.Add(time.Duration(rng.IntN(20)) * time.Minute),
			})
		}
	}
	rng.Shuffle(len(in.Requests), func(i, j int) { in.Requests[i], in.Requests[j] = in.Requests[j], in.Requests[i] })
	return in
}

// shuffled returns a copy of in with its participants, availabilities and
// requests in another order, which must not change the schedule.
func shuffled(in Input, rng *rand.Rand) Input {
	out := Input{Slots: in.Slots}
	out.Participants = slices.Clone(in.Participants)
	for i := range out.Participants {
		out.Participants[i].Available = slices.Clone(out.Participants[i].Available)
		av := out.Participants[i].Available
		rng.Shuffle(len(av), func(a, b int) { av[a], av[b] = av[b], av[a] })
	}
	rng.Shuffle(len(out.Participants), func(a, b int) {
		out.Participants[a], out.Participants[b] = out.Participants[b], out.Participants[a]
	})
	out.Requests = slices.Clone(in.Requests)
	rng.Shuffle(len(out.Requests), func(a, b int) { out.Requests[a], out.Requests[b] = out.Requests[b], out.Requests[a] })
	return out
}

// checkReasons re-derives every unplaced request's reason from the input
// and the placed meetings alone.
func checkReasons(in Input, res Result) error {
	avail := map[[2]string]bool{}
	for _, p := range in.Participants {
		for _, s := range p.Available {
			avail[[2]string{p.ID, s}] = true
		}
	}
	busy := map[[2]string]bool{}
	requests := map[string]Request{}
	for _, q := range in.Requests {
		requests[q.ID] = q
	}
	for _, m := range res.Meetings {
		q := requests[m.Request]
		busy[[2]string{q.Requester, m.Slot}] = true
		busy[[2]string{q.Invitee, m.Slot}] = true
	}
	for _, u := range res.Unplaced {
		q := requests[u.Request]
		var common []string
		want := BothBusy
		allA, allB := true, true
		for _, s := range in.Slots {
			if !avail[[2]string{q.Requester, s.ID}] || !avail[[2]string{q.Invitee, s.ID}] {
				continue
			}
			common = append(common, s.ID)
			a, b := busy[[2]string{q.Requester, s.ID}], busy[[2]string{q.Invitee, s.ID}]
			if !a && !b {
				want = NoFreeTable
			}
			allA, allB = allA && a, allB && b
		}
		switch {
		case len(common) == 0:
			want = NoCommonSlot
		case want == NoFreeTable:
		case allA && !allB:
			want = RequesterBusy
		case allB && !allA:
			want = InviteeBusy
		}
		if u.Reason != want {
			return fmt.Errorf("request %s unplaced for %s, want %s", u.Request, u.Reason, want)
		}
		if !slices.Equal(u.CommonSlots, common) {
			return fmt.Errorf("request %s common slots %v, want %v", u.Request, u.CommonSlots, common)
		}
	}
	return nil
}

func TestSchedule_RandomEventsKeepEveryRule(t *testing.T) {
	events := 3000
	if testing.Short() {
		events = 300
	}
	rng := rand.New(rand.NewPCG(8, 2025))
	for i := range events {
		in := randomEvent(rng)
		res, err := Schedule(in)
		if err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
		if err := Verify(in, res); err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
		if err := checkReasons(in, res); err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
		again, err := Schedule(shuffled(in, rng))
		if err != nil {
			t.Fatalf("event %d, shuffled: %v", i, err)
		}
		if !reflect.DeepEqual(res, again) {
			t.Fatalf("event %d: the same event in another order gave another schedule:\n%+v\n%+v", i, res, again)
		}
	}
}

func TestSchedule_GeneratedEventsKeepEveryRule(t *testing.T) {
	configs := []GenerateConfig{
		{Participants: 60, MeetingsEach: 10, Slots: 16},
		{Participants: 120, MeetingsEach: 12, Slots: 12, MinAvailable: 0.3, MaxAvailable: 0.9},
		{Participants: 120, MeetingsEach: 8, Slots: 16, Tables: 20},
		{Participants: 80, MeetingsEach: 20, Slots: 24, MinAvailable: 0.2, MaxAvailable: 0.6, Tables: 6},
	}
	for seed := range uint64(5) {
		for _, c := range configs {
			c.Seed = seed
			in, err := Generate(c)
			if err != nil {
				t.Fatal(err)
			}
			res, err := Schedule(in)
			if err != nil {
				t.Fatalf("%+v: %v", c, err)
			}
			if err := Verify(in, res); err != nil {
				t.Fatalf("%+v: %v", c, err)
			}
			if err := checkReasons(in, res); err != nil {
				t.Fatalf("%+v: %v", c, err)
			}
		}
	}
}

// optimum returns the most meetings any schedule of in places, by
// exhaustive search written apart from the solver; only for small events.
func optimum(in Input) int {
	slot := map[string]int{}
	for i, s := range in.Slots {
		slot[s.ID] = i
	}
	avail := map[string][]bool{}
	for _, p := range in.Participants {
		row := make([]bool, len(in.Slots))
		for _, s := range p.Available {
			row[slot[s]] = true
		}
		avail[p.ID] = row
	}
	busy := map[string][]bool{}
	for id := range avail {
		busy[id] = make([]bool, len(in.Slots))
	}
	used := make([]int, len(in.Slots))
	best, placed := 0, 0
	var search func(i int)
	search = func(i int) {
		if placed+len(in.Requests)-i <= best {
			return
		}
		if i == len(in.Requests) {
			best = placed
			return
		}
		a, b := in.Requests[i].Requester, in.Requests[i].Invitee
		for s := range in.Slots {
			if avail[a][s] && avail[b][s] && !busy[a][s] && !busy[b][s] && used[s] < in.Slots[s].Tables {
				busy[a][s], busy[b][s] = true, true
				used[s]++
				placed++
				search(i + 1)
				busy[a][s], busy[b][s] = false, false
				used[s]--
				placed--
			}
		}
		search(i + 1)
	}
	search(0)
	return best
}

func TestSchedule_SmallEventsAgainstTheBestSchedule(t *testing.T) {
	events := 1000
	if testing.Short() {
		events = 100
	}
	rng := rand.New(rand.NewPCG(21, 8))
	var sumOpt, sumPlaced, sumBound, belowOpt int
	for i := 0; i < events; {
		// Half sparse random events, half dense ones where most people
		// have more requests than free slots.
		var in Input
		if i%2 == 0 {
			if in = randomEvent(rng); len(in.Requests) > 16 {
				continue
			}
		} else {
			var err error
			in, err = Generate(GenerateConfig{
				Participants: 8 + rng.IntN(4), MeetingsEach: 2 + rng.IntN(3), Slots: 3 + rng.IntN(4),
				Tables: 1 + rng.IntN(4), MinAvailable: 0.3, MaxAvailable: 0.9, Seed: rng.Uint64(),
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		i++
		res, err := Schedule(in)
		if err != nil {
			t.Fatal(err)
		}
		opt := optimum(in)
		if res.UpperBound < opt {
			t.Fatalf("event %d: upper bound %d below the best schedule's %d meetings:\n%+v", i, res.UpperBound, opt, in)
		}
		if res.Placed() > opt {
			t.Fatalf("event %d: placed %d, more than the best schedule's %d: the search or the test is wrong", i, res.Placed(), opt)
		}
		if res.Placed() < opt {
			belowOpt++
		}
		sumOpt += opt
		sumPlaced += res.Placed()
		sumBound += res.UpperBound
	}
	t.Logf("%d events: best %d, placed %d (%d events below best), bound %d", events, sumOpt, sumPlaced, belowOpt, sumBound)
	// Quality floors, well below what the search and the bound reach on
	// these events, to catch a regression rather than noise.
	if float64(sumPlaced) < 0.995*float64(sumOpt) {
		t.Errorf("placed %d meetings where the best schedules place %d: below 99.5%%", sumPlaced, sumOpt)
	}
	if float64(sumBound) > 1.01*float64(sumOpt) {
		t.Errorf("upper bounds add up to %d where the best schedules place %d: more than 1%% loose", sumBound, sumOpt)
	}
}
