package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/cooperation"
)

const agreementColumns = `a.id, a.title, a.kind, a.signed_on, a.expires_on, a.summary, a.text, a.sample, a.created_by,
	a.created_at, a.updated_at`

func scanAgreement(row interface{ Scan(...any) error }) (*cooperation.Agreement, error) {
	var a cooperation.Agreement
	var created, updated string
	if err := row.Scan(&a.ID, &a.Title, &a.Kind, &a.SignedOn, &a.ExpiresOn, &a.Summary, &a.Text, &a.Sample, &a.CreatedBy,
		&created, &updated); err != nil {
		return nil, err
	}
	a.CreatedAt, a.UpdatedAt = parseTS(created), parseTS(updated)
	a.Parties, a.Countries, a.CooperationIDs = []cooperation.Party{}, []string{}, []string{}
	return &a, nil
}

// Agreement returns one agreement with its parties and cooperations.
func (s *Store) Agreement(ctx context.Context, id string) (*cooperation.Agreement, error) {
	return s.agreement(ctx, s.db, id)
}

func (s *Store) agreement(ctx context.Context, q queryer, id string) (*cooperation.Agreement, error) {
	a, err := scanAgreement(q.QueryRowContext(ctx, `SELECT `+agreementColumns+` FROM agreements a WHERE a.id = $1`, id))
	if err != nil {
		return nil, notFound(err, "agreement")
	}
	if err := s.loadParties(ctx, q, []*cooperation.Agreement{a}); err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT cooperation_id FROM agreement_cooperations WHERE agreement_id = $1 ORDER BY cooperation_id`, id)
	if err != nil {
		return nil, fmt.Errorf("agreement cooperations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		a.CooperationIDs = append(a.CooperationIDs, c)
	}
	return a, rows.Err()
}

func (s *Store) loadParties(ctx context.Context, q queryer, list []*cooperation.Agreement) error {
	if len(list) == 0 {
		return nil
	}
	byID := map[string]*cooperation.Agreement{}
	ids := make([]string, len(list))
	for i, a := range list {
		byID[a.ID], ids[i] = a, a.ID
	}
	var args []any
	rows, err := q.QueryContext(ctx, `SELECT p.agreement_id, p.kind, p.country, COALESCE(p.org_id, ''), COALESCE(o.name, ''),
		p.consent, p.invited_at
		FROM agreement_parties p LEFT JOIN organisations o ON o.id = p.org_id
		WHERE p.agreement_id IN (`+placeholders(&args, ids)+`) ORDER BY p.agreement_id, p.position`, args...)
	if err != nil {
		return fmt.Errorf("agreement parties: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, invited string
		var p cooperation.Party
		if err := rows.Scan(&id, &p.Kind, &p.Country, &p.OrgID, &p.Name, &p.Consent, &invited); err != nil {
			return err
		}
		p.InvitedAt = parseTS(invited)
		byID[id].Parties = append(byID[id].Parties, p)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, a := range list {
		setAgreementCountries(a)
	}
	return nil
}

// setAgreementCountries fills the countries of the parties that count: an
// invited organisation does not yet bring its country to the agreement.
func setAgreementCountries(a *cooperation.Agreement) {
	seen := map[string]bool{}
	a.Countries = []string{}
	for _, p := range a.AcceptedParties() {
		if !seen[p.Country] {
			seen[p.Country] = true
			a.Countries = append(a.Countries, p.Country)
		}
	}
	sort.Strings(a.Countries)
}

// Agreements lists agreements that pass the filter, the most recently
// signed first.
func (s *Store) Agreements(ctx context.Context, f cooperation.AgreementFilter) ([]*cooperation.Agreement, Page, error) {
	var args []any
	conds := []string{"1 = 1"}
	if f.Query != "" {
		c, ok := s.searchCond("a.id", "agreement", f.Query, &args)
		if !ok {
			c = "1 = 0"
		}
		conds = append(conds, c)
	}
	for _, country := range []string{f.Country, f.Country2} {
		if country != "" {
			args = append(args, country)
			conds = append(conds, fmt.Sprintf("a.id IN (SELECT agreement_id FROM agreement_parties WHERE country = $%d AND consent = 'accepted')", len(args)))
		}
	}
	if f.Kind != "" {
		args = append(args, f.Kind)
		conds = append(conds, fmt.Sprintf("a.kind = $%d", len(args)))
	}
	if f.OrgID != "" {
		args = append(args, f.OrgID)
		conds = append(conds, fmt.Sprintf("a.id IN (SELECT agreement_id FROM agreement_parties WHERE org_id = $%d AND consent = 'accepted')", len(args)))
	}
	where := " WHERE " + strings.Join(conds, " AND ")
	page, per := normPage(f.Page, f.PerPage)
	p := Page{Number: page, PerPage: per}
	if err := s.countCached(ctx, &p.Total, `SELECT COUNT(*) FROM agreements a`+where, args...); err != nil {
		return nil, p, fmt.Errorf("count agreements: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+agreementColumns+` FROM agreements a`+where+
		fmt.Sprintf(" ORDER BY a.signed_on DESC, a.id LIMIT %d OFFSET %d", per, (page-1)*per), args...)
	if err != nil {
		return nil, p, fmt.Errorf("list agreements: %w", err)
	}
	defer rows.Close()
	var out []*cooperation.Agreement
	for rows.Next() {
		a, err := scanAgreement(rows)
		if err != nil {
			return nil, p, err
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, p, err
	}
	return out, p, s.loadParties(ctx, s.db, out)
}

// CreateAgreement validates and stores a new agreement with its parties.
func (s *Store) CreateAgreement(ctx context.Context, actor Actor, a *cooperation.Agreement) error {
	ref, err := s.Reference(ctx)
	if err != nil {
		return err
	}
	a.Normalise()
	if err := a.Validate(ref); err != nil {
		return err
	}
	a.ID = silkbridge.NewID()
	a.CreatedAt, a.UpdatedAt, a.CreatedBy = now(), now(), actor.UserID
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO agreements (id, title, kind, signed_on, expires_on, summary, text, sample,
			created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			a.ID, a.Title, a.Kind, a.SignedOn, a.ExpiresOn, a.Summary, a.Text, a.Sample, a.CreatedBy, ts(a.CreatedAt), ts(a.UpdatedAt)); err != nil {
			return fmt.Errorf("create agreement: %w", err)
		}
		if err := s.decideParties(ctx, tx, actor, a, nil); err != nil {
			return err
		}
		if err := s.putParties(ctx, tx, a); err != nil {
			return err
		}
		if err := s.indexAgreement(ctx, tx, a); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "create", "agreement", a.ID, "", nil, a)
	})
}

func (s *Store) indexAgreement(ctx context.Context, q queryer, a *cooperation.Agreement) error {
	return s.index(ctx, q, "agreement", a.ID, a.Title, a.Summary, a.Text)
}

// putParties replaces the parties of an agreement, with their consent; an
// organisation party takes its organisation's country.
func (s *Store) putParties(ctx context.Context, q queryer, a *cooperation.Agreement) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM agreement_parties WHERE agreement_id = $1`, a.ID); err != nil {
		return fmt.Errorf("agreement parties: %w", err)
	}
	for i := range a.Parties {
		p := &a.Parties[i]
		if p.Kind == cooperation.PartyOrganisation {
			err := q.QueryRowContext(ctx, `SELECT country, name FROM organisations WHERE id = $1`, p.OrgID).Scan(&p.Country, &p.Name)
			if errors.Is(err, sql.ErrNoRows) {
				return silkbridge.Invalid("parties", "field.organisation", "not an organisation on the platform", nil)
			}
			if err != nil {
				return fmt.Errorf("agreement party: %w", err)
			}
		} else {
			p.OrgID, p.Name = "", ""
		}
		if _, err := q.ExecContext(ctx, `INSERT INTO agreement_parties (agreement_id, position, kind, country, org_id, consent, invited_at)
			VALUES ($1, $2, $3, $4, NULLIF($5, ''), $6, $7)`, a.ID, i, p.Kind, p.Country, p.OrgID, p.Consent, ts(p.InvitedAt)); err != nil {
			return fmt.Errorf("agreement party: %w", err)
		}
	}
	setAgreementCountries(a)
	return nil
}

