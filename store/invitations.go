package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/account"
)

// Organisation managers are added by invitation: a manager of the
// organisation (or an admin) invites an e-mail address; the invitee opens
// the link sent to that address, which carries a secret, and accepts while
// signed in with that address. Both are needed: the secret proves that the
// link reached the address (addresses are not verified at sign-up), the
// account says who becomes a manager.

const invitationColumns = `i.id, i.org_id, o.name, i.email, COALESCE(i.invited_by, ''), COALESCE(u.name, ''),
	i.created_at, i.expires_at, i.accepted_at, i.revoked_at`

const invitationFrom = ` FROM org_invitations i JOIN organisations o ON o.id = i.org_id LEFT JOIN users u ON u.id = i.invited_by`

func scanInvitation(row interface{ Scan(...any) error }) (*account.Invitation, error) {
	var i account.Invitation
	var created, expires, accepted, revoked string
	if err := row.Scan(&i.ID, &i.OrgID, &i.OrgName, &i.Email, &i.InvitedBy, &i.InviterName, &created, &expires, &accepted, &revoked); err != nil {
		return nil, err
	}
	i.CreatedAt, i.ExpiresAt, i.AcceptedAt, i.RevokedAt = parseTS(created), parseTS(expires), parseTS(accepted), parseTS(revoked)
	return &i, nil
}

func (s *Store) invitations(ctx context.Context, q queryer, where string, args ...any) ([]*account.Invitation, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+invitationColumns+invitationFrom+` WHERE `+where+` ORDER BY i.created_at DESC, i.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list invitations: %w", err)
	}
	return collect(rows, scanInvitation)
}

// Invitation returns one invitation.
func (s *Store) Invitation(ctx context.Context, id string) (*account.Invitation, error) {
	return s.invitation(ctx, s.db, id)
}

func (s *Store) invitation(ctx context.Context, q queryer, id string) (*account.Invitation, error) {
	i, err := scanInvitation(q.QueryRowContext(ctx, `SELECT `+invitationColumns+invitationFrom+` WHERE i.id = $1`, id))
	return i, notFound(err, "invitation")
}

// OpenInvitations lists the invitations of an organisation that can still
// be accepted.
func (s *Store) OpenInvitations(ctx context.Context, orgID string) ([]*account.Invitation, error) {
	return s.invitations(ctx, s.db, `i.org_id = $1 AND i.accepted_at = '' AND i.revoked_at = '' AND i.expires_at > $2`, orgID, ts(now()))
}

// InvitationsFor lists the open invitations addressed to an e-mail.
func (s *Store) InvitationsFor(ctx context.Context, email string) ([]*account.Invitation, error) {
	return s.invitations(ctx, s.db, `i.email = $1 AND i.accepted_at = '' AND i.revoked_at = '' AND i.expires_at > $2`,
		account.NormaliseEmail(email), ts(now()))
}

// InviteManager invites the holder of an e-mail to manage the
// organisation, and returns the secret of the invitation's link, which is
// stored only as a hash.
func (s *Store) InviteManager(ctx context.Context, actor Actor, orgID string, f account.Invite) (*account.Invitation, string, error) {
	if err := f.Validate(); err != nil {
		return nil, "", err
	}
	secret, hash := account.NewToken()
	var id string
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.organisation(ctx, tx, orgID); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM org_managers m JOIN users u ON u.id = m.user_id
			WHERE m.org_id = $1 AND u.email = $2`, orgID, f.Email).Scan(&n); err != nil {
			return fmt.Errorf("invite manager: %w", err)
		}
		if n > 0 {
			return silkbridge.Invalid("email", "account.invite.already_manager", "this person already manages the organisation", nil)
		}
		t := now()
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM org_invitations WHERE org_id = $1 AND email = $2
			AND accepted_at = '' AND revoked_at = '' AND expires_at > $3`, orgID, f.Email, ts(t)).Scan(&n); err != nil {
			return fmt.Errorf("invite manager: %w", err)
		}
		if n > 0 {
			return silkbridge.Invalid("email", "account.invite.pending", "this address is invited already", nil)
		}
		id = silkbridge.NewID()
		if _, err := tx.ExecContext(ctx, `INSERT INTO org_invitations (id, org_id, email, invited_by, created_at, expires_at, token_hash)
			VALUES ($1, $2, $3, NULLIF($4, ''), $5, $6, $7)`, id, orgID, f.Email, actor.UserID, ts(t), ts(t.Add(account.InvitationTimeout)), hash); err != nil {
			return fmt.Errorf("invite manager: %w", err)
		}
		return s.audit(ctx, tx, actor, "invite_manager", "org_invitation", id, orgID, nil, map[string]string{"email": f.Email})
	})
	if err != nil {
		return nil, "", err
	}
	inv, err := s.Invitation(ctx, id)
	return inv, secret, err
}

// InvitationByToken returns the invitation whose link carries secret.
func (s *Store) InvitationByToken(ctx context.Context, secret string) (*account.Invitation, error) {
	return s.invitationByToken(ctx, s.db, secret)
}

func (s *Store) invitationByToken(ctx context.Context, q queryer, secret string) (*account.Invitation, error) {
	if secret == "" {
		return nil, silkbridge.NotFound("invitation")
	}
	i, err := scanInvitation(q.QueryRowContext(ctx, `SELECT `+invitationColumns+invitationFrom+` WHERE i.token_hash = $1`, account.HashToken(secret)))
	return i, notFound(err, "invitation")
}

// AcceptInvitation makes u a manager of the organisation of the
// invitation whose link carries secret, when it is open and addressed to
// u's e-mail.
func (s *Store) AcceptInvitation(ctx context.Context, secret string, u *account.User) (*account.Invitation, error) {
	var inv *account.Invitation
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if inv, err = s.invitationByToken(ctx, tx, secret); err != nil {
			return err
		}
		id := inv.ID
		if inv.Email != account.NormaliseEmail(u.Email) {
			return silkbridge.Errorf(silkbridge.EFORBIDDEN, "account.invite.other_email", "this invitation is addressed to another e-mail address")
		}
		t := now()
		if !inv.Open(t) {
			return silkbridge.Conflict("account.invite.closed", "this invitation was accepted, withdrawn or has expired")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE org_invitations SET accepted_at = $2, accepted_by = $3 WHERE id = $1`, id, ts(t), u.ID); err != nil {
			return fmt.Errorf("accept invitation: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO org_managers (org_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, inv.OrgID, u.ID); err != nil {
			return fmt.Errorf("accept invitation: %w", err)
		}
		inv.AcceptedAt = t
		return s.audit(ctx, tx, Actor{UserID: u.ID}, "add_manager", "organisation", inv.OrgID, inv.OrgID, nil,
			map[string]string{"user_id": u.ID, "email": u.Email, "invitation": id})
	})
	return inv, err
}

