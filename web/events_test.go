package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/nicksnyder/go-i18n/v2/i18n"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/cooperation"
	"github.com/silkbridge/silkbridge/event"
	"github.com/silkbridge/silkbridge/lesson"
	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/schedule"
	"github.com/silkbridge/silkbridge/store"
)

// eventFixture is an organisation, its manager (who organises the events)
// and helpers to make events and participants.
type eventFixture struct {
	ts        *testServer
	org       *organisation.Organisation
	organiser *client
	orgUser   *account.User
	n         int
}

func newEventFixture(t *testing.T, ts *testServer) *eventFixture {
	t.Helper()
	c, u := ts.user(t, "organiser@example.org", account.Member)
	org := &organisation.Organisation{Name: "Almaty Tech Park", Kind: organisation.Park, Country: "KZ"}
	if err := ts.st.CreateOrganisation(context.Background(), store.Actor{UserID: u.ID}, org); err != nil {
		t.Fatal(err)
	}
	return &eventFixture{ts: ts, org: org, organiser: c, orgUser: u}
}

// event stores an event of kind hosted by the fixture's organisation,
// starting in a week and lasting two days.
func (fx *eventFixture) event(t *testing.T, kind string, capacity int) *event.Event {
	t.Helper()
	start := time.Now().Add(7 * 24 * time.Hour).Truncate(time.Hour)
	e := &event.Event{Title: fmt.Sprintf("Silk Road Energy Forum %d", fx.n), Kind: kind, Hosts: []event.Host{{OrgID: fx.org.ID}},
		Start: start, End: start.Add(48 * time.Hour), TimeZone: "Asia/Almaty", Place: "Almaty", Country: "KZ",
		Fields: []string{"2.7"}, Languages: []string{"en", "ru"}, Capacity: capacity}
	fx.n++
	if err := fx.ts.st.CreateEvent(context.Background(), store.Actor{UserID: fx.orgUser.ID}, e); err != nil {
		t.Fatal(err)
	}
	return e
}

// participant makes a member, signed in, registered for the event.
func (fx *eventFixture) participant(t *testing.T, e *event.Event, name string) (*client, *account.User) {
	t.Helper()
	c, u := fx.ts.user(t, name+"@example.org", account.Member)
	if _, err := fx.ts.st.Register(context.Background(), store.Actor{UserID: u.ID}, e.ID, u.ID); err != nil {
		t.Fatal(err)
	}
	return c, u
}

func TestEvents_WaitingLineMovesUpWhenSomeoneCancels(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		ctx := context.Background()
		fx := newEventFixture(t, ts)
		e := fx.event(t, event.Workshop, 2)
		var users []*account.User
		for i := range 4 {
			_, u := ts.user(t, fmt.Sprintf("p%d@example.org", i), account.Member)
			users = append(users, u)
			reg, err := ts.st.Register(ctx, store.Actor{UserID: u.ID}, e.ID, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			wantStatus, wantPos := event.Registered, 0
			if i >= 2 {
				wantStatus, wantPos = event.Waiting, i-1
			}
			if reg.Status != wantStatus || reg.Position != wantPos {
				t.Fatalf("registration %d: %s at %d, want %s at %d", i, reg.Status, reg.Position, wantStatus, wantPos)
			}
		}
		if _, err := ts.st.Register(ctx, store.Actor{UserID: users[0].ID}, e.ID, users[0].ID); silkbridge.ErrorCode(err) != silkbridge.ECONFLICT {
			t.Fatalf("registering twice: %v", err)
		}
		// The second registered person cancels: the first in line moves up,
		// the second in line becomes first.
		if err := ts.st.CancelRegistration(ctx, store.Actor{UserID: users[1].ID}, e.ID, users[1].ID); err != nil {
			t.Fatal(err)
		}
		for i, want := range []struct {
			status string
			pos    int
		}{{event.Registered, 0}, {event.Cancelled, 0}, {event.Registered, 0}, {event.Waiting, 1}} {
			r, err := ts.st.Registration(ctx, e.ID, users[i].ID)
			if err != nil {
				t.Fatal(err)
			}
			if r.Status != want.status || r.Position != want.pos {
				t.Errorf("user %d: %s at %d, want %s at %d", i, r.Status, r.Position, want.status, want.pos)
			}
		}
		// One who waits cancels: nobody moves up, the places stay taken.
		if err := ts.st.CancelRegistration(ctx, store.Actor{UserID: users[3].ID}, e.ID, users[3].ID); err != nil {
			t.Fatal(err)
		}
		got, err := ts.st.Event(ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Registered != 2 || got.Waiting != 0 {
			t.Fatalf("after cancellations: %d registered, %d waiting", got.Registered, got.Waiting)
		}
		// The moves are in the audit log.
		entries, err := ts.st.AuditLog(ctx, nil, "event_registration", e.ID, 50)
		if err != nil {
			t.Fatal(err)
		}
		actions := map[string]int{}
		for _, a := range entries {
			actions[a.Action]++
		}
		if actions["register"] != 4 || actions["cancel"] != 2 || actions["move_up"] != 1 {
			t.Fatalf("audit actions %v", actions)
		}
	})
}

func TestEvents_RaisingCapacityMovesPeopleUpAndLoweringBelowRegisteredIsRefused(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		ctx := context.Background()
		fx := newEventFixture(t, ts)
		e := fx.event(t, event.Conference, 1)
		_, a := fx.participant(t, e, "first")
		_, b := fx.participant(t, e, "second")
		r, err := ts.st.Registration(ctx, e.ID, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != event.Waiting {
			t.Fatalf("second: %s", r.Status)
		}
		_, err = ts.st.UpdateEvent(ctx, store.Actor{UserID: fx.orgUser.ID}, e.ID, func(x *event.Event) { x.Capacity = 0 })
		if err != nil {
			t.Fatal(err)
		}
		r, err = ts.st.Registration(ctx, e.ID, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != event.Registered {
			t.Fatalf("second after raising the capacity: %s", r.Status)
		}
		_, err = ts.st.UpdateEvent(ctx, store.Actor{UserID: fx.orgUser.ID}, e.ID, func(x *event.Event) { x.Capacity = 1 })
		if silkbridge.ErrorCode(err) != silkbridge.EINVALID || !strings.Contains(err.Error(), "capacity") {
			t.Fatalf("lowering below the registered: %v", err)
		}
		got, err := ts.st.Event(ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Capacity != 0 || got.Registered != 2 {
			t.Fatalf("the refused change changed the event: %+v", got)
		}
		_ = a
	})
}

func TestEvents_ParticipantListIsShownToParticipantsAndOrganisersOnly(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		fx := newEventFixture(t, ts)
		e := fx.event(t, event.Conference, 1)
		alice, _ := fx.participant(t, e, "alice")
		bob, _ := fx.participant(t, e, "bob") // waits: the one place is Alice's
		stranger, _ := ts.user(t, "stranger@example.org", account.Member)
		officer, _ := ts.user(t, "officer@example.org", account.Officer)
		cases := []struct {
			who    string
			c      *client
			status int
		}{
			{"participant", alice, 200}, {"organiser", fx.organiser, 200}, {"waiting", bob, 403},
			{"stranger", stranger, 403}, {"officer of no host", officer, 403}, {"visitor", ts.client(t), 401},
		}
		for _, tc := range cases {
			if res := tc.c.json("GET", "/api/v1/events/"+e.ID+"/participants", nil); res.StatusCode != tc.status {
				t.Errorf("%s: API status %d, want %d", tc.who, res.StatusCode, tc.status)
			}
			page := tc.c.get("/events/" + e.ID)
			if shown := strings.Contains(page.Body, `id="participants"`); shown != (tc.status == 200) {
				t.Errorf("%s: event page shows the participants: %v", tc.who, shown)
			}
		}
		var list participantList
		res := fx.organiser.json("GET", "/api/v1/events/"+e.ID+"/participants", nil)
		if err := json.Unmarshal([]byte(res.Body), &list); err != nil {
			t.Fatal(err)
		}
		if len(list.Participants) != 1 || list.Participants[0].Name != "alice" || len(list.Waiting) != 1 || list.Waiting[0].Position != 1 {
			t.Fatalf("organiser's list: %+v", list)
		}
		res = alice.json("GET", "/api/v1/events/"+e.ID+"/participants", nil)
		if strings.Contains(res.Body, "bob") {
			t.Fatalf("a participant sees the waiting line: %s", res.Body)
		}
	})
}

