// Package park holds science and technology innovation cooperation parks:
// their dated member organisations and foreign partners, the rules those
// records follow, and the influence indicator computed from them.
package park

import (
	"strings"
	"time"

	"github.com/silkbridge/silkbridge"
)

// DateLayout is how dates are written in forms, JSON and the database.
const DateLayout = "2006-01-02"

// Member is an organisation's membership of a park, from the day it joined
// to the day it left (empty while it stays). A return after leaving is a
// new membership.
type Member struct {
	ID       string `json:"id"`
	ParkID   string `json:"park_id"`
	OrgID    string `json:"organisation_id"`
	JoinedOn string `json:"joined_on"`
	LeftOn   string `json:"left_on,omitempty"`
	// Filled from the organisation when read.
	Name    string `json:"name,omitempty"`
	Country string `json:"country,omitempty"`
	Kind    string `json:"kind,omitempty"`
}

// Partner is an organisation abroad that cooperates with the park as a
// whole, from one day to another (empty while it lasts).
type Partner struct {
	ID      string `json:"id"`
	ParkID  string `json:"park_id"`
	OrgID   string `json:"organisation_id"`
	SinceOn string `json:"since_on"`
	UntilOn string `json:"until_on,omitempty"`
	// Filled from the organisation when read.
	Name    string `json:"name,omitempty"`
	Country string `json:"country,omitempty"`
	Kind    string `json:"kind,omitempty"`
}

// ActiveOn reports whether the membership holds on the day (YYYY-MM-DD).
func (m Member) ActiveOn(day string) bool { return within(day, m.JoinedOn, m.LeftOn) }

// ActiveOn reports whether the partnership holds on the day (YYYY-MM-DD).
func (p Partner) ActiveOn(day string) bool { return within(day, p.SinceOn, p.UntilOn) }

// within reports whether day lies in [from, until); an empty until is open.
// Fixed-width dates compare as strings.
func within(day, from, until string) bool {
	return from != "" && from <= day && (until == "" || day < until)
}

// Normalise trims what people type.
func (m *Member) Normalise() {
	m.OrgID, m.JoinedOn, m.LeftOn = strings.TrimSpace(m.OrgID), strings.TrimSpace(m.JoinedOn), strings.TrimSpace(m.LeftOn)
}

// Validate checks a membership: an organisation other than the park, a
// joining date not in the future, and a leaving date (if any) after it.
func (m *Member) Validate(today time.Time) error {
	var p silkbridge.Problems
	if p.Required("organisation_id", m.OrgID) && m.OrgID == m.ParkID {
		p.Add("organisation_id", "park.error.self", "a park cannot be a member or partner of itself", nil)
	}
	checkSpan(&p, "joined_on", m.JoinedOn, "left_on", m.LeftOn, today)
	return p.Err()
}

// Normalise trims what people type.
func (pt *Partner) Normalise() {
	pt.OrgID, pt.SinceOn, pt.UntilOn = strings.TrimSpace(pt.OrgID), strings.TrimSpace(pt.SinceOn), strings.TrimSpace(pt.UntilOn)
}

// Validate checks a partnership like a membership; that the partner is
// abroad is the store's to check, as it knows the countries.
func (pt *Partner) Validate(today time.Time) error {
	var p silkbridge.Problems
	if p.Required("organisation_id", pt.OrgID) && pt.OrgID == pt.ParkID {
		p.Add("organisation_id", "park.error.self", "a park cannot be a member or partner of itself", nil)
	}
	checkSpan(&p, "since_on", pt.SinceOn, "until_on", pt.UntilOn, today)
	return p.Err()
}

// ValidateEnd checks the day a stored membership or partnership that
// began on from ends: a date not in the future and after it began.
func ValidateEnd(field, from, end string, today time.Time) error {
	var p silkbridge.Problems
	if p.Required(field, end) {
		if e, ok := checkDate(&p, field, end, today); ok {
			if f, err := time.Parse(DateLayout, from); err == nil && !e.After(f) {
				p.Add(field, "park.error.end_before_start", "must be after the start date", nil)
			}
		}
	}
	return p.Err()
}

// checkSpan checks a required start date and an optional end after it.
func checkSpan(p *silkbridge.Problems, fromField, from, untilField, until string, today time.Time) {
	var f time.Time
	fok := false
	if p.Required(fromField, from) {
		f, fok = checkDate(p, fromField, from, today)
	}
	if until == "" {
		return
	}
	if u, uok := checkDate(p, untilField, until, today); fok && uok && !u.After(f) {
		p.Add(untilField, "park.error.end_before_start", "must be after the start date", nil)
	}
}

// checkDate reads a date that may not lie in the future.
func checkDate(p *silkbridge.Problems, field, value string, today time.Time) (time.Time, bool) {
	d, err := time.Parse(DateLayout, value)
	if err != nil {
		p.Add(field, "park.error.date", "a date as YYYY-MM-DD", map[string]any{"Value": value})
		return time.Time{}, false
	}
	// A date is in the future only when it is so everywhere on Earth.
	if d.After(today.UTC().Add(14 * time.Hour)) {
		p.Add(field, "park.error.future", "may not lie in the future", nil)
		return d, false
	}
	return d, true
}