// DeclineInvitation closes the invitation whose link carries secret, when
// it is addressed to u's e-mail.
func (s *Store) DeclineInvitation(ctx context.Context, secret string, u *account.User) error {
	inv, err := s.InvitationByToken(ctx, secret)
	if err != nil {
		return err
	}
	return s.closeInvitation(ctx, Actor{UserID: u.ID}, inv.ID, func(inv *account.Invitation) error {
		if inv.Email != account.NormaliseEmail(u.Email) {
			return silkbridge.Errorf(silkbridge.EFORBIDDEN, "account.invite.other_email", "this invitation is addressed to another e-mail address")
		}
		return nil
	}, "decline_invitation")
}

// RevokeInvitation withdraws an open invitation of the organisation.
func (s *Store) RevokeInvitation(ctx context.Context, actor Actor, orgID, id string) error {
	return s.closeInvitation(ctx, actor, id, func(inv *account.Invitation) error {
		if inv.OrgID != orgID {
			return silkbridge.NotFound("invitation")
		}
		return nil
	}, "revoke_invitation")
}

func (s *Store) closeInvitation(ctx context.Context, actor Actor, id string, check func(*account.Invitation) error, action string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		inv, err := s.invitation(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := check(inv); err != nil {
			return err
		}
		t := now()
		if !inv.Open(t) {
			return silkbridge.Conflict("account.invite.closed", "this invitation was accepted, withdrawn or has expired")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE org_invitations SET revoked_at = $2 WHERE id = $1`, id, ts(t)); err != nil {
			return fmt.Errorf("%s: %w", action, err)
		}
		return s.audit(ctx, tx, actor, action, "org_invitation", id, inv.OrgID,
			map[string]string{"email": inv.Email, "state": "open"}, map[string]string{"email": inv.Email, "state": "closed"})
	})
}

// Managers lists the managers of an organisation by name.
func (s *Store) Managers(ctx context.Context, orgID string) ([]account.Manager, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT u.id, u.name, u.email FROM org_managers m JOIN users u ON u.id = m.user_id
		WHERE m.org_id = $1 ORDER BY u.name, u.id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("list managers: %w", err)
	}
	var out []account.Manager
	err = each(rows, func(r rowScanner) error {
		var m account.Manager
		if err := r.Scan(&m.UserID, &m.Name, &m.Email); err != nil {
			return err
		}
		out = append(out, m)
		return nil
	})
	return out, err
}

// RemoveManager ends a user's management of an organisation. The last
// manager stays: an organisation without one could only be changed by
// admins.
func (s *Store) RemoveManager(ctx context.Context, actor Actor, orgID, userID string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM org_managers WHERE org_id = $1`, orgID).Scan(&n); err != nil {
			return fmt.Errorf("remove manager: %w", err)
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM org_managers WHERE org_id = $1 AND user_id = $2`, orgID, userID)
		if err != nil {
			return fmt.Errorf("remove manager: %w", err)
		}
		if k, _ := res.RowsAffected(); k == 0 {
			return silkbridge.NotFound("manager")
		}
		if n <= 1 {
			return silkbridge.Conflict("account.manager.last", "an organisation keeps at least one manager")
		}
		return s.audit(ctx, tx, actor, "remove_manager", "organisation", orgID, orgID, map[string]string{"user_id": userID}, nil)
	})
}
