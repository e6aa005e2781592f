// Package organisation holds the organisations that cooperate on the
// platform (universities, institutes, enterprises, agencies, parks) and the
// rules their records follow.
package organisation

import (
	"regexp"
	"strings"
	"time"

	"github.com/silkbridge/silkbridge"
)

// Kinds of organisation.
const (
	University        = "university"
	ResearchInstitute = "research_institute"
	Enterprise        = "enterprise"
	GovernmentAgency  = "government_agency"
	Park              = "park"
	CooperationBase   = "cooperation_base"
	Other             = "other"
)

// Kinds lists every kind in display order.
var Kinds = []string{University, ResearchInstitute, Enterprise, GovernmentAgency, Park, CooperationBase, Other}

// Size classes, used by the balance constraints of talent matching.
var SizeClasses = []string{"small", "medium", "large"}

// Organisation is one organisation.
type Organisation struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	ShortName   string   `json:"short_name,omitempty"`
	Kind        string   `json:"kind"`
	Country     string   `json:"country"`
	RORID       string   `json:"ror_id,omitempty"`
	SizeClass   string   `json:"size_class,omitempty"`
	ParkID      string   `json:"park_id,omitempty"`
	Fields      []string `json:"fields"`
	Keywords    []string `json:"keywords"`
	Website     string   `json:"website,omitempty"`
	Description string   `json:"description,omitempty"`
	// ContactEmail is shown only to the organisation's managers, officers,
	// and partners who were granted it (an accepted interest).
	ContactEmail string `json:"contact_email,omitempty"`
	// PIC is the EU Participant Identification Code of imported records.
	PIC          string `json:"pic,omitempty"`
	ActivityType string `json:"activity_type,omitempty"`
	Source       string `json:"source,omitempty"`
	Sample       bool   `json:"sample,omitempty"`
	// Unnamed is an imported participant whose legal name is not
	// published: its Name is a placeholder made from the PIC.
	Unnamed bool `json:"unnamed,omitempty"`
	// City and RORStatus come from the organisation's ROR record.
	City      string `json:"city,omitempty"`
	RORStatus string `json:"ror_status,omitempty"`
	// Verification is set only through a request and a decision, never by
	// the record's own create or update.
	Verification Verification `json:"verification"`
	CreatedAt    time.Time    `json:"created_at"`
	UpdatedAt    time.Time    `json:"updated_at"`
}

// Filter selects organisations in a list.
type Filter struct {
	Query      string
	Country    string
	Kind       string
	Field      string
	BRIPartner bool
	// Verification keeps the organisations in this state.
	Verification string
	// IncludeUnnamed keeps the participants the cooperation record knows
	// only by their PIC, which lists otherwise leave out.
	IncludeUnnamed bool
	// LinkableOnly leaves out organisations whose ROR record is inactive
	// or withdrawn: they are not offered for new links.
	LinkableOnly bool
	Page         int
	PerPage      int
}

// Checker answers whether reference codes exist; the store provides it.
type Checker interface {
	CountryExists(code string) bool
	FieldExists(code string) bool
}

var rorPattern = regexp.MustCompile(`^0[0-9a-hjkmnp-tv-z]{6}[0-9]{2}$`)

// NormaliseROR accepts a bare ROR id or its https://ror.org/ URL and returns the bare id.
func NormaliseROR(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	for _, p := range []string{"https://ror.org/", "http://ror.org/", "ror.org/"} {
		s = strings.TrimPrefix(s, p)
	}
	return s
}

// ValidROR reports whether id is a well-formed ROR identifier with a correct
// checksum (ISO 7064 mod 97-10 over the Crockford base-32 value).
func ValidROR(id string) bool {
	if !rorPattern.MatchString(id) {
		return false
	}
	const alphabet = "0123456789abcdefghjkmnpqrstvwxyz"
	var n int64
	for _, c := range id[:7] {
		n = n*32 + int64(strings.IndexRune(alphabet, c))
	}
	want := 98 - (n*100)%97
	got := int64(id[7]-'0')*10 + int64(id[8]-'0')
	return want == got
}

