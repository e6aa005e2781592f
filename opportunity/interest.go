package opportunity

import (
	"strings"
	"time"

	"github.com/silkbridge/silkbridge"
)

// Statuses of an interest.
const (
	Pending  = "pending"
	Accepted = "accepted"
	Declined = "declined"
)

// InterestStatuses lists every status of an interest.
var InterestStatuses = []string{Pending, Accepted, Declined}

// MaxMessagePart bounds each part of an interest's message.
const MaxMessagePart = 2000

// Interest is an expression of interest in a listing: a short structured
// message from a member, who may speak for one of the organisations they
// manage. The owner's managers accept or decline it; an accepted interest
// reveals both sides' contacts to each other and can become a cooperation.
type Interest struct {
	ID            string `json:"id"`
	OpportunityID string `json:"opportunity_id"`
	// OpportunityTitle is filled when read, for lists.
	OpportunityTitle string `json:"opportunity_title,omitempty"`
	FromUserID       string `json:"-"`
	FromOrgID        string `json:"from_organisation_id,omitempty"`
	// From describes the sender; its contact is filled only for readers
	// who may contact them (see Contact).
	From          Party  `json:"from"`
	WhoWeAre      string `json:"who_we_are"`
	WhatWePropose string `json:"what_we_propose"`
	WhatWeNeed    string `json:"what_we_need,omitempty"`
	Status        string `json:"status"`
	// DecidedBy is the owner's manager who accepted or declined it.
	DecidedBy string     `json:"-"`
	DecidedAt *time.Time `json:"decided_at,omitempty"`
	// CooperationID names the cooperation the interest became.
	CooperationID string    `json:"cooperation_id,omitempty"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// Party is one side of an interest: a person, and the organisation they
// act for when there is one.
type Party struct {
	PersonName string `json:"person_name,omitempty"`
	// Email is the person's address, shown once the interest is accepted.
	Email      string `json:"email,omitempty"`
	OrgID      string `json:"organisation_id,omitempty"`
	OrgName    string `json:"organisation_name,omitempty"`
	OrgKind    string `json:"organisation_kind,omitempty"`
	OrgCountry string `json:"organisation_country,omitempty"`
	OrgEmail   string `json:"organisation_email,omitempty"`
	OrgWebsite string `json:"organisation_website,omitempty"`
}

// HideContact removes the e-mail addresses of a party.
func (p *Party) HideContact() { p.Email, p.OrgEmail = "", "" }

// Contact is what an accepted interest reveals of the listing's owner to
// the sender: the organisation and the manager who accepted.
type Contact struct {
	OrgID      string `json:"organisation_id"`
	OrgName    string `json:"organisation_name"`
	OrgEmail   string `json:"organisation_email,omitempty"`
	OrgWebsite string `json:"organisation_website,omitempty"`
	PersonName string `json:"person_name,omitempty"`
	Email      string `json:"email,omitempty"`
}

// Normalise trims the message.
func (i *Interest) Normalise() {
	i.OpportunityID = strings.TrimSpace(i.OpportunityID)
	i.FromOrgID = strings.TrimSpace(i.FromOrgID)
	i.WhoWeAre = strings.TrimSpace(i.WhoWeAre)
	i.WhatWePropose = strings.TrimSpace(i.WhatWePropose)
	i.WhatWeNeed = strings.TrimSpace(i.WhatWeNeed)
}

// Validate checks the message: who we are and what we propose are
// required, what we need is optional.
func (i *Interest) Validate() error {
	var p silkbridge.Problems
	if p.Required("who_we_are", i.WhoWeAre) {
		p.MaxLen("who_we_are", i.WhoWeAre, MaxMessagePart)
	}
	if p.Required("what_we_propose", i.WhatWePropose) {
		p.MaxLen("what_we_propose", i.WhatWePropose, MaxMessagePart)
	}
	p.MaxLen("what_we_need", i.WhatWeNeed, MaxMessagePart)
	if i.FromOrgID != "" && !silkbridge.ValidID(i.FromOrgID) {
		p.Add("from_organisation_id", "field.organisation", "not an organisation on the platform", nil)
	}
	return p.Err()
}

// Decisions the owner takes on an interest.
const (
	DecisionAccept  = "accept"
	DecisionDecline = "decline"
)

// Decide returns the status a decision leads to from a pending interest.
func Decide(status, decision string) (string, error) {
	if decision != DecisionAccept && decision != DecisionDecline {
		return "", silkbridge.Invalid("decision", "field.choice", "not one of the choices", map[string]any{"Value": decision})
	}
	if status != Pending {
		e := silkbridge.Conflict("market.error.decided", "this interest was already %s", status)
		e.Data = map[string]any{"Status": status}
		return "", e
	}
	if decision == DecisionAccept {
		return Accepted, nil
	}
	return Declined, nil
}