// UpdateAgreement validates and saves the changes update makes.
func (s *Store) UpdateAgreement(ctx context.Context, actor Actor, id string, update func(*cooperation.Agreement)) (*cooperation.Agreement, error) {
	ref, err := s.Reference(ctx)
	if err != nil {
		return nil, err
	}
	var after *cooperation.Agreement
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := s.agreement(ctx, tx, id)
		if err != nil {
			return err
		}
		a := *before
		a.Parties = append([]cooperation.Party(nil), before.Parties...)
		update(&a)
		a.ID, a.CreatedAt, a.CreatedBy, a.CooperationIDs = before.ID, before.CreatedAt, before.CreatedBy, before.CooperationIDs
		a.Normalise()
		if err := a.Validate(ref); err != nil {
			return err
		}
		if err := s.decideParties(ctx, tx, actor, &a, before); err != nil {
			return err
		}
		a.UpdatedAt = now()
		if _, err := tx.ExecContext(ctx, `UPDATE agreements SET title = $2, kind = $3, signed_on = $4, expires_on = $5, summary = $6,
			text = $7, updated_at = $8 WHERE id = $1`, a.ID, a.Title, a.Kind, a.SignedOn, a.ExpiresOn, a.Summary, a.Text, ts(a.UpdatedAt)); err != nil {
			return fmt.Errorf("update agreement: %w", err)
		}
		if err := s.putParties(ctx, tx, &a); err != nil {
			return err
		}
		if err := s.indexAgreement(ctx, tx, &a); err != nil {
			return err
		}
		after = &a
		return s.audit(ctx, tx, actor, "update", "agreement", a.ID, "", before, a)
	})
	return after, err
}

