package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/talent"
)

// A member may download everything the platform holds about them and
// delete their account. What other capabilities hold of a user is erased
// by the functions they register here (from an init in their store file),
// inside the same transaction that deletes the account, so an account is
// never half deleted:
//
//	func init() { registerPersonalDataEraser("applications", eraseApplications) }
//
// The web side gathers the download from exporters registered in package
// web (personalDataExporters).

// personalDataEraser removes what one capability holds of a user, or with
// anonymise keeps the user's public content without anything that says who
// wrote it. It runs before the core tables (talents, org_managers,
// sessions, api_tokens, users) are erased, so it can still join them.
type personalDataEraser struct {
	name  string
	erase func(ctx context.Context, s *Store, tx *sql.Tx, userID string, anonymise bool) error
}

var personalDataErasers []personalDataEraser

// registerPersonalDataEraser adds a capability's eraser; call it from init.
func registerPersonalDataEraser(name string, erase func(ctx context.Context, s *Store, tx *sql.Tx, userID string, anonymise bool) error) {
	personalDataErasers = append(personalDataErasers, personalDataEraser{name: name, erase: erase})
}

// AnonymousName stands in for the name of a member who deleted their
// account but kept their content.
const AnonymousName = "Anonymous"

// DeleteUser deletes an account and everything that names its holder. With
// anonymise, public content the user wrote (and their talent profile, made
// private, which matching results may refer to) is kept without name or
// contact; otherwise it is removed. Audit entries keep the former user's id,
// which no longer leads to a person, and the values they recorded about the
// account and its profile are erased.
func (s *Store) DeleteUser(ctx context.Context, actor Actor, userID string, anonymise bool) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users u WHERE u.id = $1`, userID)); err != nil {
			return notFound(err, "user")
		}
		for _, e := range personalDataErasers {
			if err := e.erase(ctx, s, tx, userID, anonymise); err != nil {
				return fmt.Errorf("delete user: %s: %w", e.name, err)
			}
		}
		var talentID string
		err := tx.QueryRowContext(ctx, `SELECT id FROM talents WHERE user_id = $1`, userID).Scan(&talentID)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("delete user: %w", err)
		}
		// Erase recorded values about the account, its profile and its
		// tokens first, while the tokens can still be found.
		if _, err := tx.ExecContext(ctx, `UPDATE audit_log SET before = CASE WHEN before = '' THEN '' ELSE $3 END,
			after = CASE WHEN after = '' THEN '' ELSE $3 END
			WHERE (kind = 'user' AND ref = $1) OR (kind = 'talent' AND ref = $2)
			OR (kind = 'api_token' AND ref IN (SELECT id FROM api_tokens WHERE user_id = $1))`,
			userID, talentID, `{"erased":true}`); err != nil {
			return fmt.Errorf("delete user: erase audit values: %w", err)
		}
		if talentID != "" {
			if err := s.eraseTalent(ctx, tx, talentID, anonymise); err != nil {
				return err
			}
		}
		orgs, err := managedOrganisations(ctx, tx, userID)
		if err != nil {
			return err
		}
		for _, org := range orgs {
			if _, err := tx.ExecContext(ctx, `DELETE FROM org_managers WHERE org_id = $1 AND user_id = $2`, org, userID); err != nil {
				return fmt.Errorf("delete user: %w", err)
			}
			if err := s.audit(ctx, tx, actor, "remove_manager", "organisation", org, org, map[string]string{"user_id": userID}, nil); err != nil {
				return err
			}
		}
		for _, q := range []string{
			`DELETE FROM org_invitations WHERE email = (SELECT email FROM users WHERE id = $1)`,
			`DELETE FROM password_resets WHERE user_id = $1`,
			`DELETE FROM mail_optouts WHERE user_id = $1`,
			`DELETE FROM sessions WHERE user_id = $1`,
			`DELETE FROM api_tokens WHERE user_id = $1`,
			`DELETE FROM users WHERE id = $1`,
		} {
			if _, err := tx.ExecContext(ctx, q, userID); err != nil {
				if IsForeignKeyViolation(err) {
					return silkbridge.Conflict("account.delete.in_use", "other records still refer to this account")
				}
				return fmt.Errorf("delete user: %w", err)
			}
		}
		mode := "remove"
		if anonymise {
			mode = "anonymise"
		}
		return s.audit(ctx, tx, actor, "delete", "user", userID, "", nil, map[string]string{"content": mode})
	})
}

// eraseTalent removes a deleted member's talent profile, or keeps it
// private with only what statistics need (country, fields, career stage).
func (s *Store) eraseTalent(ctx context.Context, tx *sql.Tx, id string, anonymise bool) error {
	if anonymise {
		if _, err := tx.ExecContext(ctx, `UPDATE talents SET user_id = NULL, name = $2, orcid = '', affiliation = '', org_id = NULL,
			keywords = '[]', languages = '[]', mobility = '[]', bio = '', email = '', public = FALSE, shown = '[]', updated_at = $3
			WHERE id = $1`, id, AnonymousName, ts(now())); err != nil {
			return fmt.Errorf("anonymise talent: %w", err)
		}
		return s.unindex(ctx, tx, "talent", id)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM talents WHERE id = $1`, id); err != nil {
		if IsForeignKeyViolation(err) {
			return silkbridge.Conflict("account.delete.in_use", "other records still refer to this account")
		}
		return fmt.Errorf("delete talent: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM subject_fields WHERE kind = 'talent' AND ref = $1`, id); err != nil {
		return fmt.Errorf("delete talent: %w", err)
	}
	return s.unindex(ctx, tx, "talent", id)
}

