package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/event"
	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/store"
)

// eval runs a script in the page and returns its string result.
func (b *browser) eval(js string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](js))
	if err != nil {
		b.t.Fatalf("evaluate: %v", err)
	}
	return s
}

// tick checks a checkbox.
func (b *browser) tick(sel string) {
	b.t.Helper()
	b.eval(`(function(){var e=document.querySelector(` + jsString(sel) + `);e.checked=true;return String(e.checked);})()`)
}

// signInAs signs the browser out of any account and in as email.
func (b *browser) signInAs(email string) {
	b.t.Helper()
	b.open("/")
	if b.eval(`String(!!document.querySelector('form[action="/signout"] button'))`) == "true" {
		b.click(`form[action="/signout"] button`)
	}
	b.open("/signin")
	b.fill("#email", email)
	b.fill("#password", "amber-lantern-42")
	b.click(`form[action="/signin"] button[type=submit]`)
}

// TestBrowser_BrokerageMeetingFromRequestToBothAgendas: two participants
// register for a brokerage event, publish profiles and mark their
// availability; one asks the other for a meeting, who accepts; the
// organiser runs the scheduler; both agendas show the meeting in the same
// slot, and the agenda's iCalendar file parses.
func TestBrowser_BrokerageMeetingFromRequestToBothAgendas(t *testing.T) {
	ts := newTestServer(t, "sqlite")
	ctx := context.Background()
	newUser := func(email, name string) *account.User {
		u, err := ts.st.CreateUser(ctx, store.Actor{}, account.SignUp{Email: email, Name: name, Password: "amber-lantern-42"}, account.Member)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	organiser := newUser("organiser@example.org", "Organiser")
	org := &organisation.Organisation{Name: "Samarkand Innovation Park", Kind: organisation.Park, Country: "UZ"}
	if err := ts.st.CreateOrganisation(ctx, store.Actor{UserID: organiser.ID}, org); err != nil {
		t.Fatal(err)
	}
	start := time.Now().Add(10 * 24 * time.Hour).Truncate(time.Hour)
	e := &event.Event{Title: "Agri-tech brokerage day", Kind: event.Brokerage, Hosts: []event.Host{{OrgID: org.ID}}, Start: start,
		End: start.Add(8 * time.Hour), TimeZone: "Asia/Tashkent", Place: "Samarkand", Country: "UZ", Fields: []string{"4.1"}, Capacity: 50}
	if err := ts.st.CreateEvent(ctx, store.Actor{UserID: organiser.ID}, e); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		sl := &event.Slot{EventID: e.ID, Start: start.Add(time.Duration(i) * 30 * time.Minute), End: start.Add(time.Duration(i+1) * 30 * time.Minute), Tables: 4}
		if err := ts.st.AddSlot(ctx, store.Actor{UserID: organiser.ID}, sl); err != nil {
			t.Fatal(err)
		}
	}
	slots, err := ts.st.Slots(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	newUser("nodira@example.org", "Nodira Karimova")
	newUser("li@example.org", "Li Wei")

	b := newBrowser(t, ts.URL)
	// The package's browser is shared: another test may have chosen
	// another language.
	b.open("/lang/en")
	// Both register, publish a profile and say when they can meet: Nodira
	// in the first two slots, Li in the last two, so they share the second.
	for _, p := range []struct {
		email, headline string
		slots           []int
	}{
		{"nodira@example.org", "Drip irrigation for cotton farms", []int{0, 1}},
		{"li@example.org", "Soil sensors and low-cost telemetry", []int{1, 2}},
	} {
		b.signInAs(p.email)
		b.open("/events/" + e.ID)
		b.click("#register-form button")
		b.mustContain("#my-status", "Registered")
		b.open("/events/" + e.ID + "/profile")
		b.fill("#headline", p.headline)
		b.fill("#offers", "Field trials in Central Asia")
		b.click(`form[action$="/profile"] button[type=submit]`)
		b.mustContain(".flash", "profile is published")
		b.open("/events/" + e.ID + "/availability")
		// Every slot is ticked until the participant changes it.
		if got := b.eval(`String(document.querySelectorAll("input[name=slots]:checked").length)`); got != "3" {
			t.Fatalf("%s: %s slots ticked before any change, want all 3", p.email, got)
		}
		b.eval(`(function(){document.querySelectorAll("input[name=slots]").forEach(function(e){e.checked=false});return "";})()`)
		for _, i := range p.slots {
			b.tick(`input[name=slots][value="` + slots[i].ID + `"]`)
		}
		b.click(`#availability-form button[type=submit]`)
		b.mustContain(".flash", "Saved")
	}

	// Li asks Nodira for a meeting.
	b.open("/events/" + e.ID + "/profiles")
	b.mustContain("#profiles", "Nodira Karimova", "Drip irrigation")
	card := `#profiles li.profile:not(#profile-` + mustUser(t, ts, "li@example.org").ID + `)`
	b.fill(card+` input[name=message]`, "Sensors for your drip lines?")
	b.click(card + ` .request-form button`)
	b.mustContain(".flash", "sent to Nodira Karimova")
	b.screenshot("brokerage-request")

	// Nodira accepts.
	b.signInAs("nodira@example.org")
	b.open("/events/" + e.ID + "/meetings")
	b.mustContain("#incoming", "Li Wei", "Sensors for your drip lines?", "Pending")
	b.click(`#incoming form[action$="/accept"] button`)
	b.mustContain(".flash", "accepted the meeting with Li Wei")
	b.mustContain("#incoming", "Accepted")

	// The organiser makes the schedule.
	b.signInAs("organiser@example.org")
	b.open("/events/" + e.ID + "/schedule")
	b.click("#run-form button")
	b.mustContain(".flash", "places 1 meeting;")
	b.mustContain("#grid", "Li Wei", "Nodira Karimova")
	b.mustContain("#placed", "1")
	b.mustContain("#bound", "1")
	b.screenshot("brokerage-schedule")

	// Both see the meeting in the same slot, the one they share.
	type seen struct{ slot, time, table, with string }
	agenda := func(email string) seen {
		b.signInAs(email)
		b.open("/events/" + e.ID + "/agenda")
		return seen{
			slot:  b.eval(`document.querySelector("#agenda tr.agenda-item").dataset.slot`),
			time:  b.text("#agenda tr.agenda-item .slot-time"),
			table: b.text("#agenda tr.agenda-item td.num"),
			with:  b.text("#agenda tr.agenda-item .with"),
		}
	}
	nodira, li := agenda("nodira@example.org"), agenda("li@example.org")
	if nodira.slot != slots[1].ID || li.slot != slots[1].ID || nodira.time != li.time || nodira.table != li.table {
		t.Fatalf("the agendas differ or miss the shared slot %s: %+v and %+v", slots[1].ID, nodira, li)
	}
	if nodira.with != "Li Wei" || li.with != "Nodira Karimova" {
		t.Fatalf("agendas name %q and %q", nodira.with, li.with)
	}
	if want := slots[1].Start.In(e.Location()).Format("2006-01-02 15:04"); !strings.HasPrefix(li.time, want) {
		t.Fatalf("agenda shows %q, want the slot at %s local time", li.time, want)
	}
	b.screenshot("brokerage-agenda")

	// Li's calendar file, fetched with Li's session, parses and holds the meeting.
	ics := b.eval(`(function(){var x=new XMLHttpRequest();x.open("GET","/events/` + e.ID + `/agenda.ics",false);x.send();return x.responseText;})()`)
	cal := parseICS(t, ics)
	ev := cal.only(t, "VEVENT")
	if got := cal.timeOf(t, ev, "DTSTART"); !got.Equal(slots[1].Start) {
		t.Fatalf("calendar start %v, want %v", got, slots[1].Start)
	}
	if got := cal.timeOf(t, ev, "DTEND"); !got.Equal(slots[1].End) {
		t.Fatalf("calendar end %v, want %v", got, slots[1].End)
	}
	if s := ev.text(t, "SUMMARY"); !strings.Contains(s, "Nodira Karimova") {
		t.Fatalf("calendar summary %q", s)
	}
}

func mustUser(t *testing.T, ts *testServer, email string) *account.User {
	t.Helper()
	u, err := ts.st.UserByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
