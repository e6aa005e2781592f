package schedule

import (
	"strings"
	"testing"
	"time"
)

// event builds an Input from a compact description: slots "s1".."sN" with
// the given tables, participants with their available slot numbers, and
// requests "requester-invitee" in request order, one minute apart.
func event(tables []int, avail map[string][]int, requests ...string) Input {
	var in Input
	for i, t := range tables {
		in.Slots = append(in.Slots, Slot{ID: slotID(i + 1), Tables: t})
	}
	for _, id := range sortedKeys(avail) {
		p := Participant{ID: id}
		for _, s := range avail[id] {
			p.Available = append(p.Available, slotID(s))
		}
		in.Participants = append(in.Participants, p)
	}
	start := time.Date(2025, 5, 12, 9, 0, 0, 0, time.UTC)
	for i, r := range requests {
		a, b, _ := strings.Cut(r, "-")
		in.Requests = append(in.Requests, Request{
			ID: r, Requester: a, Invitee: b, RequestedAt: start.Add(time.Duration(i) * time.Minute),
		})
	}
	return in
}

func slotID(n int) string { return "s" + string(rune('0'+n/10)) + string(rune('0'+n%10)) }

func sortedKeys(m map[string][]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	for i := range keys {
		for j := i + 1; j < len(keys); j++ {
			if keys[j] < keys[i] {
				keys[i], keys[j] = keys[j], keys[i]
			}
		}
	}
	return keys
}

// placedIn returns request -> slot of a result.
func placedIn(r Result) map[string]string {
	out := make(map[string]string, len(r.Meetings))
	for _, m := range r.Meetings {
		out[m.Request] = m.Slot
	}
	return out
}

func reasons(r Result) map[string]Reason {
	out := make(map[string]Reason, len(r.Unplaced))
	for _, u := range r.Unplaced {
		out[u.Request] = u.Reason
	}
	return out
}

