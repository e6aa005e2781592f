package event

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/schedule"
)

// ref knows a few countries and fields.
type ref struct{}

func (ref) CountryExists(c string) bool { return c == "KZ" || c == "CN" || c == "RU" }
func (ref) FieldExists(f string) bool   { return f == "2" || f == "2.7" || f == "4.1" }

func validEvent() Event {
	start := time.Date(2031, 5, 12, 4, 30, 0, 0, time.UTC)
	return Event{Title: "Forum", Kind: Workshop, Hosts: []Host{{OrgID: silkbridge.NewID()}}, Start: start, End: start.Add(8 * time.Hour),
		TimeZone: "Asia/Almaty", Place: "Almaty", Country: "KZ", Fields: []string{"2.7"}, Languages: []string{"en", "kk"}}
}

// fields returns the names of the fields at fault in err.
func fields(err error) []string {
	var e *silkbridge.Error
	if !errors.As(err, &e) {
		return nil
	}
	var out []string
	for _, f := range e.Fields {
		out = append(out, f.Field)
	}
	return out
}

func TestEventValidate_NamesEveryFieldAtFault(t *testing.T) {
	cases := []struct {
		name   string
		change func(*Event)
		want   string // the field at fault; "" when valid
	}{
		{"valid", func(*Event) {}, ""},
		{"online only", func(e *Event) { e.Place, e.Country, e.OnlineURL = "", "", "https://meet.example/forum" }, ""},
		{"no limit of places", func(e *Event) { e.Capacity = 0 }, ""},
		{"blank title", func(e *Event) { e.Title = "  " }, "title"},
		{"long title", func(e *Event) { e.Title = strings.Repeat("x", 301) }, "title"},
		{"unknown kind", func(e *Event) { e.Kind = "party" }, "kind"},
		{"no host", func(e *Event) { e.Hosts = nil }, "hosts"},
		{"host that is no id", func(e *Event) { e.Hosts = []Host{{OrgID: "acme"}} }, "hosts"},
		{"eleven hosts", func(e *Event) {
			e.Hosts = nil
			for range 11 {
				e.Hosts = append(e.Hosts, Host{OrgID: silkbridge.NewID()})
			}
		}, "hosts"},
		{"no time zone", func(e *Event) { e.TimeZone = "" }, "time_zone"},
		{"unknown time zone", func(e *Event) { e.TimeZone = "Mars/Olympus" }, "time_zone"},
		{"the server's zone", func(e *Event) { e.TimeZone = "Local" }, "time_zone"},
		{"no start", func(e *Event) { e.Start = time.Time{} }, "start"},
		{"end before start", func(e *Event) { e.End = e.Start.Add(-time.Minute) }, "end"},
		{"end at start", func(e *Event) { e.End = e.Start }, "end"},
		{"longer than 92 days", func(e *Event) { e.End = e.Start.Add(93 * 24 * time.Hour) }, "end"},
		{"in the distant past", func(e *Event) { e.Start = time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC) }, "start"},
		{"neither place nor online", func(e *Event) { e.Place, e.Country = "", "" }, "place"},
		{"place without country", func(e *Event) { e.Country = "" }, "country"},
		{"unknown country", func(e *Event) { e.Country = "XX" }, "country"},
		{"online address not a URL", func(e *Event) { e.OnlineURL = "zoom" }, "online_url"},
		{"unknown field", func(e *Event) { e.Fields = []string{"9.9"} }, "fields"},
		{"unknown language", func(e *Event) { e.Languages = []string{"xx"} }, "languages"},
		{"language name instead of code", func(e *Event) { e.Languages = []string{"english"} }, "languages"},
		{"negative capacity", func(e *Event) { e.Capacity = -1 }, "capacity"},
		{"absurd capacity", func(e *Event) { e.Capacity = MaxCapacity + 1 }, "capacity"},
	}
	for _, tc := range cases {
		e := validEvent()
		tc.change(&e)
		e.Normalise()
		err := e.Validate(ref{})
		got := fields(err)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.want != "" && !contains(got, tc.want):
			t.Errorf("%s: fields at fault %v, want %q", tc.name, got, tc.want)
		case tc.want != "" && silkbridge.ErrorCode(err) != silkbridge.EINVALID:
			t.Errorf("%s: code %s", tc.name, silkbridge.ErrorCode(err))
		}
	}
}

