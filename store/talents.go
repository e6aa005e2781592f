package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/talent"
)

const talentColumns = `t.id, COALESCE(t.user_id, ''), t.name, t.country, t.orcid, t.affiliation, COALESCE(t.org_id, ''),
	t.fields, t.keywords, t.languages, t.career_stage, t.mobility, t.bio, t.email, t.public, t.shown, t.sample,
	t.created_at, t.updated_at`

func scanTalent(row interface{ Scan(...any) error }) (*talent.Profile, error) {
	var p talent.Profile
	var fields, keywords, languages, mobility, shown, created, updated string
	if err := row.Scan(&p.ID, &p.UserID, &p.Name, &p.Country, &p.ORCID, &p.Affiliation, &p.OrgID,
		&fields, &keywords, &languages, &p.CareerStage, &mobility, &p.Bio, &p.Email, &p.Public, &shown, &p.Sample,
		&created, &updated); err != nil {
		return nil, err
	}
	p.Fields, p.Keywords, p.Languages = parseList(fields), parseList(keywords), parseList(languages)
	p.Mobility, p.Shown = parseList(mobility), parseList(shown)
	p.CreatedAt, p.UpdatedAt = parseTS(created), parseTS(updated)
	return &p, nil
}

// Talent returns one talent profile, private or not: callers decide what to show.
func (s *Store) Talent(ctx context.Context, id string) (*talent.Profile, error) {
	return s.talent(ctx, s.db, `t.id = $1`, id)
}

// TalentOfUser returns the profile a user keeps.
func (s *Store) TalentOfUser(ctx context.Context, userID string) (*talent.Profile, error) {
	return s.talent(ctx, s.db, `t.user_id = $1`, userID)
}

func (s *Store) talent(ctx context.Context, q queryer, cond string, arg any) (*talent.Profile, error) {
	p, err := scanTalent(q.QueryRowContext(ctx, `SELECT `+talentColumns+` FROM talents t WHERE `+cond, arg))
	return p, notFound(err, "talent profile")
}

// Talents lists profiles that pass the filter, by name.
func (s *Store) Talents(ctx context.Context, f talent.Filter) ([]*talent.Profile, Page, error) {
	var args []any
	var conds []string
	if !f.IncludePrivate {
		conds = append(conds, "t.public")
	}
	if f.Query != "" {
		c, ok := s.searchCond("t.id", "talent", f.Query, &args)
		if !ok {
			c = "1 = 0"
		}
		conds = append(conds, c)
	}
	if f.Country != "" {
		args = append(args, f.Country)
		conds = append(conds, fmt.Sprintf("t.country = $%d", len(args)))
	}
	if f.Field != "" {
		conds = append(conds, fieldCond("t.id", "talent", f.Field, &args))
	}
	if f.BRIPartner {
		conds = append(conds, "t.country IN (SELECT code FROM countries WHERE bri_partner)")
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	page, per := normPage(f.Page, f.PerPage)
	p := Page{Number: page, PerPage: per}
	if err := s.countCached(ctx, &p.Total, `SELECT COUNT(*) FROM talents t`+where, args...); err != nil {
		return nil, p, fmt.Errorf("count talents: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+talentColumns+` FROM talents t`+where+
		fmt.Sprintf(" ORDER BY t.name, t.id LIMIT %d OFFSET %d", per, (page-1)*per), args...)
	if err != nil {
		return nil, p, fmt.Errorf("list talents: %w", err)
	}
	defer rows.Close()
	var out []*talent.Profile
	for rows.Next() {
		t, err := scanTalent(rows)
		if err != nil {
			return nil, p, err
		}
		out = append(out, t)
	}
	return out, p, rows.Err()
}

// talentText is what search finds a profile by: only what is public, so a
// search cannot reveal a hidden field.
func talentText(p *talent.Profile) []string {
	v := p.PublicView()
	return []string{v.Name, v.Affiliation, v.Bio, strings.Join(v.Keywords, " ")}
}

// CreateTalent validates and stores a new profile, kept by userID when given.
func (s *Store) CreateTalent(ctx context.Context, actor Actor, p *talent.Profile) error {
	ref, err := s.Reference(ctx)
	if err != nil {
		return err
	}
	p.Normalise()
	if err := p.Validate(ref); err != nil {
		return err
	}
	p.ID = silkbridge.NewID()
	p.CreatedAt, p.UpdatedAt = now(), now()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := checkOrgRef(ctx, tx, p.OrgID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO talents (id, user_id, name, country, orcid, affiliation, org_id, fields,
			keywords, languages, career_stage, mobility, bio, email, public, shown, sample, created_at, updated_at)
			VALUES ($1, NULLIF($2, ''), $3, $4, $5, $6, NULLIF($7, ''), $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
			p.ID, p.UserID, p.Name, p.Country, p.ORCID, p.Affiliation, p.OrgID, jsonList(p.Fields), jsonList(p.Keywords),
			jsonList(p.Languages), p.CareerStage, jsonList(p.Mobility), p.Bio, p.Email, p.Public, jsonList(p.Shown), p.Sample,
			ts(p.CreatedAt), ts(p.UpdatedAt))
		if IsUniqueViolation(err) {
			return silkbridge.Conflict("error.profile_exists", "you already keep a talent profile")
		}
		if err != nil {
			return fmt.Errorf("insert talent: %w", err)
		}
		if err := setFields(ctx, tx, "talent", p.ID, p.Fields); err != nil {
			return err
		}
		if err := s.index(ctx, tx, "talent", p.ID, talentText(p)...); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "create", "talent", p.ID, "", nil, p)
	})
}

