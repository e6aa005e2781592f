// Package talent holds the talent profiles of people who take part in
// cooperation and training programmes, and who may see which part of them.
package talent

import (
	"regexp"
	"strings"
	"time"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/organisation"
)

// Career stages, from doctoral candidate to established researcher.
var CareerStages = []string{"student", "doctoral", "early", "mid", "senior"}

// Fields a talent may choose to make public. Name, country, fields and
// keywords of a public profile are always public; contact details never
// are unless chosen.
var Optional = []string{"orcid", "affiliation", "languages", "career_stage", "mobility", "bio", "email"}

// Profile is a talent profile.
type Profile struct {
	ID          string   `json:"id"`
	UserID      string   `json:"-"`
	Name        string   `json:"name"`
	Country     string   `json:"country"`
	ORCID       string   `json:"orcid,omitempty"`
	Affiliation string   `json:"affiliation,omitempty"`
	OrgID       string   `json:"organisation_id,omitempty"`
	Fields      []string `json:"fields"`
	Keywords    []string `json:"keywords"`
	Languages   []string `json:"languages"`
	CareerStage string   `json:"career_stage,omitempty"`
	// Mobility lists the countries the talent would move to.
	Mobility []string `json:"mobility"`
	Bio      string   `json:"bio,omitempty"`
	Email    string   `json:"email,omitempty"`
	// Public makes the profile visible to everyone; Shown lists the optional
	// fields it shows.
	Public    bool      `json:"public"`
	Shown     []string  `json:"shown_fields"`
	Sample    bool      `json:"sample,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Filter selects profiles in a list.
type Filter struct {
	Query      string
	Country    string
	Field      string
	BRIPartner bool
	// IncludePrivate lists private profiles too (officers and admins).
	IncludePrivate bool
	Page, PerPage  int
}

var orcidPattern = regexp.MustCompile(`^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$`)

// NormaliseORCID accepts an ORCID iD with or without its https://orcid.org/ prefix.
func NormaliseORCID(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	for _, p := range []string{"HTTPS://ORCID.ORG/", "HTTP://ORCID.ORG/", "ORCID.ORG/"} {
		s = strings.TrimPrefix(s, p)
	}
	return s
}

// ValidORCID reports whether id is an ORCID iD with a correct ISO 7064
// mod 11-2 check character.
func ValidORCID(id string) bool {
	if !orcidPattern.MatchString(id) {
		return false
	}
	digits := strings.ReplaceAll(id, "-", "")
	total := 0
	for _, c := range digits[:15] {
		total = (total + int(c-'0')) * 2
	}
	check := (12 - total%11) % 11
	want := byte('0' + check)
	if check == 10 {
		want = 'X'
	}
	return digits[15] == want
}

// Normalise trims and canonicalises the fields people type.
func (p *Profile) Normalise() {
	p.Name = strings.TrimSpace(p.Name)
	p.Country = strings.ToUpper(strings.TrimSpace(p.Country))
	p.ORCID = NormaliseORCID(p.ORCID)
	p.Affiliation = strings.TrimSpace(p.Affiliation)
	p.Bio = strings.TrimSpace(p.Bio)
	p.Email = strings.TrimSpace(p.Email)
	p.Fields = organisation.CleanList(p.Fields, 20)
	p.Keywords = organisation.CleanList(p.Keywords, 30)
	p.Languages = organisation.CleanList(p.Languages, 12)
	p.Mobility = organisation.CleanList(p.Mobility, 50)
	for i := range p.Mobility {
		p.Mobility[i] = strings.ToUpper(p.Mobility[i])
	}
	p.Shown = organisation.CleanList(p.Shown, len(Optional))
}

// Validate checks the profile; the error names every field at fault.
func (p *Profile) Validate(ref organisation.Checker) error {
	var pr silkbridge.Problems
	if pr.Required("name", p.Name) {
		pr.MaxLen("name", p.Name, 200)
		pr.VisibleText("name", p.Name)
	}
	if p.Country == "" {
		pr.Required("country", p.Country)
	} else if !ref.CountryExists(p.Country) {
		pr.Add("country", "field.country", "not an ISO 3166-1 country code", map[string]any{"Value": p.Country})
	}
	if p.ORCID != "" && !ValidORCID(p.ORCID) {
		pr.Add("orcid", "field.orcid", "not a valid ORCID iD (16 digits such as 0000-0002-1825-0097, with a correct check digit)", map[string]any{"Value": p.ORCID})
	}
	pr.MaxLen("affiliation", p.Affiliation, 300)
	organisation.CheckFields(&pr, "fields", p.Fields, ref)
	if p.CareerStage != "" && !in(CareerStages, p.CareerStage) {
		pr.Add("career_stage", "field.career_stage", "choose one of the career stages listed", map[string]any{"Value": p.CareerStage})
	}
	for _, c := range p.Mobility {
		if !ref.CountryExists(c) {
			pr.Add("mobility", "field.country", "not an ISO 3166-1 country code", map[string]any{"Value": c})
			break
		}
	}
	for _, l := range p.Languages {
		if !pr.MaxLen("languages", l, 40) {
			break
		}
	}
	for _, k := range p.Keywords {
		if !pr.MaxLen("keywords", k, 60) {
			break
		}
	}
	pr.MaxLen("bio", p.Bio, 5000)
	if p.Email != "" && !organisation.ValidEmail(p.Email) {
		pr.Add("email", "field.email", "not an e-mail address", nil)
	}
	for _, s := range p.Shown {
		if !in(Optional, s) {
			pr.Add("shown_fields", "field.choice", "not one of the choices", map[string]any{"Value": s})
			break
		}
	}
	return pr.Err()
}

// Shows reports whether the optional field is public on this profile.
func (p *Profile) Shows(field string) bool { return in(p.Shown, field) }

// PublicView returns the profile as visitors may see it: optional fields
// that the talent did not choose to show are blanked.
func (p Profile) PublicView() Profile {
	if !p.Shows("orcid") {
		p.ORCID = ""
	}
	if !p.Shows("affiliation") {
		p.Affiliation, p.OrgID = "", ""
	}
	if !p.Shows("languages") {
		p.Languages = nil
	}
	if !p.Shows("career_stage") {
		p.CareerStage = ""
	}
	if !p.Shows("mobility") {
		p.Mobility = nil
	}
	if !p.Shows("bio") {
		p.Bio = ""
	}
	if !p.Shows("email") {
		p.Email = ""
	}
	return p
}

func in(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
