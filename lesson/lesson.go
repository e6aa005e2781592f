// Package lesson holds the lessons ("detours") knowledge base: what was
// tried in a field with a technology or method, what went wrong, what it
// cost in time or money, and what to do instead, so that others do not
// repeat the detour.
package lesson

import (
	"math"
	"regexp"
	"strings"
	"time"

	"golang.org/x/text/language"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/organisation"
)

// Kinds of source a lesson was learned at.
const (
	SourceEvent        = "event"
	SourceCooperation  = "cooperation"
	SourceOrganisation = "organisation"
)

// SourceKinds lists every kind of source; a lesson may also have none.
var SourceKinds = []string{SourceEvent, SourceCooperation, SourceOrganisation}

// Limits of a lesson's cost.
const (
	MaxCostDays  = 36500
	MaxCostMoney = 1e12
)

// Source says where a lesson was learned: the kind and the id of the
// event, cooperation or organisation on the platform.
type Source struct {
	Kind string `json:"kind,omitempty"`
	Ref  string `json:"ref,omitempty"`
	// Title names the source, filled when read.
	Title string `json:"title,omitempty"`
}

// Lesson is one detour someone took and wants others to avoid.
type Lesson struct {
	ID     string   `json:"id"`
	Title  string   `json:"title"`
	Fields []string `json:"fields"`
	// Technology is the technology or method that was tried.
	Technology string `json:"technology"`
	Tried      string `json:"tried"`
	WentWrong  string `json:"went_wrong"`
	Instead    string `json:"instead"`
	// The cost of the detour: days lost, money lost (in CostCurrency, an
	// ISO 4217 code), or both.
	CostDays     int     `json:"cost_days,omitempty"`
	CostMoney    float64 `json:"cost_money,omitempty"`
	CostCurrency string  `json:"cost_currency,omitempty"`
	// Country is where the lesson was learned (ISO 3166-1 alpha-2).
	Country string `json:"country"`
	// Language is the language the lesson is written in (ISO 639).
	Language string `json:"language,omitempty"`
	Source   Source `json:"source"`
	AuthorID string `json:"-"`
	// AuthorName is empty when the author deleted their account but kept
	// their lessons.
	AuthorName string    `json:"author_name,omitempty"`
	Helpful    int       `json:"helpful"`
	Sample     bool      `json:"sample,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// Filter selects lessons in a list.
type Filter struct {
	Query      string
	Field      string
	Country    string
	SourceKind string
	SourceRef  string
	AuthorID   string
	Page       int
	PerPage    int
}

// Checker answers whether reference codes exist; the store provides it.
type Checker = organisation.Checker

var currencyPattern = regexp.MustCompile(`^[A-Z]{3}$`)

// Normalise trims and canonicalises the fields people type.
func (l *Lesson) Normalise() {
	l.Title = strings.TrimSpace(l.Title)
	l.Technology = strings.TrimSpace(l.Technology)
	l.Tried = strings.TrimSpace(l.Tried)
	l.WentWrong = strings.TrimSpace(l.WentWrong)
	l.Instead = strings.TrimSpace(l.Instead)
	l.CostCurrency = strings.ToUpper(strings.TrimSpace(l.CostCurrency))
	l.Country = strings.ToUpper(strings.TrimSpace(l.Country))
	l.Language = strings.ToLower(strings.TrimSpace(l.Language))
	l.Fields = organisation.CleanList(l.Fields, 10)
	l.Source.Kind = strings.TrimSpace(l.Source.Kind)
	l.Source.Ref = strings.TrimSpace(l.Source.Ref)
	if l.Source.Kind == "" {
		l.Source.Ref = ""
	}
	if l.CostMoney == 0 && l.CostCurrency != "" && !currencyPattern.MatchString(l.CostCurrency) {
		// A currency typed without an amount says nothing; drop it
		// rather than refuse the lesson over it.
		l.CostCurrency = ""
	}
}

// Validate checks the lesson; the error names every field at fault. That
// the source exists is the store's to check.
func (l *Lesson) Validate(ref Checker) error {
	var p silkbridge.Problems
	if p.Required("title", l.Title) {
		p.MaxLen("title", l.Title, 200)
		p.VisibleText("title", l.Title)
	}
	if len(l.Fields) == 0 {
		p.Add("fields", "lesson.field.fields_required", "choose at least one field", nil)
	}
	organisation.CheckFields(&p, "fields", l.Fields, ref)
	if p.Required("technology", l.Technology) {
		p.MaxLen("technology", l.Technology, 200)
	}
	for _, f := range []struct{ name, value string }{{"tried", l.Tried}, {"went_wrong", l.WentWrong}, {"instead", l.Instead}} {
		if p.Required(f.name, f.value) {
			p.MaxLen(f.name, f.value, 5000)
		}
	}
	switch {
	case l.CostDays < 0 || l.CostDays > MaxCostDays:
		p.Add("cost_days", "lesson.field.cost_days", "a number of days from 0 to 36500", map[string]any{"Max": MaxCostDays})
	case math.IsNaN(l.CostMoney) || l.CostMoney < 0 || l.CostMoney > MaxCostMoney:
		p.Add("cost_money", "lesson.field.cost_money", "an amount from 0 up", nil)
	case l.CostDays == 0 && l.CostMoney == 0:
		p.Add("cost_days", "lesson.field.cost_required", "say what the detour cost in time, in money, or both", nil)
	}
	if l.CostMoney > 0 && !currencyPattern.MatchString(l.CostCurrency) {
		p.Add("cost_currency", "lesson.field.currency", "an ISO 4217 currency code such as USD, EUR or CNY", map[string]any{"Value": l.CostCurrency})
	}
	if l.Country == "" {
		p.Required("country", l.Country)
	} else if !ref.CountryExists(l.Country) {
		p.Add("country", "field.country", "not an ISO 3166-1 country code", map[string]any{"Value": l.Country})
	}
	if l.Language != "" && !validLanguage(l.Language) {
		p.Add("language", "lesson.field.language", "not an ISO 639 language code such as en, zh or ru", map[string]any{"Value": l.Language})
	}
	switch {
	case l.Source.Kind == "":
	case !contains(SourceKinds, l.Source.Kind):
		p.Add("source_kind", "field.choice", "not one of the choices", map[string]any{"Value": l.Source.Kind})
	case !silkbridge.ValidID(l.Source.Ref):
		p.Add("source_ref", "lesson.field.source", "choose the event, cooperation or organisation on the platform", nil)
	}
	return p.Err()
}

func validLanguage(code string) bool {
	if len(code) < 2 || len(code) > 3 {
		return false
	}
	b, err := language.ParseBase(code)
	return err == nil && b.String() == code
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
