package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/consent"
	"github.com/silkbridge/silkbridge/cooperation"
	"github.com/silkbridge/silkbridge/event"
)

// The consent of organisations named on others' records: event co-hosts
// and agreement parties. The state lives on the host and party rows
// (consent, invited_at); a decline deletes the row.

// speaksFor reports whether naming the organisation is its consent: the
// actor manages it, or the actor is the platform itself (no user: the
// command line loading demo or imported data, which an operator runs).
// Admins and agency officers do not speak for organisations they do not
// manage.
func (s *Store) speaksFor(ctx context.Context, q queryer, actor Actor, orgID string) (bool, error) {
	if actor.UserID == "" {
		return true, nil
	}
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM org_managers WHERE org_id = $1 AND user_id = $2`, orgID, actor.UserID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("consent: %w", err)
	}
	return n > 0, nil
}

// decideHosts sets the consent of every host of e: a host the event named
// before keeps its state, unless the actor speaks for it; a new one is
// accepted when the actor speaks for it, else invited now.
func (s *Store) decideHosts(ctx context.Context, q queryer, actor Actor, e *event.Event, before *event.Event) error {
	was := map[string]event.Host{}
	if before != nil {
		for _, h := range before.Hosts {
			was[h.OrgID] = h
		}
	}
	for i := range e.Hosts {
		h := &e.Hosts[i]
		speaks, err := s.speaksFor(ctx, q, actor, h.OrgID)
		if err != nil {
			return err
		}
		prev := was[h.OrgID]
		h.Consent, h.InvitedAt = consent.Decide(prev.Consent, speaks), prev.InvitedAt
		if h.Consent == consent.Invited && h.InvitedAt.IsZero() {
			h.InvitedAt = now()
		}
	}
	return nil
}

// decideParties does for the organisation parties of an agreement what
// decideHosts does for hosts; country parties need no consent.
func (s *Store) decideParties(ctx context.Context, q queryer, actor Actor, a *cooperation.Agreement, before *cooperation.Agreement) error {
	was := map[string]cooperation.Party{}
	if before != nil {
		for _, p := range before.Parties {
			if p.Kind == cooperation.PartyOrganisation {
				was[p.OrgID] = p
			}
		}
	}
	for i := range a.Parties {
		p := &a.Parties[i]
		if p.Kind != cooperation.PartyOrganisation {
			p.Consent, p.InvitedAt = consent.Accepted, time.Time{}
			continue
		}
		speaks, err := s.speaksFor(ctx, q, actor, p.OrgID)
		if err != nil {
			return err
		}
		prev := was[p.OrgID]
		p.Consent, p.InvitedAt = consent.Decide(prev.Consent, speaks), prev.InvitedAt
		if p.Consent == consent.Invited && p.InvitedAt.IsZero() {
			p.InvitedAt = now()
		}
	}
	return nil
}

// noInvitation is the answer to a consent given for an organisation the
// record does not name.
func noInvitation() error {
	return silkbridge.Errorf(silkbridge.ENOTFOUND, "consent.error.no_invitation", "the organisation is not named on this record")
}

// consentChange is what the audit log records of an answer.
type consentChange struct {
	OrgID   string `json:"organisation_id"`
	Consent string `json:"consent"`
}

// AnswerHostInvitation records the answer of the invited host orgID to the
// event: accepted, it hosts the event; declined, it is taken off. The
// caller checks that the actor manages the organisation. An accepted host
// can answer neither again.
func (s *Store) AnswerHostInvitation(ctx context.Context, actor Actor, eventID, orgID string, accept bool) (*event.Event, error) {
	var after *event.Event
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.lockEvent(ctx, tx, eventID); err != nil {
			return err
		}
		e, err := s.event(ctx, tx, eventID)
		if err != nil {
			return err
		}
		var host *event.Host
		for i := range e.Hosts {
			if e.Hosts[i].OrgID == orgID {
				host = &e.Hosts[i]
			}
		}
		if host == nil {
			return noInvitation()
		}
		if err := consent.Answer(host.Consent, accept); err != nil {
			return err
		}
		action, change := "decline_host", consentChange{OrgID: orgID, Consent: "declined"}
		if accept {
			action, change.Consent = "accept_host", consent.Accepted
			_, err = tx.ExecContext(ctx, `UPDATE event_hosts SET consent = $3 WHERE event_id = $1 AND org_id = $2`, eventID, orgID, consent.Accepted)
		} else {
			_, err = tx.ExecContext(ctx, `DELETE FROM event_hosts WHERE event_id = $1 AND org_id = $2`, eventID, orgID)
		}
		if err != nil {
			return fmt.Errorf("answer host invitation: %w", err)
		}
		if after, err = s.event(ctx, tx, eventID); err != nil {
			return err
		}
		if err := s.indexEvent(ctx, tx, after); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, action, "event", eventID, orgID, consentChange{OrgID: orgID, Consent: host.Consent}, change)
	})
	return after, err
}

// AnswerPartyInvitation records the answer of the invited organisation
// party orgID to the agreement, as AnswerHostInvitation does for events.
func (s *Store) AnswerPartyInvitation(ctx context.Context, actor Actor, agreementID, orgID string, accept bool) (*cooperation.Agreement, error) {
	var after *cooperation.Agreement
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		a, err := s.agreement(ctx, tx, agreementID)
		if err != nil {
			return err
		}
		var party *cooperation.Party
		for i := range a.Parties {
			if a.Parties[i].Kind == cooperation.PartyOrganisation && a.Parties[i].OrgID == orgID {
				party = &a.Parties[i]
			}
		}
		if party == nil {
			return noInvitation()
		}
		if err := consent.Answer(party.Consent, accept); err != nil {
			return err
		}
		action, change := "decline_party", consentChange{OrgID: orgID, Consent: "declined"}
		if accept {
			action, change.Consent = "accept_party", consent.Accepted
			_, err = tx.ExecContext(ctx, `UPDATE agreement_parties SET consent = $3 WHERE agreement_id = $1 AND org_id = $2`, agreementID, orgID, consent.Accepted)
		} else {
			_, err = tx.ExecContext(ctx, `DELETE FROM agreement_parties WHERE agreement_id = $1 AND org_id = $2`, agreementID, orgID)
		}
		if err != nil {
			return fmt.Errorf("answer party invitation: %w", err)
		}
		if after, err = s.agreement(ctx, tx, agreementID); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, action, "agreement", agreementID, orgID, consentChange{OrgID: orgID, Consent: party.Consent}, change)
	})
	return after, err
}

// dropInvitations takes an organisation that is being deleted off the
// records that only invited it, so that being named by others cannot keep
// it from being deleted. Records it accepted still hold it.
func dropInvitations(ctx context.Context, q queryer, orgID string) error {
	for _, table := range []string{"event_hosts", "agreement_parties"} {
		if _, err := q.ExecContext(ctx, `DELETE FROM `+table+` WHERE org_id = $1 AND consent = $2`, orgID, consent.Invited); err != nil {
			return fmt.Errorf("drop invitations: %w", err)
		}
	}
	return nil
}

// PendingInvitations lists the invitations that the organisations orgIDs
// have not answered, the newest first.
func (s *Store) PendingInvitations(ctx context.Context, orgIDs []string) ([]consent.Invitation, error) {
	out := []consent.Invitation{}
	if len(orgIDs) == 0 {
		return out, nil
	}
	var args []any
	args = append(args, consent.Invited)
	events := placeholders(&args, orgIDs)
	agreements := placeholders(&args, orgIDs)
	rows, err := s.db.QueryContext(ctx, `SELECT '`+consent.EventHost+`', e.id, e.title, h.org_id, o.name, h.invited_at
		FROM event_hosts h JOIN events e ON e.id = h.event_id JOIN organisations o ON o.id = h.org_id
		WHERE h.consent = $1 AND h.org_id IN (`+events+`)
		UNION ALL
		SELECT '`+consent.AgreementParty+`', a.id, a.title, p.org_id, o.name, p.invited_at
		FROM agreement_parties p JOIN agreements a ON a.id = p.agreement_id JOIN organisations o ON o.id = p.org_id
		WHERE p.consent = $1 AND p.org_id IN (`+agreements+`)
		ORDER BY 6 DESC, 2, 4 LIMIT 500`, args...)
	if err != nil {
		return nil, fmt.Errorf("pending invitations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var inv consent.Invitation
		var at string
		if err := rows.Scan(&inv.Kind, &inv.RecordID, &inv.Title, &inv.OrgID, &inv.OrgName, &at); err != nil {
			return nil, err
		}
		inv.InvitedAt = parseTS(at)
		out = append(out, inv)
	}
	return out, rows.Err()
}
