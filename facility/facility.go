// Package facility holds the "hardware" of cooperation bases: shared
// research facilities (laboratories, large instruments, pilot lines, test
// fields, computing centres, field stations) that an organisation offers to
// partners from other countries, their instruments with a capacity each, the
// calendar they keep in their own time zone, and the bookings partners
// request, with the rules that decide whether a booking fits.
package facility

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/organisation"
)

// Kinds of facility.
var Kinds = []string{"laboratory", "instrument", "pilot_line", "test_field", "computing", "field_station", "other"}

// Access modes: samples sent in for a remote service, on-site use after
// training, or work together with the facility's staff.
var AccessModes = []string{"remote_service", "on_site", "collaborative"}

// Who may book.
const (
	EligibleAnyone      = "anyone"       // anyone signed in
	EligibleVerified    = "verified"     // members of verified organisations
	EligibleParkMembers = "park_members" // members of the park the owner belongs to
	EligiblePartners    = "partners"     // partners of the owner in a cooperation
)

// Eligibilities lists who may book, widest first.
var Eligibilities = []string{EligibleAnyone, EligibleVerified, EligibleParkMembers, EligiblePartners}

// Units a price is counted in.
var PriceUnits = []string{"hour", "day", "sample"}

// Closure kinds.
var ClosureKinds = []string{"holiday", "maintenance"}

// Languages a facility's texts may be written in: the six UN languages.
var Languages = []string{"en", "zh", "ru", "ar", "fr", "es"}

// Limits of what people type.
const (
	maxName        = 300
	maxDescription = 10000
	maxFields      = 10
	maxInstruments = 50
	maxCapacity    = 100
	maxClosures    = 200
	maxText        = 5000
	maxPeople      = 30
	// MaxBookingDays bounds one booking, so a typo cannot hold an
	// instrument for years.
	MaxBookingDays = 92
)

// Instrument is one instrument or capability a facility offers; Capacity
// says how many bookings it takes at once (usually 1).
type Instrument struct {
	ID            string `json:"id"`
	Name          string `json:"name"`
	Specification string `json:"specification,omitempty"`
	Capacity      int    `json:"capacity"`
}

// Hours are the opening hours of one weekday (1 Monday ... 7 Sunday), as
// local times "09:00" to "18:00" in the facility's time zone.
type Hours struct {
	Weekday int    `json:"weekday"`
	From    string `json:"from"`
	To      string `json:"to"`
}

// Closure is a holiday or maintenance closure, from one date to another
// (both included) in the facility's time zone.
type Closure struct {
	Kind  string `json:"kind"`
	From  string `json:"from"`
	Until string `json:"until"`
	Note  string `json:"note,omitempty"`
}

// Price is what a unit of use costs, with the reduced rates for partners
// from Belt-and-Road countries and for those a named policy covers.
type Price struct {
	Unit     string   `json:"unit"`
	Amount   float64  `json:"amount"`
	Currency string   `json:"currency,omitempty"`
	BRI      *float64 `json:"bri_amount,omitempty"`
	PolicyID string   `json:"policy_id,omitempty"`
	Policy   *float64 `json:"policy_amount,omitempty"`
}

// Facility is one shared research facility.
type Facility struct {
	ID      string `json:"id"`
	OwnerID string `json:"owner_id"`
	Kind    string `json:"kind"`
	// Names and Descriptions are keyed by language (en, zh, ru, ar, fr, es).
	Names        map[string]string `json:"names"`
	Descriptions map[string]string `json:"descriptions"`
	Fields       []string          `json:"fields"`
	// Country defaults to the owner's; Address and coordinates say where.
	Country       string       `json:"country"`
	Address       string       `json:"address,omitempty"`
	Latitude      *float64     `json:"latitude,omitempty"`
	Longitude     *float64     `json:"longitude,omitempty"`
	Instruments   []Instrument `json:"instruments"`
	AccessModes   []string     `json:"access_modes"`
	Eligibility   string       `json:"eligibility"`
	Languages     []string     `json:"languages"`
	Prerequisites string       `json:"prerequisites,omitempty"`
	Price         Price        `json:"price"`
	TimeZone      string       `json:"time_zone"`
	OpeningHours  []Hours      `json:"opening_hours"`
	Closures      []Closure    `json:"closures"`
	// CancelHours is how long before the start a booker may still cancel.
	CancelHours int       `json:"cancel_hours"`
	Sample      bool      `json:"sample,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	// Filled from the owner when read.
	OwnerName   string `json:"owner_name,omitempty"`
	OwnerParkID string `json:"owner_park_id,omitempty"`
	BRIPartner  bool   `json:"bri_partner"`
}

// Filter selects facilities in a list.
type Filter struct {
	Query      string
	Kind       string
	Field      string
	Country    string
	OwnerID    string
	ParkID     string
	Access     string
	BRIPartner bool
	// FreeFrom and FreeTo keep facilities with an instrument free for the
	// whole span (UTC), outside closures.
	FreeFrom, FreeTo time.Time
	// Countries keeps facilities in any of these countries.
	Countries     []string
	Page, PerPage int
}

// Checker answers whether reference codes exist; the store provides it.
type Checker = organisation.Checker

var (
	hhmm            = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$`)
	currencyPattern = regexp.MustCompile(`^[A-Z]{3}$`)
)

