package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/organisation"
)

// verificationColumns are read after an organisation's own columns.
const verificationColumns = `o.verification_state, o.verification_evidence_kind, o.verification_evidence_value,
	o.verification_note, COALESCE(o.verification_requested_by, ''), o.verification_requested_at,
	COALESCE(o.verification_decided_by, ''), o.verification_decided_at, o.verification_reason`

type verificationRow struct {
	v                      organisation.Verification
	requestedAt, decidedAt string
}

func (r *verificationRow) dest() []any {
	return []any{&r.v.State, &r.v.EvidenceKind, &r.v.EvidenceValue, &r.v.Note, &r.v.RequestedBy, &r.requestedAt,
		&r.v.DecidedBy, &r.decidedAt, &r.v.Reason}
}

func (r *verificationRow) verification() organisation.Verification {
	v := r.v
	v.RequestedAt, v.DecidedAt = tsOrNil(r.requestedAt), tsOrNil(r.decidedAt)
	return v
}

func tsOrNil(s string) *time.Time {
	if s == "" {
		return nil
	}
	t := parseTS(s)
	return &t
}

func timeText(t *time.Time) string {
	if t == nil {
		return ""
	}
	return ts(*t)
}

// writeVerification stores an organisation's verification as it now stands.
func writeVerification(ctx context.Context, q queryer, id string, v organisation.Verification) error {
	_, err := q.ExecContext(ctx, `UPDATE organisations SET verification_state = $2, verification_evidence_kind = $3,
		verification_evidence_value = $4, verification_note = $5, verification_requested_by = NULLIF($6, ''),
		verification_requested_at = $7, verification_decided_by = NULLIF($8, ''), verification_decided_at = $9,
		verification_reason = $10 WHERE id = $1`,
		id, v.State, v.EvidenceKind, v.EvidenceValue, v.Note, v.RequestedBy, timeText(v.RequestedAt), v.DecidedBy,
		timeText(v.DecidedAt), v.Reason)
	if err != nil {
		return fmt.Errorf("write verification: %w", err)
	}
	return nil
}

// resetVerificationOnIdentityChange withdraws a verification when an edit
// changes what it vouched for (name, kind, country): the organisation asks
// again, and officers see the new identity.
func (s *Store) resetVerificationOnIdentityChange(ctx context.Context, q queryer, before, after *organisation.Organisation) error {
	if before.Verification.State != organisation.Verified || !organisation.IdentityChanged(before, after) {
		return nil
	}
	after.Verification = organisation.Verification{State: organisation.Unverified}
	return writeVerification(ctx, q, after.ID, after.Verification)
}

// RequestVerification records a manager's request: the organisation turns
// pending with the evidence offered. email is the requester's account
// address, against which e-mail domain evidence is checked. A verified
// organisation has nothing to ask for.
func (s *Store) RequestVerification(ctx context.Context, actor Actor, orgID, email string, req organisation.VerificationRequest) (*organisation.Organisation, error) {
	req.Normalise()
	if err := req.Validate(email); err != nil {
		return nil, err
	}
	var after *organisation.Organisation
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := s.organisation(ctx, tx, orgID)
		if err != nil {
			return err
		}
		if before.IsVerified() {
			return silkbridge.Conflict("trust.error.already_verified", "the organisation is already verified")
		}
		at := now()
		o := *before
		o.Verification = organisation.Verification{State: organisation.Pending, EvidenceKind: req.EvidenceKind,
			EvidenceValue: req.EvidenceValue, Note: req.Note, RequestedBy: actor.UserID, RequestedAt: &at}
		if err := writeVerification(ctx, tx, o.ID, o.Verification); err != nil {
			return err
		}
		after = &o
		return s.audit(ctx, tx, actor, "request_verification", "organisation", o.ID, o.ID, before.Verification, o.Verification)
	})
	return after, err
}

// DecideVerification records an admin's or agency officer's verdict. A
// refusal of a verified organisation withdraws its verification. Verifying
// an organisation that offered no evidence needs the decider's own, in
// the reason.
func (s *Store) DecideVerification(ctx context.Context, actor Actor, orgID string, d organisation.Decision) (*organisation.Organisation, error) {
	if err := d.Validate(); err != nil {
		return nil, err
	}
	var after *organisation.Organisation
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := s.organisation(ctx, tx, orgID)
		if err != nil {
			return err
		}
		if d.Verdict == organisation.VerdictVerify && before.IsVerified() {
			return silkbridge.Conflict("trust.error.already_verified", "the organisation is already verified")
		}
		if d.Verdict == organisation.VerdictVerify && before.Verification.EvidenceKind == "" && d.Reason == "" {
			return silkbridge.Invalid("reason", "trust.error.no_evidence", "the organisation offered no evidence: say on what evidence you verify it", nil)
		}
		at := now()
		o := *before
		o.Verification.State = organisation.Refused
		if d.Verdict == organisation.VerdictVerify {
			o.Verification.State = organisation.Verified
		}
		o.Verification.DecidedBy, o.Verification.DecidedAt, o.Verification.Reason = actor.UserID, &at, d.Reason
		if err := writeVerification(ctx, tx, o.ID, o.Verification); err != nil {
			return err
		}
		after = &o
		return s.audit(ctx, tx, actor, d.Verdict+"_verification", "organisation", o.ID, o.ID, before.Verification, o.Verification)
	})
	return after, err
}

// VerifySampleIssuers verifies the demonstration's made-up agencies and
// parks with the evidence "sample", so the sample policies have official
// issuers; real (imported or registered) organisations are never touched.
// It returns how many it verified; a second call verifies none.
func (s *Store) VerifySampleIssuers(ctx context.Context, actor Actor) (int, error) {
	n := 0
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id FROM organisations WHERE sample AND kind IN ($1, $2) AND verification_state <> $3 ORDER BY id`,
			organisation.GovernmentAgency, organisation.Park, organisation.Verified)
		if err != nil {
			return fmt.Errorf("sample issuers: %w", err)
		}
		var ids []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, id := range ids {
			before, err := s.organisation(ctx, tx, id)
			if err != nil {
				return err
			}
			at := now()
			v := organisation.Verification{State: organisation.Verified, EvidenceKind: organisation.EvidenceSample,
				EvidenceValue: "sample", DecidedBy: actor.UserID, DecidedAt: &at, Reason: "sample"}
			if err := writeVerification(ctx, tx, id, v); err != nil {
				return err
			}
			if err := s.audit(ctx, tx, actor, "verify_verification", "organisation", id, id, before.Verification, v); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// VerifiedOrganisationIDs returns the ids of the verified organisations,
// for the badge on pages that name many organisations. Verification is
// decided by hand, so the set stays small.
//
// The set is kept in memory between calls and shared: callers only read it.
func (s *Store) VerifiedOrganisationIDs(ctx context.Context) (map[string]bool, error) {
	return s.memos.verified.Get(ctx, s, s.verifiedOrganisationIDs)
}

func (s *Store) verifiedOrganisationIDs(ctx context.Context) (map[string]bool, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id FROM organisations WHERE verification_state = $1`, organisation.Verified)
	if err != nil {
		return nil, fmt.Errorf("verified organisations: %w", err)
	}
	defer rows.Close()
	set := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		set[id] = true
	}
	return set, rows.Err()
}