func TestEvents_CreatedByManagersOfTheHostOrOfficersOnly(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		fx := newEventFixture(t, ts)
		member, _ := ts.user(t, "member@example.org", account.Member)
		officer, _ := ts.user(t, "officer@example.org", account.Officer)
		body := func(title string) map[string]any {
			return map[string]any{"title": title, "kind": "workshop", "host_ids": []string{fx.org.ID}, "start": "2031-05-12T09:30",
				"end": "2031-05-12T17:00", "time_zone": "Asia/Almaty", "place": "Almaty", "country": "KZ", "languages": []string{"en", "kk"}}
		}
		if res := member.json("POST", "/api/v1/events", body("By a member")); res.StatusCode != 403 {
			t.Fatalf("member: %d %s", res.StatusCode, res.Body)
		}
		res := fx.organiser.json("POST", "/api/v1/events", body("By the manager"))
		if res.StatusCode != 201 {
			t.Fatalf("manager: %d %s", res.StatusCode, res.Body)
		}
		var e event.Event
		if err := json.Unmarshal([]byte(res.Body), &e); err != nil {
			t.Fatal(err)
		}
		// 09:30 in Almaty (UTC+5) is 04:30 UTC.
		if want := time.Date(2031, 5, 12, 4, 30, 0, 0, time.UTC); !e.Start.Equal(want) || e.Hosts[0].Name != fx.org.Name {
			t.Fatalf("stored event: start %v, hosts %+v", e.Start, e.Hosts)
		}
		if res := officer.json("POST", "/api/v1/events", body("By an officer")); res.StatusCode != 201 {
			t.Fatalf("officer: %d %s", res.StatusCode, res.Body)
		}
		// The officer created it, but does not organise the manager's event.
		if res := officer.json("PUT", "/api/v1/events/"+e.ID, body("Taken over")); res.StatusCode != 403 {
			t.Fatalf("officer editing another's event: %d", res.StatusCode)
		}
	})
}