func TestSchedule_PlacesAndExplains(t *testing.T) {
	tests := []struct {
		name       string
		in         Input
		placed     map[string]string // request -> slot, where it is fixed
		unplaced   map[string]Reason // request -> reason, all of them
		upperBound int
	}{
		{
			name:       "the one common slot",
			in:         event([]int{1, 1}, map[string][]int{"ana": {1, 2}, "bo": {2}}, "ana-bo"),
			placed:     map[string]string{"ana-bo": "s02"},
			upperBound: 1,
		},
		{
			name:       "no common slot",
			in:         event([]int{1, 1}, map[string][]int{"ana": {1}, "bo": {2}}, "ana-bo"),
			unplaced:   map[string]Reason{"ana-bo": NoCommonSlot},
			upperBound: 0,
		},
		{
			name: "requester already meets someone in the only common slot",
			in: event([]int{5}, map[string][]int{"ana": {1}, "bo": {1}, "cy": {1}},
				"ana-bo", "ana-cy"),
			placed:     map[string]string{"ana-bo": "s01"},
			unplaced:   map[string]Reason{"ana-cy": RequesterBusy},
			upperBound: 1,
		},
		{
			name: "invitee already meets someone in the only common slot",
			in: event([]int{5}, map[string][]int{"ana": {1}, "bo": {1}, "cy": {1}},
				"ana-bo", "cy-bo"),
			placed:     map[string]string{"ana-bo": "s01"},
			unplaced:   map[string]Reason{"cy-bo": InviteeBusy},
			upperBound: 1,
		},
		{
			name: "each side busy in one of the two common slots",
			// ana-cy can only be in s1, bo-dan only in s2, so ana-bo,
			// requested last, finds ana busy in s1 and bo busy in s2.
			in: event([]int{5, 5}, map[string][]int{"ana": {1, 2}, "bo": {1, 2}, "cy": {1}, "dan": {2}},
				"ana-cy", "bo-dan", "ana-bo"),
			placed:     map[string]string{"ana-cy": "s01", "bo-dan": "s02"},
			unplaced:   map[string]Reason{"ana-bo": BothBusy},
			upperBound: 2,
		},
		{
			name: "all tables taken",
			in: event([]int{1}, map[string][]int{"ana": {1}, "bo": {1}, "cy": {1}, "dan": {1}},
				"ana-bo", "cy-dan"),
			placed:     map[string]string{"ana-bo": "s01"},
			unplaced:   map[string]Reason{"cy-dan": NoFreeTable},
			upperBound: 1,
		},
		{
			name:       "a slot without tables holds no meeting",
			in:         event([]int{0, 1}, map[string][]int{"ana": {1}, "bo": {1}}, "ana-bo"),
			unplaced:   map[string]Reason{"ana-bo": NoFreeTable},
			upperBound: 0,
		},
		{
			name: "the only assignment that places everyone",
			// A path ana-bo-cy-dan-eve whose meetings share slots with
			// their neighbours: ana-bo fits only s1, which forces
			// bo-cy into s2, cy-dan into s3 and dan-eve into s1.
			in: event([]int{5, 5, 5}, map[string][]int{
				"ana": {1}, "bo": {1, 2}, "cy": {2, 3}, "dan": {1, 2, 3}, "eve": {1, 3},
			}, "dan-eve", "cy-dan", "bo-cy", "ana-bo"),
			placed:     map[string]string{"ana-bo": "s01", "bo-cy": "s02", "cy-dan": "s03", "dan-eve": "s01"},
			upperBound: 4,
		},
		{
			name: "two later meetings beat one earlier one that blocks both",
			// ana-bo, asked first, holds the only slot of both ana-cy
			// and bo-dan; dropping it places two.
			in: event([]int{5}, map[string][]int{"ana": {1}, "bo": {1}, "cy": {1}, "dan": {1}},
				"ana-bo", "ana-cy", "bo-dan"),
			placed:     map[string]string{"ana-cy": "s01", "bo-dan": "s01"},
			unplaced:   map[string]Reason{"ana-bo": BothBusy},
			upperBound: 2,
		},
		{
			name: "the bound sees that both sides of a meeting need the same slot",
			// Counted per person, ana and bo could each hold two
			// meetings; but ana-bo must share its slot with ana-cy (s1)
			// or bo-dan (s2), so at most two of the three fit. Two more
			// pairs keep the per-slot count from saying so.
			in: event([]int{5, 5}, map[string][]int{
				"ana": {1, 2}, "bo": {1, 2}, "cy": {1}, "dan": {2},
				"eve": {1, 2}, "fay": {1, 2}, "gus": {1, 2}, "hal": {1, 2},
			}, "ana-cy", "bo-dan", "ana-bo", "eve-fay", "gus-hal"),
			placed:     map[string]string{"ana-cy": "s01", "bo-dan": "s02"},
			unplaced:   map[string]Reason{"ana-bo": BothBusy},
			upperBound: 4,
		},
		{
			name: "odd cycle: three people who all want to meet in two slots",
			// A triangle needs three slots; with two, at most two of its
			// meetings fit, and the earliest two win. Three people fill
			// at most one meeting per slot, which bounds it at two.
			in: event([]int{5, 5}, map[string][]int{"ana": {1, 2}, "bo": {1, 2}, "cy": {1, 2}},
				"ana-bo", "bo-cy", "ana-cy"),
			unplaced:   map[string]Reason{"ana-cy": BothBusy},
			upperBound: 2,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Schedule(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if err := Verify(tc.in, res); err != nil {
				t.Fatal(err)
			}
			// Verify has checked that every request is placed or
			// unplaced, so the exact unplaced set fixes the placed one.
			got := placedIn(res)
			for req, slot := range tc.placed {
				if got[req] != slot {
					t.Errorf("request %s in slot %q, want %q", req, got[req], slot)
				}
			}
			gotReasons := reasons(res)
			if len(gotReasons) != len(tc.unplaced) {
				t.Errorf("unplaced %v, want %v", gotReasons, tc.unplaced)
			}
			for req, why := range tc.unplaced {
				if gotReasons[req] != why {
					t.Errorf("request %s unplaced for %q, want %q", req, gotReasons[req], why)
				}
			}
			if res.UpperBound != tc.upperBound {
				t.Errorf("upper bound %d, want %d", res.UpperBound, tc.upperBound)
			}
		})
	}
}

func TestSchedule_EarlierRequestWinsATie(t *testing.T) {
	// ana can meet one of bo and cy, in her only slot: whoever asked first.
	avail := map[string][]int{"ana": {1}, "bo": {1}, "cy": {1}}
	for _, tc := range []struct {
		requests []string
		winner   string
	}{
		{[]string{"bo-ana", "cy-ana"}, "bo-ana"},
		{[]string{"cy-ana", "bo-ana"}, "cy-ana"},
	} {
		res, err := Schedule(event([]int{2}, avail, tc.requests...))
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Meetings) != 1 || res.Meetings[0].Request != tc.winner {
			t.Errorf("requests %v: placed %v, want only %s", tc.requests, res.Meetings, tc.winner)
		}
	}
}

func TestSchedule_EqualTimesFallBackToRequestID(t *testing.T) {
	in := event([]int{2}, map[string][]int{"ana": {1}, "bo": {1}, "cy": {1}}, "cy-ana", "bo-ana")
	for i := range in.Requests {
		in.Requests[i].RequestedAt = in.Requests[0].RequestedAt
	}
	res, err := Schedule(in)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Meetings) != 1 || res.Meetings[0].Request != "bo-ana" {
		t.Errorf("placed %v, want only bo-ana (the smaller ID)", res.Meetings)
	}
}

