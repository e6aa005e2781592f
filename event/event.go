// Package event holds the exchange events of the platform (conferences,
// workshops, brokerage events, delegation visits, training courses), their
// registrations with a waiting list, and the 1:1 meetings of brokerage
// events: participant profiles, meeting requests, time slots with tables,
// availability, and the schedule that package schedule computes.
package event

import (
	"strings"
	"time"
	_ "time/tzdata" // IANA zones are checked the same way on every host, with or without /usr/share/zoneinfo

	"golang.org/x/text/language"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/consent"
	"github.com/silkbridge/silkbridge/organisation"
)

// Kinds of event.
const (
	Conference      = "conference"
	Workshop        = "workshop"
	Brokerage       = "brokerage"
	DelegationVisit = "delegation_visit"
	TrainingCourse  = "training_course"
)

// Kinds lists every kind in display order.
var Kinds = []string{Conference, Workshop, Brokerage, DelegationVisit, TrainingCourse}

// Limits on what one event may hold.
const (
	MaxHosts     = 10
	MaxDuration  = 92 * 24 * time.Hour
	MaxCapacity  = 1_000_000
	MaxLanguages = 12
)

// LocalLayout is how local times are typed in forms (an HTML
// datetime-local input) and may be given to the API: a wall-clock time in
// the event's time zone.
const LocalLayout = "2006-01-02T15:04"

// Host is an organisation that hosts an event. A host named by someone
// who does not speak for it is only invited until its managers accept.
type Host struct {
	OrgID   string `json:"organisation_id"`
	Name    string `json:"name,omitempty"`
	Country string `json:"country,omitempty"`
	// Consent is consent.Accepted or consent.Invited; the store decides it.
	Consent   string    `json:"consent"`
	InvitedAt time.Time `json:"-"`
}

// Accepted reports whether the host agreed to host the event.
func (h Host) Accepted() bool { return h.Consent == consent.Accepted }