// Name returns the facility's name in lang, else in English, else in the
// first language it has.
func (f *Facility) Name(lang string) string { return pick(f.Names, lang) }

// Description returns the description in lang, else as Name falls back.
func (f *Facility) Description(lang string) string { return pick(f.Descriptions, lang) }

func pick(m map[string]string, lang string) string {
	if v := m[lang]; v != "" {
		return v
	}
	if v := m["en"]; v != "" {
		return v
	}
	for _, l := range Languages {
		if v := m[l]; v != "" {
			return v
		}
	}
	return ""
}

// Location returns the facility's time zone (UTC when it cannot be read).
func (f *Facility) Location() *time.Location {
	if loc, err := time.LoadLocation(f.TimeZone); err == nil {
		return loc
	}
	return time.UTC
}

// Instrument returns the instrument with id.
func (f *Facility) Instrument(id string) (Instrument, bool) {
	for _, in := range f.Instruments {
		if in.ID == id {
			return in, true
		}
	}
	return Instrument{}, false
}

// Normalise trims and canonicalises what people type.
func (f *Facility) Normalise() {
	f.Kind = strings.TrimSpace(f.Kind)
	f.Names, f.Descriptions = cleanTexts(f.Names), cleanTexts(f.Descriptions)
	f.Fields = organisation.CleanList(f.Fields, maxFields+1)
	f.Country = strings.ToUpper(strings.TrimSpace(f.Country))
	f.Address = strings.TrimSpace(f.Address)
	f.AccessModes = organisation.CleanList(f.AccessModes, len(AccessModes)+1)
	f.Eligibility = strings.TrimSpace(f.Eligibility)
	f.Languages = organisation.CleanList(f.Languages, 20)
	f.Prerequisites = strings.TrimSpace(f.Prerequisites)
	f.Price.Unit = strings.TrimSpace(f.Price.Unit)
	f.Price.Currency = strings.ToUpper(strings.TrimSpace(f.Price.Currency))
	f.Price.PolicyID = strings.TrimSpace(f.Price.PolicyID)
	f.TimeZone = strings.TrimSpace(f.TimeZone)
	for i := range f.Instruments {
		in := &f.Instruments[i]
		in.Name, in.Specification = strings.TrimSpace(in.Name), strings.TrimSpace(in.Specification)
		if in.Capacity == 0 {
			in.Capacity = 1
		}
	}
	for i := range f.Closures {
		c := &f.Closures[i]
		c.Kind, c.From, c.Until, c.Note = strings.TrimSpace(c.Kind), strings.TrimSpace(c.From), strings.TrimSpace(c.Until), strings.TrimSpace(c.Note)
		if c.Until == "" {
			c.Until = c.From
		}
	}
	slices.SortFunc(f.OpeningHours, func(a, b Hours) int { return a.Weekday - b.Weekday })
}

func cleanTexts(m map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		if v = strings.TrimSpace(v); v != "" {
			out[strings.ToLower(strings.TrimSpace(k))] = v
		}
	}
	return out
}

