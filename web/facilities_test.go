package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/cooperation"
	"github.com/silkbridge/silkbridge/facility"
	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/store"
)

// facilityWorld is a Chinese park with a spectrometer, a Kazakh
// university whose member books it, and their cooperation.
type facilityWorld struct {
	ts              *testServer
	parkMgr, kzUser *client
	parkMgrID       string
	kzUserID        string
	park, kz        *organisation.Organisation
	spectro         *facility.Facility
	coop            *cooperation.Cooperation
}

func newFacilityWorld(t *testing.T, ts *testServer) *facilityWorld {
	t.Helper()
	ctx := context.Background()
	w := &facilityWorld{ts: ts}
	var pu, ku *account.User
	w.parkMgr, pu = ts.user(t, "operator@suzhou-park.example.cn", account.Member)
	w.kzUser, ku = ts.user(t, "dana@kaznu.example.kz", account.Member)
	w.parkMgrID, w.kzUserID = pu.ID, ku.ID
	w.park = &organisation.Organisation{Name: "Suzhou Industrial Park", Kind: organisation.Park, Country: "CN"}
	if err := ts.st.CreateOrganisation(ctx, store.Actor{UserID: pu.ID}, w.park); err != nil {
		t.Fatal(err)
	}
	w.kz = &organisation.Organisation{Name: "Al-Farabi Kazakh National University", Kind: organisation.University, Country: "KZ"}
	if err := ts.st.CreateOrganisation(ctx, store.Actor{UserID: ku.ID}, w.kz); err != nil {
		t.Fatal(err)
	}
	w.spectro = &facility.Facility{OwnerID: w.park.ID, Kind: "instrument",
		Names: map[string]string{"en": "Raman spectroscopy centre", "zh": "拉曼光谱中心", "ru": "Центр рамановской спектроскопии"},
		Descriptions: map[string]string{"en": "A confocal Raman spectrometer for materials analysis.",
			"ru": "Конфокальный рамановский спектрометр для анализа материалов.", "zh": "用于材料分析的共聚焦拉曼光谱仪。"},
		Fields: []string{"1.4"}, AccessModes: []string{"remote_service", "on_site"}, Eligibility: facility.EligibleAnyone,
		Languages: []string{"zh", "en", "ru"}, Instruments: []facility.Instrument{{Name: "Confocal Raman spectrometer", Specification: "532/785 nm", Capacity: 1}},
		Price: facility.Price{Unit: "day", Amount: 2400, Currency: "CNY"}, TimeZone: "Asia/Shanghai", CancelHours: 48}
	if err := ts.st.CreateFacility(ctx, store.Actor{}, w.spectro); err != nil {
		t.Fatal(err)
	}
	w.coop = &cooperation.Cooperation{Title: "Perovskite solar cells for the steppe", Fields: []string{"2.5"}, StartDate: "2024-03-01",
		Partners: []cooperation.Partner{{OrgID: w.kz.ID, Role: cooperation.RoleCoordinator}, {OrgID: w.park.ID, Role: cooperation.RoleParticipant}}}
	if err := ts.st.CreateCooperation(ctx, store.Actor{}, w.coop); err != nil {
		t.Fatal(err)
	}
	return w
}

// localDay is a day offset from today in Shanghai.
func localDay(offset int) string {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	return time.Now().In(loc).AddDate(0, 0, offset).Format(time.DateOnly)
}

var bookingIDPattern = regexp.MustCompile(`id="booking-([0-9a-f-]{36})"`)

// moveBookingToPast shifts a booking back in time, as if its days had
// passed, so its outcome can be recorded.
func moveBookingToPast(t *testing.T, st *store.Store, id string) {
	t.Helper()
	start := time.Now().UTC().AddDate(0, 0, -3).Format("2006-01-02T15:04:05.000000Z")
	end := time.Now().UTC().AddDate(0, 0, -1).Format("2006-01-02T15:04:05.000000Z")
	if _, err := st.DB().ExecContext(context.Background(), `UPDATE facility_bookings SET starts_at = $1, ends_at = $2 WHERE id = $3`, start, end, id); err != nil {
		t.Fatal(err)
	}
}