func managedOrganisations(ctx context.Context, q queryer, userID string) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT org_id FROM org_managers WHERE user_id = $1 ORDER BY org_id`, userID)
	if err != nil {
		return nil, fmt.Errorf("managed organisations: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// PersonalData is what the core tables hold about one user, for the
// download a member may ask for at any time.
type PersonalData struct {
	Account       *account.User         `json:"account"`
	TalentProfile *talent.Profile       `json:"talent_profile"`
	Organisations []ManagedOrganisation `json:"organisations_managed"`
	Invitations   []*account.Invitation `json:"invitations"`
	Sessions      []SessionInfo         `json:"sessions"`
	APITokens     []APIToken            `json:"api_tokens"`
	AuditLog      []AuditEntry          `json:"audit_log_by_me"`
}

// ManagedOrganisation names an organisation a user manages.
type ManagedOrganisation struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// SessionInfo describes a signed-in browser without its secret.
type SessionInfo struct {
	CreatedAt  string `json:"created_at"`
	LastSeenAt string `json:"last_seen_at"`
	ExpiresAt  string `json:"expires_at"`
}

// maxExportedAuditEntries bounds the audit part of a download; an
// operator can give more from the database.
const maxExportedAuditEntries = 10000

// PersonalDataOf gathers what the core tables hold about a user.
func (s *Store) PersonalDataOf(ctx context.Context, userID string) (*PersonalData, error) {
	u, err := s.User(ctx, userID)
	if err != nil {
		return nil, err
	}
	d := &PersonalData{Account: u, Organisations: []ManagedOrganisation{}, Sessions: []SessionInfo{}}
	switch p, err := s.TalentOfUser(ctx, userID); {
	case err == nil:
		d.TalentProfile = p
	case silkbridge.ErrorCode(err) != silkbridge.ENOTFOUND:
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT o.id, o.name FROM org_managers m JOIN organisations o ON o.id = m.org_id
		WHERE m.user_id = $1 ORDER BY o.name`, userID)
	if err != nil {
		return nil, fmt.Errorf("personal data: %w", err)
	}
	for rows.Next() {
		var o ManagedOrganisation
		if err := rows.Scan(&o.ID, &o.Name); err != nil {
			rows.Close()
			return nil, err
		}
		d.Organisations = append(d.Organisations, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = s.db.QueryContext(ctx, `SELECT created_at, last_seen_at, expires_at FROM sessions WHERE user_id = $1 ORDER BY created_at`, userID)
	if err != nil {
		return nil, fmt.Errorf("personal data: %w", err)
	}
	for rows.Next() {
		var si SessionInfo
		if err := rows.Scan(&si.CreatedAt, &si.LastSeenAt, &si.ExpiresAt); err != nil {
			rows.Close()
			return nil, err
		}
		d.Sessions = append(d.Sessions, si)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if d.Invitations, err = s.invitations(ctx, s.db, `i.email = $1 OR i.invited_by = $2`, u.Email, u.ID); err != nil {
		return nil, err
	}
	if d.APITokens, err = s.Tokens(ctx, userID); err != nil {
		return nil, err
	}
	if d.AuditLog, _, err = s.auditEntries(ctx, AuditFilter{ActorID: userID}, 1, maxExportedAuditEntries, false); err != nil {
		return nil, err
	}
	// The user's own actions, but not what they may not learn through
	// them, such as the owner of an anonymous listing they answered.
	if d.AuditLog, err = s.redactAuditFor(ctx, u, d.AuditLog); err != nil {
		return nil, err
	}
	return d, nil
}
