package web

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/silkbridge/silkbridge/store"
)

// TestBrowser_KazakhMemberBooksAChineseParkSpectrometer is the booking's
// end-to-end path: a member of a Kazakh university finds the spectrometer
// of a Chinese park by a Russian word of its description, requests two
// days for a cooperation; the park's manager approves; a second request
// over those days is refused with a message naming the booked time; the
// booking's iCalendar file parses; after the days have passed, the outcome
// recorded shows on the cooperation's page.
func TestBrowser_KazakhMemberBooksAChineseParkSpectrometer(t *testing.T) {
	ts := newTestServer(t, store.SQLite)
	w := newFacilityWorld(t, ts)
	b := newBrowser(t, ts.URL)
	b.open("/lang/en?back=/")
	b.signInAs("dana@kaznu.example.kz")

	b.open("/facilities")
	b.fill("#q", "спектрометр")
	b.click(`form.filters button[type=submit]`)
	b.mustContain("#results", "Raman spectroscopy centre", "Suzhou Industrial Park")
	b.click(`#results a.title[href="/facilities/` + w.spectro.ID + `"]`)

	b.choose("#booker_org_id", w.kz.ID)
	b.fill("#start", localDay(10))
	b.fill("#end", localDay(11))
	b.fill("#purpose", "Raman maps of perovskite films")
	b.choose("#cooperation_id", w.coop.ID)
	b.fill("#people", "Dana Abenova, Arman Sadykov")
	b.click(`#request-form button[type=submit]`)
	b.mustContain("#mine", "Requested", "Confocal Raman spectrometer")
	bid := strings.TrimPrefix(b.eval(`document.querySelector('#mine li.booking').id`), "booking-")

	b.signInAs("operator@suzhou-park.example.cn")
	b.open("/facilities/" + w.spectro.ID)
	b.mustContain("#booking-"+bid, "Raman maps of perovskite films", "Al-Farabi Kazakh National University")
	b.click("#booking-" + bid + " button.approve")
	b.mustContain("#booking-"+bid+" .status", "Approved")
	b.screenshot("facility-approved")

	b.signInAs("dana@kaznu.example.kz")
	b.open("/facilities/" + w.spectro.ID)
	b.fill("#start", localDay(11))
	b.fill("#end", localDay(12))
	b.fill("#purpose", "More Raman maps")
	b.click(`#request-form button[type=submit]`)
	b.mustContain("#start-error", "already booked from "+localDay(10)+" 00:00 to "+localDay(12)+" 00:00 (Asia/Shanghai)")
	b.screenshot("facility-overlap-refused")

	ics, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`fetch("/facilities/`+w.spectro.ID+`/bookings/`+bid+`/booking.ics").then(r => r.text())`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	ev := parseICS(t, ics).only(t, "VEVENT")
	if got := ev.text(t, "SUMMARY"); !strings.Contains(got, "Confocal Raman spectrometer") {
		t.Errorf("the booking's calendar event is %q", got)
	}
	if p := ev.prop(t, "DTSTART"); p.Params["TZID"] != "Asia/Shanghai" || p.Value != strings.ReplaceAll(localDay(10), "-", "")+"T000000" {
		t.Errorf("DTSTART %+v", p)
	}

	moveBookingToPast(t, ts.st, bid)
	b.open("/facilities/" + w.spectro.ID)
	b.eval(`(function(){document.querySelector('#booking-` + bid + ` details:last-of-type').open=true;return "";})()`)
	b.fill("#os-"+bid, "12")
	b.fill("#od-"+bid, "Raman maps of 12 perovskite films")
	b.fill("#ol-"+bid, "Send films sealed in nitrogen: air degrades them within a day.")
	b.click("#outcome-" + bid + " button[type=submit]")
	if loc := b.location(); !strings.Contains(loc, "/cooperations/"+w.coop.ID) {
		t.Fatalf("after the outcome the browser is at %s", loc)
	}
	b.mustContain("#facility-use", "Raman maps of 12 perovskite films", "Send films sealed in nitrogen")
	b.mustContain("#outputs", "Data set", "Raman maps of 12 perovskite films")
	b.screenshot("facility-outcome-on-cooperation")
}