// Event is one exchange event.
type Event struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Kind        string `json:"kind"`
	Description string `json:"description,omitempty"`
	Hosts       []Host `json:"hosts"`
	// Start and End are instants; TimeZone (an IANA name such as
	// Asia/Almaty) is where the event takes place, for showing local times.
	Start     time.Time `json:"start"`
	End       time.Time `json:"end"`
	TimeZone  string    `json:"time_zone"`
	Place     string    `json:"place,omitempty"`
	Country   string    `json:"country,omitempty"`
	OnlineURL string    `json:"online_url,omitempty"`
	Fields    []string  `json:"fields"`
	// Languages are ISO 639 codes of the languages spoken at the event.
	Languages []string `json:"languages"`
	// Capacity is the number of participants; 0 means no limit. Those who
	// register beyond it wait in line.
	Capacity int `json:"capacity"`
	// CreatedBy is the user who created the event; with the managers of its
	// hosts, they organise it.
	CreatedBy string `json:"-"`
	Sample    bool   `json:"sample,omitempty"`
	// Registered and Waiting count registrations; filled when read.
	Registered int       `json:"registered"`
	Waiting    int       `json:"waiting"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// Filter selects events in a list.
type Filter struct {
	Query   string
	Kind    string
	Field   string
	Country string
	// When is "upcoming" (not yet ended), "past" (ended) or "" for all.
	When string
	// HostID keeps the events an organisation hosts.
	HostID  string
	Page    int
	PerPage int
}

// Values of Filter.When.
const (
	Upcoming = "upcoming"
	Past     = "past"
)

// Checker answers whether reference codes exist; the store provides it.
type Checker = organisation.Checker

// Location returns the event's time zone, UTC when it has none or an
// unknown one.
func (e *Event) Location() *time.Location {
	if loc, err := LoadZone(e.TimeZone); err == nil {
		return loc
	}
	return time.UTC
}

// LocalStart is the start in the event's time zone.
func (e *Event) LocalStart() time.Time { return e.Start.In(e.Location()) }

// LocalEnd is the end in the event's time zone.
func (e *Event) LocalEnd() time.Time { return e.End.In(e.Location()) }

// Ended reports whether the event is over at now.
func (e *Event) Ended(now time.Time) bool { return !e.End.IsZero() && !now.Before(e.End) }

// IsBrokerage reports whether the event holds 1:1 meetings.
func (e *Event) IsBrokerage() bool { return e.Kind == Brokerage }

// Online reports whether the event can be joined online.
func (e *Event) Online() bool { return e.OnlineURL != "" }

// AcceptedHosts returns the hosts that agreed to host the event: those
// shown as its hosts, whose managers organise it.
func (e *Event) AcceptedHosts() []Host {
	var out []Host
	for _, h := range e.Hosts {
		if h.Accepted() {
			out = append(out, h)
		}
	}
	return out
}

// InvitedHosts returns the hosts whose managers have not answered yet.
func (e *Event) InvitedHosts() []Host {
	var out []Host
	for _, h := range e.Hosts {
		if !h.Accepted() {
			out = append(out, h)
		}
	}
	return out
}

// HostIDs returns the ids of the host organisations, invited ones included.
func (e *Event) HostIDs() []string {
	ids := make([]string, len(e.Hosts))
	for i, h := range e.Hosts {
		ids[i] = h.OrgID
	}
	return ids
}

// HostedBy reports whether the organisation hosts the event: it is named
// and has accepted.
func (e *Event) HostedBy(orgID string) bool {
	for _, h := range e.Hosts {
		if h.OrgID == orgID && h.Accepted() {
			return true
		}
	}
	return false
}

// Full reports whether every place is taken, so that a new registration waits.
func (e *Event) Full() bool { return e.Capacity > 0 && e.Registered >= e.Capacity }

// LoadZone loads an IANA time zone by name. Unlike time.LoadLocation it
// refuses the empty name and "Local", which would mean the server's zone.
func LoadZone(name string) (*time.Location, error) {
	if name == "" || name == "Local" {
		return nil, silkbridge.Invalid("time_zone", "event.field.time_zone", "not an IANA time zone such as Asia/Almaty", map[string]any{"Value": name})
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, silkbridge.Invalid("time_zone", "event.field.time_zone", "not an IANA time zone such as Asia/Almaty", map[string]any{"Value": name})
	}
	return loc, nil
}

// ParseTime reads a time as typed in a form or given to the API: a local
// wall-clock time (2026-05-12T09:30, seconds allowed) in the zone named
// zone, or an RFC 3339 time with its own offset. ok is false when s is
// neither.
func ParseTime(s, zone string) (t time.Time, ok bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), true
	}
	loc, err := LoadZone(zone)
	if err != nil {
		loc = time.UTC
	}
	for _, layout := range []string{LocalLayout, "2006-01-02T15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// Normalise trims and canonicalises the fields people type.
func (e *Event) Normalise() {
	e.Title = strings.TrimSpace(e.Title)
	e.Kind = strings.TrimSpace(e.Kind)
	e.Description = strings.TrimSpace(e.Description)
	e.TimeZone = strings.TrimSpace(e.TimeZone)
	e.Place = strings.TrimSpace(e.Place)
	e.Country = strings.ToUpper(strings.TrimSpace(e.Country))
	e.OnlineURL = strings.TrimSpace(e.OnlineURL)
	e.Fields = organisation.CleanList(e.Fields, 20)
	e.Languages = organisation.CleanList(e.Languages, MaxLanguages)
	for i, l := range e.Languages {
		e.Languages[i] = strings.ToLower(l)
	}
	seen := map[string]bool{}
	hosts := e.Hosts[:0:0]
	for _, h := range e.Hosts {
		h.OrgID = strings.TrimSpace(h.OrgID)
		if h.OrgID == "" || seen[h.OrgID] {
			continue
		}
		seen[h.OrgID] = true
		hosts = append(hosts, Host{OrgID: h.OrgID})
	}
	e.Hosts = hosts
	e.Start, e.End = e.Start.UTC().Truncate(time.Second), e.End.UTC().Truncate(time.Second)
}

// Validate checks the record; the error names every field at fault. That
// the hosts exist is the store's to check.
func (e *Event) Validate(ref Checker) error {
	var p silkbridge.Problems
	if p.Required("title", e.Title) {
		p.MaxLen("title", e.Title, 300)
		p.VisibleText("title", e.Title)
	}
	if !contains(Kinds, e.Kind) {
		p.Add("kind", "field.kind", "choose one of the kinds listed", map[string]any{"Value": e.Kind})
	}
	p.MaxLen("description", e.Description, 10000)
	switch {
	case len(e.Hosts) == 0:
		p.Add("hosts", "event.field.hosts_required", "name at least one host organisation", nil)
	case len(e.Hosts) > MaxHosts:
		p.Add("hosts", "event.field.hosts_many", "at most 10 host organisations", map[string]any{"Max": MaxHosts})
	}
	for _, h := range e.Hosts {
		if !silkbridge.ValidID(h.OrgID) {
			p.Add("hosts", "field.organisation", "no such organisation on the platform", nil)
			break
		}
	}
	if e.TimeZone == "" {
		p.Required("time_zone", e.TimeZone)
	} else if _, err := LoadZone(e.TimeZone); err != nil {
		p.Add("time_zone", "event.field.time_zone", "not an IANA time zone such as Asia/Almaty", map[string]any{"Value": e.TimeZone})
	}
	if e.Start.IsZero() {
		p.Add("start", "field.required", "this field is required", nil)
	}
	if e.End.IsZero() {
		p.Add("end", "field.required", "this field is required", nil)
	}
	if !e.Start.IsZero() && !e.End.IsZero() {
		if !e.End.After(e.Start) {
			p.Add("end", "event.field.end_before_start", "the end must come after the start", nil)
		} else if e.End.Sub(e.Start) > MaxDuration {
			p.Add("end", "event.field.too_long", "an event lasts at most 92 days", map[string]any{"Days": int(MaxDuration / (24 * time.Hour))})
		}
	}
	for _, t := range []struct {
		name string
		at   time.Time
	}{{"start", e.Start}, {"end", e.End}} {
		if !t.at.IsZero() && (t.at.Year() < 2000 || t.at.Year() > 2200) {
			p.Add(t.name, "event.field.year", "give a date between the years 2000 and 2200", nil)
		}
	}
	p.MaxLen("place", e.Place, 300)
	if e.Place == "" && e.OnlineURL == "" {
		p.Add("place", "event.field.place_or_online", "give a place, an online address, or both", nil)
	}
	if e.Country != "" && !ref.CountryExists(e.Country) {
		p.Add("country", "field.country", "not an ISO 3166-1 country code", map[string]any{"Value": e.Country})
	}
	if e.Place != "" && e.Country == "" {
		p.Add("country", "event.field.country_for_place", "say in which country the place is", nil)
	}
	if e.OnlineURL != "" && !organisation.ValidURL(e.OnlineURL) {
		p.Add("online_url", "field.url", "a web address starting with https:// or http://", nil)
	}
	p.MaxLen("online_url", e.OnlineURL, 500)
	organisation.CheckFields(&p, "fields", e.Fields, ref)
	for _, l := range e.Languages {
		if !ValidLanguage(l) {
			p.Add("languages", "event.field.language", "not an ISO 639 language code such as en, zh or ru", map[string]any{"Value": l})
			break
		}
	}
	if e.Capacity < 0 || e.Capacity > MaxCapacity {
		p.Add("capacity", "event.field.capacity", "a number of places from 0 (no limit) to 1000000", map[string]any{"Max": MaxCapacity})
	}
	return p.Err()
}

// ValidLanguage reports whether code is a known ISO 639 language code (two
// or three letters, as stored: lower case).
func ValidLanguage(code string) bool {
	if len(code) < 2 || len(code) > 3 || strings.ToLower(code) != code {
		return false
	}
	b, err := language.ParseBase(code)
	return err == nil && b.String() == code
}

// LanguageName returns the name of a language in that language (English
// for English, 中文 for Chinese), or the code when it is not known.
func LanguageName(code string) string {
	if n, ok := endonyms[code]; ok {
		return n
	}
	return code
}

// endonyms names the languages most often spoken at events along the
// Belt and Road; others show as their code.
var endonyms = map[string]string{
	"en": "English", "zh": "中文", "ru": "Русский", "ar": "العربية", "fr": "Français", "es": "Español",
	"de": "Deutsch", "it": "Italiano", "pt": "Português", "tr": "Türkçe", "fa": "فارسی", "ur": "اردو",
	"hi": "हिन्दी", "bn": "বাংলা", "id": "Bahasa Indonesia", "ms": "Bahasa Melayu", "th": "ไทย", "vi": "Tiếng Việt",
	"kk": "Қазақ тілі", "uz": "Oʻzbekcha", "ky": "Кыргызча", "tg": "Тоҷикӣ", "tk": "Türkmençe", "mn": "Монгол",
	"sr": "Српски", "hu": "Magyar", "pl": "Polski", "cs": "Čeština", "el": "Ελληνικά", "sw": "Kiswahili",
	"ja": "日本語", "ko": "한국어", "uk": "Українська", "az": "Azərbaycan", "ka": "ქართული", "hy": "Հայերեն",
}

// Zones are IANA time zones offered in forms: the capitals and large
// cities of countries along the Belt and Road and of the main partner
// regions. Any other IANA zone is accepted as well.
var Zones = []string{
	"UTC", "Africa/Addis_Ababa", "Africa/Cairo", "Africa/Casablanca", "Africa/Johannesburg", "Africa/Lagos", "Africa/Nairobi",
	"America/Mexico_City", "America/New_York", "America/Sao_Paulo", "Asia/Almaty", "Asia/Baku", "Asia/Bangkok",
	"Asia/Dhaka", "Asia/Dubai", "Asia/Ho_Chi_Minh", "Asia/Jakarta", "Asia/Karachi", "Asia/Kathmandu", "Asia/Kolkata",
	"Asia/Kuala_Lumpur", "Asia/Manila", "Asia/Riyadh", "Asia/Seoul", "Asia/Shanghai", "Asia/Singapore",
	"Asia/Tashkent", "Asia/Tbilisi", "Asia/Tehran", "Asia/Tokyo", "Asia/Ulaanbaatar", "Asia/Yerevan", "Europe/Athens",
	"Europe/Belgrade", "Europe/Berlin", "Europe/Budapest", "Europe/Istanbul", "Europe/London", "Europe/Madrid",
	"Europe/Minsk", "Europe/Moscow", "Europe/Paris", "Europe/Warsaw", "Pacific/Auckland",
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