// TestEvents_BadInputIsRefusedWithFieldMessagesAndChangesNothing walks
// every form and API body of events, brokerage and lessons with bad input.
func TestEvents_BadInputIsRefusedWithFieldMessagesAndChangesNothing(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		ctx := context.Background()
		fx := newEventFixture(t, ts)
		e := fx.event(t, event.Brokerage, 0)
		slot := &event.Slot{EventID: e.ID, Start: e.Start, End: e.Start.Add(30 * time.Minute), Tables: 5}
		if err := ts.st.AddSlot(ctx, store.Actor{UserID: fx.orgUser.ID}, slot); err != nil {
			t.Fatal(err)
		}
		alice, aliceU := fx.participant(t, e, "alice")
		if err := ts.st.SaveProfile(ctx, store.Actor{UserID: aliceU.ID}, &event.Profile{EventID: e.ID, UserID: aliceU.ID, Headline: "Solar", Offers: "PV"}); err != nil {
			t.Fatal(err)
		}
		bob, bobU := fx.participant(t, e, "bob")
		les := &lesson.Lesson{Title: "Dust", Fields: []string{"2.7"}, Technology: "PV", Tried: "a", WentWrong: "b", Instead: "c", CostDays: 3, Country: "KZ"}
		if err := ts.st.CreateLesson(ctx, store.Actor{UserID: bobU.ID}, les); err != nil {
			t.Fatal(err)
		}
		goodEvent := url.Values{"title": {"Forum"}, "kind": {"workshop"}, "hosts": {fx.org.ID}, "start": {"2031-05-12T09:30"},
			"end": {"2031-05-12T17:00"}, "time_zone": {"Asia/Almaty"}, "place": {"Almaty"}, "country": {"KZ"}}
		with := func(v url.Values, kv ...string) url.Values {
			out := url.Values{}
			for k, vs := range v {
				out[k] = append([]string(nil), vs...)
			}
			for i := 0; i+1 < len(kv); i += 2 {
				out.Set(kv[i], kv[i+1])
			}
			return out
		}
		goodLesson := url.Values{"title": {"Т"}, "fields": {"2.7"}, "technology": {"PV"}, "tried": {"a"}, "went_wrong": {"b"},
			"instead": {"c"}, "cost_days": {"5"}, "country": {"KZ"}}
		type tc struct {
			name   string
			c      *client
			method string
			path   string
			form   url.Values
			json   any
			status int
			field  string
		}
		cases := []tc{
			{"event: no title", fx.organiser, "POST", "/events", with(goodEvent, "title", " "), nil, 422, "title"},
			{"event: unknown kind", fx.organiser, "POST", "/events", with(goodEvent, "kind", "party"), nil, 422, "kind"},
			{"event: end before start", fx.organiser, "POST", "/events", with(goodEvent, "end", "2031-05-11T09:00"), nil, 422, "end"},
			{"event: unreadable start", fx.organiser, "POST", "/events", with(goodEvent, "start", "next Tuesday"), nil, 422, "start"},
			{"event: unknown zone", fx.organiser, "POST", "/events", with(goodEvent, "time_zone", "Mars/Olympus"), nil, 422, "time_zone"},
			{"event: neither place nor online", fx.organiser, "POST", "/events", with(goodEvent, "place", "", "country", ""), nil, 422, "place"},
			{"event: bad online address", fx.organiser, "POST", "/events", with(goodEvent, "online_url", "zoom me"), nil, 422, "online_url"},
			{"event: capacity not a number", fx.organiser, "POST", "/events", with(goodEvent, "capacity", "many"), nil, 422, "capacity"},
			{"event: negative capacity", fx.organiser, "POST", "/events", with(goodEvent, "capacity", "-3"), nil, 422, "capacity"},
			{"event: unknown language", fx.organiser, "POST", "/events", with(goodEvent, "languages", "klingon"), nil, 422, "languages"},
			{"event: unknown field", fx.organiser, "POST", "/events", with(goodEvent, "fields", "9.9"), nil, 422, "fields"},
			{"event: no host", fx.organiser, "POST", "/events", with(goodEvent, "hosts", ""), nil, 422, "hosts"},
			{"event API: malformed", fx.organiser, "POST", "/api/v1/events", nil, `{"title":`, 400, "body"},
			{"event API: unknown member", fx.organiser, "POST", "/api/v1/events", nil, `{"title":"x","colour":"red"}`, 400, "colour"},
			{"event API: wrong type", fx.organiser, "POST", "/api/v1/events", nil, `{"title":"x","capacity":"ten"}`, 400, "capacity"},
			{"event API: host that does not exist", fx.organiser, "POST", "/api/v1/events", nil, map[string]any{"title": "x", "kind": "workshop",
				"host_ids": []string{silkbridge.NewID()}, "start": "2031-05-12T09:30", "end": "2031-05-12T17:00", "time_zone": "UTC", "online_url": "https://meet.example"}, 403, ""},
			{"event update: capacity below registered", fx.organiser, "PUT", "/api/v1/events/" + e.ID, nil, map[string]any{"title": e.Title,
				"kind": "brokerage", "host_ids": []string{fx.org.ID}, "start": e.Start.Format(time.RFC3339), "end": e.End.Format(time.RFC3339),
				"time_zone": e.TimeZone, "place": "Almaty", "country": "KZ", "capacity": 1}, 422, "capacity"},
			{"event update: brokerage stays brokerage", fx.organiser, "PUT", "/api/v1/events/" + e.ID, nil, map[string]any{"title": e.Title,
				"kind": "conference", "host_ids": []string{fx.org.ID}, "start": e.Start.Format(time.RFC3339), "end": e.End.Format(time.RFC3339),
				"time_zone": e.TimeZone, "place": "Almaty", "country": "KZ"}, 422, "kind"},
			{"slot: outside the event", fx.organiser, "POST", "/events/" + e.ID + "/slots", url.Values{"start": {"2020-01-01T09:00"}, "end": {"2020-01-01T09:30"}, "tables": {"3"}}, nil, 422, "start"},
			{"slot: overlaps", fx.organiser, "POST", "/events/" + e.ID + "/slots", url.Values{"start": {slot.Start.In(e.Location()).Add(10 * time.Minute).Format(event.LocalLayout)},
				"end": {slot.End.In(e.Location()).Add(10 * time.Minute).Format(event.LocalLayout)}, "tables": {"3"}}, nil, 422, "start"},
			{"slot: tables not a number", fx.organiser, "POST", "/events/" + e.ID + "/slots", url.Values{"start": {""}, "end": {""}, "tables": {"x"}}, nil, 422, "tables"},
			{"slot API: too many tables", fx.organiser, "POST", "/api/v1/events/" + e.ID + "/slots", nil, map[string]any{"start": e.End.Add(-time.Hour).Format(time.RFC3339),
				"end": e.End.Format(time.RFC3339), "tables": 20000}, 422, "tables"},
			{"tables: negative", fx.organiser, "POST", "/events/" + e.ID + "/slots/tables", url.Values{"tables." + slot.ID: {"-1"}}, nil, 422, "tables." + slot.ID},
			{"tables: unknown slot", fx.organiser, "POST", "/events/" + e.ID + "/slots/tables", url.Values{"tables." + silkbridge.NewID(): {"2"}}, nil, 422, ""},
			{"profile: no headline", bob, "POST", "/events/" + e.ID + "/profile", url.Values{"headline": {""}, "offers": {"x"}}, nil, 422, "headline"},
			{"profile: neither offers nor seeks", bob, "POST", "/events/" + e.ID + "/profile", url.Values{"headline": {"Hi"}}, nil, 422, "offers"},
			{"profile API: headline too long", bob, "PUT", "/api/v1/events/" + e.ID + "/profile", nil, map[string]any{"headline": strings.Repeat("x", 201), "offers": "x"}, 422, "headline"},
			{"request: invitee without profile", alice, "POST", "/api/v1/events/" + e.ID + "/requests", nil, map[string]any{"invitee_id": bobU.ID}, 422, "invitee_id"},
			{"request: oneself", alice, "POST", "/api/v1/events/" + e.ID + "/requests", nil, map[string]any{"invitee_id": aliceU.ID}, 422, "invitee_id"},
			{"request: message too long", bob, "POST", "/api/v1/events/" + e.ID + "/requests", nil, map[string]any{"invitee_id": aliceU.ID, "message": strings.Repeat("m", 501)}, 422, "message"},
			{"answer API: malformed", alice, "POST", "/api/v1/events/" + e.ID + "/requests/" + silkbridge.NewID() + "/answer", nil, `{"accept": "yes"}`, 400, "accept"},
			{"availability: unknown slot", alice, "POST", "/events/" + e.ID + "/availability", url.Values{"slots": {silkbridge.NewID()}}, nil, 422, "slots"},
			{"availability API: unknown slot", alice, "PUT", "/api/v1/events/" + e.ID + "/availability", nil, map[string]any{"slots": []string{"nope"}}, 422, "slots"},
			{"lesson: no title", alice, "POST", "/lessons", with(goodLesson, "title", ""), nil, 422, "title"},
			{"lesson: no field", alice, "POST", "/lessons", with(goodLesson, "fields", ""), nil, 422, "fields"},
			{"lesson: no cost", alice, "POST", "/lessons", with(goodLesson, "cost_days", ""), nil, 422, "cost_days"},
			{"lesson: days not a number", alice, "POST", "/lessons", with(goodLesson, "cost_days", "a week"), nil, 422, "cost_days"},
			{"lesson: money without currency", alice, "POST", "/lessons", with(goodLesson, "cost_money", "1 200,50"), nil, 422, "cost_currency"},
			{"lesson: money not a number", alice, "POST", "/lessons", with(goodLesson, "cost_money", "lots", "cost_currency", "USD"), nil, 422, "cost_money"},
			{"lesson: unknown country", alice, "POST", "/lessons", with(goodLesson, "country", "XX"), nil, 422, "country"},
			{"lesson: source that does not exist", alice, "POST", "/lessons", with(goodLesson, "source_kind", "event", "source_ref", silkbridge.NewID()), nil, 422, "source_ref"},
			{"lesson: unknown source kind", alice, "POST", "/lessons", with(goodLesson, "source_kind", "rumour", "source_ref", e.ID), nil, 422, "source_kind"},
			{"lesson API: unknown member", alice, "POST", "/api/v1/lessons", nil, `{"title":"x","mood":"sad"}`, 400, "mood"},
			{"lesson API: negative days", alice, "POST", "/api/v1/lessons", nil, map[string]any{"title": "x", "fields": []string{"2.7"}, "technology": "PV",
				"tried": "a", "went_wrong": "b", "instead": "c", "cost_days": -1, "country": "KZ"}, 422, "cost_days"},
			{"lesson update API: empty instead", bob, "PUT", "/api/v1/lessons/" + les.ID, nil, map[string]any{"title": "x", "fields": []string{"2.7"}, "technology": "PV",
				"tried": "a", "went_wrong": "b", "instead": "", "cost_days": 1, "country": "KZ"}, 422, "instead"},
			{"list: page not a number", alice, "GET", "/api/v1/lessons?page=two", nil, nil, 422, "page"},
			{"list: unknown when", alice, "GET", "/api/v1/events?when=soon", nil, nil, 422, "when"},
		}
		for _, c := range cases {
			before := dbFingerprint(t, ts.st)
			var res response
			if c.form != nil {
				res = c.c.form(c.method, c.path, c.form)
			} else {
				res = c.c.json(c.method, c.path, c.json)
			}
			if res.StatusCode != c.status {
				t.Errorf("%s: status %d, want %d: %.300s", c.name, res.StatusCode, c.status, res.Body)
				continue
			}
			if d := diffFingerprints(before, dbFingerprint(t, ts.st)); d != "" {
				t.Errorf("%s: refused but changed %s", c.name, d)
			}
			if c.field == "" {
				continue
			}
			if strings.HasPrefix(c.path, "/api/") {
				var p Problem
				if err := json.Unmarshal([]byte(res.Body), &p); err != nil {
					t.Errorf("%s: not problem details: %s", c.name, res.Body)
					continue
				}
				found := false
				for _, f := range p.Errors {
					found = found || (f.Field == c.field && f.Message != "" && f.Message != f.Code)
				}
				if !found {
					t.Errorf("%s: no translated message for %q in %+v", c.name, c.field, p.Errors)
				}
			} else if !strings.Contains(res.Body, `id="`+c.field+`-error"`) {
				t.Errorf("%s: the form shows no message beside %q", c.name, c.field)
			}
		}
	})
}