func TestFacilities_FindRequestApproveRefuseOverlapCalendarAndOutcome(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		w := newFacilityWorld(t, ts)
		found := w.kzUser.get("/facilities?q=" + url.QueryEscape("спектрометр"))
		if found.StatusCode != http.StatusOK || !strings.Contains(found.Body, "/facilities/"+w.spectro.ID) {
			t.Fatalf("Russian search: %d, spectrometer not listed", found.StatusCode)
		}
		res := w.kzUser.form("POST", "/facilities/"+w.spectro.ID+"/bookings", url.Values{"instrument_id": {w.spectro.Instruments[0].ID},
			"booker_org_id": {w.kz.ID}, "start": {localDay(10)}, "end": {localDay(11)}, "purpose": {"Raman maps of perovskite films"},
			"cooperation_id": {w.coop.ID}, "people": {"Dana Abenova, Arman Sadykov"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("request: %d %s", res.StatusCode, res.Body)
		}
		mgrPage := w.parkMgr.get("/facilities/" + w.spectro.ID)
		m := bookingIDPattern.FindStringSubmatch(mgrPage.Body)
		if m == nil {
			t.Fatal("the park manager does not see the request")
		}
		bid := m[1]
		if res := w.kzUser.form("POST", "/facilities/"+w.spectro.ID+"/bookings/"+bid+"/decide", url.Values{"action": {"approve"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("the booker approved their own request: %d", res.StatusCode)
		}
		if res := w.parkMgr.form("POST", "/facilities/"+w.spectro.ID+"/bookings/"+bid+"/decide", url.Values{"action": {"approve"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("approve: %d %s", res.StatusCode, res.Body)
		}
		again := w.kzUser.form("POST", "/facilities/"+w.spectro.ID+"/bookings", url.Values{"instrument_id": {w.spectro.Instruments[0].ID},
			"start": {localDay(11)}, "end": {localDay(12)}, "purpose": {"More maps"}})
		want := "already booked from " + localDay(10) + " 00:00 to " + localDay(12) + " 00:00 (Asia/Shanghai)"
		if again.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(again.Body, want) {
			t.Fatalf("overlapping request: %d, message naming the time missing (%q)", again.StatusCode, want)
		}
		ics := w.kzUser.get("/facilities/" + w.spectro.ID + "/bookings/" + bid + "/booking.ics")
		if ics.StatusCode != http.StatusOK {
			t.Fatalf("booking.ics: %d", ics.StatusCode)
		}
		ev := parseICS(t, ics.Body).only(t, "VEVENT")
		loc, _ := time.LoadLocation("Asia/Shanghai")
		start, _ := time.ParseInLocation(time.DateOnly, localDay(10), loc)
		if got := parseICS(t, ics.Body).timeOf(t, ev, "DTSTART"); !got.Equal(start) {
			t.Errorf("DTSTART %v, want %v", got, start)
		}
		if ev.text(t, "STATUS") != "CONFIRMED" {
			t.Errorf("status %q", ev.text(t, "STATUS"))
		}
		feed := ts.client(t).get("/facilities/" + w.spectro.ID + "/calendar.ics")
		if feed.StatusCode != http.StatusOK || len(parseICS(t, feed.Body).all("VEVENT")) != 1 || strings.Contains(feed.Body, "Dana") {
			t.Errorf("public feed: %d, want one event without the people's names", feed.StatusCode)
		}

		early := w.kzUser.form("POST", "/facilities/"+w.spectro.ID+"/bookings/"+bid+"/outcome", url.Values{"samples": {"12"}, "data": {"Raman maps"}})
		if early.StatusCode != http.StatusConflict {
			t.Errorf("an outcome before the booking ended: %d", early.StatusCode)
		}
		moveBookingToPast(t, ts.st, bid)
		out := w.kzUser.form("POST", "/facilities/"+w.spectro.ID+"/bookings/"+bid+"/outcome", url.Values{"samples": {"12"},
			"data": {"Raman maps of 12 perovskite films"}, "lesson": {"Send films sealed in nitrogen: air degrades them in a day."}})
		if out.StatusCode != http.StatusSeeOther || out.Header.Get("Location") != "/cooperations/"+w.coop.ID+"#facility-use" {
			t.Fatalf("outcome: %d to %q", out.StatusCode, out.Header.Get("Location"))
		}
		coop := ts.client(t).get("/cooperations/" + w.coop.ID)
		for _, s := range []string{"Raman maps of 12 perovskite films", "Send films sealed in nitrogen", "Data set"} {
			if !strings.Contains(coop.Body, s) {
				t.Errorf("the cooperation page lacks %q", s)
			}
		}
		c, err := ts.st.Cooperation(context.Background(), w.coop.ID)
		if err != nil || len(c.Outputs) != 1 || c.Outputs[0].Kind != cooperation.OutputDataset || c.Outputs[0].Count != 12 {
			t.Errorf("the cooperation's outputs: %+v, %v", c.Outputs, err)
		}
	})
}

func TestFacilities_BadInputIsRefusedByFieldAndChangesNothing(t *testing.T) {
	ts := newTestServer(t, store.SQLite)
	w := newFacilityWorld(t, ts)
	before := dbFingerprint(t, ts.st)
	cases := []struct {
		path   string
		form   url.Values
		fields []string
	}{
		{"/facilities", url.Values{"owner_id": {w.park.ID}, "kind": {"spaceship"}, "time_zone": {"Mars/Olympus"}, "price": {"lots"},
			"price_unit": {"hour"}, "opening_hours": {"Someday 9-5"}, "instruments": {"Microscope | x | many"}, "latitude": {"95"}, "longitude": {"10"}},
			[]string{"kind", "time_zone", "price", "opening_hours", "instruments", "name_en", "access_modes"}},
		{"/facilities/" + w.spectro.ID + "/bookings", url.Values{"instrument_id": {"nope"}, "start": {"tomorrow"}, "end": {localDay(3)}},
			[]string{"instrument_id", "start", "purpose"}},
		{"/facilities/" + w.spectro.ID + "/bookings", url.Values{"instrument_id": {w.spectro.Instruments[0].ID}, "start": {localDay(5)}, "end": {localDay(2)}, "purpose": {"x"}},
			[]string{"end"}},
	}
	for _, c := range cases {
		cl := w.parkMgr
		res := cl.form("POST", c.path, c.form)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("POST %s: %d, want 422", c.path, res.StatusCode)
			continue
		}
		for _, f := range c.fields {
			if !strings.Contains(res.Body, `id="`+f+`-error"`) {
				t.Errorf("POST %s: no message beside %s", c.path, f)
			}
		}
	}
	api := w.parkMgr.json("POST", "/api/v1/facilities/"+w.spectro.ID+"/bookings", map[string]any{"instrument_id": w.spectro.Instruments[0].ID,
		"start": "2020-01-01", "end": "2020-01-02", "purpose": "late"})
	var prob struct {
		Errors []struct{ Field string } `json:"errors"`
	}
	if api.StatusCode != http.StatusUnprocessableEntity || json.Unmarshal([]byte(api.Body), &prob) != nil || len(prob.Errors) == 0 || prob.Errors[0].Field != "start" {
		t.Errorf("API booking in the past: %d %s", api.StatusCode, api.Body)
	}
	after := dbFingerprint(t, ts.st)
	for k, v := range before {
		if after[k] != v {
			t.Errorf("table %s changed from %d to %d rows", k, v, after[k])
		}
	}
}

func TestFacilities_PagesInSixLanguagesAndFiguresAsCSVAndAPI(t *testing.T) {
	ts := newTestServer(t, store.SQLite)
	w := newFacilityWorld(t, ts)
	ctx := context.Background()
	loc, _ := time.LoadLocation("Asia/Shanghai")
	d := time.Now().In(loc).AddDate(0, 0, -7)
	day0 := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
	if err := ts.st.AddSampleBooking(ctx, &facility.Booking{FacilityID: w.spectro.ID, InstrumentID: w.spectro.Instruments[0].ID, BookerID: w.kzUserID,
		BookerOrgID: w.kz.ID, Status: facility.Approved, Start: day0.UTC(), End: day0.AddDate(0, 0, 2).UTC(), Units: 2, Purpose: "Maps", CooperationID: w.coop.ID}); err != nil {
		t.Fatal(err)
	}
	titles := map[string]string{"en": "Shared research facilities", "zh": "共享科研设施", "ru": "Общие исследовательские установки",
		"ar": "المرافق البحثية المشتركة", "fr": "Équipements de recherche partagés", "es": "Instalaciones de investigación compartidas"}
	for lang, title := range titles {
		c := ts.client(t)
		c.get("/lang/" + lang + "?back=/")
		for _, p := range []string{"/facilities", "/facilities/" + w.spectro.ID, "/facilities/analytics", "/parks/" + w.park.ID, "/cooperations/" + w.coop.ID} {
			res := c.get(p)
			if res.StatusCode != http.StatusOK {
				t.Errorf("%s %s: %d", lang, p, res.StatusCode)
			}
		}
		if res := c.get("/facilities"); !strings.Contains(res.Body, title) {
			t.Errorf("%s: the list is not titled %q", lang, title)
		}
	}
	var figs store.FacilityFigures
	res := ts.client(t).get("/api/v1/analytics/facilities")
	if res.StatusCode != http.StatusOK || json.Unmarshal([]byte(res.Body), &figs) != nil {
		t.Fatalf("API: %d", res.StatusCode)
	}
	if figs.Bookings != 1 || figs.CrossBorderCooperation != 1 || len(figs.ByPartner) != 1 || figs.ByPartner[0].Country != "KZ" || figs.ByPartner[0].CrossBorder != 1 {
		t.Errorf("figures: %+v", figs)
	}
	// Open all day every day: two booked days of the year.
	if len(figs.Use) != 1 || figs.Use[0].BookedHours != 48 || figs.Use[0].Utilisation <= 0 {
		t.Errorf("utilisation: %+v", figs.Use)
	}
	csv := ts.client(t).get("/facilities/analytics?csv=partners")
	if !strings.HasPrefix(csv.Header.Get("Content-Type"), "text/csv") || !strings.Contains(csv.Body, "KZ,1,1,48.0") {
		t.Errorf("CSV: %q", csv.Body)
	}
	if res := ts.client(t).get("/api/v1/analytics/facilities?from=2026-13-01"); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("a bad date: %d", res.StatusCode)
	}
	if !strings.Contains(ts.client(t).get("/organisations/"+w.park.ID).Body, "/facilities/"+w.spectro.ID) {
		t.Error("the park's organisation page does not list its facility")
	}
	found := ts.client(t).get("/api/v1/facilities?country=CN&kind=instrument&field=1&bri=true&access=on_site&free_from=" + localDay(20) + "&free_to=" + localDay(21))
	if found.StatusCode != http.StatusOK || !strings.Contains(found.Body, w.spectro.ID) {
		t.Errorf("filtered API list: %d", found.StatusCode)
	}
}