// Normalise trims and canonicalises the fields people type.
func (o *Organisation) Normalise() {
	o.Name = strings.TrimSpace(o.Name)
	o.ShortName = strings.TrimSpace(o.ShortName)
	o.Country = strings.ToUpper(strings.TrimSpace(o.Country))
	o.RORID = NormaliseROR(o.RORID)
	o.Website = strings.TrimSpace(o.Website)
	o.ContactEmail = strings.TrimSpace(o.ContactEmail)
	o.Description = strings.TrimSpace(o.Description)
	o.Fields = CleanList(o.Fields, 20)
	o.Keywords = CleanList(o.Keywords, 30)
}

// Validate checks the record; the error names every field at fault.
func (o *Organisation) Validate(ref Checker) error {
	var p silkbridge.Problems
	if p.Required("name", o.Name) {
		p.MaxLen("name", o.Name, 300)
		p.VisibleText("name", o.Name)
	}
	p.MaxLen("short_name", o.ShortName, 60)
	p.VisibleText("short_name", o.ShortName)
	if !contains(Kinds, o.Kind) {
		p.Add("kind", "field.kind", "choose one of the kinds listed", map[string]any{"Value": o.Kind})
	}
	if o.Country == "" {
		p.Required("country", o.Country)
	} else if !ref.CountryExists(o.Country) {
		p.Add("country", "field.country", "not an ISO 3166-1 country code", map[string]any{"Value": o.Country})
	}
	if o.RORID != "" && !ValidROR(o.RORID) {
		p.Add("ror_id", "field.ror", "not a valid ROR id (nine characters such as 05dxps055, with a correct checksum)", map[string]any{"Value": o.RORID})
	}
	if o.SizeClass != "" && !contains(SizeClasses, o.SizeClass) {
		p.Add("size_class", "field.size_class", "choose small, medium or large", map[string]any{"Value": o.SizeClass})
	}
	CheckFields(&p, "fields", o.Fields, ref)
	for _, k := range o.Keywords {
		if !p.MaxLen("keywords", k, 60) {
			break
		}
	}
	if o.Website != "" && !ValidURL(o.Website) {
		p.Add("website", "field.url", "a web address starting with https:// or http://", nil)
	}
	p.MaxLen("website", o.Website, 300)
	if o.ContactEmail != "" && !ValidEmail(o.ContactEmail) {
		p.Add("contact_email", "field.email", "not an e-mail address", nil)
	}
	p.MaxLen("description", o.Description, 5000)
	return p.Err()
}

// CheckFields records a problem for each unknown field code.
func CheckFields(p *silkbridge.Problems, name string, codes []string, ref Checker) {
	for _, c := range codes {
		if !ref.FieldExists(c) {
			p.Add(name, "field.field_code", "not a field of research and development code (such as 2.2)", map[string]any{"Value": c})
			return
		}
	}
}

// CleanList trims, drops empty and repeated entries, and keeps at most max.
func CleanList(in []string, max int) []string {
	out := make([]string, 0, len(in))
	seen := map[string]bool{}
	for _, s := range in {
		for _, part := range strings.Split(s, ",") {
			part = strings.TrimSpace(part)
			if part == "" || seen[strings.ToLower(part)] {
				continue
			}
			seen[strings.ToLower(part)] = true
			out = append(out, part)
		}
	}
	if len(out) > max {
		out = out[:max]
	}
	return out
}

var emailPattern = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)

// ValidEmail reports whether s looks like an e-mail address.
func ValidEmail(s string) bool { return len(s) <= 254 && emailPattern.MatchString(s) }

// ValidURL reports whether s is an absolute http(s) address.
func ValidURL(s string) bool {
	return (strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://")) && len(s) > len("https://") && !strings.ContainsAny(s, " \t\n<>\"")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
