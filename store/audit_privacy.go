package store

import (
	"context"

	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/opportunity"
)

// What the platform hides elsewhere stays hidden in the audit log, in
// every view of it (the audit page, the API, a member's download): one
// rule, redactAudit, decides per reader from what the entry concerns and
// how things stand now, not when the entry was written.

// auditFacts is what the rule needs to know about an entry, read with it.
type auditFacts struct {
	// ActorRole is the acting user's role now ("" when the account is gone).
	ActorRole string
	// ActorManagesOrg says the actor manages the organisation the entry belongs to.
	ActorManagesOrg bool
	// ListingID is the marketplace listing the entry concerns, or "".
	ListingID string
	// ListingOwner is the organisation that owns the listing now.
	ListingOwner string
	// ListingAnonymous says the listing hides its owner; a listing that
	// is gone counts as anonymous, since nobody can tell any more.
	ListingAnonymous bool
	// Interest* describe the interest an entry of kind "interest" is about.
	InterestStatus, InterestFromUser, InterestFromOrg string
}

func (f *auditFacts) dest() []any {
	return []any{&f.ActorRole, &f.ActorManagesOrg, &f.ListingID, &f.ListingOwner, &f.ListingAnonymous,
		&f.InterestStatus, &f.InterestFromUser, &f.InterestFromOrg}
}

// auditFactColumns and auditFactJoins read auditFacts beside an entry of
// audit_log a (joined with its actor u).
const auditFactColumns = `COALESCE(u.role, ''),
	CASE WHEN EXISTS (SELECT 1 FROM org_managers m WHERE m.org_id = a.org_id AND m.user_id = a.actor_id) THEN TRUE ELSE FALSE END,
	a.listing_id, COALESCE(x.owner_org_id, ''),
	CASE WHEN x.id IS NOT NULL THEN x.anonymous WHEN a.listing_id <> '' OR a.kind IN ('interest', 'opportunity') THEN TRUE ELSE FALSE END,
	COALESCE(i.status, ''), COALESCE(i.from_user_id, ''), COALESCE(i.from_org_id, '')`

const auditFactJoins = ` LEFT JOIN opportunities x ON x.id = a.listing_id
	LEFT JOIN interests i ON a.kind = 'interest' AND i.id = a.ref`

// auditReader is who reads the log: the user (nil for a visitor) and the
// listings whose anonymous owner they learnt through an accepted interest.
type auditReader struct {
	user     *account.User
	revealed map[string]bool
}

// redactAudit withholds from the reader what they may not learn from the
// entry: who acted, and the organisation it belongs to.
func redactAudit(rd auditReader, e *AuditEntry) {
	if !rd.seesActor(e) {
		e.ActorID, e.Actor, e.ActorHidden = "", "", true
	}
	if !rd.seesOrg(e) {
		e.OrgID, e.OrgName, e.OrgHidden = "", "", true
	}
}

// seesActor: the person who acted is shown to officers and admins, to
// that person, and when they acted in office: as an officer or admin, or
// as a manager of the organisation the entry belongs to (a colleague of
// the reader). Anyone else is a member whose contact the reader may not
// have: who sent an interest not (yet) accepted, registered for an event,
// asked for a meeting, marked a lesson helpful. Once the listing's owner
// accepts an interest, its sender's contact is theirs to see.
func (rd auditReader) seesActor(e *AuditEntry) bool {
	u := rd.user
	switch {
	case e.ActorID == "":
		return true
	case u.IsOfficer():
		return true
	case u != nil && u.ID == e.ActorID:
		return true
	case e.facts.ActorRole == account.Officer || e.facts.ActorRole == account.Admin:
		return true
	case e.facts.ActorManagesOrg:
		return true
	case e.Kind == "interest" && e.facts.InterestStatus == opportunity.Accepted:
		return true
	}
	return false
}

// seesOrg: the organisation of an entry about an anonymous listing (the
// listing's or an interest's in it) is its owner, which only the owner's
// managers, officers and admins, the senders of an accepted interest in it,
// and whoever wrote the listing itself may learn.
func (rd auditReader) seesOrg(e *AuditEntry) bool {
	u := rd.user
	switch {
	case !e.facts.ListingAnonymous:
		return true
	case u.IsOfficer():
		return true
	case e.OrgID != "" && u.Manages(e.OrgID), e.facts.ListingOwner != "" && u.Manages(e.facts.ListingOwner):
		return true
	case e.facts.ListingID != "" && rd.revealed[e.facts.ListingID]:
		return true
	case e.Kind == "opportunity" && u != nil && u.ID == e.ActorID:
		return true
	}
	return false
}

// redactAuditFor redacts entries for the viewer (nil: a visitor).
func (s *Store) redactAuditFor(ctx context.Context, viewer *account.User, entries []AuditEntry) ([]AuditEntry, error) {
	rd := auditReader{user: viewer, revealed: map[string]bool{}}
	if viewer != nil {
		for _, e := range entries {
			if e.facts.ListingAnonymous {
				var err error
				if rd.revealed, err = s.RevealedOpportunities(ctx, viewer.ID, viewer.Orgs); err != nil {
					return nil, err
				}
				break
			}
		}
	}
	for i := range entries {
		redactAudit(rd, &entries[i])
	}
	return entries, nil
}
