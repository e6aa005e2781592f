package schedule

import (
	"reflect"
	"strings"
	"testing"
)

func TestGenerate_EveryoneHasExactlyTheirMeetings(t *testing.T) {
	for _, c := range []GenerateConfig{
		{Participants: 200, MeetingsEach: 10, Slots: 16, Seed: 1},
		{Participants: 31, MeetingsEach: 5, Slots: 4, Seed: 2},  // odd total: one short
		{Participants: 12, MeetingsEach: 11, Slots: 4, Seed: 3}, // everyone meets everyone
	} {
		in, err := Generate(c)
		if err != nil {
			t.Fatalf("%+v: %v", c, err)
		}
		if want := c.Participants * c.MeetingsEach / 2; len(in.Requests) != want {
			t.Errorf("%+v: %d requests, want %d", c, len(in.Requests), want)
		}
		degree := map[string]int{}
		pairs := map[[2]string]bool{}
		for _, r := range in.Requests {
			if r.Requester == r.Invitee {
				t.Fatalf("%+v: request %s meets oneself", c, r.ID)
			}
			k := [2]string{min(r.Requester, r.Invitee), max(r.Requester, r.Invitee)}
			if pairs[k] {
				t.Fatalf("%+v: pair %v requested twice", c, k)
			}
			pairs[k] = true
			degree[r.Requester]++
			degree[r.Invitee]++
		}
		short := 0
		for _, p := range in.Participants {
			switch degree[p.ID] {
			case c.MeetingsEach:
			case c.MeetingsEach - 1:
				short++
			default:
				t.Errorf("%+v: %s has %d meetings, want %d", c, p.ID, degree[p.ID], c.MeetingsEach)
			}
		}
		if short != c.Participants*c.MeetingsEach%2 {
			t.Errorf("%+v: %d participants one meeting short", c, short)
		}
	}
}

func TestGenerate_AvailabilityWithinTheShare(t *testing.T) {
	in, err := Generate(GenerateConfig{Participants: 500, MeetingsEach: 4, Slots: 20, MinAvailable: 0.25, MaxAvailable: 0.5, Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	for _, p := range in.Participants {
		n := len(p.Available)
		if n < 5 || n > 10 {
			t.Fatalf("%s available in %d of 20 slots, want 5 to 10", p.ID, n)
		}
		seen[n] = true
	}
	if len(seen) != 6 {
		t.Errorf("availability counts %v, want all of 5 to 10 among 500 people", seen)
	}
}

func TestGenerate_SameSeedSameEvent(t *testing.T) {
	c := GenerateConfig{Participants: 100, MeetingsEach: 6, Slots: 8, Seed: 9}
	a, err := Generate(c)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Generate(c)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Error("same config gave two events")
	}
	c.Seed++
	d, err := Generate(c)
	if err != nil {
		t.Fatal(err)
	}
	if reflect.DeepEqual(a, d) {
		t.Error("another seed gave the same event")
	}
}

func TestGenerate_RefusesBadConfig(t *testing.T) {
	for _, tc := range []struct {
		c    GenerateConfig
		want string
	}{
		{GenerateConfig{Participants: -1}, "participants"},
		{GenerateConfig{Participants: 5, MeetingsEach: -1}, "meetings each"},
		{GenerateConfig{Participants: 5, MeetingsEach: 5}, "meetings each: 5 needs more than 5 participants"},
		{GenerateConfig{Participants: 5, Slots: -2}, "slots"},
		{GenerateConfig{Participants: 5, Slots: 2, Tables: -1}, "tables"},
		{GenerateConfig{Participants: 5, Slots: 2, MinAvailable: 0.8, MaxAvailable: 0.5}, "availability"},
		{GenerateConfig{Participants: 5, Slots: 2, MinAvailable: 0.5, MaxAvailable: 1.5}, "availability"},
	} {
		_, err := Generate(tc.c)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want one containing %q", tc.c, err, tc.want)
		}
	}
}