// Validate checks the record; the error names every field at fault.
func (f *Facility) Validate(ref Checker) error {
	var p silkbridge.Problems
	p.Required("owner_id", f.OwnerID)
	if !slices.Contains(Kinds, f.Kind) {
		p.Add("kind", "field.choice", "choose one of the values listed", map[string]any{"Value": f.Kind})
	}
	if len(f.Names) == 0 {
		p.Add("name_en", "facility.error.name", "give the name in at least one language", nil)
	}
	for lang, n := range f.Names {
		if !slices.Contains(Languages, lang) {
			p.Add("name_"+lang, "field.choice", "choose one of the values listed", map[string]any{"Value": lang})
			continue
		}
		if p.MaxLen("name_"+lang, n, maxName) {
			p.VisibleText("name_"+lang, n)
		}
	}
	for lang, d := range f.Descriptions {
		if !slices.Contains(Languages, lang) {
			p.Add("description_"+lang, "field.choice", "choose one of the values listed", map[string]any{"Value": lang})
			continue
		}
		p.MaxLen("description_"+lang, d, maxDescription)
	}
	organisation.CheckFields(&p, "fields", f.Fields, ref)
	if f.Country == "" || !ref.CountryExists(f.Country) {
		p.Add("country", "field.country", "not an ISO 3166-1 country code", map[string]any{"Value": f.Country})
	}
	p.MaxLen("address", f.Address, 500)
	if (f.Latitude == nil) != (f.Longitude == nil) ||
		f.Latitude != nil && (math.IsNaN(*f.Latitude) || *f.Latitude < -90 || *f.Latitude > 90 || math.IsNaN(*f.Longitude) || *f.Longitude < -180 || *f.Longitude > 180) {
		p.Add("latitude", "facility.error.coordinates", "a latitude from -90 to 90 and a longitude from -180 to 180, both or neither", nil)
	}
	if len(f.Instruments) == 0 {
		p.Add("instruments", "facility.error.instruments", "list at least one instrument or capability", nil)
	}
	if len(f.Instruments) > maxInstruments {
		p.Add("instruments", "facility.error.too_many", "too many entries", map[string]any{"Max": maxInstruments})
	}
	for _, in := range f.Instruments {
		if !p.Required("instruments", in.Name) || !p.MaxLen("instruments", in.Name, maxName) || !p.MaxLen("instruments", in.Specification, maxText) {
			break
		}
		if in.Capacity < 1 || in.Capacity > maxCapacity {
			p.Add("instruments", "facility.error.capacity", "a capacity is a whole number from 1 to 100", nil)
			break
		}
	}
	if len(f.AccessModes) == 0 {
		p.Add("access_modes", "facility.error.access", "choose at least one access mode", nil)
	}
	for _, m := range f.AccessModes {
		if !slices.Contains(AccessModes, m) {
			p.Add("access_modes", "field.choice", "choose one of the values listed", map[string]any{"Value": m})
			break
		}
	}
	if !slices.Contains(Eligibilities, f.Eligibility) {
		p.Add("eligibility", "field.choice", "choose one of the values listed", map[string]any{"Value": f.Eligibility})
	}
	for _, l := range f.Languages {
		if len(l) < 2 || len(l) > 3 || strings.ToLower(l) != l {
			p.Add("languages", "facility.error.language", "a language code such as en, zh or ru", map[string]any{"Value": l})
			break
		}
	}
	p.MaxLen("prerequisites", f.Prerequisites, maxText)
	f.validatePrice(&p)
	if _, err := time.LoadLocation(f.TimeZone); f.TimeZone == "" || err != nil || f.TimeZone == "Local" {
		p.Add("time_zone", "facility.error.time_zone", "a time zone of the IANA database, such as Asia/Shanghai", map[string]any{"Value": f.TimeZone})
	}
	seen := map[int]bool{}
	for _, h := range f.OpeningHours {
		if h.Weekday < 1 || h.Weekday > 7 || seen[h.Weekday] || !hhmm.MatchString(h.From) || !hhmm.MatchString(h.To) || h.From >= h.To {
			p.Add("opening_hours", "facility.error.hours", "opening hours are one line per weekday, such as Mon 09:00-18:00, opening before closing", nil)
			break
		}
		seen[h.Weekday] = true
	}
	if len(f.Closures) > maxClosures {
		p.Add("closures", "facility.error.too_many", "too many entries", map[string]any{"Max": maxClosures})
	}
	for _, c := range f.Closures {
		from, err1 := time.Parse(time.DateOnly, c.From)
		until, err2 := time.Parse(time.DateOnly, c.Until)
		if !slices.Contains(ClosureKinds, c.Kind) || err1 != nil || err2 != nil || until.Before(from) || len(c.Note) > 500 {
			p.Add("closures", "facility.error.closure", "a closure is a kind (holiday or maintenance) with a first and last date, such as maintenance 2026-03-01 2026-03-05", nil)
			break
		}
	}
	if f.CancelHours < 0 || f.CancelHours > 24*90 {
		p.Add("cancel_hours", "facility.error.cancel_hours", "a whole number of hours from 0 to 2160", nil)
	}
	return p.Err()
}