// TestEvents_FormKeepsInputAndShowsEveryProblemAtOnce: a form with a time
// that cannot be read and a missing title shows both messages, translated,
// and keeps what was typed.
func TestEvents_FormKeepsInputAndShowsEveryProblemAtOnce(t *testing.T) {
	ts := newTestServer(t, "sqlite")
	fx := newEventFixture(t, ts)
	fx.organiser.get("/lang/ru")
	res := fx.organiser.form("POST", "/events", url.Values{"title": {""}, "kind": {"workshop"}, "hosts": {fx.org.ID}, "start": {"завтра"},
		"end": {"2031-05-12T17:00"}, "time_zone": {"Asia/Almaty"}, "place": {"Алматы"}, "country": {"KZ"}})
	if res.StatusCode != 422 {
		t.Fatalf("status %d", res.StatusCode)
	}
	for _, want := range []string{`id="title-error"`, `id="start-error"`, "обязательное поле", "не дата и время", `value="Алматы"`, `value="завтра"`} {
		if !strings.Contains(res.Body, want) {
			t.Errorf("the form lacks %q", want)
		}
	}
}

func TestEvents_ICalendarOfTheEventParses(t *testing.T) {
	ts := newTestServer(t, "sqlite")
	fx := newEventFixture(t, ts)
	ctx := context.Background()
	e := fx.event(t, event.Conference, 0)
	_, err := ts.st.UpdateEvent(ctx, store.Actor{UserID: fx.orgUser.ID}, e.ID, func(x *event.Event) {
		x.Title = "Форум «Шёлковый путь»: энергия, вода; климат \\ 2031"
		x.Description = "Первая строка\nВторая строка, с запятой; и точкой с запятой. " + strings.Repeat("丝绸之路能源论坛", 12)
	})
	if err != nil {
		t.Fatal(err)
	}
	e, err = ts.st.Event(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	res := ts.client(t).get("/events/" + e.ID + "/event.ics")
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/calendar") {
		t.Fatalf("status %d, type %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	cal := parseICS(t, res.Body)
	ev := cal.only(t, "VEVENT")
	if got := ev.text(t, "SUMMARY"); got != e.Title {
		t.Errorf("summary %q, want %q", got, e.Title)
	}
	if got := ev.text(t, "DESCRIPTION"); got != e.Description {
		t.Errorf("description %q, want %q", got, e.Description)
	}
	if got := ev.text(t, "UID"); got != e.ID+"@silkbridge" {
		t.Errorf("UID %q", got)
	}
	if got := cal.timeOf(t, ev, "DTSTART"); !got.Equal(e.Start) {
		t.Errorf("start %v, want %v", got, e.Start)
	}
	if got := cal.timeOf(t, ev, "DTEND"); !got.Equal(e.End) {
		t.Errorf("end %v, want %v", got, e.End)
	}
	if p := ev.prop(t, "DTSTART"); p.Params["TZID"] != "Asia/Almaty" {
		t.Errorf("DTSTART has TZID %q", p.Params["TZID"])
	}
	if got := ev.text(t, "LOCATION"); got != "Almaty, Kazakhstan" {
		t.Errorf("location %q", got)
	}
	if ts.client(t).get("/events/"+silkbridge.NewID()+"/event.ics").StatusCode != 404 {
		t.Error("the calendar of an unknown event is not 404")
	}
}

// TestICal_TimesAcrossADaylightSavingChangeAndUTC writes events in a zone
// with a change of offset in their span and in UTC, and reads them back.
func TestICal_TimesAcrossADaylightSavingChangeAndUTC(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 3, 28, 10, 0, 0, 0, berlin) // CET, +01:00
	end := time.Date(2026, 3, 30, 12, 0, 0, 0, berlin)   // CEST, +02:00
	cal := &icalCalendar{Name: "Test, with; specials", Events: []icalEvent{
		{UID: "a@x", Stamp: start, Start: start, End: end, Zone: berlin, Summary: "Across the change"},
		{UID: "b@x", Stamp: start, Start: start, End: start.Add(time.Hour), Zone: time.UTC, Summary: strings.Repeat("é", 80)},
	}}
	var b strings.Builder
	if _, err := cal.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	parsed := parseICS(t, b.String())
	if got := parsed.text(t, "X-WR-CALNAME"); got != "Test, with; specials" {
		t.Errorf("calendar name %q", got)
	}
	events := parsed.all("VEVENT")
	if len(events) != 2 {
		t.Fatalf("%d events", len(events))
	}
	if got := parsed.timeOf(t, events[0], "DTSTART"); !got.Equal(start) || got.UTC().Hour() != 9 {
		t.Errorf("start %v, want %v", got.UTC(), start.UTC())
	}
	if got := parsed.timeOf(t, events[0], "DTEND"); !got.Equal(end) || got.UTC().Hour() != 10 {
		t.Errorf("end %v, want %v", got.UTC(), end.UTC())
	}
	if v := events[1].prop(t, "DTSTART").Value; v != "20260328T090000Z" {
		t.Errorf("UTC start written as %q", v)
	}
	if got := events[1].text(t, "SUMMARY"); got != strings.Repeat("é", 80) {
		t.Errorf("long summary came back as %q", got)
	}
	tz := parsed.only(t, "VTIMEZONE")
	if len(tz.Children) < 2 {
		t.Errorf("the time zone has %d observances, want both offsets of the span", len(tz.Children))
	}
}

// icsComponent is a parsed iCalendar component.
type icsComponent struct {
	Name     string
	Props    []icsProp
	Children []*icsComponent
}

type icsProp struct {
	Name   string
	Params map[string]string
	Value  string
}

// parseICS reads an iCalendar stream strictly: CRLF line ends, no line
// longer than 75 octets, no UTF-8 sequence split by folding, matched
// BEGIN and END.
func parseICS(t *testing.T, data string) *icsComponent {
	t.Helper()
	if !strings.HasSuffix(data, "\r\n") {
		t.Fatal("the calendar does not end in CRLF")
	}
	var lines []string
	for i, raw := range strings.Split(strings.TrimSuffix(data, "\r\n"), "\r\n") {
		if strings.ContainsAny(raw, "\r\n") {
			t.Fatalf("line %d has a bare CR or LF: %q", i+1, raw)
		}
		if len(raw) > 75 {
			t.Fatalf("line %d has %d octets: %q", i+1, len(raw), raw)
		}
		if !utf8.ValidString(raw) {
			t.Fatalf("line %d splits a UTF-8 sequence: %q", i+1, raw)
		}
		if strings.HasPrefix(raw, " ") || strings.HasPrefix(raw, "\t") {
			if len(lines) == 0 {
				t.Fatal("the calendar starts with a continuation line")
			}
			lines[len(lines)-1] += raw[1:]
			continue
		}
		lines = append(lines, raw)
	}
	root := &icsComponent{}
	stack := []*icsComponent{root}
	for _, l := range lines {
		p := parseICSLine(t, l)
		top := stack[len(stack)-1]
		switch p.Name {
		case "BEGIN":
			c := &icsComponent{Name: p.Value}
			top.Children = append(top.Children, c)
			stack = append(stack, c)
		case "END":
			if top.Name != p.Value {
				t.Fatalf("END:%s closes %s", p.Value, top.Name)
			}
			stack = stack[:len(stack)-1]
		default:
			top.Props = append(top.Props, p)
		}
	}
	if len(stack) != 1 || len(root.Children) != 1 || root.Children[0].Name != "VCALENDAR" {
		t.Fatalf("not one closed VCALENDAR")
	}
	cal := root.Children[0]
	for _, name := range []string{"VERSION", "PRODID"} {
		cal.prop(t, name)
	}
	for _, ev := range cal.all("VEVENT") {
		for _, name := range []string{"UID", "DTSTAMP", "DTSTART"} {
			ev.prop(t, name)
		}
		if v := ev.prop(t, "DTSTAMP").Value; !strings.HasSuffix(v, "Z") {
			t.Errorf("DTSTAMP %q is not in UTC", v)
		}
	}
	return cal
}

func parseICSLine(t *testing.T, l string) icsProp {
	t.Helper()
	colon, quoted := -1, false
	for i, r := range l {
		if r == '"' {
			quoted = !quoted
		}
		if r == ':' && !quoted {
			colon = i
			break
		}
	}
	if colon < 0 {
		t.Fatalf("no colon in %q", l)
	}
	parts := strings.Split(l[:colon], ";")
	p := icsProp{Name: strings.ToUpper(parts[0]), Params: map[string]string{}, Value: l[colon+1:]}
	for _, param := range parts[1:] {
		k, v, ok := strings.Cut(param, "=")
		if !ok {
			t.Fatalf("bad parameter %q in %q", param, l)
		}
		p.Params[strings.ToUpper(k)] = strings.Trim(v, `"`)
	}
	return p
}

func (c *icsComponent) all(name string) []*icsComponent {
	var out []*icsComponent
	for _, ch := range c.Children {
		if ch.Name == name {
			out = append(out, ch)
		}
	}
	return out
}

func (c *icsComponent) only(t *testing.T, name string) *icsComponent {
	t.Helper()
	list := c.all(name)
	if len(list) != 1 {
		t.Fatalf("%d %s components, want 1", len(list), name)
	}
	return list[0]
}

func (c *icsComponent) prop(t *testing.T, name string) icsProp {
	t.Helper()
	for _, p := range c.Props {
		if p.Name == name {
			return p
		}
	}
	t.Fatalf("%s has no %s", c.Name, name)
	return icsProp{}
}

// text returns a TEXT property, unescaped.
func (c *icsComponent) text(t *testing.T, name string) string {
	t.Helper()
	v := c.prop(t, name).Value
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] != '\\' {
			b.WriteByte(v[i])
			continue
		}
		if i+1 == len(v) {
			t.Fatalf("%s ends in a lone backslash", name)
		}
		i++
		switch v[i] {
		case 'n', 'N':
			b.WriteByte('\n')
		case '\\', ';', ',':
			b.WriteByte(v[i])
		default:
			t.Fatalf("%s has an unknown escape \\%c", name, v[i])
		}
	}
	if strings.ContainsAny(strings.NewReplacer(`\\`, "", `\;`, "", `\,`, "").Replace(v), ";,") {
		t.Errorf("%s has an unescaped ; or , in %q", name, v)
	}
	return b.String()
}

