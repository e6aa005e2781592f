package store

import (
	"testing"

	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/opportunity"
)

// TestRedactAudit_ShowsAPersonOrAnAnonymousOwnerOnlyToThoseAllowed is the
// table of the one rule every view of the audit log applies.
func TestRedactAudit_ShowsAPersonOrAnAnonymousOwnerOnlyToThoseAllowed(t *testing.T) {
	const org, listing = "org-owner", "listing-1"
	manager := &account.User{ID: "u-manager", Role: account.Member, Orgs: []string{org}}
	sender := &account.User{ID: "u-sender", Role: account.Member}
	officer := &account.User{ID: "u-officer", Role: account.Officer}
	admin := &account.User{ID: "u-admin", Role: account.Admin}
	interest := func(status string, anonymous bool) AuditEntry {
		return AuditEntry{ActorID: sender.ID, Actor: "sender@example.org", Kind: "interest", OrgID: org, OrgName: "Owner",
			facts: auditFacts{ActorRole: account.Member, ListingID: listing, ListingOwner: org, ListingAnonymous: anonymous,
				InterestStatus: status, InterestFromUser: sender.ID}}
	}
	registration := AuditEntry{ActorID: sender.ID, Actor: "sender@example.org", Kind: "event_registration", OrgID: org,
		OrgName: "Host", facts: auditFacts{ActorRole: account.Member}}
	colleague := AuditEntry{ActorID: "u-colleague", Actor: "colleague@example.org", Kind: "event", OrgID: org, OrgName: "Host",
		facts: auditFacts{ActorRole: account.Member, ActorManagesOrg: true}}
	review := AuditEntry{ActorID: officer.ID, Actor: "officer@example.org", Kind: "opportunity", OrgID: org, OrgName: "Owner",
		facts: auditFacts{ActorRole: account.Officer, ListingID: listing, ListingOwner: org, ListingAnonymous: true}}
	goneListing := interest("", false)
	goneListing.facts.ListingOwner, goneListing.facts.ListingAnonymous = "", true

	cases := []struct {
		name               string
		reader             *account.User
		revealed           bool
		entry              AuditEntry
		wantActor, wantOrg bool
	}{
		{"owner, pending interest: sender hidden", manager, false, interest(opportunity.Pending, true), false, true},
		{"owner, declined interest: sender hidden", manager, false, interest(opportunity.Declined, false), false, true},
		{"owner, accepted interest: sender shown", manager, false, interest(opportunity.Accepted, true), true, true},
		{"sender, pending, anonymous: owner hidden", sender, false, interest(opportunity.Pending, true), true, false},
		{"sender, accepted, anonymous: owner shown", sender, true, interest(opportunity.Accepted, true), true, true},
		{"sender, listing not anonymous: owner shown", sender, false, interest(opportunity.Pending, false), true, true},
		{"sender, listing gone: owner hidden", sender, false, goneListing, true, false},
		{"officer sees everything", officer, false, interest(opportunity.Pending, true), true, true},
		{"admin sees everything", admin, false, interest(opportunity.Pending, true), true, true},
		{"visitor sees nobody", nil, false, interest(opportunity.Pending, true), false, false},
		{"host, event registration: participant hidden", manager, false, registration, false, true},
		{"manager, colleague's change: shown", manager, false, colleague, true, true},
		{"owner, officer's review: shown", manager, false, review, true, true},
		{"member, officer's review of an anonymous listing: owner hidden", sender, false, review, true, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := c.entry
			redactAudit(auditReader{user: c.reader, revealed: map[string]bool{listing: c.revealed}}, &e)
			if gotActor := e.Actor != "" && e.ActorID != ""; gotActor != c.wantActor || e.ActorHidden == c.wantActor {
				t.Errorf("actor shown %v (%q, %q, hidden %v), want %v", gotActor, e.Actor, e.ActorID, e.ActorHidden, c.wantActor)
			}
			if gotOrg := e.OrgID != "" && e.OrgName != ""; gotOrg != c.wantOrg || e.OrgHidden == c.wantOrg {
				t.Errorf("organisation shown %v (%q, %q, hidden %v), want %v", gotOrg, e.OrgID, e.OrgName, e.OrgHidden, c.wantOrg)
			}
		})
	}
}
