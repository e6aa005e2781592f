package facility

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/silkbridge/silkbridge"
)

type fakeRef struct{}

func (fakeRef) CountryExists(c string) bool { return c == "CN" || c == "KZ" }
func (fakeRef) FieldExists(c string) bool   { return c == "1.4" || c == "2.5" }

func goodFacility() *Facility {
	return &Facility{OwnerID: "o", Kind: "instrument", Names: map[string]string{"ru": "Спектрометр"}, Country: "CN",
		Instruments: []Instrument{{Name: "Raman", Capacity: 1}}, AccessModes: []string{"remote_service"}, Eligibility: EligibleAnyone,
		Price: Price{Unit: "day", Amount: 100, Currency: "CNY"}, TimeZone: "Asia/Shanghai", CancelHours: 48,
		OpeningHours: []Hours{{Weekday: 1, From: "09:00", To: "18:00"}, {Weekday: 2, From: "09:00", To: "18:00"}},
		Closures:     []Closure{{Kind: "maintenance", From: "2026-06-09", Until: "2026-06-12"}}}
}

func fields(t *testing.T, err error) map[string]bool {
	t.Helper()
	var e *silkbridge.Error
	if !errors.As(err, &e) || e.Code != silkbridge.EINVALID {
		t.Fatalf("want a validation error, got %v", err)
	}
	out := map[string]bool{}
	for _, f := range e.Fields {
		out[f.Field] = true
	}
	return out
}

func TestValidate_AcceptsAGoodFacilityAndNamesEveryFieldAtFault(t *testing.T) {
	f := goodFacility()
	f.Normalise()
	if err := f.Validate(fakeRef{}); err != nil {
		t.Fatalf("a good facility: %v", err)
	}
	lat := 91.0
	bad := &Facility{Kind: "spaceship", Country: "XX", Latitude: &lat, AccessModes: []string{"teleport"}, Eligibility: "everyone",
		Price: Price{Unit: "year", Amount: -1}, TimeZone: "Mars/Olympus", Instruments: []Instrument{{Name: "x", Capacity: 0}},
		OpeningHours: []Hours{{Weekday: 8, From: "09:00", To: "18:00"}}, Closures: []Closure{{Kind: "strike", From: "2026-01-01"}}, CancelHours: -1}
	got := fields(t, bad.Validate(fakeRef{}))
	for _, want := range []string{"owner_id", "kind", "name_en", "country", "latitude", "access_modes", "eligibility", "price_unit", "price",
		"time_zone", "instruments", "opening_hours", "closures", "cancel_hours"} {
		if !got[want] {
			t.Errorf("no problem named %s (got %v)", want, got)
		}
	}
}

func TestCheck_RefusesThePastClosuresAndClosedDaysAndCountsUnits(t *testing.T) {
	f := goodFacility()
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC) // a Monday
	cases := []struct {
		name, start, end string
		field            string
	}{
		{"past", "2026-05-25", "2026-05-25", "start"},
		{"closure", "2026-06-08", "2026-06-12", "start"},
		{"weekend only", "2026-06-06", "2026-06-07", "start"},
		{"end before start", "2026-06-09", "2026-06-08", "end"},
		{"not a time", "soon", "2026-06-08", "start"},
		{"too long", "2026-06-01", "2026-12-31", "end"},
	}
	for _, c := range cases {
		_, err := f.Check(Request{InstrumentID: "", Start: c.start, End: c.end, Purpose: "x"}, now)
		if got := fields(t, err); !got[c.field] {
			t.Errorf("%s: no problem on %s (%v)", c.name, c.field, got)
		}
	}
	f.Instruments[0].ID = "i"
	b, err := f.Check(Request{InstrumentID: "i", Start: "2026-06-15", End: "2026-06-16", Purpose: "maps"}, now)
	if err != nil {
		t.Fatal(err)
	}
	loc, _ := time.LoadLocation("Asia/Shanghai")
	if !b.Start.Equal(time.Date(2026, 6, 15, 0, 0, 0, 0, loc)) || !b.End.Equal(time.Date(2026, 6, 17, 0, 0, 0, 0, loc)) || b.Units != 2 {
		t.Errorf("two days read as %v to %v, %v units", b.Start, b.End, b.Units)
	}
}

