package cooperation

import (
	"strings"
	"time"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/consent"
)

// Kinds of agreement.
const (
	AgreementSTCooperation   = "s&t_cooperation"
	AgreementTalentTraining  = "talent_training"
	AgreementJointLab        = "joint_lab"
	AgreementParkCooperation = "park_cooperation"
)

// AgreementKinds lists every kind of agreement.
var AgreementKinds = []string{AgreementSTCooperation, AgreementTalentTraining, AgreementJointLab, AgreementParkCooperation}

// Kinds of party to an agreement.
const (
	PartyCountry      = "country"      // a government, named by its country
	PartyOrganisation = "organisation" // an organisation on the platform
)

// Party is one side of an agreement: a country (government level) or an
// organisation (institution level).
type Party struct {
	Kind    string `json:"kind"`
	Country string `json:"country,omitempty"`
	OrgID   string `json:"organisation_id,omitempty"`
	// Name is filled when read: the organisation's name.
	Name string `json:"name,omitempty"`
	// Consent is, for an organisation party, consent.Accepted or
	// consent.Invited (the store decides it); a country party needs none.
	Consent   string    `json:"consent,omitempty"`
	InvitedAt time.Time `json:"-"`
}

// Accepted reports whether the party counts as one: a country, or an
// organisation that agreed to be named.
func (p Party) Accepted() bool { return p.Kind == PartyCountry || p.Consent == consent.Accepted }

// AcceptedParties returns the parties that count: shown as parties, and
// whose managers may manage the agreement.
func (a *Agreement) AcceptedParties() []Party {
	var out []Party
	for _, p := range a.Parties {
		if p.Accepted() {
			out = append(out, p)
		}
	}
	return out
}

// InvitedParties returns the organisation parties whose managers have not
// answered yet.
func (a *Agreement) InvitedParties() []Party {
	var out []Party
	for _, p := range a.Parties {
		if !p.Accepted() {
			out = append(out, p)
		}
	}
	return out
}

// Agreement is a government or institution agreement that cooperations and
// programmes run under.
type Agreement struct {
	ID        string  `json:"id"`
	Title     string  `json:"title"`
	Kind      string  `json:"kind"`
	Parties   []Party `json:"parties"`
	SignedOn  string  `json:"signed_on"`
	ExpiresOn string  `json:"expires_on,omitempty"`
	Summary   string  `json:"summary,omitempty"`
	Text      string  `json:"text,omitempty"`
	// Countries are the parties' countries (an organisation counts for its
	// country), sorted; lists filter on them.
	Countries []string `json:"countries"`
	// CooperationIDs are the cooperations run under the agreement.
	CooperationIDs []string  `json:"cooperation_ids"`
	Sample         bool      `json:"sample,omitempty"`
	CreatedBy      string    `json:"-"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// AgreementFilter selects agreements in a list.
type AgreementFilter struct {
	Query string
	// Country, and Country2 with it, select agreements with parties from
	// those countries (a country pair).
	Country  string
	Country2 string
	Kind     string
	OrgID    string
	Page     int
	PerPage  int
}

// Normalise trims and canonicalises the fields people type.
func (a *Agreement) Normalise() {
	a.Title = strings.TrimSpace(a.Title)
	a.Kind = strings.TrimSpace(a.Kind)
	a.SignedOn = strings.TrimSpace(a.SignedOn)
	a.ExpiresOn = strings.TrimSpace(a.ExpiresOn)
	a.Summary = strings.TrimSpace(a.Summary)
	a.Text = strings.TrimSpace(a.Text)
	out := a.Parties[:0]
	for _, p := range a.Parties {
		p.Kind = strings.TrimSpace(p.Kind)
		p.Country = strings.ToUpper(strings.TrimSpace(p.Country))
		p.OrgID = strings.TrimSpace(p.OrgID)
		if p.Kind == "" {
			if p.OrgID != "" {
				p.Kind = PartyOrganisation
			} else {
				p.Kind = PartyCountry
			}
		}
		if p.Country == "" && p.OrgID == "" {
			continue
		}
		out = append(out, p)
	}
	a.Parties = out
}

// Validate checks the record; the error names every field at fault. That
// organisations exist is the store's to check.
func (a *Agreement) Validate(ref Checker) error {
	var p silkbridge.Problems
	if p.Required("title", a.Title) {
		p.MaxLen("title", a.Title, 300)
		p.VisibleText("title", a.Title)
	}
	if !contains(AgreementKinds, a.Kind) {
		p.Add("kind", "field.choice", "choose one of the values listed", map[string]any{"Value": a.Kind})
	}
	signed, okSigned := checkDate(&p, "signed_on", a.SignedOn, true)
	expires, okExpires := checkDate(&p, "expires_on", a.ExpiresOn, false)
	if okSigned && okExpires && !expires.IsZero() && expires.Before(signed) {
		p.Add("expires_on", "coop.field.expires_before_signed", "the expiry date is before the signing date", nil)
	}
	p.MaxLen("summary", a.Summary, 2000)
	p.MaxLen("text", a.Text, 100_000)
	seen := map[string]bool{}
	for _, party := range a.Parties {
		key := party.Kind + ":" + party.Country + party.OrgID
		switch {
		case party.Kind == PartyCountry && !ref.CountryExists(party.Country):
			p.Add("parties", "field.country", "not an ISO 3166-1 country code", map[string]any{"Value": party.Country})
		case party.Kind == PartyOrganisation && party.OrgID == "":
			p.Add("parties", "coop.field.partner_missing", "choose an organisation for every partner", nil)
		case party.Kind != PartyCountry && party.Kind != PartyOrganisation:
			p.Add("parties", "field.choice", "choose one of the values listed", map[string]any{"Value": party.Kind})
		case seen[key]:
			p.Add("parties", "coop.field.party_twice", "a party is listed twice", nil)
		}
		if p.Has("parties") {
			break
		}
		seen[key] = true
	}
	if !p.Has("parties") && len(a.Parties) < 2 {
		p.Add("parties", "coop.field.two_parties", "an agreement needs at least two parties", nil)
	}
	return p.Err()
}

// Active reports whether the agreement is in force on day.
func (a *Agreement) Active(day time.Time) bool {
	d := day.Format(DateLayout)
	return a.SignedOn <= d && (a.ExpiresOn == "" || d <= a.ExpiresOn)
}