// timeOf reads a DATE-TIME property: in UTC, or local to the TZID of a
// VTIMEZONE in the calendar, whose observance in force gives the offset.
func (c *icsComponent) timeOf(t *testing.T, ev *icsComponent, name string) time.Time {
	t.Helper()
	p := ev.prop(t, name)
	if strings.HasSuffix(p.Value, "Z") {
		v, err := time.Parse("20060102T150405Z", p.Value)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	local, err := time.Parse("20060102T150405", p.Value)
	if err != nil {
		t.Fatalf("%s %q: %v", name, p.Value, err)
	}
	tzid := p.Params["TZID"]
	var zone *icsComponent
	for _, z := range c.all("VTIMEZONE") {
		if z.prop(t, "TZID").Value == tzid {
			zone = z
		}
	}
	if zone == nil {
		t.Fatalf("no VTIMEZONE for TZID %q", tzid)
	}
	var best time.Time
	offset := ""
	for _, o := range zone.Children {
		onset, err := time.Parse("20060102T150405", o.prop(t, "DTSTART").Value)
		if err != nil {
			t.Fatal(err)
		}
		if !onset.After(local) && (offset == "" || onset.After(best)) {
			best, offset = onset, o.prop(t, "TZOFFSETTO").Value
		}
	}
	if offset == "" {
		t.Fatalf("no observance of %s covers %s", tzid, p.Value)
	}
	off, err := time.Parse("-0700", offset)
	if err != nil {
		t.Fatalf("offset %q: %v", offset, err)
	}
	_, secs := off.Zone()
	return local.Add(-time.Duration(secs) * time.Second)
}

func TestEvents_ConversionCountsCooperationsStartedFromTheEvent(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		ctx := context.Background()
		fx := newEventFixture(t, ts)
		e := fx.event(t, event.Brokerage, 0)
		other := fx.event(t, event.Conference, 0)
		partner := &organisation.Organisation{Name: "Lahore Solar Institute", Kind: organisation.ResearchInstitute, Country: "PK"}
		if err := ts.st.CreateOrganisation(ctx, store.Actor{}, partner); err != nil {
			t.Fatal(err)
		}
		for i, src := range []string{e.ID, e.ID, other.ID} {
			c := &cooperation.Cooperation{Title: fmt.Sprintf("Dust-resistant PV %d", i), Stage: cooperation.Exchange, Fields: []string{"2.7"},
				StartDate: "2031-01-01", Source: cooperation.Source{Kind: cooperation.SourceEvent, Ref: src},
				Partners: []cooperation.Partner{{OrgID: fx.org.ID, Role: cooperation.RoleCoordinator}, {OrgID: partner.ID, Role: cooperation.RoleParticipant}}}
			if err := ts.st.CreateCooperation(ctx, store.Actor{}, c); err != nil {
				t.Fatal(err)
			}
		}
		page := ts.client(t).get("/events/" + e.ID)
		if m := regexp.MustCompile(`id="conversions"><strong>(\d+)</strong>`).FindStringSubmatch(page.Body); m == nil || m[1] != "2" {
			t.Fatalf("conversions shown: %v", m)
		}
		if !strings.Contains(page.Body, "Dust-resistant PV 0") || strings.Contains(page.Body, "Dust-resistant PV 2") {
			t.Error("the event page lists the wrong cooperations")
		}
	})
}

