// Package opportunity holds the cooperation marketplace: the listings that
// organisations publish (technology offers and requests, research
// cooperation and partner search profiles), the officer review they pass
// before they are shown, the expressions of interest that answer them,
// and the searches members save to hear of new matches.
package opportunity

import (
	"strings"
	"time"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/organisation"
)

// Kinds of listing.
const (
	TechnologyOffer     = "technology_offer"
	TechnologyRequest   = "technology_request"
	ResearchCooperation = "research_cooperation"
	PartnerSearch       = "partner_search"
)

// Kinds lists every kind in display order.
var Kinds = []string{TechnologyOffer, TechnologyRequest, ResearchCooperation, PartnerSearch}

// Statuses of a listing. Expired is never stored: a published listing
// whose deadline has passed is expired (see EffectiveStatus), so no job has
// to run at midnight for the marketplace to be right.
const (
	Draft     = "draft"
	InReview  = "in_review"
	Published = "published"
	Closed    = "closed"
	Expired   = "expired"
)

// Statuses lists every status a listing can show, in the order of its life.
var Statuses = []string{Draft, InReview, Published, Expired, Closed}

// Partnership types a listing may seek.
var PartnershipTypes = []string{
	"licence", "joint_research", "joint_venture", "technical_cooperation", "training",
	"investment", "manufacturing", "commercial_agreement", "subcontracting", "researcher_exchange",
}

// MinTRL and MaxTRL bound the technology readiness level.
const (
	MinTRL = 1
	MaxTRL = 9
)

// DateLayout is how dates are written in forms, JSON and the database.
const DateLayout = "2006-01-02"

// Limits of the free-text fields.
const (
	MaxTitle       = 200
	MaxDescription = 10000
	MaxKeywords    = 30
	MaxFields      = 10
	MaxCountries   = 60
	MaxComment     = 2000
)

// Opportunity is one listing of the marketplace.
type Opportunity struct {
	ID         string `json:"id"`
	Kind       string `json:"kind"`
	OwnerOrgID string `json:"owner_organisation_id,omitempty"`
	// Owner describes the owner organisation as the reader may see it:
	// for an anonymous listing, without name or contact (see Conceal).
	Owner       Owner    `json:"owner"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Fields      []string `json:"fields"`
	Keywords    []string `json:"keywords"`
	// TRL is the technology readiness level (1-9) of technology offers and
	// requests; 0 when none is given or it does not apply.
	TRL              int      `json:"trl,omitempty"`
	PartnershipTypes []string `json:"partnership_types"`
	CountriesSought  []string `json:"countries_sought"`
	// Deadline is the last day the listing is open (YYYY-MM-DD), or "".
	Deadline string `json:"deadline,omitempty"`
	// Status is the stored status; the API and pages show EffectiveStatus.
	Status string `json:"status"`
	// Anonymous hides the owner's name and contact from readers until the
	// owner accepts one of their interests.
	Anonymous bool `json:"anonymous"`
	// ReviewComment is the officer's comment when the listing was returned.
	ReviewComment string     `json:"review_comment,omitempty"`
	Sample        bool       `json:"sample,omitempty"`
	CreatedBy     string     `json:"-"`
	SubmittedAt   *time.Time `json:"submitted_at,omitempty"`
	PublishedAt   *time.Time `json:"published_at,omitempty"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
}

// Owner is what a reader learns of the organisation behind a listing.
type Owner struct {
	OrgID      string `json:"organisation_id,omitempty"`
	Name       string `json:"name,omitempty"`
	Kind       string `json:"kind"`
	SizeClass  string `json:"size_class,omitempty"`
	Country    string `json:"country"`
	BRIPartner bool   `json:"bri_partner"`
	// ContactEmail is filled only for readers who may contact the owner.
	ContactEmail string `json:"contact_email,omitempty"`
	// Hidden says that the name and contact were withheld.
	Hidden bool `json:"hidden,omitempty"`
}

// Checker answers whether reference codes exist; the store provides it.
type Checker = organisation.Checker

// TRLApplies reports whether listings of kind carry a readiness level.
func TRLApplies(kind string) bool { return kind == TechnologyOffer || kind == TechnologyRequest }

// ValidKind reports whether kind is a kind of listing.
func ValidKind(kind string) bool { return contains(Kinds, kind) }

// EffectiveStatus is the status readers see on day today: a published
// listing past its deadline is expired.
func (o *Opportunity) EffectiveStatus(today time.Time) string {
	if o.Status == Published && o.PastDeadline(today) {
		return Expired
	}
	return o.Status
}

// PastDeadline reports whether the deadline was before today.
func (o *Opportunity) PastDeadline(today time.Time) bool {
	return o.Deadline != "" && o.Deadline < today.Format(DateLayout)
}

// IsOpen reports whether the listing takes expressions of interest on day today.
func (o *Opportunity) IsOpen(today time.Time) bool { return o.EffectiveStatus(today) == Published }

// IsPublic reports whether everyone may read the listing: once approved,
// it stays readable when it expires or closes.
func (o *Opportunity) IsPublic() bool { return o.Status == Published || o.Status == Closed }

// Conceal removes from the owner what readers of an anonymous listing may
// not learn: the organisation's id, name and contact. The country, kind and
// size stay.
func (o *Opportunity) Conceal() {
	o.OwnerOrgID = ""
	o.Owner.OrgID, o.Owner.Name, o.Owner.ContactEmail = "", "", ""
	o.Owner.Hidden = true
	o.CreatedBy = ""
}