func TestConflict_HoldsCapacityAndNamesTheBookingThatFillsIt(t *testing.T) {
	at := func(h int) time.Time { return time.Date(2026, 6, 1, h, 0, 0, 0, time.UTC) }
	spans := [][2]time.Time{{at(9), at(12)}, {at(11), at(14)}}
	cases := []struct {
		capacity   int
		start, end int
		conflict   bool
		blockStart int
	}{
		{1, 8, 10, true, 9},
		{1, 12, 13, true, 11},
		{1, 14, 16, false, 0},
		{2, 9, 10, false, 0}, // one booking at 9-10: a place is left
		{2, 11, 12, true, 9}, // both at 11-12: the earlier is named
		{3, 11, 12, false, 0},
		{1, 7, 9, false, 0}, // ends when the first begins
	}
	for _, c := range cases {
		got, ok := Conflict(spans, c.capacity, at(c.start), at(c.end))
		if ok != c.conflict || ok && !got[0].Equal(at(c.blockStart)) {
			t.Errorf("capacity %d, %d-%d: conflict %v at %v", c.capacity, c.start, c.end, ok, got)
		}
	}
}

func TestOpenHours_FollowOpeningHoursClosuresAndTheTimeZone(t *testing.T) {
	f := goodFacility()
	loc := f.Location()
	week := time.Date(2026, 6, 1, 0, 0, 0, 0, loc) // Monday
	if got := f.OpenHours(week, week.AddDate(0, 0, 7)); got != 18 {
		t.Errorf("open %v hours in a week with Monday and Tuesday 09-18, want 18", got)
	}
	closed := time.Date(2026, 6, 8, 0, 0, 0, 0, loc) // the Monday of the maintenance week
	if got := f.OpenHours(closed, closed.AddDate(0, 0, 7)); got != 9 {
		t.Errorf("open %v hours in the maintenance week, want 9 (Monday only)", got)
	}
	booked := [][2]time.Time{{week, week.AddDate(0, 0, 2)}} // Monday and Tuesday whole days
	if got := f.BookedOpenHours(booked, week, week.AddDate(0, 0, 7)); got != 18 {
		t.Errorf("booked %v open hours, want 18", got)
	}
	f.OpeningHours = nil
	if got := f.OpenHours(week, week.AddDate(0, 0, 1)); got != 24 {
		t.Errorf("no opening hours: %v hours open in a day, want 24", got)
	}
}

func TestFormText_ReadsWhatItWrites(t *testing.T) {
	var p silkbridge.Problems
	hours := ParseHours(&p, "opening_hours", "Mon-Wed 09:00-18:00\nsat 10:00-14:00")
	ins := ParseInstruments(&p, "instruments", "Raman | 532 nm | 2\nBench")
	cls := ParseClosures(&p, "closures", "maintenance 2026-03-01 2026-03-05 detector service\nholiday 2026-05-01")
	if p.Err() != nil {
		t.Fatal(p.Err())
	}
	if len(hours) != 4 || hours[3].Weekday != 6 || ins[0].Capacity != 2 || ins[1].Capacity != 1 || cls[0].Note != "detector service" || cls[1].Until != "2026-05-01" {
		t.Fatalf("read %+v %+v %+v", hours, ins, cls)
	}
	again := ParseHours(&p, "opening_hours", FormatHours(hours))
	if len(again) != 4 || again[0] != hours[0] {
		t.Errorf("hours did not survive a round trip: %+v", again)
	}
	if FormatInstruments(ParseInstruments(&p, "instruments", FormatInstruments(ins))) != FormatInstruments(ins) {
		t.Error("instruments did not survive a round trip")
	}
	var q silkbridge.Problems
	ParseInstruments(&q, "instruments", "Raman | x | many")
	ParseHours(&q, "opening_hours", "Someday 9-5")
	if err := q.Err(); err == nil || !strings.Contains(err.Error(), "instruments") || !strings.Contains(err.Error(), "opening_hours") {
		t.Errorf("bad lines: %v", err)
	}
}
