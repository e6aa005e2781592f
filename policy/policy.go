// Package policy holds the preferential policies and incentives that
// agencies and parks publish (tax reductions, subsidies, grants, visas ...),
// the rules their records follow, and the eligibility rule each carries.
package policy

import (
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/eligible"
	"github.com/silkbridge/silkbridge/organisation"
)

// Kinds of policy.
var Kinds = []string{"tax_reduction", "subsidy", "grant", "visa_residence", "talent_award", "fast_track", "other"}

// Jurisdictions: where a policy applies.
const (
	JurisdictionCountry = "country" // a whole country
	JurisdictionRegion  = "region"  // a region (province, state, city) of a country
	JurisdictionPark    = "park"    // one park
)

// Jurisdictions lists the kinds of jurisdiction.
var Jurisdictions = []string{JurisdictionCountry, JurisdictionRegion, JurisdictionPark}

// Languages are the languages a policy's text may be written in: the six UN
// languages, in the order a fallback prefers them.
var Languages = []string{"en", "zh", "ru", "ar", "fr", "es"}

// DateLayout is how validity dates are written.
const DateLayout = "2006-01-02"

// Text is a policy's title, summary and body in one language.
type Text struct {
	Lang    string `json:"lang"`
	Title   string `json:"title"`
	Summary string `json:"summary,omitempty"`
	Body    string `json:"body,omitempty"`
}