func TestEvents_ParticipantsOfAnEndedEventAreAskedWhatTheyLearned(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		ctx := context.Background()
		fx := newEventFixture(t, ts)
		e := fx.event(t, event.Workshop, 0)
		alice, aliceU := fx.participant(t, e, "alice")
		if page := alice.get("/events/mine"); strings.Contains(page.Body, `id="ask-lessons"`) {
			t.Fatal("asked before the event ended")
		}
		// The event is moved into the past, as if it had happened.
		_, err := ts.st.UpdateEvent(ctx, store.Actor{UserID: fx.orgUser.ID}, e.ID, func(x *event.Event) {
			x.Start, x.End = time.Now().Add(-72*time.Hour), time.Now().Add(-48*time.Hour)
		})
		if err != nil {
			t.Fatal(err)
		}
		page := alice.get("/events/mine")
		if !strings.Contains(page.Body, `id="ask-lessons"`) || !strings.Contains(page.Body, "/lessons/new?source_kind=event&amp;source_ref="+e.ID) {
			t.Fatalf("the ended event's participant is not asked:\n%s", page.Body)
		}
		if page := fx.organiser.get("/events/mine"); strings.Contains(page.Body, `id="ask-lessons"`) {
			t.Error("the organiser, who did not take part, is asked")
		}
		// The form starts from the event.
		form := alice.get("/lessons/new?source_kind=event&source_ref=" + e.ID)
		if !strings.Contains(form.Body, `value="`+e.ID+`"`) || !strings.Contains(form.Body, `<option value="2.7" selected>`) {
			t.Error("the lesson form does not start from the event")
		}
		res := alice.form("POST", "/lessons", url.Values{"title": {"Bring spare inverters"}, "fields": {"2.7"}, "technology": {"PV"},
			"tried": {"Live demo"}, "went_wrong": {"Inverter failed"}, "instead": {"Bring spares"}, "cost_days": {"1"}, "country": {"KZ"},
			"source_kind": {"event"}, "source_ref": {e.ID}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("recording the lesson: %d %s", res.StatusCode, res.Body)
		}
		if page := alice.get("/events/mine"); strings.Contains(page.Body, `id="ask-lessons"`) {
			t.Error("still asked after recording a lesson")
		}
		if page := ts.client(t).get("/events/" + e.ID); !strings.Contains(page.Body, "Bring spare inverters") {
			t.Error("the event page does not show what participants learned")
		}
		if _, err := ts.st.Register(ctx, store.Actor{UserID: aliceU.ID}, e.ID, aliceU.ID); silkbridge.ErrorCode(err) != silkbridge.ECONFLICT {
			t.Errorf("registering for an ended event: %v", err)
		}
	})
}

func TestEvents_DeletingAnAccountGivesItsPlaceToTheFirstInLine(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		ctx := context.Background()
		fx := newEventFixture(t, ts)
		e := fx.event(t, event.Workshop, 1)
		_, a := fx.participant(t, e, "leaving")
		_, b := fx.participant(t, e, "waiting")
		if err := ts.st.DeleteUser(ctx, store.Actor{UserID: a.ID}, a.ID, false); err != nil {
			t.Fatal(err)
		}
		r, err := ts.st.Registration(ctx, e.ID, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if r == nil || r.Status != event.Registered {
			t.Fatalf("the first in line did not move up: %+v", r)
		}
	})
}