func TestSchedule_NumbersTablesFromOneInRequestOrder(t *testing.T) {
	in := event([]int{3}, map[string][]int{"a": {1}, "b": {1}, "c": {1}, "d": {1}, "e": {1}, "f": {1}},
		"e-f", "a-b", "c-d")
	res, err := Schedule(in)
	if err != nil {
		t.Fatal(err)
	}
	want := []Meeting{{"e-f", "s01", 1}, {"a-b", "s01", 2}, {"c-d", "s01", 3}}
	if len(res.Meetings) != len(want) {
		t.Fatalf("meetings %v, want %v", res.Meetings, want)
	}
	for i := range want {
		if res.Meetings[i] != want[i] {
			t.Errorf("meeting %d: %v, want %v", i, res.Meetings[i], want[i])
		}
	}
}

func TestSchedule_ListsCommonSlotsOfUnplacedRequests(t *testing.T) {
	// One table per slot: a-b, asked last, finds s1 and s3 taken.
	in := event([]int{1, 1, 1}, map[string][]int{"a": {1, 3}, "b": {1, 3}, "c": {1}, "d": {1}, "e": {3}, "f": {3}},
		"c-d", "e-f", "a-b")
	res, err := Schedule(in)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Unplaced) != 1 {
		t.Fatalf("unplaced %v, want a-b only", res.Unplaced)
	}
	u := res.Unplaced[0]
	if u.Request != "a-b" || u.Reason != NoFreeTable || strings.Join(u.CommonSlots, ",") != "s01,s03" {
		t.Errorf("unplaced %+v, want a-b, no_free_table, common slots s01,s03", u)
	}
}

func TestSchedule_EmptyEvent(t *testing.T) {
	res, err := Schedule(Input{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Meetings) != 0 || len(res.Unplaced) != 0 || res.UpperBound != 0 {
		t.Errorf("got %+v, want an empty result", res)
	}
}

func TestSchedule_RefusesBadInputNamingTheEntry(t *testing.T) {
	good := func() Input {
		return event([]int{2, 2}, map[string][]int{"ana": {1, 2}, "bo": {1}, "cy": {2}}, "ana-bo", "ana-cy")
	}
	tests := []struct {
		name   string
		break_ func(*Input)
		want   string
	}{
		{"empty slot ID", func(in *Input) { in.Slots[1].ID = "" }, "slot 2: empty ID"},
		{"duplicate slot", func(in *Input) { in.Slots[1].ID = "s01" }, `slot "s01": listed twice`},
		{"negative tables", func(in *Input) { in.Slots[0].Tables = -1 }, `slot "s01": negative`},
		{"too many tables", func(in *Input) { in.Slots[0].Tables = 1 << 40 }, `slot "s01": 1099511627776 tables`},
		{"empty participant ID", func(in *Input) { in.Participants[2].ID = "" }, "participant 3: empty ID"},
		{"duplicate participant", func(in *Input) { in.Participants[2].ID = "bo" }, `participant "bo": listed twice`},
		{"unknown available slot", func(in *Input) { in.Participants[0].Available = []string{"s09"} }, `participant "ana": available in unknown slot "s09"`},
		{"empty request ID", func(in *Input) { in.Requests[1].ID = "" }, "request 2: empty ID"},
		{"duplicate request", func(in *Input) { in.Requests[1].ID = "ana-bo" }, `request "ana-bo": listed twice`},
		{"unknown requester", func(in *Input) { in.Requests[0].Requester = "zed" }, `request "ana-bo": unknown requester "zed"`},
		{"unknown invitee", func(in *Input) { in.Requests[0].Invitee = "zed" }, `request "ana-bo": unknown invitee "zed"`},
		{"meeting oneself", func(in *Input) { in.Requests[0].Invitee = "ana" }, `request "ana-bo": requester and invitee are the same`},
		{"same pair twice", func(in *Input) {
			in.Requests[1].Requester, in.Requests[1].Invitee = "bo", "ana"
		}, `request "ana-cy": "bo" and "ana" already meet by request "ana-bo"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := good()
			if _, err := Schedule(in); err != nil {
				t.Fatalf("unbroken input refused: %v", err)
			}
			tc.break_(&in)
			_, err := Schedule(in)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestSchedule_AvailabilityNamedTwiceCountsOnce(t *testing.T) {
	in := event([]int{1}, map[string][]int{"ana": {1, 1}, "bo": {1}}, "ana-bo")
	res, err := Schedule(in)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Meetings) != 1 {
		t.Errorf("placed %v, want ana-bo", res.Meetings)
	}
}
