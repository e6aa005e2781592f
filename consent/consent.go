// Package consent holds the word of an organisation that someone else
// names on a record: an event's co-host, an agreement's party. Naming an
// organisation must not let its name be used, nor give its managers rights
// over the record, before they agree: a named organisation is invited, and
// its managers accept (it then counts as host or party) or decline (it is
// taken off the record, and naming it again invites it again).
package consent

import (
	"time"

	"github.com/silkbridge/silkbridge"
)

// States of a named organisation.
const (
	Accepted = "accepted" // it agreed, or whoever named it speaks for it
	Invited  = "invited"  // its managers have not answered yet
)

// Kinds of record on which an organisation is named.
const (
	EventHost      = "event_host"
	AgreementParty = "agreement_party"
)

// Invitation is one pending request for an organisation's consent.
type Invitation struct {
	Kind string `json:"kind"`
	// RecordID and Title name the event or agreement.
	RecordID string `json:"record_id"`
	Title    string `json:"title"`
	// OrgID and OrgName name the invited organisation.
	OrgID     string    `json:"organisation_id"`
	OrgName   string    `json:"organisation_name"`
	InvitedAt time.Time `json:"invited_at"`
}

// Decide returns the state of an organisation named on a record: accepted
// when whoever names it speaks for it (manages it, or is the platform
// itself loading data from the command line), else what it was when the
// record named it already, else invited.
func Decide(previous string, speaksForIt bool) string {
	switch {
	case speaksForIt:
		return Accepted
	case previous != "":
		return previous
	}
	return Invited
}

// Answer checks that an invitation in state current can take the answer:
// a pending invitation takes either; an accepted one can be neither
// accepted again nor declined (the organisers take an organisation off the
// record; its consent, once given, is not withdrawn behind their back).
func Answer(current string, accept bool) error {
	switch {
	case current == Invited:
		return nil
	case accept:
		return silkbridge.Conflict("consent.error.already_accepted", "the organisation has already accepted")
	default:
		return silkbridge.Conflict("consent.error.decline_accepted", "the organisation has already accepted; ask the organisers to take it off the record")
	}
}