func TestEventNormalise_TrimsAndDropsRepeatedHosts(t *testing.T) {
	id := silkbridge.NewID()
	e := Event{Title: "  Forum ", Country: " kz", Languages: []string{"EN", "en", " ru"}, Hosts: []Host{{OrgID: id}, {OrgID: " " + id}, {OrgID: ""}}}
	e.Normalise()
	if e.Title != "Forum" || e.Country != "KZ" || strings.Join(e.Languages, ",") != "en,ru" || len(e.Hosts) != 1 || e.Hosts[0].OrgID != id {
		t.Fatalf("normalised: %+v", e)
	}
}

func TestParseTime_ReadsLocalTimesInTheZoneAndRFC3339(t *testing.T) {
	cases := []struct {
		in, zone string
		want     time.Time
		ok       bool
	}{
		{"2031-05-12T09:30", "Asia/Almaty", time.Date(2031, 5, 12, 4, 30, 0, 0, time.UTC), true},
		{"2031-05-12T09:30:15", "Europe/Moscow", time.Date(2031, 5, 12, 6, 30, 15, 0, time.UTC), true},
		{"2031-05-12 09:30", "UTC", time.Date(2031, 5, 12, 9, 30, 0, 0, time.UTC), true},
		{"2031-05-12T09:30:00+08:00", "Asia/Almaty", time.Date(2031, 5, 12, 1, 30, 0, 0, time.UTC), true},
		// Summer time in Berlin: +02:00.
		{"2031-07-01T12:00", "Europe/Berlin", time.Date(2031, 7, 1, 10, 0, 0, 0, time.UTC), true},
		{"next Tuesday", "UTC", time.Time{}, false},
		{"2031-13-01T09:00", "UTC", time.Time{}, false},
		{"", "UTC", time.Time{}, false},
	}
	for _, tc := range cases {
		got, ok := ParseTime(tc.in, tc.zone)
		if ok != tc.ok || !got.Equal(tc.want) {
			t.Errorf("ParseTime(%q, %q) = %v, %v; want %v, %v", tc.in, tc.zone, got, ok, tc.want, tc.ok)
		}
	}
}

func TestEvent_EndedFullAndLocalTimes(t *testing.T) {
	e := validEvent()
	if e.Ended(e.End.Add(-time.Second)) || !e.Ended(e.End) {
		t.Error("ended is wrong at the end")
	}
	e.Capacity, e.Registered = 2, 1
	if e.Full() {
		t.Error("full with a free place")
	}
	e.Registered = 2
	if !e.Full() {
		t.Error("not full without a free place")
	}
	e.Capacity = 0
	if e.Full() {
		t.Error("an event without limit is full")
	}
	if got := e.LocalStart().Format("15:04 -0700"); got != "09:30 +0500" {
		t.Errorf("local start %s", got)
	}
}

func TestSlotValidate(t *testing.T) {
	e := validEvent()
	cases := []struct {
		name string
		s    Slot
		want string
	}{
		{"within the event", Slot{Start: e.Start, End: e.Start.Add(30 * time.Minute), Tables: 4}, ""},
		{"no tables (closed)", Slot{Start: e.Start, End: e.Start.Add(30 * time.Minute)}, ""},
		{"before the event", Slot{Start: e.Start.Add(-time.Hour), End: e.Start, Tables: 1}, "start"},
		{"after the event", Slot{Start: e.End, End: e.End.Add(time.Hour), Tables: 1}, "start"},
		{"ends before it starts", Slot{Start: e.Start.Add(time.Hour), End: e.Start, Tables: 1}, "end"},
		{"no start", Slot{End: e.Start, Tables: 1}, "start"},
		{"negative tables", Slot{Start: e.Start, End: e.Start.Add(time.Hour), Tables: -1}, "tables"},
		{"too many tables", Slot{Start: e.Start, End: e.Start.Add(time.Hour), Tables: MaxTables + 1}, "tables"},
	}
	for _, tc := range cases {
		err := tc.s.Validate(&e)
		if got := fields(err); (tc.want == "" && err != nil) || (tc.want != "" && !contains(got, tc.want)) {
			t.Errorf("%s: %v, want a problem with %q", tc.name, err, tc.want)
		}
	}
}

func TestSlotOverlaps(t *testing.T) {
	at := func(m int) time.Time { return time.Date(2031, 1, 1, 9, m, 0, 0, time.UTC) }
	a := Slot{Start: at(0), End: at(30)}
	for _, tc := range []struct {
		b    Slot
		want bool
	}{
		{Slot{Start: at(30), End: at(59)}, false}, // back to back
		{Slot{Start: at(29), End: at(59)}, true},
		{Slot{Start: at(5), End: at(10)}, true},
		{Slot{Start: at(0), End: at(30)}, true},
	} {
		if got := a.Overlaps(&tc.b); got != tc.want || tc.b.Overlaps(&a) != tc.want {
			t.Errorf("%v and %v overlap: %v", a, tc.b, got)
		}
	}
}