// Policy is one policy or incentive.
type Policy struct {
	ID string `json:"id"`
	// IssuerID is the organisation (a government agency or a park) that
	// publishes the policy.
	IssuerID     string `json:"issuer_id"`
	Jurisdiction string `json:"jurisdiction"`
	// Country is where the policy applies; for a park jurisdiction it is the
	// park's country.
	Country    string   `json:"country"`
	Region     string   `json:"region,omitempty"`
	ParkID     string   `json:"park_id,omitempty"`
	Kind       string   `json:"kind"`
	Benefit    string   `json:"benefit"`
	ValidFrom  string   `json:"valid_from"`
	ValidUntil string   `json:"valid_until,omitempty"`
	Texts      []Text   `json:"texts"`
	Links      []string `json:"links"`
	// Rule is the eligibility rule in the JSON form of package eligible.
	Rule      string    `json:"rule"`
	Sample    bool      `json:"sample,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Filter selects policies in a list.
type Filter struct {
	Query    string
	Kind     string
	IssuerID string
	Country  string
	// OpenOn keeps the policies valid on this date (YYYY-MM-DD).
	OpenOn        string
	Page, PerPage int
}

// Checker answers whether reference codes exist; the store provides it.
type Checker = organisation.Checker

// Limits on what people type.
const (
	maxTitle   = 300
	maxSummary = 1000
	maxBody    = 20000
	maxBenefit = 500
	maxRegion  = 120
	maxLinks   = 10
)

// Normalise trims and canonicalises the fields people type.
func (p *Policy) Normalise() {
	p.Country = strings.ToUpper(strings.TrimSpace(p.Country))
	p.Region = strings.TrimSpace(p.Region)
	p.ParkID = strings.TrimSpace(p.ParkID)
	p.Benefit = strings.TrimSpace(p.Benefit)
	p.ValidFrom = strings.TrimSpace(p.ValidFrom)
	p.ValidUntil = strings.TrimSpace(p.ValidUntil)
	p.Rule = strings.TrimSpace(p.Rule)
	texts := p.Texts[:0:0]
	for _, t := range p.Texts {
		t.Lang = strings.ToLower(strings.TrimSpace(t.Lang))
		t.Title, t.Summary, t.Body = strings.TrimSpace(t.Title), strings.TrimSpace(t.Summary), strings.TrimSpace(t.Body)
		if t.Title == "" && t.Summary == "" && t.Body == "" {
			continue // an empty language block in a form says nothing
		}
		texts = append(texts, t)
	}
	p.Texts = texts
	p.Links = organisation.CleanList(p.Links, maxLinks+1)
	if p.Jurisdiction != JurisdictionPark {
		p.ParkID = ""
	}
	if p.Jurisdiction != JurisdictionRegion {
		p.Region = ""
	}
}

// Validate checks the record; parks says whether an id is a park on the
// platform. The error names every field at fault; a rule that cannot be
// read is refused with the parser's words, which name the place and the
// problem.
func (p *Policy) Validate(ref Checker, parks func(id string) bool) error {
	var pr silkbridge.Problems
	if !slices.Contains(Kinds, p.Kind) {
		pr.Add("kind", "field.choice", "choose one of the values listed", map[string]any{"Value": p.Kind})
	}
	if !slices.Contains(Jurisdictions, p.Jurisdiction) {
		pr.Add("jurisdiction", "field.choice", "choose one of the values listed", map[string]any{"Value": p.Jurisdiction})
	}
	if p.Jurisdiction != JurisdictionPark {
		if p.Country == "" {
			pr.Required("country", p.Country)
		} else if !ref.CountryExists(p.Country) {
			pr.Add("country", "field.country", "not an ISO 3166-1 country code", map[string]any{"Value": p.Country})
		}
	}
	if p.Jurisdiction == JurisdictionRegion && pr.Required("region", p.Region) {
		pr.MaxLen("region", p.Region, maxRegion)
	}
	if p.Jurisdiction == JurisdictionPark && pr.Required("park_id", p.ParkID) && !parks(p.ParkID) {
		pr.Add("park_id", "field.park", "not a park on the platform", nil)
	}
	if pr.Required("benefit", p.Benefit) {
		pr.MaxLen("benefit", p.Benefit, maxBenefit)
	}
	from, fromOK := checkDate(&pr, "valid_from", p.ValidFrom, true)
	until, untilOK := checkDate(&pr, "valid_until", p.ValidUntil, false)
	if fromOK && untilOK && p.ValidUntil != "" && until.Before(from) {
		pr.Add("valid_until", "policy.error.until_before_from", "the end of validity is before its start", nil)
	}
	p.validateTexts(&pr)
	if len(p.Links) > maxLinks {
		pr.Add("links", "policy.error.too_many_links", "at most 10 links", map[string]any{"Max": maxLinks})
	}
	for _, l := range p.Links {
		if !organisation.ValidURL(l) || len(l) > 500 {
			pr.Add("links", "field.url", "a web address starting with https:// or http://", map[string]any{"Value": l})
			break
		}
	}
	if _, err := p.ParseRule(ref, parks); err != nil {
		pr.Add("rule", "policy.error.rule", "the eligibility rule cannot be read: "+err.Error(), map[string]any{"Problem": err.Error()})
	}
	return pr.Err()
}

func (p *Policy) validateTexts(pr *silkbridge.Problems) {
	if len(p.Texts) == 0 {
		pr.Add("texts", "policy.error.no_text", "write the title in at least one language", nil)
		return
	}
	seen := map[string]bool{}
	for _, t := range p.Texts {
		field := "text_" + t.Lang
		switch {
		case !slices.Contains(Languages, t.Lang):
			pr.Add("texts", "policy.error.language", "the language must be one of en, zh, ru, ar, fr, es", map[string]any{"Value": t.Lang})
			continue
		case seen[t.Lang]:
			pr.Add("texts", "policy.error.language_twice", "a language is given twice", map[string]any{"Value": t.Lang})
			continue
		}
		seen[t.Lang] = true
		if pr.Required("title_"+t.Lang, t.Title) {
			pr.MaxLen("title_"+t.Lang, t.Title, maxTitle)
			pr.VisibleText("title_"+t.Lang, t.Title)
		}
		pr.MaxLen("summary_"+t.Lang, t.Summary, maxSummary)
		pr.MaxLen(field, t.Body, maxBody)
	}
}

// ParseRule reads the policy's eligibility rule against the platform's
// countries, fields and parks.
func (p *Policy) ParseRule(ref Checker, parks func(id string) bool) (eligible.Rule, error) {
	if p.Rule == "" {
		return nil, errors.New("the rule is empty")
	}
	return eligible.Parse([]byte(p.Rule), eligible.WithCountries(ref.CountryExists), eligible.WithFields(ref.FieldExists), eligible.WithParks(parks))
}

func checkDate(pr *silkbridge.Problems, field, value string, required bool) (time.Time, bool) {
	if value == "" {
		if required {
			pr.Required(field, value)
			return time.Time{}, false
		}
		return time.Time{}, true
	}
	t, err := time.Parse(DateLayout, value)
	if err != nil {
		pr.Add(field, "policy.error.date", "a date written YYYY-MM-DD", map[string]any{"Value": value})
		return time.Time{}, false
	}
	return t, true
}

// OpenOn reports whether the policy is valid on the date (YYYY-MM-DD).
func (p *Policy) OpenOn(date string) bool {
	return p.ValidFrom <= date && (p.ValidUntil == "" || date <= p.ValidUntil)
}

// TextIn returns the policy's text in lang; when it has none, it returns the
// first of Languages it has and fallback is true, so the page can mark it.
func (p *Policy) TextIn(lang string) (t Text, fallback bool) {
	for _, x := range p.Texts {
		if x.Lang == lang {
			return x, false
		}
	}
	for _, l := range Languages {
		for _, x := range p.Texts {
			if x.Lang == l {
				return x, true
			}
		}
	}
	return Text{}, true
}

// Title returns the title in lang, or in the fallback language.
func (p *Policy) Title(lang string) string { t, _ := p.TextIn(lang); return t.Title }

// CheckIssuer is the rule of official issuers, the one place that decides
// who speaks for a state or a park: a national or regional policy is
// published by a verified government agency; a park's policy by that park
// itself, once verified. It applies to everyone, agency officers and
// admins included; who may act for the issuer is a separate check. The
// error names the field at fault.
func (p *Policy) CheckIssuer(issuer *organisation.Organisation) error {
	var pr silkbridge.Problems
	switch p.Jurisdiction {
	case JurisdictionCountry, JurisdictionRegion:
		switch {
		case issuer.Kind != organisation.GovernmentAgency:
			pr.Add("issuer_id", "trust.error.issuer_not_agency", "a national or regional policy is published by a government agency", map[string]any{"Name": issuer.Name})
		case !issuer.IsVerified():
			pr.Add("issuer_id", "trust.error.issuer_unverified_agency", "the agency is not verified yet; only verified agencies publish national or regional policies", map[string]any{"Name": issuer.Name})
		}
	case JurisdictionPark:
		switch {
		case issuer.Kind != organisation.Park || p.ParkID != issuer.ID:
			pr.Add("park_id", "trust.error.not_own_park", "a park's policy is published by that park itself: choose the issuer's own park", map[string]any{"Name": issuer.Name})
		case !issuer.IsVerified():
			pr.Add("issuer_id", "trust.error.issuer_unverified_park", "the park is not verified yet; only verified parks publish their policies", map[string]any{"Name": issuer.Name})
		}
	}
	return pr.Err()
}