// TestEvents_EveryMessageOfThePagesIsInTheCatalogues fails when a page of
// events or lessons names a message that English lacks.
func TestEvents_EveryMessageOfThePagesIsInTheCatalogues(t *testing.T) {
	b, err := loadCatalogues()
	if err != nil {
		t.Fatal(err)
	}
	tr := (&Server{i18n: b}).translator(Languages[0])
	ids := regexp.MustCompile(`T "([a-z_.0-9]+)"`)
	for _, dir := range []string{"templates/pages/events", "templates/pages/lessons", "templates/layout/lessons_partial.html"} {
		err := fs.WalkDir(templateFS, dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			src, err := templateFS.ReadFile(p)
			if err != nil {
				return err
			}
			for _, m := range ids.FindAllStringSubmatch(string(src), -1) {
				if _, err := tr.loc.Localize(&i18n.LocalizeConfig{MessageID: m[1], PluralCount: 2}); err != nil {
					t.Errorf("%s: message %q is not in the English catalogue", p, m[1])
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, prefix := range []string{"event.kind.", "event.request.status.", "event.when."} {
		var values []string
		switch prefix {
		case "event.kind.":
			values = event.Kinds
		case "event.request.status.":
			values = []string{event.Pending, event.Accepted, event.Declined}
		case "event.when.":
			values = []string{event.Upcoming, event.Past, "all"}
		}
		for _, v := range values {
			if tr.T(prefix+v) == prefix+v {
				t.Errorf("no message %s%s", prefix, v)
			}
		}
	}
	for _, r := range event.Reasons {
		if tr.T("event.reason."+r) == "event.reason."+r {
			t.Errorf("no message for the scheduler's reason %q", r)
		}
	}
	for _, k := range lesson.SourceKinds {
		if tr.T("lesson.source."+k) == "lesson.source."+k {
			t.Errorf("no message for source kind %q", k)
		}
	}
}

// brokerageEvent is a brokerage event with slots, and participants who
// published a profile and marked their availability.
type brokerageEvent struct {
	fx     *eventFixture
	e      *event.Event
	slots  []event.Slot
	people map[string]*client
	users  map[string]*account.User
}

// newBrokerage makes a brokerage event with n half-hour slots of tables
// each, set up on the organiser's pages.
func newBrokerage(t *testing.T, ts *testServer, n, tables int) *brokerageEvent {
	t.Helper()
	fx := newEventFixture(t, ts)
	b := &brokerageEvent{fx: fx, e: fx.event(t, event.Brokerage, 0), people: map[string]*client{}, users: map[string]*account.User{}}
	loc := b.e.Location()
	for i := range n {
		start := b.e.Start.Add(time.Duration(i) * 30 * time.Minute)
		res := fx.organiser.form("POST", "/events/"+b.e.ID+"/slots", url.Values{"start": {start.In(loc).Format(event.LocalLayout)},
			"end": {start.Add(30 * time.Minute).In(loc).Format(event.LocalLayout)}, "tables": {fmt.Sprint(tables)}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("add slot %d: %d %s", i, res.StatusCode, res.Body)
		}
	}
	var err error
	if b.slots, err = ts.st.Slots(context.Background(), b.e.ID); err != nil || len(b.slots) != n {
		t.Fatalf("slots: %v, %v", b.slots, err)
	}
	return b
}

// join registers a participant who publishes a profile and marks the
// slots (by index) they can meet in.
func (b *brokerageEvent) join(t *testing.T, name string, slots ...int) {
	t.Helper()
	c, u := b.fx.participant(t, b.e, name)
	b.people[name], b.users[name] = c, u
	res := c.form("POST", "/events/"+b.e.ID+"/profile", url.Values{"headline": {name + " builds solar dryers"}, "offers": {"Field trials"}, "fields": {"2.7"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("profile of %s: %d %s", name, res.StatusCode, res.Body)
	}
	form := url.Values{}
	for _, i := range slots {
		form.Add("slots", b.slots[i].ID)
	}
	if res := c.form("POST", "/events/"+b.e.ID+"/availability", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("availability of %s: %d %s", name, res.StatusCode, res.Body)
	}
}

// meet has from ask to meet and to answer.
func (b *brokerageEvent) meet(t *testing.T, from, to string, accept bool) string {
	t.Helper()
	res := b.people[from].form("POST", "/events/"+b.e.ID+"/requests", url.Values{"invitee_id": {b.users[to].ID}, "message": {"Shall we talk?"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("%s asks %s: %d %s", from, to, res.StatusCode, res.Body)
	}
	id := b.requestBetween(t, from, to)
	answer := "decline"
	if accept {
		answer = "accept"
	}
	if res := b.people[to].form("POST", "/events/"+b.e.ID+"/requests/"+id+"/"+answer, nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("%s answers %s: %d %s", to, from, res.StatusCode, res.Body)
	}
	return id
}

func (b *brokerageEvent) requestBetween(t *testing.T, from, to string) string {
	t.Helper()
	var list []event.MeetingRequest
	if err := json.Unmarshal([]byte(b.people[to].get("/api/v1/events/"+b.e.ID+"/requests").Body), &list); err != nil {
		t.Fatal(err)
	}
	for _, m := range list {
		if m.RequesterID == b.users[from].ID {
			return m.ID
		}
	}
	t.Fatalf("no request from %s to %s", from, to)
	return ""
}

func (b *brokerageEvent) agenda(t *testing.T, name string) []event.Meeting {
	t.Helper()
	res := b.people[name].get("/api/v1/events/" + b.e.ID + "/agenda")
	var list []event.Meeting
	if err := json.Unmarshal([]byte(res.Body), &list); err != nil || res.StatusCode != 200 {
		t.Fatalf("agenda of %s: %d %s", name, res.StatusCode, res.Body)
	}
	return list
}

func (b *brokerageEvent) schedule(t *testing.T) event.Schedule {
	t.Helper()
	if res := b.fx.organiser.form("POST", "/events/"+b.e.ID+"/schedule", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("run schedule: %d %s", res.StatusCode, res.Body)
	}
	var sc event.Schedule
	res := b.fx.organiser.get("/api/v1/events/" + b.e.ID + "/schedule")
	if err := json.Unmarshal([]byte(res.Body), &sc); err != nil {
		t.Fatal(err)
	}
	return sc
}

func TestBrokerage_ScheduledMeetingsAgreeInBothAgendasAndTheGridShowsThem(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		b := newBrokerage(t, ts, 2, 1)
		for _, name := range []string{"aigerim", "bilal", "chen"} {
			b.join(t, name, 0, 1)
		}
		ab := b.meet(t, "aigerim", "bilal", true)
		b.meet(t, "aigerim", "chen", true)
		bc := b.meet(t, "bilal", "chen", false)
		sc := b.schedule(t)
		if sc.Placed != 2 || sc.UpperBound != 2 || sc.Requests != 2 || len(sc.Unplaced) != 0 {
			t.Fatalf("schedule: placed %d of bound %d, %d requests, unplaced %v", sc.Placed, sc.UpperBound, sc.Requests, sc.Unplaced)
		}
		a, bl, c := b.agenda(t, "aigerim"), b.agenda(t, "bilal"), b.agenda(t, "chen")
		if len(a) != 2 || len(bl) != 1 || len(c) != 1 || a[0].SlotID == a[1].SlotID {
			t.Fatalf("agendas: aigerim %v, bilal %v, chen %v", a, bl, c)
		}
		for _, other := range [][]event.Meeting{bl, c} {
			found := false
			for _, m := range a {
				found = found || (m.RequestID == other[0].RequestID && m.SlotID == other[0].SlotID && m.Table == other[0].Table)
			}
			if !found {
				t.Errorf("the two sides disagree: %v and %v", a, other)
			}
		}
		// The organiser's grid names both sides of each meeting.
		page := b.fx.organiser.get("/events/" + b.e.ID + "/schedule")
		for _, want := range []string{`id="grid"`, "aigerim", "bilal", "chen", `<strong id="placed">2</strong>`, `<strong id="bound">2</strong>`, "100.0%"} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("schedule page lacks %q", want)
			}
		}
		// Bilal's calendar holds his one meeting, at the slot of the schedule.
		res := b.people["bilal"].get("/events/" + b.e.ID + "/agenda.ics")
		cal := parseICS(t, res.Body)
		ev := cal.only(t, "VEVENT")
		if got := cal.timeOf(t, ev, "DTSTART"); !got.Equal(bl[0].Start) {
			t.Errorf("calendar start %v, agenda %v", got, bl[0].Start)
		}
		if s := ev.text(t, "SUMMARY"); !strings.Contains(s, "aigerim") || !strings.Contains(s, b.e.Title) {
			t.Errorf("calendar summary %q", s)
		}
		if ev.text(t, "UID") != ab+"@silkbridge" {
			t.Errorf("calendar UID %q", ev.text(t, "UID"))
		}
		// Chen changes her mind: the schedule is out of date until run again,
		// and then one of three meetings cannot be placed, with a reason.
		if res := b.people["chen"].form("POST", "/events/"+b.e.ID+"/requests/"+bc+"/accept", nil); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("accept: %d", res.StatusCode)
		}
		if page := b.fx.organiser.get("/events/" + b.e.ID + "/schedule"); !strings.Contains(page.Body, `id="stale"`) {
			t.Error("the schedule is not marked out of date after a change")
		}
		sc = b.schedule(t)
		if sc.Placed != 2 || sc.UpperBound != 2 || len(sc.Unplaced) != 1 {
			t.Fatalf("second schedule: placed %d, bound %d, unplaced %v", sc.Placed, sc.UpperBound, sc.Unplaced)
		}
		page = b.fx.organiser.get("/events/" + b.e.ID + "/schedule")
		if strings.Contains(page.Body, `id="stale"`) || !strings.Contains(page.Body, `id="unplaced"`) || strings.Contains(page.Body, "event.reason.") {
			t.Error("the rerun schedule does not show the unplaced meeting with a translated reason")
		}
	})
}

func TestBrokerage_UnplacedMeetingSaysTheTwoHaveNoSlotInCommon(t *testing.T) {
	ts := newTestServer(t, "sqlite")
	b := newBrokerage(t, ts, 2, 5)
	b.join(t, "dana", 0)
	b.join(t, "emil", 1)
	b.meet(t, "dana", "emil", true)
	sc := b.schedule(t)
	if sc.Placed != 0 || len(sc.Unplaced) != 1 || sc.Unplaced[0].Reason != "no_common_slot" || sc.UpperBound != 0 {
		t.Fatalf("schedule: %+v", sc)
	}
	page := b.fx.organiser.get("/events/" + b.e.ID + "/schedule")
	if !strings.Contains(page.Body, "dana and emil have no available slot in common") {
		t.Errorf("the reason is not shown:\n%s", page.Body)
	}
	if agenda := b.people["dana"].get("/events/" + b.e.ID + "/agenda"); !strings.Contains(agenda.Body, "The schedule has no meeting for you") {
		t.Error("dana's agenda does not say she has no meeting")
	}
}

func TestBrokerage_OnlyParticipantsWhoHoldAPlaceTakePart(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		ctx := context.Background()
		b := newBrokerage(t, ts, 1, 1)
		b.join(t, "fatima", 0)
		stranger, _ := ts.user(t, "stranger@example.org", account.Member)
		for _, path := range []string{"/events/" + b.e.ID + "/profiles", "/events/" + b.e.ID + "/agenda", "/api/v1/events/" + b.e.ID + "/profiles"} {
			if res := stranger.get(path); res.StatusCode != 403 {
				t.Errorf("stranger GET %s: %d", path, res.StatusCode)
			}
		}
		res := stranger.json("POST", "/api/v1/events/"+b.e.ID+"/requests", map[string]any{"invitee_id": b.users["fatima"].ID})
		if res.StatusCode != 403 {
			t.Errorf("stranger asks for a meeting: %d", res.StatusCode)
		}
		// Fatima cancels: her profile is no longer listed, and nobody can ask her.
		if err := ts.st.CancelRegistration(ctx, store.Actor{UserID: b.users["fatima"].ID}, b.e.ID, b.users["fatima"].ID); err != nil {
			t.Fatal(err)
		}
		b.join(t, "gulnara", 0)
		list, err := ts.st.Profiles(ctx, b.e.ID, "", "")
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 || list[0].Name != "gulnara" {
			t.Errorf("profiles after cancelling: %+v", list)
		}
		res = b.people["gulnara"].json("POST", "/api/v1/events/"+b.e.ID+"/requests", map[string]any{"invitee_id": b.users["fatima"].ID})
		if res.StatusCode != 422 {
			t.Errorf("asking one who left: %d", res.StatusCode)
		}
		// A conference holds no brokerage meetings.
		conf := b.fx.event(t, event.Conference, 0)
		if res := b.fx.organiser.get("/events/" + conf.ID + "/schedule"); res.StatusCode != 409 {
			t.Errorf("schedule of a conference: %d", res.StatusCode)
		}
	})
}

// TestBrokerage_StoredScheduleKeepsEveryRule runs the scheduler through
// the store on random events and checks what was stored, read back, with
// the scheduler's independent checker.
func TestBrokerage_StoredScheduleKeepsEveryRule(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		ctx := context.Background()
		fx := newEventFixture(t, ts)
		var users []*account.User
		for i := range 8 {
			u, err := ts.st.CreateUser(ctx, store.Actor{}, account.SignUp{Email: fmt.Sprintf("r%d@example.org", i), Name: fmt.Sprintf("R%d", i), Password: "amber-lantern-42"}, account.Member)
			if err != nil {
				t.Fatal(err)
			}
			users = append(users, u)
		}
		for seed := range 3 {
			e := fx.event(t, event.Brokerage, 0)
			var slots []event.Slot
			for i := range 4 {
				sl := event.Slot{EventID: e.ID, Start: e.Start.Add(time.Duration(i) * time.Hour), End: e.Start.Add(time.Duration(i)*time.Hour + 45*time.Minute), Tables: 1 + (seed+i)%2}
				if err := ts.st.AddSlot(ctx, store.Actor{UserID: fx.orgUser.ID}, &sl); err != nil {
					t.Fatal(err)
				}
				slots = append(slots, sl)
			}
			for i, u := range users {
				if _, err := ts.st.Register(ctx, store.Actor{UserID: u.ID}, e.ID, u.ID); err != nil {
					t.Fatal(err)
				}
				if err := ts.st.SaveProfile(ctx, store.Actor{UserID: u.ID}, &event.Profile{EventID: e.ID, UserID: u.ID, Headline: "h", Seeks: "s"}); err != nil {
					t.Fatal(err)
				}
				var av []string
				for j, sl := range slots {
					if (i*7+j*3+seed)%3 != 0 {
						av = append(av, sl.ID)
					}
				}
				if err := ts.st.SetAvailability(ctx, store.Actor{UserID: u.ID}, e.ID, u.ID, av); err != nil {
					t.Fatal(err)
				}
			}
			for i := range users {
				for j := i + 1; j < len(users); j++ {
					if (i+j+seed)%3 == 0 {
						continue
					}
					m := &event.MeetingRequest{EventID: e.ID, RequesterID: users[i].ID, InviteeID: users[j].ID}
					if err := ts.st.RequestMeeting(ctx, store.Actor{UserID: users[i].ID}, m); err != nil {
						t.Fatal(err)
					}
					if _, err := ts.st.AnswerMeeting(ctx, store.Actor{UserID: users[j].ID}, e.ID, m.ID, (i*j+seed)%4 != 0); err != nil {
						t.Fatal(err)
					}
				}
			}
			sc, err := ts.st.RunSchedule(ctx, store.Actor{UserID: fx.orgUser.ID}, e.ID)
			if err != nil {
				t.Fatal(err)
			}
			in, err := ts.st.SchedulerInput(ctx, e.ID)
			if err != nil {
				t.Fatal(err)
			}
			var res schedule.Result
			res.UpperBound = sc.UpperBound
			for _, m := range sc.Meetings {
				res.Meetings = append(res.Meetings, schedule.Meeting{Request: m.RequestID, Slot: m.SlotID, Table: m.Table})
			}
			for _, u := range sc.Unplaced {
				res.Unplaced = append(res.Unplaced, schedule.Unplaced{Request: u.RequestID, Reason: schedule.Reason(u.Reason), CommonSlots: u.CommonSlots})
			}
			if err := schedule.Verify(in, res); err != nil {
				t.Fatalf("seed %d: the stored schedule breaks a rule: %v", seed, err)
			}
			if sc.Placed != len(sc.Meetings) || sc.Placed > sc.UpperBound || sc.Requests != len(in.Requests) || sc.InputHash != event.InputHash(in) {
				t.Fatalf("seed %d: placed %d, %d meetings, bound %d, requests %d of %d", seed, sc.Placed, len(sc.Meetings), sc.UpperBound, sc.Requests, len(in.Requests))
			}
		}
	})
}

func TestEvents_ConcurrentRegistrationsNeverTakeMorePlacesThanThereAre(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		ctx := context.Background()
		fx := newEventFixture(t, ts)
		e := fx.event(t, event.Conference, 3)
		var users []*account.User
		for i := range 10 {
			u, err := ts.st.CreateUser(ctx, store.Actor{}, account.SignUp{Email: fmt.Sprintf("c%d@example.org", i), Name: fmt.Sprintf("C%d", i), Password: "amber-lantern-42"}, account.Member)
			if err != nil {
				t.Fatal(err)
			}
			users = append(users, u)
		}
		errs := make(chan error, len(users))
		for _, u := range users {
			go func() {
				_, err := ts.st.Register(ctx, store.Actor{UserID: u.ID}, e.ID, u.ID)
				errs <- err
			}()
		}
		for range users {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		got, err := ts.st.Event(ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Registered != 3 || got.Waiting != 7 {
			t.Fatalf("%d registered and %d waiting, want 3 and 7", got.Registered, got.Waiting)
		}
		waiting, err := ts.st.Registrations(ctx, e.ID, event.Waiting)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range waiting {
			if r.Position != i+1 {
				t.Fatalf("waiting line positions: %+v", waiting)
			}
		}
	})
}