// DeleteAgreement removes an agreement; the cooperations under it stay.
func (s *Store) DeleteAgreement(ctx context.Context, actor Actor, id string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := s.agreement(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM agreements WHERE id = $1`, id); err != nil {
			if IsForeignKeyViolation(err) {
				return silkbridge.Conflict("error.in_use", "other records refer to this agreement")
			}
			return fmt.Errorf("delete agreement: %w", err)
		}
		if err := s.unindex(ctx, tx, "agreement", id); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "delete", "agreement", id, "", before, nil)
	})
}

// LinkCooperation puts a cooperation under an agreement.
func (s *Store) LinkCooperation(ctx context.Context, actor Actor, agreementID, coopID string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.agreement(ctx, tx, agreementID); err != nil {
			return err
		}
		var single bool
		err := tx.QueryRowContext(ctx, `SELECT single_beneficiary FROM cooperations WHERE id = $1`, coopID).Scan(&single)
		if errors.Is(err, sql.ErrNoRows) || single {
			return silkbridge.Invalid("cooperation_id", "coop.field.cooperation", "not a cooperation on the platform", nil)
		}
		if err != nil {
			return fmt.Errorf("link cooperation: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO agreement_cooperations (agreement_id, cooperation_id) VALUES ($1, $2)
			ON CONFLICT DO NOTHING`, agreementID, coopID); err != nil {
			return fmt.Errorf("link cooperation: %w", err)
		}
		return s.audit(ctx, tx, actor, "link_cooperation", "agreement", agreementID, "", nil, map[string]string{"cooperation_id": coopID})
	})
}

// UnlinkCooperation takes a cooperation out from under an agreement.
func (s *Store) UnlinkCooperation(ctx context.Context, actor Actor, agreementID, coopID string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM agreement_cooperations WHERE agreement_id = $1 AND cooperation_id = $2`, agreementID, coopID)
		if err != nil {
			return fmt.Errorf("unlink cooperation: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return silkbridge.NotFound("cooperation")
		}
		return s.audit(ctx, tx, actor, "unlink_cooperation", "agreement", agreementID, "", map[string]string{"cooperation_id": coopID}, nil)
	})
}

// CooperationsByID returns the cooperations with these ids (unknown ids
// are skipped), with their partners, in the order given.
func (s *Store) CooperationsByID(ctx context.Context, ids []string) ([]*cooperation.Cooperation, error) {
	if len(ids) == 0 {
		return []*cooperation.Cooperation{}, nil
	}
	var args []any
	rows, err := s.db.QueryContext(ctx, `SELECT `+coopColumns+` FROM cooperations c WHERE c.id IN (`+placeholders(&args, ids)+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("cooperations by id: %w", err)
	}
	list, err := scanCoops(rows)
	if err != nil {
		return nil, err
	}
	if err := s.loadPartners(ctx, s.db, list); err != nil {
		return nil, err
	}
	byID := map[string]*cooperation.Cooperation{}
	for _, c := range list {
		byID[c.ID] = c
	}
	out := make([]*cooperation.Cooperation, 0, len(list))
	for _, id := range ids {
		if c := byID[id]; c != nil {
			out = append(out, c)
		}
	}
	return out, nil
}

// ProgrammeRef names a programme run under an agreement.
type ProgrammeRef struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

// AgreementProgrammes lists the talent-training programmes run under an
// agreement, by title.
func (s *Store) AgreementProgrammes(ctx context.Context, agreementID string) ([]ProgrammeRef, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, title FROM programmes WHERE agreement_id = $1 ORDER BY title, id`, agreementID)
	if err != nil {
		return nil, fmt.Errorf("agreement programmes: %w", err)
	}
	defer rows.Close()
	out := []ProgrammeRef{}
	for rows.Next() {
		var p ProgrammeRef
		if err := rows.Scan(&p.ID, &p.Title); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