func (f *Facility) validatePrice(p *silkbridge.Problems) {
	pr := f.Price
	if !slices.Contains(PriceUnits, pr.Unit) {
		p.Add("price_unit", "field.choice", "choose one of the values listed", map[string]any{"Value": pr.Unit})
	}
	bad := func(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) || v < 0 || v > 1e9 }
	if bad(pr.Amount) {
		p.Add("price", "facility.error.amount", "a price from 0 up", nil)
	}
	if pr.Amount > 0 && !currencyPattern.MatchString(pr.Currency) || pr.Currency != "" && !currencyPattern.MatchString(pr.Currency) {
		p.Add("currency", "facility.error.currency", "an ISO 4217 currency code such as CNY or USD", nil)
	}
	if pr.BRI != nil && (bad(*pr.BRI) || *pr.BRI > pr.Amount) {
		p.Add("price_bri", "facility.error.reduced", "a reduced price from 0 up to the full price", nil)
	}
	if pr.Policy != nil && (bad(*pr.Policy) || *pr.Policy > pr.Amount) {
		p.Add("price_policy", "facility.error.reduced", "a reduced price from 0 up to the full price", nil)
	}
	if (pr.Policy != nil) != (pr.PolicyID != "") {
		p.Add("policy_id", "facility.error.policy", "name the policy and its reduced price together", nil)
	}
}

// closureRange returns the span of a closure in loc: from the start of its
// first day to the end of its last.
func closureRange(c Closure, loc *time.Location) (time.Time, time.Time) {
	from, _ := time.ParseInLocation(time.DateOnly, c.From, loc)
	until, _ := time.ParseInLocation(time.DateOnly, c.Until, loc)
	return from, until.AddDate(0, 0, 1)
}

// ClosureDuring returns the first closure that meets [start, end).
func (f *Facility) ClosureDuring(start, end time.Time) (Closure, bool) {
	loc := f.Location()
	for _, c := range f.Closures {
		from, to := closureRange(c, loc)
		if from.Before(end) && start.Before(to) {
			return c, true
		}
	}
	return Closure{}, false
}

// OpenIntervals returns the spans in [from, to) when the facility is open:
// its opening hours on each local day, less its closures. A facility with
// no opening hours is taken as open all day, every day.
func (f *Facility) OpenIntervals(from, to time.Time) [][2]time.Time {
	loc := f.Location()
	var out [][2]time.Time
	day := time.Date(from.In(loc).Year(), from.In(loc).Month(), from.In(loc).Day(), 0, 0, 0, 0, loc)
	for ; day.Before(to); day = day.AddDate(0, 0, 1) {
		wd := int(day.Weekday())
		if wd == 0 {
			wd = 7
		}
		var spans [][2]time.Time
		if len(f.OpeningHours) == 0 {
			spans = append(spans, [2]time.Time{day, day.AddDate(0, 0, 1)})
		}
		for _, h := range f.OpeningHours {
			if h.Weekday == wd {
				spans = append(spans, [2]time.Time{atClock(day, h.From), atClock(day, h.To)})
			}
		}
		for _, s := range spans {
			a, b := maxTime(s[0], from), minTime(s[1], to)
			if !a.Before(b) {
				continue
			}
			if _, closed := f.ClosureDuring(a, b); closed {
				continue
			}
			out = append(out, [2]time.Time{a, b})
		}
	}
	return out
}

func atClock(day time.Time, hm string) time.Time {
	var h, m int
	fmt.Sscanf(hm, "%d:%d", &h, &m)
	return time.Date(day.Year(), day.Month(), day.Day(), h, m, 0, 0, day.Location())
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// OpenHours is how many hours the facility is open in [from, to).
func (f *Facility) OpenHours(from, to time.Time) float64 {
	var h float64
	for _, s := range f.OpenIntervals(from, to) {
		h += s[1].Sub(s[0]).Hours()
	}
	return h
}

// BookedOpenHours is how many of the open hours in [from, to) the spans
// cover; spans may overlap one another only up to an instrument's
// capacity, and each counts.
func (f *Facility) BookedOpenHours(spans [][2]time.Time, from, to time.Time) float64 {
	var h float64
	for _, s := range spans {
		a, b := maxTime(s[0], from), minTime(s[1], to)
		if !a.Before(b) {
			continue
		}
		for _, o := range f.OpenIntervals(a, b) {
			h += o[1].Sub(o[0]).Hours()
		}
	}
	return h
}

// Capacity is the number of bookings the facility takes at once: the sum
// of its instruments' capacities.
func (f *Facility) Capacity() int {
	n := 0
	for _, in := range f.Instruments {
		n += in.Capacity
	}
	return n
}

// Coordinates writes the latitude and longitude, or "" when not given.
func (f *Facility) Coordinates() string {
	if f.Latitude == nil || f.Longitude == nil {
		return ""
	}
	return fmt.Sprintf("%.4f, %.4f", *f.Latitude, *f.Longitude)
}

// BRIAmount is the reduced Belt-and-Road price, 0 when there is none.
func (p Price) BRIAmount() float64 {
	if p.BRI == nil {
		return 0
	}
	return *p.BRI
}

// PolicyAmount is the reduced price under the named policy, 0 when there is none.
func (p Price) PolicyAmount() float64 {
	if p.Policy == nil {
		return 0
	}
	return *p.Policy
}