func TestProfileValidate(t *testing.T) {
	for _, tc := range []struct {
		p    Profile
		want string
	}{
		{Profile{Headline: "Solar", Offers: "PV trials"}, ""},
		{Profile{Headline: "Solar", Seeks: "Partners"}, ""},
		{Profile{Headline: " ", Offers: "x"}, "headline"},
		{Profile{Headline: "Solar"}, "offers"},
		{Profile{Headline: "Solar", Offers: strings.Repeat("x", 1001)}, "offers"},
		{Profile{Headline: "Solar", Offers: "x", Fields: []string{"0.0"}}, "fields"},
	} {
		tc.p.Normalise()
		err := tc.p.Validate(ref{})
		if got := fields(err); (tc.want == "" && err != nil) || (tc.want != "" && !contains(got, tc.want)) {
			t.Errorf("%+v: %v, want a problem with %q", tc.p, err, tc.want)
		}
	}
}

func TestSchedulerInput_KeepsAcceptedRequestsBetweenRegisteredParticipants(t *testing.T) {
	t0 := time.Date(2031, 1, 1, 9, 0, 0, 0, time.UTC)
	slots := []Slot{{ID: "late", Start: t0.Add(time.Hour), Tables: 2}, {ID: "early", Start: t0, Tables: 1}}
	people := []string{"ann", "bob", "cem", "ann"}
	avail := map[string][]string{"ann": {"late", "early", "gone"}, "bob": {"early"}, "dia": {"early"}}
	requests := []MeetingRequest{
		{ID: "r1", RequesterID: "ann", InviteeID: "bob", Status: Accepted, RequestedAt: t0},
		{ID: "r2", RequesterID: "ann", InviteeID: "cem", Status: Pending, RequestedAt: t0},
		{ID: "r3", RequesterID: "bob", InviteeID: "cem", Status: Declined, RequestedAt: t0},
		{ID: "r4", RequesterID: "dia", InviteeID: "ann", Status: Accepted, RequestedAt: t0}, // dia holds no place
		{ID: "r0", RequesterID: "cem", InviteeID: "bob", Status: Accepted, RequestedAt: t0.Add(time.Minute)},
	}
	in := SchedulerInput(slots, people, avail, requests)
	if in.Slots[0].ID != "early" || in.Slots[1].ID != "late" {
		t.Errorf("slots not in time order: %+v", in.Slots)
	}
	if len(in.Participants) != 3 || in.Participants[0].ID != "ann" || strings.Join(in.Participants[0].Available, ",") != "early,late" {
		t.Errorf("participants: %+v", in.Participants)
	}
	var ids []string
	for _, r := range in.Requests {
		ids = append(ids, r.ID)
	}
	if strings.Join(ids, ",") != "r0,r1" {
		t.Errorf("requests %v, want the accepted ones between participants", ids)
	}
	if _, err := schedule.Schedule(in); err != nil {
		t.Errorf("the scheduler refuses the input: %v", err)
	}
	// The same event listed in another order has the same hash; a change does not.
	again := SchedulerInput([]Slot{slots[1], slots[0]}, []string{"cem", "bob", "ann"}, avail, []MeetingRequest{requests[4], requests[3], requests[2], requests[1], requests[0]})
	if InputHash(in) != InputHash(again) {
		t.Error("the hash depends on the order of the lists")
	}
	slots[0].Tables = 3
	if InputHash(in) == InputHash(SchedulerInput(slots, people, avail, requests)) {
		t.Error("the hash does not change with the tables")
	}
}

func TestLanguages(t *testing.T) {
	for code, want := range map[string]bool{"en": true, "zh": true, "kk": true, "fil": true, "EN": false, "xx": false, "e": false, "english": false} {
		if got := ValidLanguage(code); got != want {
			t.Errorf("ValidLanguage(%q) = %v", code, got)
		}
	}
	if LanguageName("zh") != "中文" || LanguageName("fil") != "fil" {
		t.Error("language names")
	}
	for _, z := range Zones {
		if _, err := LoadZone(z); err != nil {
			t.Errorf("offered zone %s does not load", z)
		}
	}
}