func checkOrgRef(ctx context.Context, q queryer, orgID string) error {
	if orgID == "" {
		return nil
	}
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM organisations WHERE id = $1`, orgID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return silkbridge.Invalid("organisation_id", "field.organisation", "no such organisation on the platform", nil)
	}
	return nil
}

// UpdateTalent validates and saves the changes made by update.
func (s *Store) UpdateTalent(ctx context.Context, actor Actor, id string, update func(*talent.Profile)) (*talent.Profile, error) {
	ref, err := s.Reference(ctx)
	if err != nil {
		return nil, err
	}
	var after *talent.Profile
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := s.talent(ctx, tx, `t.id = $1`, id)
		if err != nil {
			return err
		}
		after, err = s.updateTalent(ctx, tx, ref, actor, before, update)
		return err
	})
	return after, err
}

// SaveTalentOfUser creates the user's own profile, or applies update to
// it when they already keep one, in one transaction. The insert does
// nothing on a conflict with the profile another request just made (the
// user's profile is unique), and the update then applies to that one: so
// parallel first saves all succeed and leave one profile.
func (s *Store) SaveTalentOfUser(ctx context.Context, actor Actor, userID string, update func(*talent.Profile)) (*talent.Profile, error) {
	if userID == "" {
		return nil, silkbridge.Unauthorized()
	}
	ref, err := s.Reference(ctx)
	if err != nil {
		return nil, err
	}
	p := &talent.Profile{UserID: userID}
	update(p)
	p.Normalise()
	if err := p.Validate(ref); err != nil {
		return nil, err
	}
	p.ID = silkbridge.NewID()
	p.CreatedAt, p.UpdatedAt = now(), now()
	var saved *talent.Profile
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if err := checkOrgRef(ctx, tx, p.OrgID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO talents (id, user_id, name, country, orcid, affiliation, org_id, fields,
			keywords, languages, career_stage, mobility, bio, email, public, shown, sample, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, NULLIF($7, ''), $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
			ON CONFLICT (user_id) DO NOTHING`,
			p.ID, p.UserID, p.Name, p.Country, p.ORCID, p.Affiliation, p.OrgID, jsonList(p.Fields), jsonList(p.Keywords),
			jsonList(p.Languages), p.CareerStage, jsonList(p.Mobility), p.Bio, p.Email, p.Public, jsonList(p.Shown), p.Sample,
			ts(p.CreatedAt), ts(p.UpdatedAt))
		if err != nil {
			return fmt.Errorf("save talent: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("save talent: %w", err)
		} else if n == 1 {
			if err := setFields(ctx, tx, "talent", p.ID, p.Fields); err != nil {
				return err
			}
			if err := s.index(ctx, tx, "talent", p.ID, talentText(p)...); err != nil {
				return err
			}
			saved = p
			return s.audit(ctx, tx, actor, "create", "talent", p.ID, "", nil, p)
		}
		before, err := s.talent(ctx, tx, `t.user_id = $1`, userID)
		if err != nil {
			return err
		}
		saved, err = s.updateTalent(ctx, tx, ref, actor, before, update)
		return err
	})
	return saved, err
}

// updateTalent applies update to the profile read in the transaction and
// saves it.
func (s *Store) updateTalent(ctx context.Context, tx *sql.Tx, ref *Reference, actor Actor, before *talent.Profile, update func(*talent.Profile)) (*talent.Profile, error) {
	p := *before
	update(&p)
	p.ID, p.UserID, p.CreatedAt, p.Sample = before.ID, before.UserID, before.CreatedAt, before.Sample
	p.Normalise()
	if err := p.Validate(ref); err != nil {
		return nil, err
	}
	if err := checkOrgRef(ctx, tx, p.OrgID); err != nil {
		return nil, err
	}
	p.UpdatedAt = now()
	_, err := tx.ExecContext(ctx, `UPDATE talents SET name = $2, country = $3, orcid = $4, affiliation = $5, org_id = NULLIF($6, ''),
		fields = $7, keywords = $8, languages = $9, career_stage = $10, mobility = $11, bio = $12, email = $13, public = $14,
		shown = $15, updated_at = $16 WHERE id = $1`,
		p.ID, p.Name, p.Country, p.ORCID, p.Affiliation, p.OrgID, jsonList(p.Fields), jsonList(p.Keywords), jsonList(p.Languages),
		p.CareerStage, jsonList(p.Mobility), p.Bio, p.Email, p.Public, jsonList(p.Shown), ts(p.UpdatedAt))
	if err != nil {
		return nil, fmt.Errorf("update talent: %w", err)
	}
	if err := setFields(ctx, tx, "talent", p.ID, p.Fields); err != nil {
		return nil, err
	}
	if err := s.index(ctx, tx, "talent", p.ID, talentText(&p)...); err != nil {
		return nil, err
	}
	return &p, s.audit(ctx, tx, actor, "update", "talent", p.ID, "", before, p)
}

// DeleteTalent removes a profile.
func (s *Store) DeleteTalent(ctx context.Context, actor Actor, id string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := s.talent(ctx, tx, `t.id = $1`, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM talents WHERE id = $1`, id); err != nil {
			if IsForeignKeyViolation(err) {
				return silkbridge.Conflict("error.in_use", "other records refer to this profile")
			}
			return fmt.Errorf("delete talent: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM subject_fields WHERE kind = 'talent' AND ref = $1`, id); err != nil {
			return err
		}
		if err := s.unindex(ctx, tx, "talent", id); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "delete", "talent", id, "", before, nil)
	})
}
