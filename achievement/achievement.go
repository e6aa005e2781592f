// Package achievement holds technology achievements offered for
// transformation (patents, software, prototypes, know-how, standards), the
// transfers that carry one to an enterprise through dated stages, and the
// scoring that suggests which achievements could answer a technology
// request.
package achievement

import (
	"slices"
	"strings"
	"time"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/organisation"
)

// Kinds of achievement.
var Kinds = []string{"patent", "software", "prototype", "know_how", "standard"}

// IPStatuses say how an achievement is protected.
var IPStatuses = []string{"granted", "pending", "copyright", "trade_secret", "open", "none"}

// TRL bounds: the technology readiness levels of EU Horizon 2020.
const (
	MinTRL = 1
	MaxTRL = 9
)

// TRLLevels lists the levels 1 to 9, for forms and the definitions table.
var TRLLevels = []int{1, 2, 3, 4, 5, 6, 7, 8, 9}

// Limits of what people type.
const (
	maxTitle     = 300
	maxSummary   = 10000
	maxLicensing = 5000
	maxFields    = 10
	maxKeywords  = 30
	maxNumbers   = 20
	maxCountries = 250
)

// Achievement is one technology achievement offered for transformation.
type Achievement struct {
	ID        string   `json:"id"`
	OwnerID   string   `json:"owner_id"`
	Title     string   `json:"title"`
	Kind      string   `json:"kind"`
	Summary   string   `json:"summary,omitempty"`
	Fields    []string `json:"fields"`
	Keywords  []string `json:"keywords"`
	TRL       int      `json:"trl"`
	IPStatus  string   `json:"ip_status"`
	IPNumbers []string `json:"ip_numbers"`
	Licensing string   `json:"licensing,omitempty"`
	// AvailableIn lists the countries where the achievement may be licensed
	// or used; empty means everywhere.
	AvailableIn []string  `json:"available_in"`
	Sample      bool      `json:"sample,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	// Filled from the owner when read.
	OwnerName    string `json:"owner_name,omitempty"`
	OwnerCountry string `json:"owner_country,omitempty"`
}

// Filter selects achievements in a list.
type Filter struct {
	Query   string
	Kind    string
	Field   string
	OwnerID string
	// Country keeps achievements available in the country.
	Country       string
	TRLMin        int
	Page, PerPage int
}

// Checker answers whether reference codes exist; the store provides it.
type Checker = organisation.Checker

// AvailableInCountry reports whether the achievement may be used in the
// country (an empty list means everywhere).
func (a *Achievement) AvailableInCountry(country string) bool {
	return len(a.AvailableIn) == 0 || slices.Contains(a.AvailableIn, country)
}

// Normalise trims and canonicalises what people type.
func (a *Achievement) Normalise() {
	a.Title = strings.TrimSpace(a.Title)
	a.Kind = strings.TrimSpace(a.Kind)
	a.Summary = strings.TrimSpace(a.Summary)
	a.IPStatus = strings.TrimSpace(a.IPStatus)
	a.Licensing = strings.TrimSpace(a.Licensing)
	a.Fields = organisation.CleanList(a.Fields, maxFields)
	a.Keywords = organisation.CleanList(a.Keywords, maxKeywords)
	a.IPNumbers = organisation.CleanList(a.IPNumbers, maxNumbers+1)
	countries := make([]string, len(a.AvailableIn))
	for i, c := range a.AvailableIn {
		countries[i] = strings.ToUpper(c)
	}
	a.AvailableIn = organisation.CleanList(countries, maxCountries)
	slices.Sort(a.AvailableIn)
}

// Validate checks the record; the error names every field at fault.
func (a *Achievement) Validate(ref Checker) error {
	var p silkbridge.Problems
	p.Required("owner_id", a.OwnerID)
	if p.Required("title", a.Title) {
		p.MaxLen("title", a.Title, maxTitle)
		p.VisibleText("title", a.Title)
	}
	if !slices.Contains(Kinds, a.Kind) {
		p.Add("kind", "field.choice", "choose one of the values listed", map[string]any{"Value": a.Kind})
	}
	p.MaxLen("summary", a.Summary, maxSummary)
	organisation.CheckFields(&p, "fields", a.Fields, ref)
	for _, k := range a.Keywords {
		if !p.MaxLen("keywords", k, 60) {
			break
		}
	}
	if a.TRL < MinTRL || a.TRL > MaxTRL {
		p.Add("trl", "achievement.error.trl", "a technology readiness level from 1 to 9", nil)
	}
	if !slices.Contains(IPStatuses, a.IPStatus) {
		p.Add("ip_status", "field.choice", "choose one of the values listed", map[string]any{"Value": a.IPStatus})
	}
	if len(a.IPNumbers) > maxNumbers {
		p.Add("ip_numbers", "achievement.error.too_many", "at most 20 entries", map[string]any{"Max": maxNumbers})
	}
	for _, n := range a.IPNumbers {
		if !p.MaxLen("ip_numbers", n, 60) {
			break
		}
	}
	p.MaxLen("licensing", a.Licensing, maxLicensing)
	for _, c := range a.AvailableIn {
		if !ref.CountryExists(c) {
			p.Add("available_in", "field.country", "not an ISO 3166-1 country code", map[string]any{"Value": c})
			break
		}
	}
	return p.Err()
}