// Normalise trims and canonicalises the fields people type.
func (o *Opportunity) Normalise() {
	o.Kind = strings.TrimSpace(o.Kind)
	o.OwnerOrgID = strings.TrimSpace(o.OwnerOrgID)
	o.Title = strings.TrimSpace(o.Title)
	o.Description = strings.TrimSpace(o.Description)
	o.Deadline = strings.TrimSpace(o.Deadline)
	o.Fields = organisation.CleanList(o.Fields, MaxFields+1)
	o.Keywords = organisation.CleanList(o.Keywords, MaxKeywords)
	o.PartnershipTypes = organisation.CleanList(o.PartnershipTypes, len(PartnershipTypes)+1)
	o.CountriesSought = organisation.CleanList(o.CountriesSought, MaxCountries+1)
	for i := range o.CountriesSought {
		o.CountriesSought[i] = strings.ToUpper(o.CountriesSought[i])
	}
}

// Validate checks a listing as its owner writes it; today bounds the
// deadline. The error names every field at fault.
func (o *Opportunity) Validate(ref Checker, today time.Time) error {
	var p silkbridge.Problems
	if !ValidKind(o.Kind) {
		p.Add("kind", "field.kind", "choose one of the kinds listed", map[string]any{"Value": o.Kind})
	}
	if o.OwnerOrgID == "" {
		p.Required("owner_organisation_id", o.OwnerOrgID)
	}
	if p.Required("title", o.Title) {
		p.MaxLen("title", o.Title, MaxTitle)
		p.VisibleText("title", o.Title)
	}
	if p.Required("description", o.Description) {
		p.MaxLen("description", o.Description, MaxDescription)
	}
	if len(o.Fields) > MaxFields {
		p.Add("fields", "market.field.too_many", "choose at most {{.Max}}", map[string]any{"Max": MaxFields})
	} else {
		organisation.CheckFields(&p, "fields", o.Fields, ref)
	}
	for _, k := range o.Keywords {
		if !p.MaxLen("keywords", k, 60) {
			break
		}
	}
	switch {
	case o.TRL == 0:
	case !TRLApplies(o.Kind) && ValidKind(o.Kind):
		p.Add("trl", "market.field.trl_not_applicable", "a readiness level applies to technology offers and requests only", nil)
	case o.TRL < MinTRL || o.TRL > MaxTRL:
		p.Add("trl", "market.field.trl", "a technology readiness level from 1 to 9", map[string]any{"Value": o.TRL})
	}
	if o.Kind == TechnologyOffer && o.TRL == 0 {
		p.Add("trl", "market.field.trl_required", "say how ready the technology is (TRL 1 to 9)", nil)
	}
	if len(o.PartnershipTypes) > len(PartnershipTypes) {
		p.Add("partnership_types", "field.choice", "not one of the choices", nil)
	}
	for _, t := range o.PartnershipTypes {
		if !contains(PartnershipTypes, t) {
			p.Add("partnership_types", "field.choice", "not one of the choices", map[string]any{"Value": t})
			break
		}
	}
	if len(o.CountriesSought) > MaxCountries {
		p.Add("countries_sought", "market.field.too_many", "choose at most {{.Max}}", map[string]any{"Max": MaxCountries})
	} else {
		for _, c := range o.CountriesSought {
			if !ref.CountryExists(c) {
				p.Add("countries_sought", "field.country", "not an ISO 3166-1 country code", map[string]any{"Value": c})
				break
			}
		}
	}
	if d, ok := CheckDate(&p, "deadline", o.Deadline); ok && !d.IsZero() && o.Deadline < today.Format(DateLayout) {
		p.Add("deadline", "market.field.deadline_past", "the deadline has already passed", map[string]any{"Value": o.Deadline})
	}
	return p.Err()
}

// CheckDate records a problem when value is neither empty nor a date
// written as YYYY-MM-DD. ok is true when the value is usable.
func CheckDate(p *silkbridge.Problems, field, value string) (time.Time, bool) {
	if value == "" {
		return time.Time{}, true
	}
	d, err := time.Parse(DateLayout, value)
	if err != nil || d.Year() < 1900 || d.Year() > 2200 {
		p.Add(field, "market.field.date", "a date written as YYYY-MM-DD", map[string]any{"Value": value})
		return time.Time{}, false
	}
	return d, true
}

// Review actions an officer or owner takes on a listing's status.
const (
	ActionSubmit  = "submit"  // owner: draft -> in review
	ActionApprove = "approve" // officer: in review -> published
	ActionReturn  = "return"  // officer: in review -> draft, with a comment
	ActionClose   = "close"   // owner: published -> closed
	ActionEdit    = "edit"    // owner: a published or closed listing goes back to draft
)

// Transition returns the stored status that action leads to from status,
// or a conflict error naming why the listing cannot take it.
func Transition(status, action string) (string, error) {
	switch {
	case action == ActionSubmit && status == Draft:
		return InReview, nil
	case action == ActionApprove && status == InReview:
		return Published, nil
	case action == ActionReturn && status == InReview:
		return Draft, nil
	case action == ActionClose && status == Published:
		return Closed, nil
	case action == ActionEdit && status != InReview:
		return Draft, nil
	}
	e := silkbridge.Conflict("market.error.transition", "a listing that is %s cannot take the action %q", status, action)
	e.Data = map[string]any{"Status": status, "Action": action}
	return "", e
}

// ValidateReturn checks the comment an officer gives when returning a listing.
func ValidateReturn(comment string) error {
	var p silkbridge.Problems
	if p.Required("comment", comment) {
		p.MaxLen("comment", comment, MaxComment)
	}
	return p.Err()
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
