package schedule

import (
	"math/rand/v2"
	"reflect"
	"testing"
	"time"
)

func TestSchedule_RandomEventsWithTargetsKeepEveryRule(t *testing.T) {
	events := 1000
	if testing.Short() {
		events = 150
	}
	rng := rand.New(rand.NewPCG(95, 11))
	for i := range events {
		in := randomEvent(rng)
		for j := range in.Participants {
			if rng.IntN(3) == 0 {
				in.Participants[j].Max = 1 + rng.IntN(3)
				in.Participants[j].Min = rng.IntN(in.Participants[j].Max + 1)
			}
		}
		res, err := Schedule(in)
		if err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
		if err := Verify(in, res); err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
		plain, err := ScheduleWith(in, Options{})
		if err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
		if res.Placed() != plain.Placed() {
			t.Fatalf("event %d: %d meetings after the improvement steps, %d before: they must never change the count", i, res.Placed(), plain.Placed())
		}
		again, err := Schedule(shuffled(in, rng))
		if err != nil {
			t.Fatalf("event %d, shuffled: %v", i, err)
		}
		if !reflect.DeepEqual(res, again) {
			t.Fatalf("event %d: the same event in another order gave another schedule", i)
		}
	}
}

func TestVerify_CatchesAMeetingAboveTheMaximum(t *testing.T) {
	in := event([]int{5, 5}, map[string][]int{"ana": {1, 2}, "bo": {1, 2}, "cy": {1, 2}}, "ana-bo", "ana-cy")
	in.Participants[0].Max = 1
	res := Result{Meetings: []Meeting{{"ana-bo", "s01", 1}, {"ana-cy", "s02", 1}}, UpperBound: 2}
	if err := Verify(in, res); err == nil {
		t.Fatal("Verify accepted two meetings for ana, whose maximum is one")
	}
	got, err := Schedule(in)
	if err != nil {
		t.Fatal(err)
	}
	if got.Placed() != 1 || got.UpperBound != 1 {
		t.Errorf("placed %d with bound %d, want 1 and 1: ana may meet once", got.Placed(), got.UpperBound)
	}
	if len(got.Unplaced) != 1 || got.Unplaced[0].Reason != AtMaximum {
		t.Errorf("unplaced %+v, want one at_maximum", got.Unplaced)
	}
}

func TestSchedule_RefusesAMinimumAboveTheMaximum(t *testing.T) {
	in := event([]int{1}, map[string][]int{"ana": {1}, "bo": {1}}, "ana-bo")
	in.Participants[0].Min, in.Participants[0].Max = 3, 2
	if _, err := Schedule(in); err == nil {
		t.Fatal("a minimum of 3 above a maximum of 2 was accepted")
	}
}

func TestSchedule_NobodyLeftWithNoMeetingWhenAnExchangeFixesIt(t *testing.T) {
	// Two slots of one table: earliest first gives ana-bo and ana-cy,
	// leaving dan with nothing; ana-cy and dan-bo place as many and give
	// everyone a meeting.
	in := event([]int{1, 1}, map[string][]int{"ana": {1, 2}, "bo": {1, 2}, "cy": {1, 2}, "dan": {1, 2}},
		"ana-bo", "ana-cy", "dan-bo")
	res, err := Schedule(in)
	if err != nil {
		t.Fatal(err)
	}
	got := placedIn(res)
	if res.Placed() != 2 || got["dan-bo"] == "" {
		t.Errorf("placed %v, want two meetings with dan-bo among them", got)
	}
	plain, err := ScheduleWith(in, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if placedIn(plain)["dan-bo"] != "" {
		t.Errorf("without the improvement steps dan-bo is placed already; the test proves nothing")
	}
}

func TestSchedule_CompactsAMeetingIntoTheGap(t *testing.T) {
	// ana meets bo and cy; cy is free in s1 and s3, bo only in s1. With
	// ana-cy in s3, ana idles in s2; in s2 she does not.
	in := event([]int{5, 5, 5}, map[string][]int{"ana": {1, 2, 3}, "bo": {1}, "cy": {2, 3}}, "ana-bo", "ana-cy")
	for _, opt := range []Options{{Improve: time.Second}} {
		res, err := ScheduleWith(in, opt)
		if err != nil {
			t.Fatal(err)
		}
		if gaps, _ := IdleGaps(in, res); gaps != 0 {
			t.Errorf("idle gaps %d in %v, want 0", gaps, placedIn(res))
		}
	}
}

func TestIdleGaps_CountsIdleSlotsBetweenFirstAndLastMeeting(t *testing.T) {
	in := event([]int{5, 5, 5, 5}, map[string][]int{"ana": {1, 2, 3, 4}, "bo": {1, 4}, "cy": {1, 2, 3, 4}},
		"ana-bo", "ana-cy")
	res := Result{Meetings: []Meeting{{"ana-bo", "s01", 1}, {"ana-cy", "s04", 1}}}
	total, people := IdleGaps(in, res)
	if total != 2 || people != 3 {
		t.Errorf("IdleGaps = %d over %d people, want 2 (ana idles in s2 and s3) over 3", total, people)
	}
}

func TestGreedy_KeepsEveryRule(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 95))
	for i := range 200 {
		in := randomEvent(rng)
		res, err := Greedy(in)
		if err != nil {
			t.Fatal(err)
		}
		if err := Verify(in, res); err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
	}
}
